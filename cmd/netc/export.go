package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/netc/netc/compiler/ir"
	"github.com/netc/netc/internal/export/onnx"
	"github.com/netc/netc/internal/export/pytorch"
	"github.com/netc/netc/runner"
)

func init() { commands = append(commands, newExportCmd) }

func newExportCmd() *cobra.Command {
	var cf compileFlags
	var format, out, weights, scheme string
	var seed uint64
	c := &cobra.Command{
		Use:   "export SPEC --format pytorch|onnx --out DIR|FILE [--weights W.safetensors]",
		Short: "Write a network as a PyTorch module or an ONNX model",
		Long: `Export carries a network, unchanged, to engines that scale beyond one machine.

--format pytorch writes DIR/model.py, a readable PyTorch module (one class per spec block;
its state-dict keys are netc's parameter names; load() reads netc's safetensors and save()
writes them back, with torch alone), and DIR/train_ddp.py, which trains it on Fashion-MNIST
with DistributedDataParallel under torchrun (gloo on CPUs, nccl on GPUs). With --weights,
the weights are checked against the spec and copied to DIR/weights.safetensors.

--format onnx writes an ONNX model (opset 17, dynamic batch dimension N, input "input",
output "logits") with the weights of --weights, or, without it, weights initialized as
netc init would (--init, --seed).`,
		Example: `  netc export specs/resnet18.toml --format pytorch --out resnet18_torch --weights w.safetensors
  torchrun --nproc_per_node=2 resnet18_torch/train_ddp.py --weights resnet18_torch/weights.safetensors
  netc export specs/lenet-bn.toml --format onnx --out lenet-bn.onnx --weights w.safetensors`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: specArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErrorf("--out is required: a directory for --format pytorch, a .onnx file for --format onnx")
			}
			if format != "pytorch" && format != "onnx" {
				return usageErrorf("--format %q: expected pytorch or onnx", format)
			}
			g, err := cf.compile(cmd, args[0])
			if err != nil {
				return err
			}
			m, err := runner.NewModel(g)
			if err != nil {
				return &exitError{exitInvalid, err}
			}
			if weights != "" {
				if _, err := m.Params.Load(weights); err != nil {
					return &exitError{exitInvalid, err}
				}
			}
			if format == "pytorch" {
				return exportPyTorch(cmd, g, m, args[0], out, weights != "")
			}
			how := "weights from " + weights
			if weights == "" {
				if scheme == "" {
					scheme = g.Train.Init
					if scheme == "" {
						scheme = runner.InitXavier
					}
				}
				if err := m.Params.Init(scheme, seed); err != nil {
					return usageErrorf("--init: %v", err)
				}
				how = fmt.Sprintf("no --weights: initialized as netc init --init %s --seed %d would", scheme, seed)
			}
			return exportONNX(cmd, g, m, out, how)
		},
	}
	cf.register(c)
	c.Flags().StringVarP(&format, "format", "f", "", "pytorch or onnx")
	c.Flags().StringVarP(&out, "out", "o", "", "directory (pytorch) or .onnx file (onnx) to write")
	c.Flags().StringVarP(&weights, "weights", "w", "", "safetensors weights to include (netc init, netc train, netc import)")
	c.Flags().Uint64Var(&seed, "seed", 0, "onnx without --weights: random seed, as netc init")
	c.Flags().StringVar(&scheme, "init", "", "onnx without --weights: xavier, kaiming or default, as netc init")
	return c
}

func exportPyTorch(cmd *cobra.Command, g *ir.Graph, m *runner.Model, spec, dir string, withWeights bool) error {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return usageErrorf("--out %s is a file; --format pytorch writes a directory (model.py, train_ddp.py)", dir)
	}
	files, err := pytorch.Generate(g, pytorch.Options{Source: spec})
	if err != nil {
		return &exitError{exitInvalid, err}
	}
	if err := files.Write(dir); err != nil {
		return &exitError{exitInvalid, err}
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "wrote %s and %s\n", filepath.Join(dir, "model.py"), filepath.Join(dir, "train_ddp.py"))
	if withWeights {
		path := filepath.Join(dir, "weights.safetensors")
		if err := m.Params.Save(path, map[string]string{"spec": g.Name, "format": "netc"}); err != nil {
			return &exitError{exitInvalid, err}
		}
		fmt.Fprintf(w, "wrote %s: %d tensors, %d trainable parameters\n", path, len(m.Params.List), m.Params.Count())
	}
	return nil
}

func exportONNX(cmd *cobra.Command, g *ir.Graph, m *runner.Model, path, how string) error {
	model, err := onnx.Build(g, func(name string) ([]float32, bool) {
		p := m.Params.Get(name)
		if p == nil {
			return nil, false
		}
		return p.Data, true
	}, onnx.Options{Doc: fmt.Sprintf("%s, exported by netc from %s", g.Name, g.File)})
	if err != nil {
		return &exitError{exitInvalid, err}
	}
	if err := onnx.WriteFile(path, model); err != nil {
		return &exitError{exitInvalid, err}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: ONNX opset %d, %d nodes, input %q N x %s, output %q N x %d; %s\n",
		path, onnx.Opset, len(model.Graph.Node), onnx.InputName, g.Input, onnx.OutputName, g.Classes, how)
	return nil
}
