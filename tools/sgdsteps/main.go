// Command sgdsteps runs plain SGD steps of a netc network from given weights on
// given batches, with dropout off, and prints the loss of every step. It is
// netc's half of tools/trajectory_vs_torch.py, which feeds PyTorch the same
// weights and batches: if the two losses agree step after step, netc's training
// arithmetic (forward, loss, backward, update) is PyTorch's, and a difference
// between two full training runs comes from their random draws (initial
// weights, shuffling, dropout masks), not from the code.
//
//	go run ./tools/sgdsteps -spec specs/nin.toml -input 1x67x67 -weights W.safetensors \
//	    -x batches.npy -y labels.npy -batch 128 -lr 0.1
//
// x holds steps*batch images (N,C,H,W float32), y their labels (int64). With
// -dropout-seed S dropout is on, its generator seeded with S, so a script that
// replays the generator (PCG-DXSM, one draw per element in N,C,H,W order, dropped
// when the draw is below p) can apply the same masks.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/runner"
	"github.com/netc/netc/tensorio"
)

func main() {
	spec := flag.String("spec", "", "network spec (TOML)")
	input := flag.String("input", "", "input size override, CxHxW")
	weights := flag.String("weights", "", "starting weights (safetensors, netc names)")
	xPath := flag.String("x", "", "images, steps*batch x C x H x W float32 (.npy)")
	yPath := flag.String("y", "", "labels, steps*batch int64 (.npy)")
	batch := flag.Int("batch", 128, "images per step")
	lr := flag.Float64("lr", 0.1, "learning rate")
	dropoutSeed := flag.Int64("dropout-seed", -1, "turn dropout on, seeding its generator (off when negative)")
	flag.Parse()
	if err := run(*spec, *input, *weights, *xPath, *yPath, *batch, float32(*lr), *dropoutSeed); err != nil {
		fmt.Fprintln(os.Stderr, "sgdsteps:", err)
		os.Exit(1)
	}
}

func run(spec, input, weights, xPath, yPath string, batch int, lr float32, dropoutSeed int64) error {
	if spec == "" || weights == "" || xPath == "" || yPath == "" || batch < 1 {
		return errors.New("-spec, -weights, -x, -y and a positive -batch are required")
	}
	g, err := compiler.Check(spec, compiler.Options{Input: input})
	if err != nil {
		return err
	}
	m, err := runner.NewModel(g)
	if err != nil {
		return err
	}
	if _, err := m.Params.Load(weights); err != nil {
		return err
	}
	_, x, err := tensorio.ReadNPY(xPath)
	if err != nil {
		return err
	}
	_, y, err := tensorio.ReadNPYInts(yPath)
	if err != nil {
		return err
	}
	per := int(g.Input.Elems())
	if len(x) != len(y)*per {
		return fmt.Errorf("%s holds %d values, %d images of %s need %d", xPath, len(x), len(y), g.Input, len(y)*per)
	}
	net, err := m.Net(plan.Training, batch)
	if err != nil {
		return err
	}
	net.DropoutOff = dropoutSeed < 0
	if dropoutSeed >= 0 {
		m.SeedRNG(uint64(dropoutSeed))
	}
	opt := runner.NewSGD(m.Params, lr, 0, 0)
	labels := make([]int32, batch)
	for step := 0; (step+1)*batch <= len(y); step++ {
		copy(net.Input(), x[step*batch*per:(step+1)*batch*per])
		for i := range labels {
			c := y[step*batch+i]
			if c < 0 || c >= int64(g.Classes) {
				return fmt.Errorf("%s: label %d of image %d is not a class of %s (0..%d)", yPath, c, step*batch+i, g.Name, g.Classes-1)
			}
			labels[i] = int32(c)
		}
		net.Forward(true)
		loss, _ := net.Loss(labels)
		net.Backward()
		opt.Step()
		fmt.Printf("%d %.7g\n", step+1, loss)
	}
	return nil
}
