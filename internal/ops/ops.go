package ops

// The ops in the order the op reference lists them; merges last.
func init() {
	for _, o := range []*Op{
		conv, linear,
		relu, relu6, sigmoid, tanh, silu, gelu, hardswish, hardsigmoid, leakyReLU,
		maxpool, avgpool, adaptiveAvgPool,
		batchnorm, layernorm, scale, dropout, dropPath,
		flatten, identity, slice, channelShuffle,
		concat, add, mul,
	} {
		register(o)
	}
}
