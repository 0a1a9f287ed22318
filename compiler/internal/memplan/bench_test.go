package memplan

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// trainingLike builds a schedule of about n buffers shaped like training a deep residual
// net: a forward pass whose activations stay live until their backward step, residual
// shortcuts, per-step scratch, then the backward pass in reverse order.
func trainingLike(n int) Problem {
	rng := rand.New(rand.NewPCG(42, 42))
	var p Problem
	add := func(size int64, pinned bool) int {
		p.Sizes = append(p.Sizes, size)
		p.Pinned = append(p.Pinned, pinned)
		return len(p.Sizes) - 1
	}
	act := func() int64 { return int64(1+rng.IntN(64)) * 4096 }
	x := add(act(), true)
	var acts []int
	layers := n / 3 // per layer: output, scratch, gradient
	for l := range layers {
		out := add(act(), false)
		s := Step{Name: fmt.Sprintf("fwd%d", l), Reads: []int{x}, Writes: []int{out}, Temps: []int{add(act()/4, false)}}
		if l%2 == 1 && len(acts) >= 2 {
			s.Reads = append(s.Reads, acts[len(acts)-2]) // shortcut
		}
		p.Steps = append(p.Steps, s)
		acts = append(acts, out)
		x = out
	}
	grad := add(p.Sizes[x], false)
	p.Steps = append(p.Steps, Step{Name: "loss", Reads: []int{x}, Writes: []int{grad}})
	for l := layers - 1; l >= 1; l-- {
		g := add(p.Sizes[acts[l-1]], false)
		p.Steps = append(p.Steps, Step{Name: fmt.Sprintf("bwd%d", l), Reads: []int{grad, acts[l], acts[l-1]}, Writes: []int{g}})
		grad = g
	}
	return p
}

func BenchmarkPlanGreedyBySize1000(b *testing.B) {
	p := trainingLike(1000)
	b.ReportMetric(float64(len(p.Sizes)), "buffers")
	for b.Loop() {
		if _, err := PlanGreedyBySize(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlanBest1000(b *testing.B) {
	p := trainingLike(1000)
	for b.Loop() {
		if _, err := PlanBest(p); err != nil {
			b.Fatal(err)
		}
	}
}

// The benchmark problem is itself a valid problem, and a thousand-buffer plan verifies.
func TestTrainingLikeVerifies(t *testing.T) {
	p := trainingLike(1000)
	for _, plan := range []func(Problem) (*Plan, error){PlanGreedyBySize, PlanGreedyByLifetime, PlanGreedyByBreadth, PlanBest} {
		pl, err := plan(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := Verify(p, pl); err != nil {
			t.Fatal(err)
		}
		t.Logf("%d buffers, %d steps: naive %d, LB %d, %s arena %d (%.4f of LB)",
			len(p.Sizes), len(p.Steps), pl.Naive, pl.LowerBound, pl.Strategy, pl.ArenaSize, float64(pl.ArenaSize)/float64(pl.LowerBound))
	}
}
