package plan

import (
	"fmt"

	"github.com/netc/netc/compiler/internal/memplan"
)

// memory describes the schedule to the memory planner, solves it, and writes arena
// offsets into every placement.
//
// The schedule is the forward steps; for training, then the loss, then the backward of
// each forward step in reverse. A backward step reads its output's gradient and what it
// saved (a conv its input, an activation its output, dropout its mask, max pooling its
// argmax indices) and writes its
// inputs' gradients, so each activation stays live exactly until the last backward step
// that needs it. Gradients mirror the storage of their values: the gradient of a value
// placed in a concat slice is the same slice of the concat's gradient, which is what
// makes concat elimination and in-place steps free in backward too.
func (b *builder) memory() error {
	g := b.g
	for i, s := range g.Calls {
		st := memplan.Step{Name: s.Name, Writes: []int{b.buf(s.Out)}}
		for _, in := range s.In {
			st.Reads = append(st.Reads, b.buf(in))
		}
		if w := b.stepWork[i]; w >= 0 {
			st.Temps = append(st.Temps, w)
		}
		if m := b.stepMask[i]; m >= 0 {
			st.Writes = append(st.Writes, m)
		}
		b.mpSteps = append(b.mpSteps, st)
	}
	if g.Mode == Training {
		if err := b.backward(); err != nil {
			return err
		}
	}
	pinned := make([]bool, len(b.sizes))
	pinned[b.rootBuf[g.Input]] = true // the caller fills it before the first step
	mp, err := memplan.PlanBest(memplan.Problem{Steps: b.mpSteps, Sizes: b.sizes, Pinned: pinned, Align: memplan.DefaultAlign})
	if err != nil {
		return fmt.Errorf("internal error: memory plan: %w", err)
	}
	if err := memplan.Verify(memplan.Problem{Steps: b.mpSteps, Sizes: b.sizes, Pinned: pinned, Align: memplan.DefaultAlign}, mp); err != nil {
		return fmt.Errorf("internal error: memory plan: %w", err)
	}
	p := b.p
	p.ArenaBytes, p.LowerBoundBytes = mp.ArenaSize, mp.LowerBound
	for id := range b.sizes {
		p.Buffers = append(p.Buffers, Buffer{ID: id, Kind: b.kinds[id], Name: b.names[id], Bytes: b.sizes[id],
			Offset: mp.Offsets[id], First: mp.Live[id].First, Last: mp.Live[id].Last})
	}
	at := func(pl *Placement) *Placement {
		if pl == nil {
			return nil
		}
		pl.Offset += mp.Offsets[pl.Buffer] / 4
		return pl
	}
	for _, v := range g.Tensors {
		pv := Value{ID: v.ID, Name: v.Name, Shape: v.Shape, At: *at(b.placement(v.ID, b.rootBuf))}
		if g.Mode == Training && v.ID != g.Input {
			pv.Grad = at(b.placement(v.ID, b.gradBuf))
		}
		p.Values = append(p.Values, pv)
	}
	for i := range p.Steps {
		if w := b.stepWork[i]; w >= 0 {
			p.Steps[i].Workspace = &Placement{Buffer: w, Offset: mp.Offsets[w] / 4}
		}
		if w := b.backWork[i]; w >= 0 {
			p.Steps[i].BackWorkspace = &Placement{Buffer: w, Offset: mp.Offsets[w] / 4}
		}
		if m := b.stepMask[i]; m >= 0 {
			perSample := p.Buffers[m].Bytes / 4 / b.batch
			p.Steps[i].Mask = &Placement{Buffer: m, Offset: mp.Offsets[m] / 4, Stride: int(perSample)}
		}
	}
	p.NaiveBytes = b.naive()
	return nil
}

func (b *builder) buf(id int) int {
	root, _ := b.g.rootOf(id)
	return b.rootBuf[root]
}

func (b *builder) gbuf(id int) int {
	root, _ := b.g.rootOf(id)
	return b.gradBuf[root]
}

// backward appends the loss and the backward steps to the schedule and decides, per
// input, whether its gradient is computed and whether it is added to what an earlier
// backward step wrote.
func (b *builder) backward() error {
	g := b.g
	written := newRegions()
	out := b.region(g.Output)
	b.mpSteps = append(b.mpSteps, memplan.Step{Name: "loss", Reads: []int{b.buf(g.Output)}, Writes: []int{b.gbuf(g.Output)}})
	written.add(out)
	for i := len(g.Calls) - 1; i >= 0; i-- {
		s, ps := g.Calls[i], &b.p.Steps[i]
		st := memplan.Step{Name: "backward " + s.Name, Reads: []int{b.gbuf(s.Out)}}
		if needsInput(s) { // every input: a product's backward reads both factors
			for _, in := range s.In {
				st.Reads = append(st.Reads, b.buf(in))
			}
		}
		if needsOutput(s) {
			st.Reads = append(st.Reads, b.buf(s.Out))
		}
		if m := b.stepMask[i]; m >= 0 {
			st.Reads = append(st.Reads, m)
		}
		if w := b.backWork[i]; w >= 0 {
			st.Temps = append(st.Temps, w)
		}
		dy := b.region(s.Out)
		ps.NeedsGrad = make([]bool, len(s.In))
		ps.Accumulate = make([]bool, len(s.In))
		for j, in := range s.In {
			root, _ := g.rootOf(in)
			if root == g.Input {
				continue // nobody needs the input's gradient
			}
			ps.NeedsGrad[j] = true
			r := b.region(in)
			switch {
			case r == dy:
				// The gradient is transformed in place (an in-place activation, the
				// first input of an in-place add, an alias): it is not a second
				// contribution.
			case written.covers(r):
				ps.Accumulate[j] = true
			case written.touches(r):
				return fmt.Errorf("internal error: step %s: the gradient of %s is partly written", s.Name, g.Tensors[in].Name)
			}
			written.add(r)
			st.Writes = append(st.Writes, b.gbuf(in))
		}
		b.mpSteps = append(b.mpSteps, st)
	}
	return nil
}

// region is the part of a gradient buffer a value's gradient occupies, in per-sample
// elements.
type region struct {
	buf        int
	start, end int
}

func (b *builder) region(id int) region {
	pl := b.placement(id, b.gradBuf)
	if pl == nil {
		return region{buf: -1}
	}
	return region{pl.Buffer, int(pl.Offset), int(pl.Offset) + b.g.Tensors[id].Elems()}
}

// regions records which parts of which gradient buffers backward has written so far.
type regions map[int][][2]int

func newRegions() regions { return regions{} }

func (w regions) add(r region) { w[r.buf] = append(w[r.buf], [2]int{r.start, r.end}) }

// covers reports whether r lies entirely inside written ranges.
func (w regions) covers(r region) bool {
	pos := r.start
	for moved := true; moved && pos < r.end; {
		moved = false
		for _, x := range w[r.buf] {
			if x[0] <= pos && pos < x[1] {
				pos, moved = x[1], true
			}
		}
	}
	return pos >= r.end
}

// touches reports whether any written range overlaps r.
func (w regions) touches(r region) bool {
	for _, x := range w[r.buf] {
		if x[0] < r.end && r.start < x[1] {
			return true
		}
	}
	return false
}

// naive is the memory of the same schedule with every tensor in its own buffer and no
// reuse: each value, each gradient, each workspace and mask.
func (b *builder) naive() int64 {
	var total int64
	for _, v := range b.g.Tensors {
		n := b.batch * int64(v.Elems()) * 4
		total += n
		if b.g.Mode == Training && v.ID != b.g.Input {
			total += n
		}
	}
	for id, k := range b.kinds {
		if k == "workspace" || k == "mask" {
			total += b.sizes[id]
		}
	}
	return total
}
