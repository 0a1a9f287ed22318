package train

import (
	"path/filepath"
	"reflect"
	"testing"
)

// TestInferenceDataReadsTheRecordedDirectory: `netc eval` of a run's spec.toml starts
// from the directory the run read (here found through $NETC_DATA, so --data was empty),
// with its data options and seed; a spec outside a run directory starts from nothing.
func TestInferenceDataReadsTheRecordedDirectory(t *testing.T) {
	idxDir := writeIDXDir(t, 300, 100)
	t.Setenv("NETC_DATA", idxDir)
	run := trainOneEpoch(t, func(c *Config) {
		c.DataDir, c.TrainLimit, c.Seed = "", 0, 7
		c.Data = DataOptions{Normalize: "measure"}
	})
	dir, o, seed := InferenceData(filepath.Join(run, SpecFile))
	if dir != idxDir || seed != 7 || len(o.Mean) != 1 || o.Normalize != "measure" {
		t.Errorf("run's data: dir %q (want %q), options %+v, seed %d", dir, idxDir, o, seed)
	}
	dir, o, seed = InferenceData("../../specs/lenet-bn.toml")
	if dir != "" || !reflect.DeepEqual(o, DataOptions{}) || seed != 0 {
		t.Errorf("spec outside a run: dir %q, options %+v, seed %d", dir, o, seed)
	}
}
