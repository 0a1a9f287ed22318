package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/internal/data"
	"github.com/netc/netc/internal/report"
	"github.com/netc/netc/runner"
	"github.com/netc/netc/runner/train"
)

func init() { commands = append(commands, newTrainCmd) }

// Exit codes of netc train beyond the common ones.
const (
	exitDiverged    = 3   // the loss became NaN or infinite
	exitInterrupted = 130 // SIGINT, SIGTERM or SIGHUP; a checkpoint was written (or nothing, before training)
)

func newTrainCmd() *cobra.Command {
	var cf compileFlags
	var cfg train.Config
	var flags train.Recipe // the recipe flags; only those given (Changed) replace the spec's values
	var resume string
	var disable []string
	var df dataFlags
	var rf *recipeFlags
	c := &cobra.Command{
		Use:   "train SPEC | --resume RUN_DIR",
		Short: "Train a network on Fashion-MNIST with the spec's recipe",
		Long: `Train trains SPEC on Fashion-MNIST the way the book's train_ch6 does: weights initialized
(Xavier uniform by default), minibatch SGD on the cross-entropy loss, and after every epoch
the mean loss, the training accuracy and the test accuracy. The recipe (lr, epochs, batch,
momentum, weight decay, init, seed; optimizer, schedule, label smoothing, clipping) comes
from the spec's [train] table; flags override it (a flag given as 0, such as --momentum 0,
replaces the spec's value). --init-from starts from the tensors of a weights file that
match by name and shape; --freeze keeps parameters under a prefix fixed.

Data: --data DIR, else $NETC_DATA, else /usr/share/datasets/fashion-mnist (Debian's
dataset-fashion-mnist), else a class-balanced subset built into netc (10,000 training and
2,000 test images). Images are resized to the spec's input with bilinear interpolation.
The spec's [data] table (or --data-format with --data) reads other sets instead: any IDX
set (idx), CIFAR-10's binary files (cifar10), or an image folder (folder: DIR/CLASS/*.png
with train/ and val/ subtrees, or --val-split). --mean/--std or --normalize measure
normalize each channel; --resized-crop, --crop-padding and --hflip augment the training
images as torchvision's transforms do (see docs/spec.md, [data]).

Everything goes to the run directory (--out, new or empty; default a new runs/<spec>-<time>),
locked while the run trains: metrics.csv, curves.png, last.safetensors and best.safetensors
(by test accuracy), checkpoint.safetensors (weights, optimizer state, data position and
random state, written atomically after every epoch), and the spec, options and data used. Ctrl-C (or SIGTERM or SIGHUP) finishes the
current step or stops the evaluation, writes a checkpoint and prints the command that
continues the run; --resume continues it exactly, on the data the run recorded.

Exit status: 0 done, 1 a problem with the spec or the data, 2 a wrong command line,
3 the loss diverged (NaN or infinity), 130 interrupted (a checkpoint was written, or
nothing at all when training had not started).`,
		Example: `  # LeNet with batch normalization, the chapter's recipe: 10 epochs, lr 1.0, batch 256
  netc train specs/lenet-bn.toml

  # a quick look: 2 epochs on the first 10,000 images
  netc train specs/lenet-bn.toml --epochs 2 --train-limit 10000

  # ResNet-18 at 32x32 instead of 96x96, with momentum
  netc train specs/resnet18.toml --input 1x32x32 --momentum 0.9 --lr 0.05

  # continue an interrupted run (or extend it to 20 epochs)
  netc train --resume runs/lenet-bn-20261127-101500 --epochs 20`,
		Args: func(cmd *cobra.Command, args []string) error {
			if resume != "" && len(args) > 0 {
				return usageErrorf("give either SPEC or --resume RUN_DIR, not both")
			}
			if resume == "" && len(args) != 1 {
				return usageErrorf("train needs a SPEC (or --resume RUN_DIR)")
			}
			return nil
		},
		ValidArgsFunction: specArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
			// Signals are caught from the start: one during data loading ends the run
			// before its directory exists, one during training or evaluation writes a
			// checkpoint. SIGHUP (the terminal went away) is an interruption too.
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer stop()
			obs := newTrainObserver(out, errOut)
			var run *train.Run
			var err error
			if resume != "" {
				for _, f := range append([]string{"set", "input", "lr", "batch", "momentum", "weight-decay", "seed", "init", "data", "train-limit", "test-limit", "out", "disable"}, append(dataFlagNames, recipeFlagNames...)...) {
					if cmd.Flags().Changed(f) {
						return usageErrorf("--%s cannot change a run being resumed (only --epochs can); start a new run instead", f)
					}
				}
				if flags.Epochs < 0 {
					return usageErrorf("--epochs must not be negative")
				}
				run, err = train.ResumeContext(ctx, resume, flags.Epochs, compileRun, obs)
			} else {
				g, src, cerr := cf.compileSource(cmd, args[0])
				if cerr != nil {
					return cerr
				}
				cfg.SpecSource = src
				cfg.Spec, cfg.Set, cfg.Input, cfg.Disable = args[0], cf.set, cf.input, splitList(disable)
				for _, d := range cfg.Disable {
					if !slices.Contains(plan.PassNames(), d) {
						return usageErrorf("--disable: no pass %q; passes: %s", d, passList())
					}
				}
				cfg.Recipe = train.SpecRecipe(g.Train)
				if ferr := applyRecipeFlags(cmd, &cfg, flags); ferr != nil {
					return ferr
				}
				if cfg.Data, err = df.options(cmd, train.DataOptions{}); err != nil {
					return err
				}
				if ferr := rf.apply(cmd.Flags().Changed, &cfg); ferr != nil {
					return ferr
				}
				run, err = train.NewContext(ctx, cfg, g, obs)
			}
			if errors.Is(err, train.ErrInterrupted) {
				fmt.Fprintln(errOut, "interrupted before training started; nothing was written")
				return &exitError{exitInterrupted, errors.New("")}
			}
			if err != nil {
				if d := compiler.Diagnostics(err); d != nil {
					return compileErr(errOut, err)
				}
				return &exitError{exitInvalid, err}
			}
			started := time.Now()
			err = run.Train(ctx)
			obs.finish()
			var div *train.DivergedError
			switch {
			case errors.Is(err, train.ErrInterrupted):
				epoch, steps := run.Position()
				fmt.Fprintf(errOut, "\ninterrupted in epoch %d after %d steps; checkpoint written to %s\ncontinue with: netc train --resume %s\n",
					epoch, steps, filepath.Join(run.Cfg.Out, train.CheckpointFile), shellQuote(run.Cfg.Out))
				return &exitError{exitInterrupted, errors.New("")}
			case errors.As(err, &div):
				return &exitError{exitDiverged, err}
			case err != nil:
				return &exitError{exitInvalid, err}
			}
			summarize(out, run, time.Since(started))
			return nil
		},
	}
	cf.register(c)
	f := c.Flags()
	f.StringVar(&resume, "resume", "", "continue the run in this directory from its checkpoint")
	f.IntVar(&flags.Epochs, "epochs", 0, "epochs to train (default: the spec's)")
	f.Float64Var(&flags.LR, "lr", 0, "learning rate (default: the spec's)")
	f.IntVar(&flags.Batch, "batch", 0, "batch size (default: the spec's)")
	f.Float64Var(&flags.Momentum, "momentum", 0, "SGD momentum (default: the spec's, else 0)")
	f.Float64Var(&flags.WeightDecay, "weight-decay", 0, "L2 weight decay (default: the spec's, else 0)")
	f.Uint64Var(&flags.Seed, "seed", 0, "seed for initialization, shuffling and dropout (default: the spec's, else 0)")
	f.StringVar(&flags.Init, "init", "", "weight init: xavier, kaiming or default (default: the spec's, else xavier)")
	f.StringVar(&cfg.DataDir, "data", "", "data directory (Fashion-MNIST's IDX files unless --data-format or [data] says otherwise), or \"embedded\" for the built-in subset")
	f.IntVar(&cfg.TrainLimit, "train-limit", 0, "train on the first N training images only")
	f.IntVar(&cfg.TestLimit, "test-limit", 0, "test on the first N test images only")
	f.StringVarP(&cfg.Out, "out", "o", "", "run directory, new or empty (default: a new runs/<spec>-<time>)")
	f.StringSliceVar(&disable, "disable", nil, "plan passes to switch off (see netc plan --help)")
	df.register(c, true)
	rf = registerRecipeFlags(f)
	return c
}

// applyRecipeFlags replaces the spec's recipe with the flags the command line gave (a
// flag's zero is a value: --momentum 0 turns the spec's momentum off), refusing values no
// run can use.
func applyRecipeFlags(cmd *cobra.Command, cfg *train.Config, flags train.Recipe) error {
	given := cmd.Flags().Changed
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case given("epochs") && flags.Epochs < 1:
		return usageErrorf("--epochs must be at least 1")
	case given("batch") && flags.Batch < 1:
		return usageErrorf("--batch must be at least 1")
	case given("lr") && !(finite(flags.LR) && flags.LR > 0):
		return usageErrorf("--lr %g: the learning rate must be a positive finite number", flags.LR)
	case given("momentum") && !(finite(flags.Momentum) && flags.Momentum >= 0 && flags.Momentum < 1):
		return usageErrorf("--momentum %g: it must be in [0, 1)", flags.Momentum)
	case given("weight-decay") && !(finite(flags.WeightDecay) && flags.WeightDecay >= 0):
		return usageErrorf("--weight-decay %g: it must be a finite number ≥ 0", flags.WeightDecay)
	case cfg.TrainLimit < 0, cfg.TestLimit < 0:
		return usageErrorf("--train-limit and --test-limit must not be negative")
	}
	r := &cfg.Recipe
	if given("epochs") {
		r.Epochs = flags.Epochs
	}
	if given("batch") {
		r.Batch = flags.Batch
	}
	if given("lr") {
		r.LR = flags.LR
	}
	if given("momentum") {
		r.Momentum = flags.Momentum
	}
	if given("weight-decay") {
		r.WeightDecay = flags.WeightDecay
	}
	if given("seed") {
		r.Seed = flags.Seed
	}
	if given("init") {
		r.Init = flags.Init
	}
	return nil
}

func summarize(w io.Writer, r *train.Run, took time.Duration) {
	if len(r.History) == 0 {
		return
	}
	last := r.History[len(r.History)-1]
	best := last
	for _, h := range r.History {
		if h.TestAcc > best.TestAcc {
			best = h
		}
	}
	fmt.Fprintf(w, "done in %s: loss %.3f, train acc %.3f, test acc %.3f (best %.3f at epoch %d)\n",
		took.Round(time.Second), last.Loss, last.TrainAcc, last.TestAcc, best.TestAcc, best.Epoch)
	fmt.Fprintf(w, "run directory %s: best.safetensors, last.safetensors, metrics.csv, curves.png\n", r.Cfg.Out)
	fmt.Fprintf(w, "evaluate: %s\n", evalCommand(r))
}

// evalCommand is the netc eval command line that tests the run's best weights the way the
// run was set up: the same --set and --input, the same data, every argument quoted for a
// POSIX shell.
func evalCommand(r *train.Run) string {
	c := r.Cfg
	args := []string{"netc", "eval", filepath.Join(c.Out, train.SpecFile), "--weights", filepath.Join(c.Out, train.BestFile)}
	for _, s := range c.Set {
		args = append(args, "--set", s)
	}
	if c.Input != "" {
		args = append(args, "--input", c.Input)
	}
	if r.Data.Origin != data.FromSystem && (r.Data.Origin != data.FromEmbedded || c.DataDir == train.Embedded) {
		args = append(args, "--data", c.DataUsed.Dir)
	}
	for i, a := range args {
		args[i] = shellQuote(a)
	}
	return strings.Join(args, " ")
}

// header prints what the run is about to do.
func header(w io.Writer, r *train.Run) {
	params, _, _, _ := r.Graph.Totals()
	fmt.Fprintf(w, "data: %s\n", r.Data.Source)
	if s := dataSummary(r.Cfg.Data); s != "" {
		fmt.Fprintln(w, s)
	}
	fmt.Fprintf(w, "network: %s, %s parameters, input %s\n", r.Graph.Name, report.Commas(params), r.Graph.Input)
	c := r.Cfg
	fmt.Fprintf(w, "recipe: %d epochs, batch %d, lr %g, %s, %s init, seed %d; %s training and %s test images\n",
		c.Epochs, c.Batch, c.LR, c.OptimizerSummary(), c.Init, c.Seed, report.Commas(int64(r.TrainImages())), report.Commas(int64(r.TestImages())))
	recipeHeader(w, r)
	fmt.Fprintf(w, "run directory: %s\n", c.Out)
	if d := r.DroppedImages(); d > 0 {
		_, layer := runner.MinTrainBatch(r.Graph)
		fmt.Fprintf(w, "note: each epoch leaves out its last batch of %d image, which batchnorm %s cannot normalize alone (as PyTorch's drop_last)\n", d, layer)
	}
	if r.EpochsDone() > 0 {
		fmt.Fprintf(w, "resuming after epoch %d\n", r.EpochsDone())
	}
}
