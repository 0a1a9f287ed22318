package kernels

import (
	"fmt"
	"math"
)

// SoftmaxCrossEntropy is PyTorch's nn.CrossEntropyLoss (mean reduction,
// integer class labels) on logits [n][classes], computed in float64 with a
// max-shifted log-sum-exp so large logits cannot overflow. It returns the
// mean loss and the number of rows whose argmax (first maximum on ties, as
// torch.argmax) equals the label. When dlogits is non-nil it is overwritten
// with d(loss)/d(logits) = (softmax - onehot)/n.
func SoftmaxCrossEntropy(n, classes int, logits []float32, labels []int32, dlogits []float32) (loss float32, correct int) {
	need("cross-entropy logits", logits, n*classes)
	if len(labels) < n {
		panic(fmt.Sprintf("kernels: cross-entropy has %d labels, need %d", len(labels), n))
	}
	if dlogits != nil {
		need("cross-entropy dlogits", dlogits, n*classes)
	}
	var total float64
	for i := 0; i < n; i++ {
		row := logits[i*classes : (i+1)*classes]
		label := int(labels[i])
		if label < 0 || label >= classes {
			panic(fmt.Sprintf("kernels: cross-entropy label %d out of range [0, %d)", label, classes))
		}
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		if best == label {
			correct++
		}
		mx := float64(row[best])
		var se float64
		for _, v := range row {
			se += math.Exp(float64(v) - mx)
		}
		lse := mx + math.Log(se)
		total += lse - float64(row[label])
		if dlogits != nil {
			d := dlogits[i*classes : (i+1)*classes]
			for j, v := range row {
				p := math.Exp(float64(v) - lse)
				if j == label {
					p--
				}
				d[j] = float32(p / float64(n))
			}
		}
	}
	return float32(total / float64(n)), correct
}
