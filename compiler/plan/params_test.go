package plan

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/netc/netc/compiler"
)

// TestParamsOfMatchesEveryPlan: the parameters read off the graph are, in order, those
// the steps of the inference and training plans bind (once each), for every spec.
func TestParamsOfMatchesEveryPlan(t *testing.T) {
	specs, _ := filepath.Glob("../../specs/*.toml")
	if len(specs) == 0 {
		t.Fatal("no specs")
	}
	for _, path := range specs {
		g, err := compiler.Check(path, compiler.Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := ParamsOf(g)
		for _, mode := range []Mode{Inference, Training} {
			p, err := Build(g, Options{Mode: mode, Batch: 2})
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			var got []Param
			for _, q := range p.Params {
				if !seen[q.Name] {
					seen[q.Name] = true
					got = append(got, q)
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s plan: %d parameters bound, ParamsOf lists %d (or in another order)", path, mode, len(got), len(want))
			}
		}
	}
}
