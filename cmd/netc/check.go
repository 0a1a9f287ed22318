package main

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/netc/netc/internal/report"
)

func newCheckCmd() *cobra.Command {
	var cf compileFlags
	var asJSON bool
	var depth int
	c := &cobra.Command{
		Use:   "check SPEC",
		Short: "Validate a spec and print every layer's shape, parameters and MACs",
		Long: `Check validates SPEC against the schema, expands its blocks and repeats, infers every
layer's output shape, and prints one row per layer: its hierarchical name (b3.inception1.p2.conv2),
op and key attributes, per-sample output shape, parameters and MACs; then the totals.

All errors are listed, each as file:line:col: path: message.

Exit status: 0 the spec is valid, 1 it has errors, 2 the command line is wrong.`,
		Example: `  # the per-layer table of GoogLeNet
  netc check specs/googlenet.toml

  # only the top-level blocks (stages), with their summed parameters and MACs
  netc check specs/googlenet.toml --depth 1

  # VGG-11 with a quarter of the width, as the chapter trains it
  netc check specs/vgg11.toml --set ratio=4

  # ResNet-18 at ImageNet resolution, as JSON (params, macs, output, layers)
  netc check specs/resnet18.toml --input 1x224x224 --json`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: specArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			if depth < 0 {
				return usageErrorf("--depth must be 0 (every layer) or more")
			}
			g, err := cf.compile(cmd, args[0])
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(report.Summarize(g))
			}
			return report.WriteTable(cmd.OutOrStdout(), g, report.TableOptions{Depth: depth})
		},
	}
	cf.register(c)
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object: params, macs, flops, output, layers [{name, op, shape, params, macs}] ...")
	c.Flags().IntVar(&depth, "depth", 0, "fold blocks nested deeper than this into one row each (0: every layer)")
	return c
}
