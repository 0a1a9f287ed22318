package train

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/netc/netc/runner"
	"github.com/netc/netc/runner/tensorio"
)

// A checkpoint is one safetensors file: the parameters under their own names, the
// optimizer's momentum buffers under "optimizer.momentum.<name>", and the state needed to
// continue exactly where the run stopped in its metadata. One file, written atomically,
// so the weights and the state can never disagree.
const (
	CheckpointFile = "checkpoint.safetensors"
	LastFile       = "last.safetensors"
	BestFile       = "best.safetensors"
	momentumPrefix = "optimizer.momentum."
	formatVersion  = "1"
)

// state is where training stands: Epoch (0-based) is the epoch in progress and Batch the
// next batch of it; a checkpoint written between epochs has Batch 0 of the next epoch.
type state struct {
	SpecHash       string
	Epoch, Batch   int
	RNG            []byte
	Started        bool
	PartialLoss    float64 // sums over the batches of Epoch already done
	PartialCorrect int
	PartialSeen    int
	PartialSeconds float64
	BestAcc        float64
	BestEpoch      int
}

func (s state) metadata() map[string]string {
	return map[string]string{
		"format":          "netc-checkpoint",
		"version":         formatVersion,
		"spec_hash":       s.SpecHash,
		"epoch":           strconv.Itoa(s.Epoch),
		"batch":           strconv.Itoa(s.Batch),
		"rng":             base64.StdEncoding.EncodeToString(s.RNG),
		"optimizer_began": strconv.FormatBool(s.Started),
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
		return s, fmt.Errorf("checkpoint format version %q, this netc reads %q", meta["version"], formatVersion)
	}
	var errs []string
	atoi := func(k string) int {
		v, err := strconv.Atoi(meta[k])
		if err != nil {
			errs = append(errs, k)
		}
		return v
	}
	atof := func(k string) float64 {
		v, err := strconv.ParseFloat(meta[k], 64)
		if err != nil {
			errs = append(errs, k)
		}
		return v
	}
	s.SpecHash = meta["spec_hash"]
	s.Epoch, s.Batch = atoi("epoch"), atoi("batch")
	s.PartialCorrect, s.PartialSeen, s.BestEpoch = atoi("partial_correct"), atoi("partial_seen"), atoi("best_epoch")
	s.PartialLoss, s.PartialSeconds, s.BestAcc = atof("partial_loss"), atof("partial_seconds"), atof("best_acc")
	s.Started = meta["optimizer_began"] == "true"
	rng, err := base64.StdEncoding.DecodeString(meta["rng"])
	if err != nil {
		errs = append(errs, "rng")
	}
	s.RNG = rng
	if len(errs) > 0 {
		return s, fmt.Errorf("checkpoint metadata unreadable: %s", strings.Join(errs, ", "))
	}
	return s, nil
}

// saveCheckpoint writes parameters, momentum and state atomically. It refuses weights
// holding a NaN or an infinity: a diverged run must not replace the last good checkpoint.
func saveCheckpoint(path string, ps *runner.Params, opt *runner.SGD, s state) error {
	if name := firstNonFiniteParam(ps); name != "" {
		return fmt.Errorf("not writing %s: parameter %s holds a NaN or infinity", path, name)
	}
	ts := ps.Tensors()
	for _, p := range ps.List {
		if buf, ok := opt.Buffers[p.Name]; ok {
			ts = append(ts, tensorio.Tensor{Name: momentumPrefix + p.Name, Shape: p.Shape, Data: buf})
		}
	}
	return tensorio.WriteFile(path, ts, s.metadata())
}

// loadCheckpoint restores parameters, momentum and state, checking every name and shape.
func loadCheckpoint(path string, ps *runner.Params, opt *runner.SGD) (state, error) {
	ts, meta, err := tensorio.ReadFile(path)
	if err != nil {
		return state{}, err
	}
	s, err := parseState(meta)
	if err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	var params []tensorio.Tensor
	for _, t := range ts {
		name, isMomentum := strings.CutPrefix(t.Name, momentumPrefix)
		if !isMomentum {
			params = append(params, t)
			continue
		}
		buf, ok := opt.Buffers[name]
		if !ok {
			return s, fmt.Errorf("%s: momentum for %s, but this run has no momentum buffer for it (was momentum changed?)", path, name)
		}
		if len(buf) != len(t.Data) {
			return s, fmt.Errorf("%s: momentum for %s has %d values, the parameter %d", path, name, len(t.Data), len(buf))
		}
		if msg := runner.NonFinite(t.Shape, t.Data); msg != "" {
			return s, fmt.Errorf("%s: momentum for %s holds %s", path, name, msg)
		}
		copy(buf, t.Data)
	}
	if err := ps.Set(path, params); err != nil {
		return s, err
	}
	opt.Started = s.Started
	return s, nil
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
