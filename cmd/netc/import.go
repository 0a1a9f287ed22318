package main

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/netc/netc/internal/export/statedict"
	"github.com/netc/netc/internal/userfile"
	"github.com/netc/netc/runner"
)

func init() { commands = append(commands, newImportCmd) }

func newImportCmd() *cobra.Command {
	var cf compileFlags
	var from, spec, out, by, mapFile string
	var verbose, show bool
	c := &cobra.Command{
		Use:   "import --from pytorch STATE --spec SPEC --out W.safetensors",
		Short: "Bring weights trained elsewhere (a PyTorch state dict) back to netc",
		Long: `Import maps a PyTorch state dict onto SPEC's parameter names and writes netc weights
for netc infer (and eval, predict, train). STATE is a torch.save checkpoint (.pt, .pth:
a state dict, or a dict holding one under "state_dict" or "model") or a safetensors
file. A torch.save checkpoint is read without running its pickle: only tensors, dicts
and plain data are built, and anything else is refused.

A state dict saved by the module that netc export generates (model.save) has netc's names
and is matched by name. Any other (torchvision's models, the book's nn.Sequential
definitions, your own) is matched by structure: modules are paired with the spec's
layers of the same kind and shapes, in the order the modules run. That order comes from
the file when it keeps one (torch.save keeps the order in which modules registered),
from names that number modules (features.9 before features.10, conv1 before conv2), and
from the layers around them. When two modules of one shape could be swapped and nothing
settles which is which, the import fails naming them (exit 1): it never guesses. A --map
file then says which is which, one "netc layer" = "PyTorch module" line each (a * in
the layer matches within one dotted segment and fills the module's *):

  "stage1.bottleneck1.shortcut.projection.conv" = "layer1.0.downsample.0"

--show prints each tensor's pairing (netc name, PyTorch key, shape) without writing.
Every shape is checked; nothing is written unless every tensor fits. Float64, float16
and bfloat16 tensors are converted to float32; BatchNorm's num_batches_tracked counters
are skipped, and said so.`,
		Example: `  netc import --from pytorch resnet50.pt --spec specs/resnet50.toml --out resnet50.safetensors
  netc import --from pytorch model.safetensors --spec specs/resnet50.toml --show
  netc infer specs/resnet50.toml --weights resnet50.safetensors --input x.npy --out logits.npy`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if from != "pytorch" {
				return usageErrorf("--from %q: only pytorch state dicts (torch.save or safetensors) are supported", from)
			}
			if spec == "" || (out == "" && !show) {
				return usageErrorf("--spec and --out (or --show) are required")
			}
			if by != statedict.Auto && by != statedict.ByName && by != statedict.Structure {
				return usageErrorf("--by %q: expected auto, name or structure", by)
			}
			if mapFile != "" && by == statedict.ByName {
				return usageErrorf("--map pairs layers by structure; it cannot go with --by name")
			}
			if _, err := os.Stat(args[0]); err != nil {
				return usageErrorf("%s: no such state dict file", args[0])
			}
			if err := userfile.Check(args[0]); err != nil {
				return usageErrorf("%v; give a state dict saved by torch.save or as safetensors", err)
			}
			var rules []statedict.Rule
			if mapFile != "" {
				var err error
				if rules, err = statedict.ReadRules(mapFile); err != nil {
					return &exitError{exitUsage, err}
				}
			}
			g, err := cf.compile(cmd, spec)
			if err != nil {
				return err
			}
			src, err := statedict.Load(args[0])
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			res, err := statedict.MapSource(g, src, by, rules)
			if err != nil {
				return &exitError{exitInvalid, fmt.Errorf("%s: %w", args[0], err)}
			}
			w := cmd.OutOrStdout()
			if show || verbose {
				printPairs(w, res.Pairs)
			}
			note := ""
			if len(src.Skipped) > 0 {
				note = fmt.Sprintf("; skipped %d num_batches_tracked counters", len(src.Skipped))
			}
			if show {
				fmt.Fprintf(w, "%d tensors from %s (%s), matched by %s%s; nothing written\n", len(res.Tensors), args[0], src.Format, res.By, note)
				return nil
			}
			m, err := runner.NewModel(g)
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			if err := m.Params.Set(args[0], res.Tensors); err != nil {
				return &exitError{exitInvalid, err}
			}
			meta := map[string]string{"spec": g.Name, "format": "netc", "imported_from": args[0], "matched_by": res.By}
			if err := m.Params.Save(out, meta); err != nil {
				return &exitError{exitInvalid, err}
			}
			fmt.Fprintf(w, "wrote %s: %d tensors from %s (%s), matched by %s%s\n", out, len(res.Tensors), args[0], src.Format, res.By, note)
			return nil
		},
	}
	cf.register(c)
	c.Flags().StringVar(&from, "from", "pytorch", "the state dict's framework (pytorch)")
	c.Flags().StringVar(&spec, "spec", "", "the spec whose parameters the state dict holds")
	c.Flags().StringVarP(&out, "out", "o", "", "netc weights (safetensors) to write")
	c.Flags().StringVar(&by, "by", statedict.Auto, "match by name, structure, or auto")
	c.Flags().StringVar(&mapFile, "map", "", "a TOML file of \"netc layer\" = \"PyTorch module\" pairings for what structure cannot settle")
	c.Flags().BoolVar(&show, "show", false, "print the pairing table and write nothing")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "print the pairing table too")
	return c
}

// printPairs prints the pairing table: netc name, PyTorch key, shape.
func printPairs(w io.Writer, pairs []statedict.Pair) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "netc\tPyTorch\tshape")
	for _, p := range pairs {
		fmt.Fprintf(tw, "%s\t%s\t%v\n", p.To, p.From, p.Shape)
	}
	tw.Flush()
}
