// Package train is the training loop of `netc train`: the book's train_ch6 recipe (SGD,
// cross-entropy, test accuracy after each epoch) over a compiled network, with a run
// directory of metrics, curves and checkpoints that survives interruption.
//
// It is one of the eight packages of netc's Go API (the rest of the module is internal):
// compiler, compiler/ir, compiler/plan, runner, runner/train, kernels, tensorio, schema.
package train

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/runner"
)

// Recipe is how a run trains. New takes it as given, except that Epochs, Batch, LR and
// Init left zero (which no run can use) take the spec's [train] values; Momentum,
// WeightDecay and Seed are used as they are (0 is a value), so start from SpecRecipe to
// take the spec's. Embedded in Config, its fields are top-level keys of run.json.
type Recipe struct {
	Epochs      int
	Batch       int
	LR          float64
	Momentum    float64
	WeightDecay float64
	Init        string
	Seed        uint64
	Optim       // optimizer, schedule, loss and fine-tuning beyond the book's SGD (recipe.go)
}

// SpecRecipe is the spec's [train] table as a Recipe, with Xavier init where it names none.
func SpecRecipe(t ir.Train) Recipe {
	r := Recipe{Epochs: t.Epochs, Batch: t.Batch, LR: t.LR, Momentum: t.Momentum, WeightDecay: t.WeightDecay, Init: t.Init, Seed: uint64(t.Seed),
		Optim: specOptim(t.Optim)}
	if r.Init == "" {
		r.Init = runner.InitXavier
	}
	return r
}

// Config is one training run.
type Config struct {
	Spec       string   // path of the spec file (copied into the run directory)
	SpecSource []byte   // its contents
	Set        []string // --set overrides
	Input      string   // --input override
	Disable    []string // plan passes to leave out

	Recipe

	DataDir    string      // --data; "" searches $NETC_DATA, the system dataset, then the embedded subset; "embedded" forces it
	TrainLimit int         // > 0: the first N training images
	TestLimit  int         // > 0: the first N test images
	EvalBatch  int         // test-set batch size; Batch when 0
	Data       DataOptions // format, hold-out, normalization and augmentation

	// DataUsed is what the run trains on, filled in by New; Resume reads this directory
	// again (not DataDir's search) with Data's options and refuses data with another
	// fingerprint.
	DataUsed DataRecord

	// Out is the run directory: new, or existing and empty. When "", New creates
	// runs/<spec>-<yyyymmdd-hhmmss>, adding -2, -3, ... when that name is taken.
	Out string
}

// DataRecord is the data set a run used.
type DataRecord struct {
	Dir         string // absolute directory read, or Embedded
	Fingerprint string // data.Dataset.Fingerprint
}

// Hash identifies what a checkpoint was trained on: the spec's source and every option
// that changes the network's shapes. A checkpoint is refused when it differs.
func (c *Config) Hash() string {
	h := sha256.New()
	h.Write(c.SpecSource)
	fmt.Fprintf(h, "\x00set=%s\x00input=%s", strings.Join(c.Set, ","), c.Input)
	return hex.EncodeToString(h.Sum(nil))
}

// fillFromSpec gives the fields no run can leave zero the spec's values.
func (cfg *Config) fillFromSpec(g *ir.Graph) {
	spec := SpecRecipe(g.Train)
	if cfg.Epochs == 0 {
		cfg.Epochs = spec.Epochs
	}
	if cfg.Batch == 0 {
		cfg.Batch = spec.Batch
	}
	if cfg.LR == 0 {
		cfg.LR = spec.LR
	}
	if cfg.Init == "" {
		cfg.Init = spec.Init
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// validate refuses a recipe no run can use, naming the field.
func (cfg *Config) validate() error {
	switch {
	case cfg.Epochs < 1:
		return fmt.Errorf("epochs is %d, it must be at least 1 (the spec has no [train] epochs: use --epochs)", cfg.Epochs)
	case cfg.Batch < 1:
		return fmt.Errorf("batch is %d, it must be at least 1 (the spec has no [train] batch: use --batch)", cfg.Batch)
	case !finite(cfg.LR) || !(cfg.LR > 0):
		return fmt.Errorf("the learning rate is %g, it must be a positive finite number (use --lr)", cfg.LR)
	case !finite(cfg.Momentum) || cfg.Momentum < 0 || cfg.Momentum >= 1:
		return fmt.Errorf("momentum is %g, it must be in [0, 1)", cfg.Momentum)
	case !finite(cfg.WeightDecay) || cfg.WeightDecay < 0:
		return fmt.Errorf("weight decay is %g, it must be a finite number ≥ 0", cfg.WeightDecay)
	case cfg.TrainLimit < 0 || cfg.TestLimit < 0 || cfg.EvalBatch < 0:
		return fmt.Errorf("train limit %d, test limit %d and eval batch %d must not be negative", cfg.TrainLimit, cfg.TestLimit, cfg.EvalBatch)
	}
	return cfg.validateRecipe()
}
