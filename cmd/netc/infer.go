package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/netc/netc/runner"
	"github.com/netc/netc/tensorio"
)

func init() { commands = append(commands, newInferCmd) }

func newInferCmd() *cobra.Command {
	var cf compileFlags
	var weights, in, out string
	var trainMode bool
	var batch int
	c := &cobra.Command{
		Use:   "infer SPEC --weights W.safetensors --input X.npy --out Y.npy",
		Short: "Run a network on a batch from a .npy file and write its logits",
		Long: `Infer loads SPEC's weights, runs the compiled inference plan on the N x C x H x W float32
array in --input (C x H x W must be the spec's input; --input-size changes it) and
writes the N x classes logits to --out, atomically.

--train-mode normalizes with the batch's own statistics, as a training step does (dropout
stays off, and the whole file is one batch).`,
		Example: `  netc init specs/lenet-bn.toml --seed 1 --out w.safetensors
  netc infer specs/lenet-bn.toml --weights w.safetensors --input x.npy --out logits.npy`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: specArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			if weights == "" || in == "" || out == "" {
				return usageErrorf("--weights, --input and --out are all required")
			}
			if batch < 1 {
				return usageErrorf("--batch must be at least 1")
			}
			g, err := cf.compile(cmd, args[0])
			if err != nil {
				return err
			}
			m, err := runner.NewModel(g)
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			if _, err := m.Params.Load(weights); err != nil {
				return &exitError{exitInvalid, err}
			}
			shape, x, err := tensorio.ReadNPY(in)
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			want := g.Input
			if len(shape) != 4 || shape[1] != want[0] || shape[2] != want[1] || shape[3] != want[2] {
				return &exitError{exitInvalid, fmt.Errorf("%s: shape %v, the network takes N x %d x %d x %d (change it with --input-size)", in, shape, want[0], want[1], want[2])}
			}
			if minBatch, layer := runner.MinTrainBatch(g); trainMode && shape[0] < minBatch {
				return &exitError{exitInvalid, fmt.Errorf("%s holds %d sample, and --train-mode normalizes with the batch's own statistics: batchnorm %s sees one value per channel per sample, so it needs at least %d samples",
					in, shape[0], layer, minBatch)}
			}
			logits, err := m.Infer(x, shape[0], batch, trainMode)
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			if err := tensorio.WriteNPY(out, []int{shape[0], g.Classes}, logits); err != nil {
				return &exitError{exitInvalid, err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %d x %d logits\n", out, shape[0], g.Classes)
			return nil
		},
	}
	cf.registerAs(c, "input-size")
	c.Flags().StringVarP(&weights, "weights", "w", "", "safetensors weights (netc init, netc train, netc import)")
	c.Flags().StringVar(&in, "input", "", "N x C x H x W float32 .npy")
	c.Flags().StringVarP(&out, "out", "o", "", ".npy file for the N x classes logits")
	c.Flags().BoolVar(&trainMode, "train-mode", false, "normalize with batch statistics, as in training (dropout off)")
	c.Flags().IntVar(&batch, "batch", 64, "samples per forward pass")
	return c
}
