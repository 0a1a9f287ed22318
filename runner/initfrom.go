package runner

import (
	"fmt"
	"strings"

	"github.com/netc/netc/tensorio"
)

// InitReport says what InitFrom did with each tensor.
type InitReport struct {
	Loaded     []string // name and shape matched: copied (this and the next two in the network's order)
	Kept       []string // the network's parameters the file has no match for: left as initialized
	Mismatched []string // in both, shapes differ ("name: file [..], network [..]"): left as initialized
	Unused     []string // in the file, not in the network
}

// InitFrom copies every tensor of a safetensors file whose name and shape match a
// parameter (weights, biases and batchnorm statistics alike) over the parameters as they
// are, typically just initialized, and reports the rest. A file that matches nothing is
// an error: it was surely meant for another network; so is a NaN or an infinity in a
// tensor the network has (nothing is copied then).
func (ps *Params) InitFrom(path string) (*InitReport, error) {
	ts, _, err := tensorio.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var bad []string
	for _, t := range ts {
		if msg := NonFinite(t.Shape, t.Data); msg != "" && ps.byName[t.Name] != nil {
			bad = append(bad, fmt.Sprintf("%s: %s holds %s", path, t.Name, msg))
		}
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("not starting from %s:\n  %s", path, strings.Join(bad, "\n  "))
	}
	r := &InitReport{}
	inFile := map[string]tensorio.Tensor{}
	for _, t := range ts {
		if ps.byName[t.Name] == nil {
			r.Unused = append(r.Unused, t.Name)
		}
		inFile[t.Name] = t
	}
	for _, p := range ps.List { // in the network's order
		t, ok := inFile[p.Name]
		switch {
		case !ok:
			r.Kept = append(r.Kept, p.Name)
		case !sameShape(p.Shape, t.Shape):
			r.Mismatched = append(r.Mismatched, fmt.Sprintf("%s: file %v, network %v", t.Name, t.Shape, p.Shape))
		default:
			copy(p.Data, t.Data)
			r.Loaded = append(r.Loaded, p.Name)
		}
	}
	ps.Version++
	if len(r.Loaded) == 0 {
		return r, fmt.Errorf("%s: no tensor matches a parameter of the network by name and shape (%d tensors in the file, %d mismatched shapes); is it for another network?",
			path, len(ts), len(r.Mismatched))
	}
	return r, nil
}
