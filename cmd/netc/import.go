package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/netc/netc/export/statedict"
	"github.com/netc/netc/internal/userfile"
	"github.com/netc/netc/runner"
)

func init() { commands = append(commands, newImportCmd) }

func newImportCmd() *cobra.Command {
	var cf compileFlags
	var from, spec, out, by string
	var verbose bool
	c := &cobra.Command{
		Use:   "import --from pytorch STATE.safetensors --spec SPEC --out W.safetensors",
		Short: "Bring weights trained elsewhere (a PyTorch state dict) back to netc",
		Long: `Import maps a PyTorch state dict, saved as safetensors, onto SPEC's parameter names and
writes netc weights for netc infer (and eval, predict, train).

A state dict saved by the module that netc export generates (model.save) has netc's names
and is matched by name. Any other, such as the book's nn.Sequential definitions, is
matched by structure: its layers, taken in the order of their module paths (numbers as
numbers), are matched kind by kind (conv, linear, batchnorm) with the spec's layers in
execution order. --by forces one way. Every shape is checked; each tensor that does not
fit is listed with the expected and the found shape, and nothing is written (exit 1).
Float64, float16 and bfloat16 tensors are converted to float32; BatchNorm's
num_batches_tracked counters are skipped.`,
		Example: `  netc import --from pytorch trained.safetensors --spec specs/resnet18.toml --out resnet18.safetensors
  netc infer specs/resnet18.toml --weights resnet18.safetensors --input x.npy --out logits.npy`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if from != "pytorch" {
				return usageErrorf("--from %q: only pytorch state dicts (safetensors) are supported", from)
			}
			if spec == "" || out == "" {
				return usageErrorf("--spec and --out are required")
			}
			if by != statedict.Auto && by != statedict.ByName && by != statedict.Structure {
				return usageErrorf("--by %q: expected auto, name or structure", by)
			}
			if _, err := os.Stat(args[0]); err != nil {
				return usageErrorf("%s: no such state dict file", args[0])
			}
			if err := userfile.Check(args[0]); err != nil {
				return usageErrorf("%v; give a state dict saved as safetensors", err)
			}
			g, err := cf.compile(cmd, spec)
			if err != nil {
				return err
			}
			src, skipped, err := statedict.Read(args[0])
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			res, err := statedict.Map(g, src, by)
			if err != nil {
				return &exitError{exitInvalid, fmt.Errorf("%s: %w", args[0], err)}
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
			w := cmd.OutOrStdout()
			if verbose {
				for _, p := range res.Pairs {
					fmt.Fprintf(w, "%s -> %s\n", p.From, p.To)
				}
			}
			note := ""
			if len(skipped) > 0 {
				note = fmt.Sprintf("; skipped %d num_batches_tracked counters", len(skipped))
			}
			fmt.Fprintf(w, "wrote %s: %d tensors from %s, matched by %s%s\n", out, len(res.Tensors), args[0], res.By, note)
			return nil
		},
	}
	cf.register(c)
	c.Flags().StringVar(&from, "from", "pytorch", "the state dict's framework (pytorch)")
	c.Flags().StringVar(&spec, "spec", "", "the spec whose parameters the state dict holds")
	c.Flags().StringVarP(&out, "out", "o", "", "netc weights (safetensors) to write")
	c.Flags().StringVar(&by, "by", statedict.Auto, "match by name, structure, or auto")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "print each tensor's mapping")
	return c
}
