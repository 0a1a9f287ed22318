package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/netc/netc/internal/data"
	"github.com/netc/netc/runner"
	"github.com/netc/netc/runner/train"
)

func init() { commands = append(commands, newEvalCmd) }

func newEvalCmd() *cobra.Command {
	var cf compileFlags
	var weights, dir, plotPath string
	var limit, batch int
	var seed uint64
	var df dataFlags
	c := &cobra.Command{
		Use:   "eval SPEC --weights W.safetensors",
		Short: "Test accuracy, per-class accuracy and the confusion matrix on the test set",
		Long: `Eval runs SPEC with the given weights on the test set (Fashion-MNIST found as netc train
finds it, or the data of the spec's [data] table and the data flags) and prints the
accuracy, the accuracy of each class, and the confusion matrix (rows: true class, columns:
prediction). --plot also draws the matrix as a PNG.

When SPEC is a run directory's spec.toml, the run's data, normalization (measured ones
included) and seed (which chooses an image folder's held-out images) are used; flags
override them.`,
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
			cf.fromRun(cmd, args[0])
			g, err := cf.compile(cmd, args[0])
			if err != nil {
				return err
			}
			runDir, opts, runSeed := train.InferenceData(args[0])
			if opts, err = df.options(cmd, opts); err != nil {
				return err
			}
			if cmd.Flags().Changed("data") {
				runDir = dir
			}
			if !cmd.Flags().Changed("seed") {
				seed = runSeed
			}
			dataDir, opts := train.ResolveData(runDir, opts, g)
			m, err := runner.NewModel(g)
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			if _, err := m.Params.Load(weights); err != nil {
				return &exitError{exitInvalid, err}
			}
			ds, err := train.OpenData(dataDir, &opts, g, seed)
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			l, err := data.NewLoader(ds.Test, opts.TestLoader(g.Input[1], g.Input[2], batch, limit))
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
			names := ds.ClassList()
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
	c.Flags().StringVar(&dir, "data", "", "data directory, or \"embedded\" (default: the run's or the spec's, else Fashion-MNIST as netc train finds it)")
	c.Flags().Uint64Var(&seed, "seed", 0, "seed that chose an image folder's held-out images (default: the run's, else 0 as netc train's)")
	df.register(c, false)
	c.Flags().IntVar(&limit, "test-limit", 0, "the first N test images only")
	c.Flags().IntVar(&batch, "batch", 256, "images per forward pass")
	c.Flags().StringVar(&plotPath, "plot", "", "also draw the confusion matrix to this PNG")
	return c
}
