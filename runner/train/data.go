package train

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/data"
)

// DataOptions are the data settings of a run beyond the directory (Config.DataDir): the
// format, the held-out fraction of an image folder, the normalization and the
// augmentation. Zero values take the spec's [data] table; run.json records the resolved
// values, the measured normalization included, so a resumed run and `netc eval` of the
// run's spec see the same inputs.
type DataOptions struct {
	Format    string       `json:",omitempty"` // data.Formats; "" is Fashion-MNIST
	ValSplit  float64      `json:",omitempty"`
	Mean, Std []float64    `json:",omitempty"`
	Normalize string       `json:",omitempty"` // "measure": Mean and Std from the training set
	Augment   data.Augment // training images only
	NoAugment bool         `json:",omitempty"` // ignore the spec's augmentation
	Workers   int          `json:",omitempty"` // goroutines preparing each training batch; 1 when 0
}

// ResolveData fills what dir and o leave unset from the spec's [data] table; a relative
// dir in the spec is taken from the spec file's directory.
func ResolveData(dir string, o DataOptions, g *ir.Graph) (string, DataOptions) {
	d := g.Data
	if dir == "" && d.Dir != "" {
		dir = d.Dir
		if !filepath.IsAbs(dir) && g.File != "" {
			dir = filepath.Join(filepath.Dir(g.File), dir)
		}
		if abs, err := filepath.Abs(dir); err == nil {
			dir = abs // run.json must find it from any working directory
		}
	}
	if o.Format == "" {
		o.Format = d.Format
	}
	if o.ValSplit == 0 {
		o.ValSplit = d.ValSplit
	}
	if o.Mean == nil && o.Std == nil && o.Normalize == "" {
		o.Mean, o.Std, o.Normalize = d.Mean, d.Std, d.Normalize
	}
	if o.Normalize == "none" {
		o.Normalize = ""
	}
	a := &o.Augment
	if !o.NoAugment {
		if a.HFlip == 0 {
			a.HFlip = d.HFlip
		}
		if a.CropPadding == 0 {
			a.CropPadding = d.CropPadding
		}
		if !a.ResizedCrop && d.ResizedCrop {
			a.ResizedCrop = true
			a.Scale, a.Ratio = pairOr(d.Scale, a.Scale), pairOr(d.Ratio, a.Ratio)
		}
	} else {
		*a = data.Augment{}
	}
	if a.ResizedCrop {
		if a.Scale == ([2]float64{}) {
			a.Scale = data.DefaultScale
		}
		if a.Ratio == ([2]float64{}) {
			a.Ratio = data.DefaultRatio
		}
	}
	return dir, o
}

func pairOr(spec []float64, flag [2]float64) [2]float64 {
	if flag != ([2]float64{}) || len(spec) != 2 {
		return flag
	}
	return [2]float64{spec[0], spec[1]}
}

// OpenData reads the data set for a network: images converted to its channels, the same
// number of classes, and the normalization checked — or measured on the training set when
// o.Normalize is "measure" and o holds none yet (o is updated). seed chooses the images an
// image folder holds out.
func OpenData(dir string, o *DataOptions, g *ir.Graph, seed uint64) (*data.Dataset, error) {
	return openData(dir, false, o, g, seed)
}

// openData is OpenData; recorded says dir is the one a run recorded (resuming it).
func openData(dir string, recorded bool, o *DataOptions, g *ir.Graph, seed uint64) (*data.Dataset, error) {
	if dir == Embedded && o.Format != "" && o.Format != data.FormatFashionMNIST {
		return nil, fmt.Errorf("--data %s is the Fashion-MNIST subset; it cannot be read as %s", Embedded, o.Format)
	}
	ds, err := data.Open(data.Source{Format: o.Format, Dir: dir, ValSplit: o.ValSplit, Seed: seed, Recorded: recorded}, g.Input[0], g.Input[1], g.Input[2])
	if err != nil {
		return nil, err
	}
	if classes := ds.ClassList(); len(classes) != g.Classes {
		return nil, fmt.Errorf("the data has %d classes (%s) but %s has classes = %d; set classes = %d in the spec (data: %s)",
			len(classes), shortList(classes), g.Name, g.Classes, len(classes), ds.Source)
	}
	if o.Normalize == "measure" && o.Mean == nil {
		o.Mean, o.Std = data.MeasureNormalization(ds.Train)
	}
	if o.Normalize != "" && o.Normalize != "measure" {
		return nil, fmt.Errorf("normalize %q, expected measure or none", o.Normalize)
	}
	if err := data.CheckNormalization(o.Mean, o.Std, g.Input[0]); err != nil {
		return nil, err
	}
	if err := o.Augment.Check(); err != nil {
		return nil, err
	}
	return ds, nil
}

func shortList(names []string) string {
	if len(names) > 6 {
		return strings.Join(names[:5], ", ") + ", ..."
	}
	return strings.Join(names, ", ")
}

// float32s converts a normalization for the loader.
func float32s(x []float64) []float32 {
	if len(x) == 0 {
		return nil
	}
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

// TrainLoader and TestLoader are the loader settings of the two splits: only training
// images are shuffled and augmented; both are normalized.
func (o DataOptions) TrainLoader(h, w, batch int, seed uint64, limit int) data.LoaderConfig {
	return data.LoaderConfig{Height: h, Width: w, BatchSize: batch, Shuffle: true, Seed: seed, Limit: limit,
		Augment: o.Augment, Mean: float32s(o.Mean), Std: float32s(o.Std), Workers: o.Workers}
}

func (o DataOptions) TestLoader(h, w, batch, limit int) data.LoaderConfig {
	return data.LoaderConfig{Height: h, Width: w, BatchSize: batch, Limit: limit, Mean: float32s(o.Mean), Std: float32s(o.Std)}
}

// Describe is one line on the normalization and augmentation, for the run's header.
func (o DataOptions) Describe() string {
	var parts []string
	if o.Mean != nil {
		parts = append(parts, fmt.Sprintf("normalized by mean %.4g std %.4g", o.Mean, o.Std))
	}
	a := o.Augment
	if a.ResizedCrop {
		parts = append(parts, fmt.Sprintf("random resized crop (scale %g, ratio %.4g)", a.Scale, a.Ratio))
	}
	if a.CropPadding > 0 {
		parts = append(parts, fmt.Sprintf("random crop after padding %d", a.CropPadding))
	}
	if a.HFlip > 0 {
		parts = append(parts, fmt.Sprintf("horizontal flip p=%g", a.HFlip))
	}
	if len(parts) == 0 {
		return "no normalization or augmentation"
	}
	return strings.Join(parts, "; ")
}
