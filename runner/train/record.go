package train

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// runRecord is everything besides the spec that decides a run's numbers: the recipe
// (without Epochs, which resuming may extend), the passes, the limits and the data. Each
// checkpoint stores it with its hash, and resuming refuses a run.json that disagrees, so
// an edited run.json cannot silently change how a run continues.
type runRecord struct {
	Recipe
	Disable    []string
	TrainLimit int
	TestLimit  int
	EvalBatch  int
	Data       DataRecord
}

func (c *Config) record() runRecord {
	r := runRecord{Recipe: c.Recipe, TrainLimit: c.TrainLimit, TestLimit: c.TestLimit, EvalBatch: c.EvalBatch, Data: c.Data}
	r.Epochs = 0
	if len(c.Disable) > 0 {
		r.Disable = c.Disable
	}
	return r
}

// encode is the record as stored in a checkpoint's metadata, and its hash.
func (r runRecord) encode() (text, hash string) {
	b, _ := json.Marshal(r)
	sum := sha256.Sum256(b)
	return string(b), "sha256:" + hex.EncodeToString(sum[:])
}

func decodeRecord(text, hash string) (runRecord, error) {
	var r runRecord
	sum := sha256.Sum256([]byte(text))
	if "sha256:"+hex.EncodeToString(sum[:]) != hash {
		return r, fmt.Errorf("its recorded recipe does not match its hash")
	}
	if err := json.Unmarshal([]byte(text), &r); err != nil {
		return r, fmt.Errorf("its recorded recipe is unreadable: %w", err)
	}
	return r, nil
}

// recordDiff lists the fields where run.json (now) and the checkpoint (was) disagree, as
// "LR is 1000 in run.json, 0.1 in the checkpoint".
func recordDiff(now, was runRecord) []string {
	a, b := fields(now), fields(was)
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		if a[k] != b[k] {
			out = append(out, fmt.Sprintf("%s is %s in %s, %s in the checkpoint", k, a[k], RunFile, b[k]))
		}
	}
	return out
}

// fields flattens a record to key -> JSON value, one level of nesting spelled Data.Dir.
func fields(r runRecord) map[string]string {
	raw, _ := json.Marshal(r)
	var top map[string]json.RawMessage
	json.Unmarshal(raw, &top)
	out := map[string]string{}
	for k, v := range top {
		var inner map[string]json.RawMessage
		if strings.HasPrefix(string(v), "{") && json.Unmarshal(v, &inner) == nil {
			for ik, iv := range inner {
				out[k+"."+ik] = string(iv)
			}
			continue
		}
		out[k] = string(v)
	}
	return out
}
