package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/load"
	"github.com/netc/netc/compiler/report"
	"github.com/netc/netc/internal/userfile"
	"github.com/netc/netc/runner/train"
)

func init() { commands = append(commands, newTrainCmd) }

// Exit codes of netc train beyond the common ones.
const (
	exitDiverged    = 3   // the loss became NaN or infinite
	exitInterrupted = 130 // SIGINT or SIGTERM; a checkpoint was written
)

func newTrainCmd() *cobra.Command {
	var cf compileFlags
	var cfg train.Config
	var resume string
	var disable []string
	var rf *recipeFlags
	c := &cobra.Command{
		Use:   "train SPEC | --resume RUN_DIR",
		Short: "Train a network on Fashion-MNIST with the spec's recipe",
		Long: `Train trains SPEC on Fashion-MNIST the way the book's train_ch6 does: weights initialized
(Xavier uniform by default), minibatch SGD on the cross-entropy loss, and after every epoch
the mean loss, the training accuracy and the test accuracy. The recipe (lr, epochs, batch,
momentum, weight decay, init, seed; optimizer, schedule, label smoothing, clipping) comes
from the spec's [train] table; flags override it. --init-from starts from the tensors of a
weights file that match by name and shape; --freeze keeps parameters under a prefix fixed.

Data: --data DIR, else $NETC_DATA, else /usr/share/datasets/fashion-mnist (Debian's
dataset-fashion-mnist), else a class-balanced subset built into netc (10,000 training and
2,000 test images). Images are resized to the spec's input with bilinear interpolation.

Everything goes to the run directory (--out, default runs/<spec>-<time>): metrics.csv,
curves.png, last.safetensors and best.safetensors (by test accuracy), checkpoint.safetensors
(weights, optimizer state, data position and random state, written atomically after every
epoch), and the spec and options used. Ctrl-C (or SIGTERM) finishes the current step, writes
a checkpoint and prints the command that continues the run; --resume continues it exactly.

Exit status: 0 done, 1 a problem with the spec or the data, 2 a wrong command line,
3 the loss diverged (NaN or infinity), 130 interrupted (a checkpoint was written).`,
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
			obs := newTrainObserver(out, errOut)
			var run *train.Run
			var err error
			if resume != "" {
				for _, f := range append([]string{"set", "input", "lr", "batch", "momentum", "weight-decay", "seed", "init", "data", "train-limit", "test-limit", "out", "disable"}, recipeFlagNames...) {
					if cmd.Flags().Changed(f) {
						return usageErrorf("--%s cannot change a run being resumed (only --epochs can); start a new run instead", f)
					}
				}
				run, err = train.Resume(resume, cfg.Epochs, obs)
			} else {
				if _, err := cf.compile(cmd, args[0]); err != nil {
					return err
				}
				cfg.Spec, cfg.Set, cfg.Input, cfg.Disable = args[0], cf.set, cf.input, splitList(disable)
				if cfg.SpecSource, err = userfile.ReadFile(args[0], load.MaxFileSize); err != nil {
					return &exitError{exitInvalid, err}
				}
				if cfg.Out == "" {
					name := strings.TrimSuffix(filepath.Base(args[0]), filepath.Ext(args[0]))
					cfg.Out = filepath.Join("runs", name+"-"+time.Now().Format("20060102-150405"))
				}
				if err := rf.apply(&cfg); err != nil {
					return err
				}
				if err := checkTrainFlags(&cfg); err != nil {
					return err
				}
				run, err = train.New(cfg, obs)
			}
			if err != nil {
				if d := compiler.Diagnostics(err); d != nil {
					return compileErr(errOut, err)
				}
				return &exitError{exitInvalid, err}
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			started := time.Now()
			err = run.Train(ctx)
			obs.finish()
			var div *train.DivergedError
			switch {
			case errors.Is(err, train.ErrInterrupted):
				epoch, steps := run.Position()
				fmt.Fprintf(errOut, "\ninterrupted in epoch %d after %d steps; checkpoint written to %s\ncontinue with: netc train --resume %s\n",
					epoch, steps, filepath.Join(run.Cfg.Out, train.CheckpointFile), run.Cfg.Out)
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
	f.IntVar(&cfg.Epochs, "epochs", 0, "epochs to train (default: the spec's)")
	f.Float64Var(&cfg.LR, "lr", 0, "learning rate (default: the spec's)")
	f.IntVar(&cfg.Batch, "batch", 0, "batch size (default: the spec's)")
	f.Float64Var(&cfg.Momentum, "momentum", 0, "SGD momentum (default: the spec's, else 0)")
	f.Float64Var(&cfg.WeightDecay, "weight-decay", 0, "L2 weight decay (default: the spec's, else 0)")
	f.Uint64Var(&cfg.Seed, "seed", 0, "seed for initialization, shuffling and dropout")
	f.StringVar(&cfg.Init, "init", "", "weight init: xavier, kaiming or default (default: the spec's, else xavier)")
	f.StringVar(&cfg.DataDir, "data", "", "Fashion-MNIST directory (IDX files, gzipped or not), or \"embedded\" for the built-in subset")
	f.IntVar(&cfg.TrainLimit, "train-limit", 0, "train on the first N training images only")
	f.IntVar(&cfg.TestLimit, "test-limit", 0, "test on the first N test images only")
	f.StringVarP(&cfg.Out, "out", "o", "", "run directory (default: runs/<spec>-<time>)")
	f.StringSliceVar(&disable, "disable", nil, "plan passes to switch off (see netc plan --help)")
	rf = registerRecipeFlags(f, &cfg)
	return c
}

func checkTrainFlags(cfg *train.Config) error {
	switch {
	case cfg.Epochs < 0, cfg.Batch < 0, cfg.TrainLimit < 0, cfg.TestLimit < 0:
		return usageErrorf("--epochs, --batch and the limits must not be negative")
	case cfg.LR < 0:
		return usageErrorf("--lr must be positive")
	case cfg.Momentum < 0 || cfg.Momentum >= 1:
		return usageErrorf("--momentum must be in [0, 1)")
	case cfg.WeightDecay < 0:
		return usageErrorf("--weight-decay must not be negative")
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
	fmt.Fprintf(w, "evaluate: netc eval %s --weights %s\n", filepath.Join(r.Cfg.Out, train.SpecFile), filepath.Join(r.Cfg.Out, train.BestFile))
}

// header prints what the run is about to do.
func header(w io.Writer, r *train.Run) {
	params, _, _, _ := r.Graph.Totals()
	fmt.Fprintf(w, "data: %s\n", r.Data.Source)
	fmt.Fprintf(w, "network: %s, %s parameters, input %s\n", r.Graph.Name, report.Commas(params), r.Graph.Input)
	c := r.Cfg
	fmt.Fprintf(w, "recipe: %d epochs, batch %d, lr %g, %s, %s init, seed %d; %s training and %s test images\n",
		c.Epochs, c.Batch, c.LR, c.OptimizerSummary(), c.Init, c.Seed, report.Commas(int64(r.TrainImages())), report.Commas(int64(r.TestImages())))
	recipeHeader(w, r)
	fmt.Fprintf(w, "run directory: %s\n", c.Out)
	if r.EpochsDone() > 0 {
		fmt.Fprintf(w, "resuming after epoch %d\n", r.EpochsDone())
	}
}
