package train

import (
	"encoding/json"
	"path/filepath"

	"github.com/netc/netc/internal/userfile"
)

// RunBeside returns the options of the run whose directory holds spec, when spec is a run
// directory's spec.toml (as `netc train` prints it for `netc eval`), else nil.
func RunBeside(spec string) *Config {
	if filepath.Base(spec) != SpecFile {
		return nil
	}
	raw, err := userfile.ReadFile(filepath.Join(filepath.Dir(spec), RunFile), maxRunTextBytes)
	if err != nil {
		return nil
	}
	var cfg Config
	if json.Unmarshal(raw, &cfg) != nil {
		return nil
	}
	return &cfg
}

// InferenceData is where `netc eval` and `netc predict` start from before their flags:
// the data directory the run beside spec trained on (the one it recorded, whatever search
// found it), its options and seed (so that a measured normalization and a seeded hold-out
// are the ones training used), else none and seed 0,
// the seed New uses when Config.Seed is not set (it does not read the spec's [train]
// seed); ResolveData then fills the rest from the spec's [data].
func InferenceData(spec string) (dir string, o DataOptions, seed uint64) {
	if run := RunBeside(spec); run != nil {
		dir := run.DataUsed.Dir
		if dir == "" {
			dir = run.DataDir
		}
		return dir, run.Data, run.Seed
	}
	return "", DataOptions{}, 0
}
