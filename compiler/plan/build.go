package plan

import (
	"fmt"

	"github.com/netc/netc/compiler/internal/memplan"
	"github.com/netc/netc/compiler/ir"
)

// Options control Build.
type Options struct {
	Mode    Mode
	Batch   int
	Disable []string                    // passes to skip, by name
	After   func(run PassRun, g *Graph) // called after each pass (netc plan --passes)
	Check   bool                        // run the invariant checker after every pass
	// Conv chooses each convolution's algorithm and the scratch (float32 elements) its
	// forward and backward need. The compiler does not know the kernels, so the runner
	// supplies this; without it, every conv is planned as im2col, one sample at a time.
	Conv func(c ConvInfo) (algo string, forward, backward int64)
}

// ConvInfo is what an algorithm choice depends on.
type ConvInfo struct {
	Attrs   ir.Attrs
	In, Out ir.Shape // per sample
	Batch   int
	// Strides between samples of the input and output (a concat slice is strided).
	InStride, OutStride int
	// Mode: an inference plan runs the forward pass only, so the choice may
	// weigh the forward alone.
	Mode Mode
	// PreNorm: the conv applies a batchnorm to its input as it reads it (fusePreNorm).
	PreNorm bool
}

// MaxArenaBytes refuses plans that could not be allocated on any machine netc runs on;
// the check happens before anything is allocated.
const MaxArenaBytes = 1 << 40

// Build compiles a checked graph into a plan.
func Build(src *ir.Graph, opt Options) (*Plan, error) {
	if opt.Batch < 1 {
		return nil, fmt.Errorf("batch size must be at least 1, found %d", opt.Batch)
	}
	g := lower(src, opt.Mode)
	ran, err := runPasses(g, opt.Disable, opt.After, opt.Check)
	if err != nil {
		return nil, err
	}
	if err := g.Check(); err != nil {
		return nil, fmt.Errorf("internal error: %w", err)
	}
	return g.finish(opt.Batch, ran, opt.Conv)
}

// builder turns the rewritten step graph into a Plan: buffers, placements, the memory
// problem and its solution.
type builder struct {
	g     *Graph
	p     *Plan
	batch int64

	rootBuf  map[int]int // forward storage root -> buffer
	gradBuf  map[int]int // forward storage root -> its gradient buffer
	sizes    []int64     // bytes per buffer
	kinds    []string
	names    []string
	mpSteps  []memplan.Step
	conv     func(ConvInfo) (string, int64, int64)
	stepWork []int // per plan step: workspace buffer or -1
	backWork []int // per plan step: backward workspace buffer or -1
	stepMask []int // per plan step: mask buffer or -1
}

func (g *Graph) finish(batch int, ran []PassRun, conv func(ConvInfo) (string, int64, int64)) (*Plan, error) {
	b := &builder{g: g, batch: int64(batch), rootBuf: map[int]int{}, gradBuf: map[int]int{}, conv: conv}
	b.p = &Plan{
		Spec: g.Src.Name, Mode: g.Mode, Batch: batch, Classes: g.Src.Classes,
		Passes: ran, Input: g.Input, Output: g.Output,
	}
	if err := b.checkSize(); err != nil {
		return nil, err
	}
	b.values()
	b.steps()
	if err := b.memory(); err != nil {
		return nil, err
	}
	return b.p, nil
}

// checkSize refuses a plan whose naive size overflows or exceeds MaxArenaBytes.
func (b *builder) checkSize() error {
	var total int64
	for _, v := range b.g.Tensors {
		n := b.batch * int64(v.Elems()) * 4
		if n < 0 || total+n < total || total+n > MaxArenaBytes {
			return fmt.Errorf("batch %d needs more than %d GiB of activations; use a smaller batch or input", b.batch, MaxArenaBytes>>30)
		}
		total += n
	}
	return nil
}

func (b *builder) newBuffer(kind, name string, elems int64) int {
	b.sizes = append(b.sizes, elems*4)
	b.kinds = append(b.kinds, kind)
	b.names = append(b.names, name)
	return len(b.sizes) - 1
}

// values gives every storage root a buffer (and, in training, a gradient buffer) and
// places each value in its root's buffer.
func (b *builder) values() {
	g := b.g
	for _, v := range g.Tensors {
		root, _ := g.rootOf(v.ID)
		if _, ok := b.rootBuf[root]; !ok {
			kind := "activation"
			if root == g.Input {
				kind = "input"
			}
			b.rootBuf[root] = b.newBuffer(kind, g.Tensors[root].Name, b.batch*int64(g.Tensors[root].Elems()))
		}
	}
	if g.Mode == Training {
		used := b.used()
		for _, v := range g.Tensors {
			root, _ := g.rootOf(v.ID)
			if _, ok := b.gradBuf[root]; !ok && root != g.Input && used[v.ID] {
				b.gradBuf[root] = b.newBuffer("gradient", g.Tensors[root].Name, b.batch*int64(g.Tensors[root].Elems()))
			}
		}
	}
}

// used says, per value, whether a live step reads it or it is the output.
func (b *builder) used() []bool {
	used := make([]bool, len(b.g.Tensors))
	used[b.g.Output] = true
	for _, s := range b.g.Calls {
		for _, in := range s.In {
			used[in] = true
		}
	}
	return used
}

// placement is where value id sits, given the root's buffer, in buffer-relative elements;
// memory() adds the buffer's arena offset.
func (b *builder) placement(id int, buf map[int]int) *Placement {
	root, off := b.g.rootOf(id)
	bi, ok := buf[root]
	if !ok {
		return nil
	}
	r := b.g.Tensors[root]
	plane := 1
	if len(r.Shape) == 3 {
		plane = r.Shape[1] * r.Shape[2]
	}
	return &Placement{Buffer: bi, Offset: int64(off * plane), Stride: r.Elems()}
}

func (b *builder) steps() {
	g := b.g
	for _, s := range g.Calls {
		ps := Step{Name: s.Name, Op: s.Op, Fused: s.Fused, Act: s.Act, ActAttrs: s.ActAttrs, FoldBN: s.FoldBN, PreBN: s.PreBN, PreAct: s.PreAct, Residual: s.Residual, Alias: s.Alias,
			Attrs: s.Attrs, In: s.In, Out: s.Out, Copy: s.Copy}
		// A batchnorm the step applies to its input comes before it in the graph.
		if s.PreBN != "" {
			bn := g.node(s.PreBN)
			ps.PreBNEps = bn.Attrs.Eps
			b.addParams(&ps, bn, g.Src.InputShape(bn))
		}
		n := g.node(s.Name)
		in := g.Tensors[s.In[0]].Shape
		b.addParams(&ps, n, in)
		if s.FoldBN != "" {
			bn := g.node(s.FoldBN)
			ps.BNEps = bn.Attrs.Eps
			b.addParams(&ps, bn, g.Src.InputShape(bn))
		}
		work, back, mask := -1, -1, -1
		if s.Op == ir.OpConv {
			fwd := colElems(s.Attrs, in, g.Tensors[s.Out].Shape)
			bwd := fwd
			if s.PreBN != "" {
				fwd += b.batch * in.Elems() // the reference path normalises a copy of its input
			}
			if b.conv != nil {
				ps.Algo, fwd, bwd = b.conv(ConvInfo{Attrs: s.Attrs, In: in, Out: g.Tensors[s.Out].Shape, Batch: int(b.batch),
					InStride: b.stride(s.In[0]), OutStride: b.stride(s.Out), Mode: g.Mode, PreNorm: s.PreBN != ""})
			}
			if fwd > 0 {
				work = b.newBuffer("workspace", s.Name, fwd)
			}
			if bwd > 0 && g.Mode == Training {
				back = b.newBuffer("workspace", "backward "+s.Name, bwd)
			}
		}
		// Kept from forward to backward: dropout's mask, max pooling's argmax
		// indices, layernorm's statistics.
		if kept := keptElems(g, s, n); kept > 0 && !s.Alias && g.Mode == Training {
			mask = b.newBuffer("mask", s.Name, b.batch*kept)
		}
		b.stepWork = append(b.stepWork, work)
		b.backWork = append(b.backWork, back)
		b.stepMask = append(b.stepMask, mask)
		b.p.Steps = append(b.p.Steps, ps)
	}
}

// addParams lists node n's tensors (n read with input shape in) as the
// step's parameters and the plan's.
func (b *builder) addParams(ps *Step, n *ir.Node, in ir.Shape) {
	for _, t := range n.Tensors(in) {
		ps.Params = append(ps.Params, t.FullName(n.Name))
		b.p.Params = append(b.p.Params, param(n, t))
	}
}

func param(n *ir.Node, t ir.Tensor) Param {
	return Param{Name: t.FullName(n.Name), Node: n.Name, Shape: t.Shape, Trainable: t.Trainable, Init: t.Init, InitValue: t.Value}
}

// keptElems is what the step's training forward keeps for backward, per sample.
func keptElems(g *Graph, s *Call, n *ir.Node) int64 {
	spec := s.Op.Spec()
	if spec.Kept == nil {
		return 0
	}
	in := make([]ir.Shape, len(s.In))
	for i, id := range s.In {
		in[i] = g.Tensors[id].Shape
	}
	return spec.Kept(n, in)
}

// stride is the per-sample stride of a value's storage (its root's size).
func (b *builder) stride(id int) int {
	root, _ := b.g.rootOf(id)
	return b.g.Tensors[root].Elems()
}

// colElems is the im2col scratch of one (sample, group) of a conv: (C/groups)*kh*kw rows
// by oh*ow columns; a 1x1 conv with stride 1 and no padding reads its input directly.
func colElems(a ir.Attrs, in, out ir.Shape) int64 {
	if a.K == [2]int{1, 1} && a.Stride == [2]int{1, 1} && a.Pad == [2]int{0, 0} {
		return 0
	}
	return int64(in[0]/a.Groups) * int64(a.K[0]*a.K[1]) * int64(out[1]*out[2])
}
