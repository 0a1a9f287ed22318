package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netc/netc/internal/data"
	"github.com/netc/netc/runner/train"
)

// dataFlags are the [data] table's settings as flags. Each overrides the spec (and, for
// eval and predict, the run directory's run.json) only when given.
type dataFlags struct {
	o            train.DataOptions
	scale, ratio []float64
	training     bool // the augmentation flags exist (train only)
}

// dataFlagNames are the flags register adds to train: none may change a run being resumed.
var dataFlagNames = []string{"data-format", "val-split", "mean", "std", "normalize",
	"hflip", "crop-padding", "resized-crop", "resized-crop-scale", "resized-crop-ratio", "no-augment", "data-workers"}

func (d *dataFlags) register(c *cobra.Command, training bool) {
	d.training = training
	f := c.Flags()
	f.StringVar(&d.o.Format, "data-format", "", "data format: "+strings.Join(data.Formats, ", ")+" (default: the spec's [data], else fashion-mnist)")
	f.Float64Var(&d.o.ValSplit, "val-split", 0, "image folder without train/ and val/: the fraction held out for testing, chosen by the seed")
	f.Float64SliceVar(&d.o.Mean, "mean", nil, "per-channel mean to subtract after scaling to [0,1], e.g. 0.4914,0.4822,0.4465")
	f.Float64SliceVar(&d.o.Std, "std", nil, "per-channel standard deviation to divide by, e.g. 0.247,0.243,0.261")
	f.StringVar(&d.o.Normalize, "normalize", "", "measure: each channel's mean and std from the training set; none: no normalization")
	if !training {
		return
	}
	f.Float64Var(&d.o.Augment.HFlip, "hflip", 0, "augment: RandomHorizontalFlip with this probability")
	f.IntVar(&d.o.Augment.CropPadding, "crop-padding", 0, "augment: RandomCrop to the input size after this much zero padding")
	f.BoolVar(&d.o.Augment.ResizedCrop, "resized-crop", false, "augment: RandomResizedCrop to the input size")
	f.Float64SliceVar(&d.scale, "resized-crop-scale", nil, "RandomResizedCrop's area range MIN,MAX; torchvision's 0.08,1 when not given")
	f.Float64SliceVar(&d.ratio, "resized-crop-ratio", nil, "RandomResizedCrop's aspect range MIN,MAX; torchvision's 0.75,1.3333 when not given")
	f.BoolVar(&d.o.NoAugment, "no-augment", false, "ignore the spec's [data.augment]")
	f.IntVar(&d.o.Workers, "data-workers", 0, "goroutines preparing each training batch (default 1; results do not depend on it)")
}

// options returns the flags' settings; for eval and predict, base holds what the run
// directory recorded and the flags given replace its fields.
func (d *dataFlags) options(c *cobra.Command, base train.DataOptions) (train.DataOptions, error) {
	o := base
	changed := c.Flags().Changed
	if changed("data-format") {
		o.Format = d.o.Format
	}
	if changed("val-split") {
		o.ValSplit = d.o.ValSplit
	}
	if changed("mean") || changed("std") || changed("normalize") {
		o.Mean, o.Std, o.Normalize = d.o.Mean, d.o.Std, d.o.Normalize
	}
	if o.Normalize != "" && o.Normalize != "measure" && o.Normalize != "none" {
		return o, usageErrorf("--normalize %q, expected measure or none", o.Normalize)
	}
	if o.Format != "" && !contains(data.Formats, o.Format) {
		return o, usageErrorf("--data-format %q, expected one of %s", o.Format, strings.Join(data.Formats, ", "))
	}
	if !d.training {
		o.Augment, o.NoAugment = train.DataOptions{}.Augment, false
		return o, nil
	}
	o.Augment, o.NoAugment, o.Workers = d.o.Augment, d.o.NoAugment, d.o.Workers
	for _, p := range []struct {
		name string
		v    []float64
		dst  *[2]float64
	}{{"resized-crop-scale", d.scale, &o.Augment.Scale}, {"resized-crop-ratio", d.ratio, &o.Augment.Ratio}} {
		if p.v == nil {
			continue
		}
		if len(p.v) != 2 {
			return o, usageErrorf("--%s takes two numbers MIN,MAX, found %d", p.name, len(p.v))
		}
		*p.dst = [2]float64{p.v[0], p.v[1]}
		o.Augment.ResizedCrop = true
	}
	if err := (data.Augment{ResizedCrop: false, CropPadding: o.Augment.CropPadding, HFlip: o.Augment.HFlip}).Check(); err != nil {
		return o, usageErrorf("%v", err)
	}
	if o.Workers < 0 || o.Workers > 64 {
		return o, usageErrorf("--data-workers %d, expected 0..64", o.Workers)
	}
	return o, nil
}

// fromRun gives cf the run's --set and --input when spec is a run directory's spec.toml
// and the command line sets neither, so that eval and predict build the network trained.
func (f *compileFlags) fromRun(c *cobra.Command, spec string) {
	run := train.RunBeside(spec)
	if run == nil || c.Flags().Changed("set") || c.Flags().Changed("input") {
		return
	}
	f.set, f.input = run.Set, run.Input
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// dataSummary is the header line on normalization and augmentation; empty when there is
// neither (Fashion-MNIST's default run prints what it always printed).
func dataSummary(o train.DataOptions) string {
	if o.Mean == nil && !o.Augment.Active() {
		return ""
	}
	return fmt.Sprintf("inputs: %s", o.Describe())
}
