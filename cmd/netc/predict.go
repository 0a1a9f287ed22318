package main

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netc/netc/runner"
	"github.com/netc/netc/runner/data"
)

func init() { commands = append(commands, newPredictCmd) }

func newPredictCmd() *cobra.Command {
	var cf compileFlags
	var weights string
	var invert bool
	var top int
	c := &cobra.Command{
		Use:   "predict SPEC --weights W.safetensors IMAGE...",
		Short: "Classify PNG or JPEG images with a trained network",
		Long: `Predict loads each image (PNG or JPEG), converts it to grayscale (ITU-R 601 luma, as PIL's
convert("L")), resizes it to the spec's input with bilinear interpolation, scales it to [0, 1],
and prints the top classes with their probabilities.

Fashion-MNIST items are light on a black background; a photo of a dark item on a white
background needs --invert.`,
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
			g, err := cf.compile(cmd, args[0])
			if err != nil {
				return err
			}
			if g.Input[0] != 1 {
				return &exitError{exitInvalid, fmt.Errorf("predict reads grayscale images; %s takes %d channels", g.Name, g.Input[0])}
			}
			m, err := runner.NewModel(g)
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			if _, err := m.Params.Load(weights); err != nil {
				return &exitError{exitInvalid, err}
			}
			names := classNames(g.Classes)
			out := cmd.OutOrStdout()
			for _, path := range args[1:] {
				x, err := data.LoadImageFile(path, data.ImageOptions{Height: g.Input[1], Width: g.Input[2], Invert: invert})
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
	return c
}

func classNames(classes int) []string {
	if classes == data.NumClasses {
		return data.ClassNames[:]
	}
	out := make([]string, classes)
	for i := range out {
		out[i] = fmt.Sprintf("class %d", i)
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
