package ast

import (
	"github.com/netc/netc/compiler/internal/diag"
	"github.com/netc/netc/compiler/internal/load"
)

// Data is the [data] table: where the training and test images come from,
// how they are normalized, and how training images are augmented.
type Data struct {
	Pos       diag.Pos
	Format    string
	Dir       string
	DirPos    diag.Pos
	ValSplit  float64
	Mean, Std []float64
	Normalize string // "", "none" or "measure"
	Augment   *Augment
}

// Augment is [data.augment].
type Augment struct {
	HFlip       float64
	CropPadding int
	ResizedCrop bool
	Scale       []float64 // empty: the default
	Ratio       []float64 // empty: the default
}

// data decodes a [data] table the schema has already checked.
func (d *decoder) data(n *load.Node) *Data {
	out := &Data{Pos: n.KeyPos}
	if v := n.Get("format"); v != nil {
		out.Format = v.Str
	}
	if v := n.Get("dir"); v != nil {
		out.Dir, out.DirPos = v.Str, v.Pos
	}
	out.ValSplit = number(n.Get("val_split"))
	out.Mean, out.Std = numbers(n.Get("mean")), numbers(n.Get("std"))
	if v := n.Get("normalize"); v != nil {
		out.Normalize = v.Str
	}
	if a := n.Get("augment"); a != nil {
		out.Augment = &Augment{HFlip: number(a.Get("hflip"))}
		if v := a.Get("crop_padding"); v != nil {
			out.Augment.CropPadding = int(v.Int)
		}
		if rc := a.Get("resized_crop"); rc != nil {
			out.Augment.ResizedCrop = true
			out.Augment.Scale, out.Augment.Ratio = numbers(rc.Get("scale")), numbers(rc.Get("ratio"))
		}
	}
	return out
}

// number reads an integer or float node; absent is 0 ([data] and [train] both use it).
func number(v *load.Node) float64 {
	switch {
	case v == nil:
		return 0
	case v.Kind == load.Integer:
		return float64(v.Int)
	}
	return v.Float
}

func numbers(v *load.Node) []float64 {
	if v == nil {
		return nil
	}
	out := make([]float64, len(v.Items))
	for i, it := range v.Items {
		out[i] = number(it)
	}
	return out
}
