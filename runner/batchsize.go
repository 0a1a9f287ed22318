package runner

import (
	"fmt"

	"github.com/netc/netc/compiler/ir"
)

// BatchTooSmallError refuses a training-mode batch that a batchnorm cannot normalize: with
// one sample and one value per channel (after a linear layer, or at 1x1) the batch
// variance is undefined, as PyTorch's "Expected more than 1 value per channel" says.
type BatchTooSmallError struct {
	Batch, Min int
	Layer      string // the first batchnorm that needs Min
}

func (e *BatchTooSmallError) Error() string {
	return fmt.Sprintf("a training batch of %d is too small: batchnorm %s sees one value per channel per sample, so it needs a batch of at least %d to compute a variance (use --batch %d or more)",
		e.Batch, e.Layer, e.Min, e.Min)
}

// MinTrainBatch is the smallest batch a training step of g can take: 2 when some
// batchnorm normalizes a single value per channel per sample, else 1. layer names that
// batchnorm.
func MinTrainBatch(g *ir.Graph) (minBatch int, layer string) {
	for _, n := range g.Nodes {
		if n.Op != ir.OpBatchNorm || len(n.Shape) == 0 {
			continue
		}
		perChannel := 1
		for _, d := range n.Shape[1:] {
			perChannel *= d
		}
		if perChannel < 2 {
			return 2, n.Name
		}
	}
	return 1, ""
}

// CheckTrainBatch refuses a training batch smaller than MinTrainBatch.
func CheckTrainBatch(g *ir.Graph, batch int) error {
	if m, layer := MinTrainBatch(g); batch < m {
		return &BatchTooSmallError{Batch: batch, Min: m, Layer: layer}
	}
	return nil
}
