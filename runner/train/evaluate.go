package train

import (
	"context"
	"fmt"

	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/internal/data"
	"github.com/netc/netc/runner"
)

// Result of evaluating a network on a split.
type Result struct {
	N         int
	Correct   int
	Loss      float64   // mean cross-entropy
	Confusion [][]int   // [true class][predicted class]
	PerClass  []float64 // accuracy of each true class
}

// Accuracy is the fraction of correct predictions.
func (r Result) Accuracy() float64 {
	if r.N == 0 {
		return 0
	}
	return float64(r.Correct) / float64(r.N)
}

// Evaluate runs the inference plan over a loader's batches (test mode: running
// statistics, no dropout).
func Evaluate(ctx context.Context, m *runner.Model, l *data.Loader, classes int) (Result, error) {
	r := Result{Confusion: make([][]int, classes)}
	for i := range r.Confusion {
		r.Confusion[i] = make([]int, classes)
	}
	ep, err := l.Epoch(ctx, 0)
	if err != nil {
		return r, err
	}
	defer ep.Close()
	var lossSum float64
	for {
		b, ok := ep.Next()
		if !ok {
			break
		}
		net, err := m.Net(plan.Inference, b.N)
		if err != nil {
			return r, err
		}
		copy(net.Input(), b.X)
		net.Forward(false)
		loss, _ := net.Loss(b.Y[:b.N])
		lossSum += float64(loss) * float64(b.N)
		r.N += b.N
		logits := net.Logits()
		for i := 0; i < b.N; i++ {
			best := argmax(logits[i*classes : (i+1)*classes])
			y := int(b.Y[i])
			if y < 0 || y >= classes {
				return r, fmt.Errorf("label %d outside the network's %d classes", y, classes)
			}
			r.Confusion[y][best]++
			if best == y {
				r.Correct++
			}
		}
	}
	if err := ep.Err(); err != nil {
		return r, err
	}
	if r.N > 0 {
		r.Loss = lossSum / float64(r.N)
	}
	r.PerClass = make([]float64, classes)
	for c, row := range r.Confusion {
		total := 0
		for _, v := range row {
			total += v
		}
		if total > 0 {
			r.PerClass[c] = float64(row[c]) / float64(total)
		}
	}
	return r, nil
}

// argmax is the index of the first largest value, as torch.argmax picks it.
func argmax(row []float32) int {
	best := 0
	for k, v := range row {
		if v > row[best] {
			best = k
		}
	}
	return best
}

// countCorrect counts rows of logits whose argmax is the label.
func countCorrect(logits []float32, labels []int32, classes int) int {
	n := 0
	for i, y := range labels {
		if argmax(logits[i*classes:(i+1)*classes]) == int(y) {
			n++
		}
	}
	return n
}
