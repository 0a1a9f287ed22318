package compiler

import (
	"reflect"
	"strings"
	"testing"

	"github.com/netc/netc/compiler/ir"
)

const dataLayers = `layers = [ { op = "flatten" }, { op = "linear", out = 10 } ]
`

// TestDataTable: [data] reaches the graph as written; the schema rejects bad values at
// their positions.
func TestDataTable(t *testing.T) {
	g := mustCheck(t, dataLayers+`[data]
format = "folder"
dir = "photos"
val_split = 0.2
mean = [0.5]
std = [0.25]
[data.augment]
hflip = 0.5
crop_padding = 4
resized_crop = { scale = [0.25, 1], ratio = [0.5, 2.0] }
`, Options{})
	want := ir.Data{Format: "folder", Dir: "photos", ValSplit: 0.2, Mean: []float64{0.5}, Std: []float64{0.25},
		HFlip: 0.5, CropPadding: 4, ResizedCrop: true, Scale: []float64{0.25, 1}, Ratio: []float64{0.5, 2}}
	if !reflect.DeepEqual(g.Data, want) {
		t.Errorf("graph data %+v, want %+v", g.Data, want)
	}
	if g := mustCheck(t, dataLayers+"[data.augment]\nresized_crop = {}\n", Options{}); !g.Data.ResizedCrop || g.Data.Scale != nil {
		t.Errorf("resized_crop = {}: %+v", g.Data)
	}
	if g := mustCheck(t, dataLayers, Options{}); !reflect.DeepEqual(g.Data, ir.Data{}) {
		t.Errorf("no [data]: %+v", g.Data)
	}
	_, err := CheckSource("t.toml", []byte(header+dataLayers+`[data]
format = "tiff"
std = [0.2, 0]
val_split = 1
[data.augment]
hflip = 2
resized_crop = { scale = [0.5] }
shear = 3
`), Options{})
	for _, w := range []string{
		`t.toml:6:10: data.format: unknown value "tiff"; expected one of fashion-mnist, idx, cifar10, folder`,
		`t.toml:7:13: data.std[1]: must be greater than 0, found 0`,
		`t.toml:8:13: data.val_split: must be less than 1`,
		`t.toml:10:9: data.augment.hflip: must be at most 1`,
		`t.toml:11:26: data.augment.resized_crop.scale: expected at least 2 elements, found 1`,
		`t.toml:12:1: data.augment.shear: unknown key "shear" here; allowed: crop_padding, hflip, resized_crop`,
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("errors:\n%v\nwant one containing %q", err, w)
		}
	}
}
