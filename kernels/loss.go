package kernels

import (
	"fmt"
	"math"
	"sync"
)

// SoftmaxCrossEntropy is PyTorch's nn.CrossEntropyLoss (mean reduction,
// integer class labels) on logits [n][classes], computed in float64 with a
// max-shifted log-sum-exp so large logits cannot overflow. It returns the
// mean loss and the number of rows whose argmax (first maximum on ties, as
// torch.argmax) equals the label. When dlogits is non-nil it is overwritten
// with d(loss)/d(logits) = (softmax - onehot)/n.
//
// Rows go in blocks of lossBlockRows(n) (a function of n alone): each
// block's losses are summed in row order, then the block sums in block
// order, so the result does not depend on how many threads share the
// blocks.
func SoftmaxCrossEntropy(n, classes int, logits []float32, labels []int32, dlogits []float32) (loss float32, correct int) {
	return SoftmaxCrossEntropySmoothed(n, classes, 0, logits, labels, dlogits)
}

// SoftmaxCrossEntropySmoothed is nn.CrossEntropyLoss(label_smoothing=eps): the
// target is (1-eps)*onehot + eps/classes, so each row's loss is
// (1-eps)*(lse - x[label]) + eps*(lse - mean(x)) and its gradient
// (softmax - target)/n. With eps 0 it computes exactly what SoftmaxCrossEntropy
// always has.
func SoftmaxCrossEntropySmoothed(n, classes int, eps float64, logits []float32, labels []int32, dlogits []float32) (loss float32, correct int) {
	need("cross-entropy logits", logits, n*classes)
	if len(labels) < n {
		panic(fmt.Sprintf("kernels: cross-entropy has %d labels, need %d", len(labels), n))
	}
	if dlogits != nil {
		need("cross-entropy dlogits", dlogits, n*classes)
	}
	for _, l := range labels[:n] { // before any worker runs: a panic there would kill the process
		if l < 0 || int(l) >= classes {
			panic(fmt.Sprintf("kernels: cross-entropy label %d out of range [0, %d)", l, classes))
		}
	}
	if n <= 0 {
		return float32(math.NaN()), 0 // 0/0, as the mean of no rows
	}
	t := lossTask{n: n, classes: classes, smoothing: eps, logits: logits, labels: labels, dlogits: dlogits}
	t.rows = lossBlockRows(n)
	blocks := (n + t.rows - 1) / t.rows
	grain := max(1, eltGrain/max(1, t.rows*classes))
	if blocks < 2*grain || !lossShared.mu.TryLock() {
		t.Run(0, blocks)
		return t.result(blocks)
	}
	lossShared.t = t
	Parallel(blocks, grain, &lossShared.t)
	loss, correct = lossShared.t.result(blocks)
	lossShared.t = lossTask{} // do not pin the caller's slices
	lossShared.mu.Unlock()
	return loss, correct
}

const lossMaxBlocks = 256

// lossBlockRows is the rows per block: 32, or more so that there are at
// most lossMaxBlocks blocks.
func lossBlockRows(n int) int { return max(32, (n+lossMaxBlocks-1)/lossMaxBlocks) }

// lossTask computes blocks of rows, each block's loss sum and correct count
// going to its own slot.
type lossTask struct {
	n, classes, rows int
	smoothing        float64
	logits           []float32
	labels           []int32
	dlogits          []float32
	sum              [lossMaxBlocks]float64
	correct          [lossMaxBlocks]int
}

var lossShared struct {
	mu sync.Mutex
	t  lossTask
}

func (t *lossTask) result(blocks int) (float32, int) {
	var total float64
	correct := 0
	for b := 0; b < blocks; b++ {
		total += t.sum[b]
		correct += t.correct[b]
	}
	return float32(total / float64(t.n)), correct
}

// Run computes blocks [lo, hi).
func (t *lossTask) Run(lo, hi int) {
	for b := lo; b < hi; b++ {
		var total float64
		correct := 0
		for i := b * t.rows; i < min(t.n, (b+1)*t.rows); i++ {
			l, ok := t.row(i)
			total += l
			if ok {
				correct++
			}
		}
		t.sum[b], t.correct[b] = total, correct
	}
}

// row returns row i's loss and whether its argmax is the label, and writes
// its gradient.
func (t *lossTask) row(i int) (float64, bool) {
	row := t.logits[i*t.classes : (i+1)*t.classes]
	label := int(t.labels[i])
	best := 0
	for j, v := range row {
		if v > row[best] {
			best = j
		}
	}
	mx := float64(row[best])
	var se float64
	for _, v := range row {
		se += math.Exp(float64(v) - mx)
	}
	lse := mx + math.Log(se)
	if t.smoothing != 0 {
		return t.smoothedRow(i, row, label, lse), best == label
	}
	if t.dlogits != nil {
		d := t.dlogits[i*t.classes : (i+1)*t.classes]
		for j, v := range row {
			p := math.Exp(float64(v) - lse)
			if j == label {
				p--
			}
			d[j] = float32(p / float64(t.n))
		}
	}
	return lse - float64(row[label]), best == label
}

// smoothedRow is row's loss and gradient against the label-smoothed target.
func (t *lossTask) smoothedRow(i int, row []float32, label int, lse float64) float64 {
	eps := t.smoothing
	uniform := eps / float64(t.classes)
	var sum float64
	for _, v := range row {
		sum += float64(v)
	}
	if t.dlogits != nil {
		d := t.dlogits[i*t.classes : (i+1)*t.classes]
		for j, v := range row {
			p := math.Exp(float64(v)-lse) - uniform
			if j == label {
				p -= 1 - eps
			}
			d[j] = float32(p / float64(t.n))
		}
	}
	return (1-eps)*(lse-float64(row[label])) + eps*(lse-sum/float64(t.classes))
}
