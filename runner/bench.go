package runner

import (
	"math/rand/v2"
	"sort"
	"time"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
)

// StepTime is one plan step's share of an instrumented run.
type StepTime struct {
	Name     string
	Op       string
	Forward  time.Duration // median over the timed steps
	Backward time.Duration
	FLOPs    int64 // 2 x MACs of the step's conv or linear, for the whole batch
}

// Benchmark times a Net: Train runs full training steps (forward, loss, backward, SGD);
// otherwise forward passes. It warms up once, then returns the median of steps timings.
func Benchmark(n *Net, opt *SGD, train bool, steps int) time.Duration {
	fillRandom(n)
	labels := make([]int32, n.Batch)
	for i := range labels {
		labels[i] = int32(i % n.Plan.Classes)
	}
	run := func() {
		if train {
			n.Forward(true)
			n.Loss(labels)
			n.Backward()
			opt.Step()
		} else {
			n.Forward(false)
		}
	}
	run()
	times := make([]time.Duration, steps)
	for i := range times {
		t := time.Now()
		run()
		times[i] = time.Since(t)
	}
	return median(times)
}

// Profile times every step of a training Net separately (forward and backward), median
// over steps runs, after a warm-up. The timers add overhead, so totals come from
// Benchmark, not from here.
func Profile(n *Net, g *ir.Graph, opt *SGD, steps int) []StepTime {
	fillRandom(n)
	labels := make([]int32, n.Batch)
	fwd := make([][]time.Duration, len(n.steps))
	bwd := make([][]time.Duration, len(n.steps))
	train := n.Training()
	for r := 0; r <= steps; r++ {
		if !train && n.version != n.Params.Version {
			n.refreshFolded() // what Forward does first: inference steps read folded, packed weights
		}
		for i, s := range n.steps {
			t := time.Now()
			s.forward(n, train)
			if r > 0 {
				fwd[i] = append(fwd[i], time.Since(t))
			}
		}
		if !train {
			continue
		}
		n.Loss(labels)
		for i := len(n.steps) - 1; i >= 0; i-- {
			t := time.Now()
			n.steps[i].backward(n)
			if r > 0 {
				bwd[i] = append(bwd[i], time.Since(t))
			}
		}
		opt.Step()
	}
	macs := map[string]int64{}
	for _, node := range g.Nodes {
		macs[node.Name] = node.MACs
	}
	out := make([]StepTime, len(n.steps))
	for i, s := range n.Plan.Steps {
		m := macs[s.Name]
		if s.Op == ir.OpConv {
			m = convMACs(n.Plan, &s)
		}
		out[i] = StepTime{Name: s.Name, Op: s.Label(), Forward: median(fwd[i]), FLOPs: 2 * m * int64(n.Batch)}
		if train {
			out[i].Backward = median(bwd[i])
		}
	}
	return out
}

// convMACs is a conv step's multiply-adds per sample on the shapes it runs at, which
// differ from its graph node's when a pass moved a pooling before it (pool-first).
func convMACs(p *plan.Plan, s *plan.Step) int64 {
	in, out := p.Values[s.In[0]].Shape, p.Values[s.Out].Shape
	a := s.Attrs
	return int64(elems(out)) * int64(in[0]/max(a.Groups, 1)) * int64(a.K[0]*a.K[1])
}

// fillRandom puts reproducible values in [0, 1) into the input.
func fillRandom(n *Net) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range n.Input() {
		n.Input()[i] = r.Float32()
	}
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// BenchNet builds a Net for benchmarking with freshly initialized weights.
func BenchNet(g *ir.Graph, mode plan.Mode, batch int) (*Net, *SGD, error) {
	m, err := NewModel(g)
	if err != nil {
		return nil, nil, err
	}
	if err := m.Params.Init(InitXavier, 1); err != nil {
		return nil, nil, err
	}
	n, err := m.Net(mode, batch)
	if err != nil {
		return nil, nil, err
	}
	return n, NewSGD(m.Params, 0.01, 0, 0), nil
}
