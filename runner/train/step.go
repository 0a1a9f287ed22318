package train

import (
	"github.com/netc/netc/runner"
)

// beforeStep sets what the recipe changes from step to step: the learning rate (and,
// for one-cycle, the momentum) of the schedule at this position, and the loss's label
// smoothing. The schedule is a function of the position alone, so a resumed run sets
// the same rates as an uninterrupted one.
func (r *Run) beforeStep(net *runner.Net, epoch, batch int) {
	s := r.Cfg.schedule()
	lr, momentum := s.LR(r.Cfg.LR, epoch, batch, r.Cfg.Epochs, r.trainL.NumBatches())
	r.Opt.SetLR(lr)
	if s.CyclesMomentum() {
		r.Opt.SetMomentum(momentum)
	}
	net.LabelSmoothing = r.Cfg.LabelSmoothing
}

// clip scales the gradients to the recipe's maximum norm, between backward and step.
func (r *Run) clip() {
	if r.Cfg.ClipGradNorm > 0 {
		runner.ClipGradNorm(r.Model.Params, r.Cfg.ClipGradNorm)
	}
}

// epochLR is the learning rate of the last step of epoch (0-based), for metrics.csv.
func (r *Run) epochLR(epoch int) float64 {
	n := r.trainL.NumBatches()
	lr, _ := r.Cfg.schedule().LR(r.Cfg.LR, epoch, n-1, r.Cfg.Epochs, n)
	return lr
}
