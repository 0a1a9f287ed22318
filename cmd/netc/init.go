package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/netc/netc/runner"
)

func init() { commands = append(commands, newInitCmd) }

func newInitCmd() *cobra.Command {
	var cf compileFlags
	var seed uint64
	var out, scheme string
	c := &cobra.Command{
		Use:   "init SPEC --out W.safetensors",
		Short: "Write freshly initialized weights for a spec",
		Long: `Init writes SPEC's parameters, initialized from --seed, to a safetensors file whose tensor
names are the hierarchical parameter names (b3.inception1.p2.conv2.weight), batchnorm running
statistics included. The same spec and seed always give the same weights.

Initializers of conv and linear weights: xavier (uniform, as the book trains), kaiming
(normal, fan-out, as torchvision's ResNets) or default (PyTorch's own). The default is the
spec's [train] init, else xavier.`,
		Example: `  netc init specs/resnet18.toml --seed 1 --out resnet18.safetensors
  netc init specs/vgg11.toml --set ratio=4 --init default --out vgg.safetensors`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: specArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErrorf("--out is required: the safetensors file to write")
			}
			g, err := cf.compile(cmd, args[0])
			if err != nil {
				return err
			}
			if scheme == "" {
				scheme = g.Train.Init
				if scheme == "" {
					scheme = runner.InitXavier
				}
			}
			m, err := runner.NewModel(g)
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			if err := m.Params.Init(scheme, seed); err != nil {
				return usageErrorf("--init: %v", err)
			}
			meta := map[string]string{"spec": g.Name, "init": scheme, "seed": fmt.Sprint(seed), "format": "netc"}
			if err := m.Params.Save(out, meta); err != nil {
				return &exitError{exitInvalid, err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: %d tensors, %d trainable parameters (%s, seed %d)\n", out, len(m.Params.List), m.Params.Count(), scheme, seed)
			return nil
		},
	}
	cf.register(c)
	c.Flags().Uint64Var(&seed, "seed", 0, "random seed")
	c.Flags().StringVarP(&out, "out", "o", "", "safetensors file to write")
	c.Flags().StringVar(&scheme, "init", "", "xavier, kaiming or default (default: the spec's [train] init, else xavier)")
	return c
}
