package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/internal/report"
	"github.com/netc/netc/runner"
)

func init() { commands = append(commands, newPlanCmd) }

func newPlanCmd() *cobra.Command {
	var cf compileFlags
	var train, asJSON, showPasses bool
	var batch, threads int
	var disable []string
	c := &cobra.Command{
		Use:   "plan SPEC",
		Short: "Compile a spec into its execution plan and show the fused steps and the memory plan",
		Long: `Plan compiles SPEC into the plan the runner executes: the passes fuse layers into steps
(conv+bias+activation, batchnorm+ReLU, batchnorm folded into the conv for inference), let
branches write straight into their slice of a concat, and let activations and residual adds
work in place; then every tensor gets an offset in one arena.

It prints the steps in order with the layers each one computes, every buffer's size, offset
and live range, and three totals: the planned arena, the naive size (every tensor its own
buffer) and the lower bound (the most bytes live at once over the schedule). Then what
running it takes besides the arena on this machine's kernels and --threads: parameters,
weights an inference plan keeps folded and packed for the GEMM, and each thread's scratch.

Passes: ` + passList() + `.`,
		Example: `  # the inference plan at batch 128
  netc plan specs/googlenet.toml --batch 128

  # a training step: forward, loss, backward; activations live until backward needs them
  netc plan specs/resnet18.toml --train --batch 128

  # the graph after each pass, and with concat elimination switched off
  netc plan specs/densenet.toml --passes
  netc plan specs/densenet.toml --disable eliminate-concat

  # totals for scripts
  netc plan specs/alexnet.toml --train --json | jq '.arena_bytes, .lower_bound_bytes'`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: specArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := cf.compile(cmd, args[0])
			if err != nil {
				return err
			}
			if batch == 0 {
				batch = g.Train.Batch
				if batch == 0 {
					batch = 1
				}
			}
			if batch < 1 {
				return usageErrorf("--batch must be at least 1")
			}
			opt := runner.PlanOptions(plan.Inference, batch, splitList(disable))
			if train {
				opt.Mode = plan.Training
			}
			out := cmd.OutOrStdout()
			if showPasses {
				opt.After = func(run plan.PassRun, pg *plan.Graph) {
					change := "no change"
					if run.Changed {
						change = "changed"
					}
					fmt.Fprintf(out, "== after %s (%s): %s\n%s\n", run.Name, change, plan.PassPurpose(run.Name), pg)
				}
			}
			p, err := plan.Build(g, opt)
			if err != nil {
				if de := (*plan.DisableError)(nil); errors.As(err, &de) {
					return usageErrorf("--disable: %v", err)
				}
				return &exitError{exitInvalid, err}
			}
			if threads > 0 {
				setThreads(threads)
			}
			// A plan only describes the memory; running it is what needs it, so a plan too
			// large for this machine is still printed (it is how one sizes a bigger one),
			// with a warning that the commands that run it will refuse.
			if err := runner.CheckMemory(fmt.Sprintf("running this %s plan", opt.Mode), runner.PlanBytes(p)); err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "netc: warning: %v\n", err)
			}
			if showPasses {
				return nil
			}
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(p)
			}
			report.WritePlan(out, p)
			writeOutsideArena(out, p)
			return nil
		},
	}
	cf.register(c)
	c.Flags().BoolVar(&train, "train", false, "plan a training step (forward, loss, backward) instead of inference")
	c.Flags().IntVar(&batch, "batch", 0, "batch size (default: the spec's [train] batch, else 1)")
	c.Flags().BoolVar(&asJSON, "json", false, "print the whole plan as JSON (arena_bytes, naive_bytes, lower_bound_bytes, steps, buffers, values)")
	c.Flags().BoolVar(&showPasses, "passes", false, "print the step graph after each pass")
	c.Flags().IntVar(&threads, "threads", 0, "size the per-thread memory for this many threads (default: every core)")
	c.Flags().StringSliceVar(&disable, "disable", nil, "switch off passes by name (comma-separated); outputs stay the same")
	return c
}

func passList() string { return strings.Join(plan.PassNames(), ", ") }

func splitList(xs []string) []string {
	var out []string
	for _, x := range xs {
		for _, y := range strings.Split(x, ",") {
			if y = strings.TrimSpace(y); y != "" {
				out = append(out, y)
			}
		}
	}
	return out
}

// writeOutsideArena prints what running p takes besides its arena and parameters, on
// this machine's kernels and the pool's thread count, and the total the runner checks
// against the memory available.
func writeOutsideArena(w io.Writer, p *plan.Plan) {
	o, t := runner.OutsideArenaOf(p), runner.Threads()
	fmt.Fprintf(w, "\nbesides the arena and parameters, on this machine's kernels and %d thread%s:\n", t, plural(t))
	if p.Mode == plan.Inference {
		fmt.Fprintf(w, "folded        %s  (weights with a batchnorm folded in)\n", report.Bytes(o.Folded))
		fmt.Fprintf(w, "packed        %s  (conv weights packed once into the GEMM's panels)\n", report.Bytes(o.Packed))
	}
	if t > 1 {
		fmt.Fprintf(w, "per thread    %s  x %d more (a conv chunk's workspace", report.Bytes(o.PerThread), t-1)
		if p.Mode == plan.Training {
			fmt.Fprint(w, " and a weight-gradient partial")
		}
		fmt.Fprintln(w, ")")
	}
	fmt.Fprintf(w, "GEMM          %s  x %d (packing buffers, at most)\n", report.Bytes(o.GEMM), t)
	if o.PackOnce > 0 {
		fmt.Fprintf(w, "shared panels %s  (the largest conv's weights in the GEMM's panels, once per pass for its chunks)\n", report.Bytes(o.PackOnce))
	}
	fmt.Fprintf(w, "to run        %s  (all of it, parameter gradients included; netc refuses to start what does not fit)\n", report.Bytes(runner.PlanBytes(p)))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
