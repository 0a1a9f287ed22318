package runner

import (
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/plan"
)

// What OutsideArenaOf counts for an inference plan's folded and packed weights must be
// exactly what binding and a forward pass keep: ResNet-18 has batchnorms folded into
// convs, Winograd, GEMM and pointwise convs; LeNet-BN folds into linears too.
func TestOutsideArenaCountsFoldedAndPackedWeights(t *testing.T) {
	defer SetThreads(Threads())
	SetThreads(2)
	for _, name := range []string{"resnet18", "lenet-bn", "googlenet"} {
		g := compileSpec(t, name, compiler.Options{})
		n := buildNet(t, g, plan.Inference, 2, nil)
		n.Forward(false)
		var folded, packed int64
		for _, s := range n.steps {
			switch s := s.(type) {
			case *convStep:
				folded += 4 * int64(len(s.fw)+len(s.fb))
				if s.pw != nil {
					packed += 4 * int64(s.pw.Len())
				}
			case *linearStep:
				folded += 4 * int64(len(s.fw)+len(s.fb))
			}
		}
		o := OutsideArenaOf(n.Plan)
		if o.Folded != folded || o.Packed != packed {
			t.Errorf("%s: OutsideArenaOf says %d folded and %d packed bytes; the bound net keeps %d and %d", name, o.Folded, o.Packed, folded, packed)
		}
		if packed == 0 && name != "lenet-bn" {
			t.Errorf("%s: no packed weights: the test checks nothing", name)
		}
		if o.GEMM <= 0 || o.PerThread <= 0 {
			t.Errorf("%s: per-thread memory %d + GEMM %d: expected both positive", name, o.PerThread, o.GEMM)
		}
		if got, want := o.Total(2), o.Folded+o.Packed+o.PackOnce+o.PerThread+2*o.GEMM; got != want {
			t.Errorf("%s: Total(2) = %d, want %d", name, got, want)
		}
	}
}
