package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/netc/netc/internal/compare"
)

func init() { commands = append(commands, newDiffCmd) }

func newDiffCmd() *cobra.Command {
	var set, setA, setB []string
	var input, inputA, inputB string
	var all, asJSON bool
	c := &cobra.Command{
		Use:   "diff A.toml [B.toml]",
		Short: "Compare two specs (or one spec under two settings) layer by layer",
		Long: `Diff compiles two specs and lines their layers up by hierarchical name. It lists every layer
whose op or attributes, output shape, parameters or MACs differ, as "a → b", marking layers
only in B with + and layers only in A with -; then the totals, with the change and its
percentage.

With one spec, both sides are that spec: tell them apart with --set-a/--set-b and
--input-a/--input-b. --set and --input apply to both sides.

Exit status: 0 compared (whether or not anything differs), 1 a spec has errors (listed as
file:line:col: path: message), 2 the command line is wrong.`,
		Example: `  # VGG-11 at full width against the quarter width the chapter trains
  netc diff specs/vgg11.toml --set-b ratio=4

  # the same, naming the file twice
  netc diff specs/vgg11.toml specs/vgg11.toml --set-b ratio=4

  # what ImageNet-sized input does to ResNet-18's shapes and MACs
  netc diff specs/resnet18.toml --input-b 1x224x224

  # two different networks, every layer listed, as JSON
  netc diff specs/resnet18.toml specs/resnet50.toml --all --json`,
		Args:              cobra.RangeArgs(1, 2),
		ValidArgsFunction: specArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			pathA, pathB := args[0], args[0]
			if len(args) == 2 {
				pathB = args[1]
			}
			a := compileFlags{set: append(append([]string(nil), set...), setA...), input: pick(inputA, input)}
			ga, err := a.compile(cmd, pathA)
			if err != nil {
				return sideErr("a", err)
			}
			b := compileFlags{set: append(append([]string(nil), set...), setB...), input: pick(inputB, input)}
			gb, err := b.compile(cmd, pathB)
			if err != nil {
				return sideErr("b", err)
			}
			r := compare.Graphs(ga, gb)
			if asJSON {
				return r.WriteJSON(cmd.OutOrStdout())
			}
			return r.WriteText(cmd.OutOrStdout(), all)
		},
	}
	f := c.Flags()
	f.StringArrayVar(&set, "set", nil, "override a spec parameter on both sides, name=value (repeatable)")
	f.StringArrayVar(&setA, "set-a", nil, "override a parameter of side A only, name=value (repeatable)")
	f.StringArrayVar(&setB, "set-b", nil, "override a parameter of side B only, name=value (repeatable), e.g. --set-b ratio=4")
	f.StringVar(&input, "input", "", "input size for both sides: CxHxW, HxW or one size")
	f.StringVar(&inputA, "input-a", "", "input size for side A (overrides --input)")
	f.StringVar(&inputB, "input-b", "", "input size for side B (overrides --input)")
	f.BoolVar(&all, "all", false, "list the layers that are the same too")
	f.BoolVar(&asJSON, "json", false, "print one JSON object: a, b (with totals) and layers [{name, status, a, b}]")
	return c
}

func pick(specific, shared string) string {
	if specific != "" {
		return specific
	}
	return shared
}

// sideErr says which side an error belongs to (spec diagnostics, printed already, name
// their file too).
func sideErr(side string, err error) error {
	var ee *exitError
	if errors.As(err, &ee) {
		return &exitError{ee.code, fmt.Errorf("side %s: %v", side, ee.err)}
	}
	return fmt.Errorf("side %s: %v", side, err)
}
