package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/netc/netc/runner"
	"github.com/netc/netc/runner/data"
	"github.com/netc/netc/runner/train"
)

func init() { commands = append(commands, newEvalCmd) }

func newEvalCmd() *cobra.Command {
	var cf compileFlags
	var weights, dir, plotPath string
	var limit, batch int
	c := &cobra.Command{
		Use:   "eval SPEC --weights W.safetensors",
		Short: "Test accuracy, per-class accuracy and the confusion matrix on Fashion-MNIST",
		Long: `Eval runs SPEC with the given weights on the Fashion-MNIST test set (found as netc train
finds it) and prints the accuracy, the accuracy of each class, and the confusion matrix
(rows: true class, columns: prediction). --plot also draws the matrix as a PNG.`,
		Example: `  netc eval specs/lenet-bn.toml --weights runs/lenet-bn-20261127-101500/best.safetensors
  netc eval specs/lenet-bn.toml --weights best.safetensors --plot confusion.png`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: specArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			if weights == "" {
				return usageErrorf("--weights is required")
			}
			if batch < 1 || limit < 0 {
				return usageErrorf("--batch must be at least 1 and --test-limit not negative")
			}
			g, err := cf.compile(cmd, args[0])
			if err != nil {
				return err
			}
			if g.Input[0] != 1 || g.Classes != data.NumClasses {
				return &exitError{exitInvalid, fmt.Errorf("Fashion-MNIST needs a 1-channel input and 10 classes; %s has %d and %d", g.Name, g.Input[0], g.Classes)}
			}
			m, err := runner.NewModel(g)
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			if _, err := m.Params.Load(weights); err != nil {
				return &exitError{exitInvalid, err}
			}
			ds, err := train.LoadData(dir)
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			l, err := data.NewLoader(ds.Test, data.LoaderConfig{Height: g.Input[1], Width: g.Input[2], BatchSize: batch, Limit: limit})
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			res, err := train.Evaluate(context.Background(), m, l, g.Classes)
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "data: %s\n", ds.Source)
			fmt.Fprintf(out, "test accuracy %.4f (%d of %d), loss %.4f\n\n", res.Accuracy(), res.Correct, res.N, res.Loss)
			names := data.ClassNames[:]
			fmt.Fprintln(out, "class         accuracy")
			for i, acc := range res.PerClass {
				fmt.Fprintf(out, "%-12s  %.3f\n", names[i], acc)
			}
			fmt.Fprintln(out)
			train.WriteConfusion(out, res, names)
			if plotPath != "" {
				if err := train.PlotConfusion(plotPath, res, names, fmt.Sprintf("%s: test accuracy %.3f", g.Name, res.Accuracy())); err != nil {
					return &exitError{exitInvalid, err}
				}
				fmt.Fprintf(out, "\nconfusion matrix drawn in %s\n", plotPath)
			}
			return nil
		},
	}
	cf.register(c)
	c.Flags().StringVarP(&weights, "weights", "w", "", "safetensors weights")
	c.Flags().StringVar(&dir, "data", "", "Fashion-MNIST directory, or \"embedded\" (default: as netc train finds it)")
	c.Flags().IntVar(&limit, "test-limit", 0, "the first N test images only")
	c.Flags().IntVar(&batch, "batch", 256, "images per forward pass")
	c.Flags().StringVar(&plotPath, "plot", "", "also draw the confusion matrix to this PNG")
	return c
}
