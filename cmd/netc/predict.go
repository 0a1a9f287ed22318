package main

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netc/netc/internal/data"
	"github.com/netc/netc/runner"
	"github.com/netc/netc/runner/train"
)

func init() { commands = append(commands, newPredictCmd) }

func newPredictCmd() *cobra.Command {
	var cf compileFlags
	var weights string
	var invert bool
	var top int
	var dir string
	var df dataFlags
	c := &cobra.Command{
		Use:   "predict SPEC --weights W.safetensors IMAGE...",
		Short: "Classify PNG or JPEG images with a trained network",
		Long: `Predict loads each image (PNG or JPEG), converts it to grayscale (ITU-R 601 luma, as PIL's
convert("L")), resizes it to the spec's input with bilinear interpolation, scales it to [0, 1],
and prints the top classes with their probabilities.

Fashion-MNIST items are light on a black background; a photo of a dark item on a white
background needs --invert.

A 3-channel network reads the image as RGB (convert("RGB")). The class names and the
normalization come from the data the network was trained on: the run directory's run.json
when SPEC is a run's spec.toml, else the spec's [data] table and the data flags.`,
		Example: `  netc predict specs/lenet-bn.toml --weights best.safetensors shoe.png shirt.jpg
  netc predict specs/lenet-bn.toml --weights best.safetensors --invert photo.jpg --top 5`,
		Args:              cobra.MinimumNArgs(2),
		ValidArgsFunction: specArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			if weights == "" {
				return usageErrorf("--weights is required")
			}
			if top < 1 {
				return usageErrorf("--top must be at least 1")
			}
			cf.fromRun(cmd, args[0])
			g, err := cf.compile(cmd, args[0])
			if err != nil {
				return err
			}
			if g.Input[0] != 1 && g.Input[0] != 3 {
				return &exitError{exitInvalid, fmt.Errorf("predict reads grayscale or RGB images; %s takes %d channels", g.Name, g.Input[0])}
			}
			runDir, opts, seed := train.InferenceData(args[0])
			if opts, err = df.options(cmd, opts); err != nil {
				return err
			}
			if cmd.Flags().Changed("data") {
				runDir = dir
			}
			dataDir, opts := train.ResolveData(runDir, opts, g)
			if opts.Normalize == "measure" && opts.Mean == nil {
				// Measured on the training set, as the run did.
				if _, err := train.OpenData(dataDir, &opts, g, seed); err != nil {
					return &exitError{exitInvalid, err}
				}
			}
			if err := data.CheckNormalization(opts.Mean, opts.Std, g.Input[0]); err != nil {
				return &exitError{exitInvalid, err}
			}
			known, err := data.ClassNamesOf(data.Source{Format: opts.Format, Dir: dataDir})
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			m, err := runner.NewModel(g)
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			if _, err := m.Params.Load(weights); err != nil {
				return &exitError{exitInvalid, err}
			}
			names := classNames(g.Classes, known)
			out := cmd.OutOrStdout()
			for _, path := range args[1:] {
				x, err := data.LoadImageFile(path, data.ImageOptions{Height: g.Input[1], Width: g.Input[2], Invert: invert,
					Channels: g.Input[0], Mean: float32s(opts.Mean), Std: float32s(opts.Std)})
				if err != nil {
					return &exitError{exitInvalid, err}
				}
				logits, err := m.Infer(x, 1, 1, false)
				if err != nil {
					return &exitError{exitInvalid, err}
				}
				probs := softmax(logits)
				order := make([]int, len(probs))
				for i := range order {
					order[i] = i
				}
				sort.SliceStable(order, func(a, b int) bool { return probs[order[a]] > probs[order[b]] })
				var parts []string
				for _, k := range order[:min(top, len(order))] {
					parts = append(parts, fmt.Sprintf("%s %.3f", names[k], probs[k]))
				}
				fmt.Fprintf(out, "%s: %s\n", path, strings.Join(parts, ", "))
			}
			return nil
		},
	}
	cf.register(c)
	c.Flags().StringVarP(&weights, "weights", "w", "", "safetensors weights")
	c.Flags().BoolVar(&invert, "invert", false, "invert the image (dark item on a light background)")
	c.Flags().IntVar(&top, "top", 3, "how many classes to show")
	c.Flags().StringVar(&dir, "data", "", "the training data's directory, for its class names (default: the run's or the spec's)")
	df.register(c, false)
	return c
}

// classNames are the data's names when there are as many as the network has classes.
func classNames(classes int, known []string) []string {
	if len(known) == classes {
		return known
	}
	out := make([]string, classes)
	for i := range out {
		out[i] = fmt.Sprintf("class %d", i)
	}
	return out
}

func float32s(x []float64) []float32 {
	if x == nil {
		return nil
	}
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}

func softmax(x []float32) []float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, float64(v))
	}
	out := make([]float64, len(x))
	var sum float64
	for i, v := range x {
		out[i] = math.Exp(float64(v) - m)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}
