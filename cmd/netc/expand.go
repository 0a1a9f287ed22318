package main

import (
	"github.com/spf13/cobra"

	"github.com/netc/netc/internal/unfold"
)

func init() { commands = append(commands, newExpandCmd) }

func newExpandCmd() *cobra.Command {
	var cf compileFlags
	c := &cobra.Command{
		Use:   "expand SPEC",
		Short: "Print the spec with every block, repeat, parameter and default written out",
		Long: `Expand prints SPEC as the compiler sees it: every repeat and for-list unrolled, every
parameter and expression replaced by its value (in.c // 2 becomes 128), every condition
decided (a shortcut's projection is there or it is not), and every attribute written with its
default (stride = 1, dilation = 1, groups = 1, bias = true, ...).

Each block instance becomes a block of its own, used once under its original name, so the
layers keep their hierarchical names (b3.inception1.p2.conv1). The output is a valid spec:
'netc check' accepts it and prints the same table as for SPEC. It has no parameters left, so
--set applies while expanding, not afterwards.

Exit status: 0 the spec is valid, 1 it has errors, 2 the command line is wrong.`,
		Example: `  # see what the VGG blocks and their repeats turn into
  netc expand specs/vgg11.toml

  # the chapter's narrow VGG-11, written out, then checked like any spec
  netc expand specs/vgg11.toml --set ratio=4 > vgg11-r4.toml
  netc check vgg11-r4.toml

  # which DenseNet transition layers exist, and their computed widths (in.c // 2)
  netc expand specs/densenet.toml | grep -A4 transition`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: specArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := cf.compile(cmd, args[0])
			if err != nil {
				return err
			}
			return unfold.Write(cmd.OutOrStdout(), g)
		},
	}
	cf.register(c)
	return c
}
