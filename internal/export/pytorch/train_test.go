package pytorch

import (
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/netc/netc/internal/export/statedict"
	"github.com/netc/netc/internal/testenv"
	"github.com/netc/netc/runner"
)

// TestTrainDDP runs the generated train_ddp.py under torchrun with two CPU processes
// (gloo) for one epoch on 8,192 Fashion-MNIST images (the repository's embedded subset),
// starting from netc's weights: the loss must fall, and the trained weights must come
// back into netc by name and run.
func TestTrainDDP(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped under -short: starts three PyTorch processes (about 20 s)")
	}
	testenv.NeedPython(t, "torch")
	torchrun := testenv.NeedTorchrun(t)
	g := testenv.Spec(t, "lenet-bn")
	dir := t.TempDir()
	files, err := Generate(g, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := files.Write(dir); err != nil {
		t.Fatal(err)
	}
	m := testenv.Model(t, g, 1)
	if err := m.Params.Save(filepath.Join(dir, "start.safetensors"), nil); err != nil {
		t.Fatal(err)
	}
	// --redirects 1 --tee 1: torchrun 1.13 under Python 3.11 cannot parse its default 0.
	cmd := exec.Command(torchrun, "--redirects", "1", "--tee", "1", "--nproc_per_node=2",
		"--master_addr=127.0.0.1", "--master_port="+strconv.Itoa(freePort(t)),
		"train_ddp.py", "--epochs", "1", "--subset", "8192", "--log-every", "1",
		"--data", filepath.Join(testenv.Root(t), "internal", "data", "subset"),
		"--weights", "start.safetensors", "--out", "trained.safetensors")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("torchrun: %v\n%s", err, out)
	}
	steps := regexp.MustCompile(`epoch 1 step (\d+)/(\d+) loss ([0-9.]+)`).FindAllStringSubmatch(string(out), -1)
	if len(steps) != 32 {
		t.Fatalf("expected 32 steps of 2 x 128 images, found %d loss lines:\n%s", len(steps), out)
	}
	loss := make([]float64, len(steps))
	for i, s := range steps {
		loss[i], _ = strconv.ParseFloat(s[3], 64)
	}
	first, last := mean(loss[:8]), mean(loss[24:])
	t.Logf("torchrun --nproc_per_node=2: loss %.4f at step 1, %.4f at step 32; mean %.4f over steps 1-8, %.4f over steps 25-32",
		loss[0], loss[31], first, last)
	if !(last < 0.8*first) {
		t.Errorf("the loss did not fall: mean %.4f over the first 8 steps, %.4f over the last 8\n%s", first, last, out)
	}

	src, _, err := statedict.Read(filepath.Join(dir, "trained.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := statedict.Map(g, src, statedict.Auto)
	if err != nil || res.By != statedict.ByName {
		t.Fatalf("importing the trained weights: %v (by %v)", err, res)
	}
	back, err := runner.NewModel(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := back.Params.Set("trained.safetensors", res.Tensors); err != nil {
		t.Fatal(err)
	}
	if _, err := back.Infer(testenv.Images(t, g, 4), 4, 4, false); err != nil {
		t.Fatal(err)
	}
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// freePort asks the kernel for a free loopback port, for torchrun's rendezvous.
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
