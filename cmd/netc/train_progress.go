package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/netc/netc/internal/report"
	"github.com/netc/netc/runner/train"
)

// trainObserver prints the book's one line per epoch; on a terminal it also draws a
// progress bar during each epoch (batches, running loss, images/s, ETA).
type trainObserver struct {
	out, errOut io.Writer
	tty         bool
	bar         *progressbar.ProgressBar
	epoch       int
	epochs      int
}

func newTrainObserver(out, errOut io.Writer) *trainObserver {
	tty := false
	if f, ok := errOut.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return &trainObserver{out: out, errOut: errOut, tty: tty}
}

func (o *trainObserver) Start(r *train.Run) { header(o.out, r) }

func (o *trainObserver) EpochStart(epoch, epochs, batches, first int) {
	o.epoch, o.epochs = epoch, epochs
	if !o.tty {
		return
	}
	o.bar = progressbar.NewOptions(batches,
		progressbar.OptionSetWriter(o.errOut),
		progressbar.OptionSetDescription(fmt.Sprintf("epoch %d/%d", epoch, epochs)),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionUseANSICodes(true),
	)
	if first > 0 {
		o.bar.Set(first)
	}
}

func (o *trainObserver) Step(batch int, loss, ips float64) {
	if o.bar == nil {
		return
	}
	o.bar.Describe(fmt.Sprintf("epoch %d/%d  loss %.3f  %s img/s", o.epoch, o.epochs, loss, report.Commas(int64(ips))))
	o.bar.Set(batch + 1)
}

func (o *trainObserver) Evaluating() {
	if o.bar != nil {
		o.bar.Describe(fmt.Sprintf("epoch %d/%d  testing", o.epoch, o.epochs))
	}
}

func (o *trainObserver) EpochEnd(s train.EpochStats) {
	o.finish()
	eta := ""
	if s.ETA > 0 {
		eta = "  ETA " + s.ETA.Round(time.Second).String()
	}
	fmt.Fprintf(o.out, "epoch %d/%d  loss %.3f  train acc %.3f  test acc %.3f  %s img/s%s\n",
		s.Epoch, s.Epochs, s.Loss, s.TrainAcc, s.TestAcc, report.Commas(int64(s.ImagesPerSec)), eta)
}

func (o *trainObserver) finish() {
	if o.bar != nil {
		o.bar.Clear()
		o.bar = nil
	}
}
