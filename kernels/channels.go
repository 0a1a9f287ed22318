package kernels

import "fmt"

// Kernels that move whole channel planes of N x C x H x W tensors (hw = H*W elements
// each): ShuffleNet's channel shuffle, and the channel slice that splits a tensor into
// branches.

// ChannelShuffleForward is torch.nn.ChannelShuffle: the C channels, seen as groups x
// C/groups, are transposed to C/groups x groups, so output channel j*groups + g is input
// channel g*(C/groups) + j.
func ChannelShuffleForward(groups, c, hw int, x, y View) {
	checkShuffle(groups, c, hw, x, y)
	t := modTask{op: modShuffle, a: x, b: y, groups: groups, ch: c, hw: hw}
	t.run(x.N*c, hw)
}

// ChannelShuffleBackward sends each output channel's gradient back to the input channel
// it came from, dx (+)= dy permuted.
func ChannelShuffleBackward(groups, c, hw int, dy, dx View, accumulate bool) {
	checkShuffle(groups, c, hw, dy, dx)
	t := modTask{op: modShuffleBack, a: dy, b: dx, groups: groups, ch: c, hw: hw, acc: accumulate}
	t.run(dy.N*c, hw)
}

func checkShuffle(groups, c, hw int, x, y View) {
	if groups < 1 || c%groups != 0 {
		panic(fmt.Sprintf("kernels: channel shuffle of %d channels in %d groups", c, groups))
	}
	x.check("channel shuffle", "input", x.N, c*hw)
	y.check("channel shuffle", "output", x.N, c*hw)
}

// ChannelSliceForward copies channels [first, last) of x (C channels) into y.
func ChannelSliceForward(first, last, c, hw int, x, y View) {
	checkSlice(first, last, c, hw, x, y)
	t := modTask{op: modSlice, a: x, b: y, first: first, hw: hw}
	t.run(x.N, (last-first)*hw)
}

// ChannelSliceBackward adds dy into channels [first, last) of dx; when not accumulating,
// it writes them and sets dx's other channels to zero.
func ChannelSliceBackward(first, last, c, hw int, dy, dx View, accumulate bool) {
	checkSlice(first, last, c, hw, dx, dy)
	t := modTask{op: modSliceBack, a: dy, b: dx, first: first, hw: hw, acc: accumulate}
	t.run(dy.N, c*hw)
}

func checkSlice(first, last, c, hw int, whole, part View) {
	if first < 0 || first >= last || last > c {
		panic(fmt.Sprintf("kernels: channel slice [%d, %d) of %d channels", first, last, c))
	}
	whole.check("channel slice", "whole", whole.N, c*hw)
	part.check("channel slice", "part", whole.N, (last-first)*hw)
}
