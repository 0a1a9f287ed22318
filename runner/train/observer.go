package train

import "time"

// EpochStats is one line of the book's training output and one row of metrics.csv.
type EpochStats struct {
	Epoch, Epochs int
	Loss          float64 // mean training loss over the epoch
	TrainAcc      float64 // training accuracy over the epoch (train mode, as the book)
	TestAcc       float64
	ImagesPerSec  float64 // training images per second (evaluation excluded)
	Seconds       float64 // the epoch's wall time, evaluation included
	LR            float64 // the learning rate of the epoch's last step
	ETA           time.Duration
}

// Observer receives progress. The command line turns it into a progress bar on a
// terminal and plain lines otherwise; tests record it.
type Observer interface {
	Start(r *Run)
	EpochStart(epoch, epochs, batches, firstBatch int)
	Step(batch int, loss float64, imagesPerSec float64)
	Evaluating()
	EpochEnd(s EpochStats)
}

// nopObserver ignores everything.
type nopObserver struct{}

func (nopObserver) Start(*Run)                    {}
func (nopObserver) EpochStart(int, int, int, int) {}
func (nopObserver) Step(int, float64, float64)    {}
func (nopObserver) Evaluating()                   {}
func (nopObserver) EpochEnd(EpochStats)           {}
