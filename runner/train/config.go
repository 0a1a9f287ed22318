// Package train is the training loop of `netc train`: the book's train_ch6 recipe (SGD,
// cross-entropy, test accuracy after each epoch) over a compiled network, with a run
// directory of metrics, curves and checkpoints that survives interruption.
package train

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Config is one training run. Zero values take the spec's [train] recipe.
type Config struct {
	Spec       string   // path of the spec file (copied into the run directory)
	SpecSource []byte   // its contents
	Set        []string // --set overrides
	Input      string   // --input override
	Disable    []string // plan passes to leave out

	Epochs      int
	Batch       int
	LR          float64
	Momentum    float64
	WeightDecay float64
	Init        string
	Seed        uint64
	Recipe      // optimizer, schedule, loss and fine-tuning (recipe.go)

	DataDir    string // --data; "" searches $NETC_DATA, the system dataset, then the embedded subset; "embedded" forces it
	TrainLimit int    // > 0: the first N training images
	TestLimit  int    // > 0: the first N test images
	EvalBatch  int    // test-set batch size; Batch when 0

	Out string // run directory
}

// Hash identifies what a checkpoint was trained on: the spec's source and every option
// that changes the network's shapes. A checkpoint is refused when it differs.
func (c *Config) Hash() string {
	h := sha256.New()
	h.Write(c.SpecSource)
	fmt.Fprintf(h, "\x00set=%s\x00input=%s", strings.Join(c.Set, ","), c.Input)
	return hex.EncodeToString(h.Sum(nil))
}
