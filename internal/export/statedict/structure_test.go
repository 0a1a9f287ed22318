package statedict

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/tensorio"
)

// TestFileAndNamesDisagree: a torch.save file that lists features.2 before features.1
// (two convolutions of one shape) contradicts the names' numbering; the import relies on
// neither and says so. Listed the other way, the pairing follows both.
func TestFileAndNamesDisagree(t *testing.T) {
	g, err := compiler.Check(filepath.Join("testdata", "tv", "swap.toml"), compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	conv := func(name string, in int) []tensorio.Tensor {
		return []tensorio.Tensor{tensor(name+".weight", 8, in, 3, 3), tensor(name+".bias", 8)}
	}
	var src []tensorio.Tensor
	for _, m := range [][]tensorio.Tensor{conv("stem", 3), conv("features.2", 8), conv("features.1", 8), {tensor("fc.weight", 10, 8), tensor("fc.bias", 10)}} {
		src = append(src, m...)
	}
	_, err = MapSource(g, &Source{Tensors: src, Ordered: true}, Auto, nil)
	if err == nil || !strings.Contains(err.Error(), "the file has features.2 before features.1, their names say otherwise") {
		t.Errorf("got %v", err)
	}
	src[2], src[3], src[4], src[5] = src[4], src[5], src[2], src[3]
	res, err := MapSource(g, &Source{Tensors: src, Ordered: true}, Auto, nil)
	if err != nil || res.Pairs[2].From != "features.1.weight" || res.Pairs[2].To != "conv2.weight" {
		t.Errorf("got %v, %v", res, err)
	}
}
