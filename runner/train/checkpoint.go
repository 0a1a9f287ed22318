package train

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/netc/netc/runner"
	"github.com/netc/netc/tensorio"
)

// A checkpoint is one safetensors file: the parameters under their own names, the
// optimizer's state under "optimizer.<what>.<name>" (SGD's momentum buffers, AdamW's
// exp_avg and exp_avg_sq) with its scalars (SGD's optimizer_began, AdamW's
// optimizer_step) in the metadata, and the state needed to continue exactly where the run
// stopped in its metadata too. One file, written atomically, so the weights and the state
// can never disagree.
const (
	CheckpointFile  = "checkpoint.safetensors"
	LastFile        = "last.safetensors"
	BestFile        = "best.safetensors"
	optimizerPrefix = "optimizer."
	formatVersion   = "2" // 2 added the run record ("run", "run_hash")
)

// state is where training stands: Epoch (0-based) is the epoch in progress and Batch the
// next batch of it; a checkpoint written between epochs has Batch 0 of the next epoch.
type state struct {
	SpecHash       string
	Record         runRecord         // the recipe, passes, limits and data the run trains with
	Meta           map[string]string // the checkpoint's metadata as read (the optimizer reads its scalars there)
	Epoch, Batch   int
	RNG            []byte
	PartialLoss    float64 // sums over the batches of Epoch already done
	PartialCorrect int
	PartialSeen    int
	PartialSeconds float64
	BestAcc        float64
	BestEpoch      int
}

func (s state) metadata() map[string]string {
	record, recordHash := s.Record.encode()
	return map[string]string{
		"run":             record,
		"run_hash":        recordHash,
		"format":          "netc-checkpoint",
		"version":         formatVersion,
		"spec_hash":       s.SpecHash,
		"epoch":           strconv.Itoa(s.Epoch),
		"batch":           strconv.Itoa(s.Batch),
		"rng":             base64.StdEncoding.EncodeToString(s.RNG),
		"partial_loss":    strconv.FormatFloat(s.PartialLoss, 'g', -1, 64),
		"partial_correct": strconv.Itoa(s.PartialCorrect),
		"partial_seen":    strconv.Itoa(s.PartialSeen),
		"partial_seconds": strconv.FormatFloat(s.PartialSeconds, 'g', -1, 64),
		"best_acc":        strconv.FormatFloat(s.BestAcc, 'g', -1, 64),
		"best_epoch":      strconv.Itoa(s.BestEpoch),
	}
}

func parseState(meta map[string]string) (state, error) {
	var s state
	if meta["format"] != "netc-checkpoint" {
		return s, fmt.Errorf("not a netc checkpoint (no training state in its metadata)")
	}
	if meta["version"] != formatVersion {
		return s, fmt.Errorf("checkpoint format version %q, this netc reads %q (start a new run)", meta["version"], formatVersion)
	}
	var errs []string
	atoi := func(k string) int {
		v, err := strconv.Atoi(meta[k])
		if err != nil || v < 0 {
			errs = append(errs, fmt.Sprintf("%s %q (expected an integer ≥ 0)", k, meta[k]))
		}
		return v
	}
	atof := func(k string) float64 {
		v, err := strconv.ParseFloat(meta[k], 64)
		if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			errs = append(errs, fmt.Sprintf("%s %q (expected a finite number ≥ 0)", k, meta[k]))
		}
		return v
	}
	s.SpecHash = meta["spec_hash"]
	s.Epoch, s.Batch = atoi("epoch"), atoi("batch")
	s.PartialCorrect, s.PartialSeen, s.BestEpoch = atoi("partial_correct"), atoi("partial_seen"), atoi("best_epoch")
	s.PartialLoss, s.PartialSeconds, s.BestAcc = atof("partial_loss"), atof("partial_seconds"), atof("best_acc")
	switch {
	case s.PartialCorrect > s.PartialSeen:
		errs = append(errs, fmt.Sprintf("partial_correct %d above partial_seen %d", s.PartialCorrect, s.PartialSeen))
	case s.BestEpoch > s.Epoch:
		errs = append(errs, fmt.Sprintf("best_epoch %d after epoch %d", s.BestEpoch, s.Epoch))
	case s.BestAcc > 1:
		errs = append(errs, fmt.Sprintf("best_acc %g above 1", s.BestAcc))
	}
	rng, err := base64.StdEncoding.DecodeString(meta["rng"])
	if err != nil {
		errs = append(errs, "rng (expected base64)")
	}
	s.RNG = rng
	s.Meta = meta
	if s.Record, err = decodeRecord(meta["run"], meta["run_hash"]); err != nil {
		errs = append(errs, err.Error())
	}
	if len(errs) > 0 {
		return s, fmt.Errorf("checkpoint metadata unreadable: %s", strings.Join(errs, "; "))
	}
	return s, nil
}

// saveCheckpoint writes parameters, optimizer state and run state atomically. It refuses
// weights holding a NaN or an infinity: a diverged run must not replace the last good
// checkpoint.
func saveCheckpoint(path string, ps *runner.Params, opt runner.Optimizer, s state) error {
	if name := firstNonFiniteParam(ps); name != "" {
		return fmt.Errorf("not writing %s: parameter %s holds a NaN or infinity", path, name)
	}
	ots, ometa := opt.State()
	meta := s.metadata()
	for k, v := range ometa {
		meta[k] = v
	}
	return tensorio.WriteFile(path, append(ps.Tensors(), ots...), meta)
}

// readCheckpoint reads a checkpoint's tensors and its state.
func readCheckpoint(path string) ([]tensorio.Tensor, state, error) {
	ts, meta, err := tensorio.ReadFile(path)
	if err != nil {
		return nil, state{}, err
	}
	s, err := parseState(meta)
	if err != nil {
		return nil, s, fmt.Errorf("%s: %w", path, err)
	}
	return ts, s, nil
}

// restoreCheckpoint puts a checkpoint's parameters and optimizer state in place,
// checking every name and shape; the optimizer checks that its state is complete (a run
// with momentum resumed without its buffers would continue differently).
func restoreCheckpoint(path string, ts []tensorio.Tensor, s state, ps *runner.Params, opt runner.Optimizer) error {
	used, err := opt.Restore(path, ts, s.Meta)
	if err != nil {
		return err
	}
	var params []tensorio.Tensor
	for _, t := range ts {
		if used[t.Name] {
			continue
		}
		if strings.HasPrefix(t.Name, optimizerPrefix) {
			return fmt.Errorf("%s: %s is optimizer state this run's optimizer does not keep (was the optimizer or momentum changed?)", path, t.Name)
		}
		params = append(params, t)
	}
	return ps.Set(path, params)
}

func firstNonFiniteParam(ps *runner.Params) string {
	for _, p := range ps.List {
		for _, v := range p.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return p.Name
			}
		}
	}
	return ""
}
