package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime/pprof"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/internal/report"
	"github.com/netc/netc/runner"
)

func init() { commands = append(commands, newBenchCmd) }

type benchLayer struct {
	Name        string  `json:"name"`
	Op          string  `json:"op"`
	ForwardMs   float64 `json:"forward_ms"`
	BackwardMs  float64 `json:"backward_ms"`
	Share       float64 `json:"share"`
	GFLOPPerSec float64 `json:"gflop_per_sec"`
	// SpeedUp is the step's time on one thread over its time on Threads threads (the
	// parallel efficiency is SpeedUp / Threads); 0 when the run used one thread.
	SpeedUp float64 `json:"speedup_over_1_thread,omitempty"`
}

type benchResult struct {
	Spec            string       `json:"spec"`
	Batch           int          `json:"batch"`
	Threads         int          `json:"threads"`
	Steps           int          `json:"steps"`
	TrainImagesPerS float64      `json:"train_images_per_sec,omitempty"`
	InferImagesPerS float64      `json:"infer_images_per_sec,omitempty"`
	TrainStepMs     float64      `json:"train_step_ms,omitempty"`
	InferStepMs     float64      `json:"infer_step_ms,omitempty"`
	Layers          []benchLayer `json:"layers,omitempty"`
	// With --layers: the share of the instrumented time spent in conv and linear
	// steps, and their combined GFLOP/s, to set against the machine's SGEMM peak.
	ConvLinearShare       float64 `json:"conv_linear_share,omitempty"`
	ConvLinearGFLOPPerSec float64 `json:"conv_linear_gflop_per_sec,omitempty"`
	// With --layers on more than one thread: the instrumented steps' total time on one
	// thread over their total on Threads threads.
	LayersSpeedUp float64 `json:"layers_speedup_over_1_thread,omitempty"`
}

func newBenchCmd() *cobra.Command {
	var cf compileFlags
	var batch, steps, threads int
	var trainOnly, inferOnly, layers, asJSON bool
	var cpuProfile string
	c := &cobra.Command{
		Use:   "bench SPEC",
		Short: "Time training and inference steps (images/s), and optionally each layer",
		Long: `Bench times SPEC on random input: a warm-up step, then the median of --steps timed steps
of a training step (forward, loss, backward, SGD update) and of inference. With --layers, a
separate instrumented run times each plan step's forward and backward, its share of the
total and its GFLOP/s (2 x MACs of conv and linear layers), sorted by time; the timers
cost a little, which is why the totals come from the uninstrumented run. With more than
one thread, --layers also times each step on one thread and shows its speed-up: 1 thread's
time over this run's (2.0 on 2 threads is perfect scaling).`,
		Example: `  netc bench specs/resnet18.toml --batch 64
  netc bench specs/googlenet.toml --batch 64 --train --layers
  netc bench specs/lenet-bn.toml --batch 256 --threads 1 --json
  netc bench specs/resnet18.toml --batch 64 --train --cpuprofile resnet18.prof`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: specArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			if steps < 1 || threads < 0 {
				return usageErrorf("--steps must be at least 1 and --threads not negative")
			}
			if trainOnly && inferOnly {
				return usageErrorf("--train and --infer together mean both: leave both out")
			}
			g, err := cf.compile(cmd, args[0])
			if err != nil {
				return err
			}
			if batch == 0 {
				batch = max(1, g.Train.Batch)
			}
			if batch < 1 {
				return usageErrorf("--batch must be at least 1")
			}
			setThreads(threads)
			res := benchResult{Spec: g.Name, Batch: batch, Threads: runner.Threads(), Steps: steps}
			if cpuProfile != "" {
				stop, err := startCPUProfile(cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
			}
			if !inferOnly {
				n, opt, err := runner.BenchNet(g, plan.Training, batch)
				if err != nil {
					return &exitError{exitInvalid, err}
				}
				d := runner.Benchmark(n, opt, true, steps)
				res.TrainStepMs, res.TrainImagesPerS = ms(d), float64(batch)/d.Seconds()
				if layers {
					res.Layers = profileLayers(n, g, opt, steps)
				}
			}
			if !trainOnly {
				n, opt, err := runner.BenchNet(g, plan.Inference, batch)
				if err != nil {
					return &exitError{exitInvalid, err}
				}
				d := runner.Benchmark(n, opt, false, steps)
				res.InferStepMs, res.InferImagesPerS = ms(d), float64(batch)/d.Seconds()
				if layers && inferOnly {
					res.Layers = profileLayers(n, g, opt, steps)
				}
			}
			res.ConvLinearShare, res.ConvLinearGFLOPPerSec = convLinearSummary(res.Layers)
			res.LayersSpeedUp = layersSpeedUp(res.Layers)
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			fmt.Fprintf(out, "%s: batch %d, %d threads, median of %d steps\n", res.Spec, batch, res.Threads, steps)
			if res.TrainImagesPerS > 0 {
				fmt.Fprintf(out, "train  %10s img/s  (%.1f ms per step)\n", report.Commas(int64(res.TrainImagesPerS)), res.TrainStepMs)
			}
			if res.InferImagesPerS > 0 {
				fmt.Fprintf(out, "infer  %10s img/s  (%.1f ms per step)\n", report.Commas(int64(res.InferImagesPerS)), res.InferStepMs)
			}
			if len(res.Layers) > 0 {
				fmt.Fprintln(out)
				head := []string{"step", "op", "forward ms", "backward ms", "share", "GFLOP/s"}
				if res.Threads > 1 {
					head = append(head, fmt.Sprintf("speed-up (1→%d threads)", res.Threads))
				}
				rows := [][]string{head}
				for _, l := range res.Layers {
					gf := ""
					if l.GFLOPPerSec > 0 {
						gf = fmt.Sprintf("%.1f", l.GFLOPPerSec)
					}
					row := []string{l.Name, l.Op, fmt.Sprintf("%.2f", l.ForwardMs), fmt.Sprintf("%.2f", l.BackwardMs), fmt.Sprintf("%.1f%%", 100*l.Share), gf}
					if res.Threads > 1 {
						row = append(row, fmt.Sprintf("%.2fx", l.SpeedUp))
					}
					rows = append(rows, row)
				}
				report.WriteColumns(out, rows)
				fmt.Fprintf(out, "\nconv and linear steps: %.1f%% of the time at %.1f GFLOP/s; everything else: %.1f%%\n",
					100*res.ConvLinearShare, res.ConvLinearGFLOPPerSec, 100*(1-res.ConvLinearShare))
				if res.Threads > 1 {
					fmt.Fprintf(out, "all steps: %.2fx on %d threads over 1 (parallel efficiency %.0f%%)\n",
						res.LayersSpeedUp, res.Threads, 100*res.LayersSpeedUp/float64(res.Threads))
				}
			}
			return nil
		},
	}
	cf.register(c)
	c.Flags().IntVar(&batch, "batch", 0, "batch size (default: the spec's [train] batch)")
	c.Flags().IntVar(&steps, "steps", 5, "timed steps (the median is reported)")
	c.Flags().IntVar(&threads, "threads", 0, "threads (default: all cores)")
	c.Flags().BoolVar(&trainOnly, "train", false, "time training steps only")
	c.Flags().BoolVar(&inferOnly, "infer", false, "time inference only")
	c.Flags().BoolVar(&layers, "layers", false, "also time each step (instrumented run)")
	c.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the runs to FILE (read it with go tool pprof -top FILE)")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON: train_images_per_sec, infer_images_per_sec, layers")
	return c
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// layerRows sorts steps by total time and adds shares and GFLOP/s (forward and backward:
// 3 x the forward FLOPs in training, as backward computes two products).
func layerRows(ts []runner.StepTime) []benchLayer {
	var total time.Duration
	for _, t := range ts {
		total += t.Forward + t.Backward
	}
	out := make([]benchLayer, len(ts))
	for i, t := range ts {
		d := t.Forward + t.Backward
		l := benchLayer{Name: t.Name, Op: t.Op, ForwardMs: ms(t.Forward), BackwardMs: ms(t.Backward)}
		if total > 0 {
			l.Share = float64(d) / float64(total)
		}
		flops := float64(t.FLOPs)
		if t.Backward > 0 {
			flops *= 3
		}
		if d > 0 && flops > 0 {
			l.GFLOPPerSec = flops / d.Seconds() / 1e9
		}
		out[i] = l
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].ForwardMs+out[a].BackwardMs > out[b].ForwardMs+out[b].BackwardMs })
	return out
}

// profileLayers times every step on the configured threads and, when that is more
// than one, again on one thread, and gives each row its speed-up over one thread.
func profileLayers(n *runner.Net, g *ir.Graph, opt *runner.SGD, steps int) []benchLayer {
	rows := layerRows(runner.Profile(n, g, opt, steps))
	threads := runner.Threads()
	if threads < 2 {
		return rows
	}
	var one []runner.StepTime
	withThreads(1, func() { one = runner.Profile(n, g, opt, steps) })
	single := map[string]time.Duration{}
	for _, t := range one {
		single[t.Name] = t.Forward + t.Backward
	}
	for i := range rows {
		l := &rows[i]
		if d := l.ForwardMs + l.BackwardMs; d > 0 {
			l.SpeedUp = ms(single[l.Name]) / d
		}
	}
	return rows
}

// layersSpeedUp is the rows' total time on one thread over their total time.
func layersSpeedUp(layers []benchLayer) float64 {
	var t1, tn float64
	for _, l := range layers {
		d := l.ForwardMs + l.BackwardMs
		if l.SpeedUp > 0 {
			t1 += l.SpeedUp * d
		}
		tn += d
	}
	if t1 == 0 || tn == 0 {
		return 0
	}
	return t1 / tn
}

// convLinearSummary sums the steps that do multiply-accumulates (conv, linear):
// their share of the time and their combined GFLOP/s. The rest (pooling,
// batchnorm, activations, loss) is memory-bound and shows up as 1-share.
func convLinearSummary(layers []benchLayer) (share, gflops float64) {
	var ms, gflop float64
	for _, l := range layers {
		if l.GFLOPPerSec > 0 {
			share += l.Share
			d := l.ForwardMs + l.BackwardMs
			ms += d
			gflop += l.GFLOPPerSec * d / 1e3
		}
	}
	if ms > 0 {
		gflops = gflop / (ms / 1e3)
	}
	return share, gflops
}

// startCPUProfile profiles the process into path until stop is called.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, usageErrorf("--cpuprofile: %v", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, usageErrorf("--cpuprofile: %v", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
