package pytorch

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/internal/testenv"
	"github.com/netc/netc/runner"
)

// TestTrainDDPFollowsTheRecipe: a spec whose [train] asks for AdamW or Nesterov SGD, a
// schedule, label smoothing and clipping gives a train_ddp.py that builds those torch
// objects, and the exported scheduler, run by PyTorch, sets the same learning rate (and
// one-cycle's momentum) at every step as netc train's schedule.
func TestTrainDDPFollowsTheRecipe(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(testenv.Root(t), "specs", "lenet-bn.toml"))
	if err != nil {
		t.Fatal(err)
	}
	const epochs, perEpoch = 6, 5
	cases := []struct {
		train    string
		schedule runner.Schedule
		want     []string
	}{
		{`optimizer = "adamw"
betas = [0.8, 0.99]
label_smoothing = 0.1
clip_grad_norm = 2.0
schedule = { type = "cosine", warmup = 2, min_lr = 0.001 }`,
			runner.Schedule{Type: runner.SchedCosine, Warmup: 2, MinLR: 0.001},
			[]string{"torch.optim.AdamW(net.parameters(), lr=args.lr, betas=(0.8, 0.99), eps=1e-08,",
				"F.cross_entropy(ddp(x), y, label_smoothing=0.1)", "clip_grad_norm_(net.parameters(), 2.0)", "SequentialLR("}},
		{`momentum = 0.9
nesterov = true
schedule = { type = "onecycle", three_phase = true, pct_start = 0.25 }`,
			runner.Schedule{Type: runner.SchedOneCycle, ThreePhase: true, PctStart: 0.25},
			[]string{`weight_decay=model.TRAIN["weight_decay"], nesterov=True)`, "OneCycleLR(opt, max_lr=args.lr", "            sched.step()"}},
		{`schedule = { type = "multistep", milestones = [2, 4], gamma = 0.5 }`,
			runner.Schedule{Type: runner.SchedMultiStep, Milestones: []int{2, 4}, Gamma: 0.5},
			[]string{"MultiStepLR(opt, milestones=[2, 4], gamma=0.5)", "        sched.step()"}},
	}
	for i, c := range cases {
		t.Run(c.schedule.Type, func(t *testing.T) {
			spec := strings.Replace(string(src), "[train]\n", "[train]\n"+c.train+"\n", 1)
			g, err := compiler.CheckSource(fmt.Sprintf("recipe%d.toml", i), []byte(spec), compiler.Options{})
			if err != nil {
				t.Fatal(err)
			}
			files, err := Generate(g, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(string(files.Train), w) {
					t.Errorf("train_ddp.py lacks %q", w)
				}
			}
			testenv.NeedPython(t, "torch")
			dir := t.TempDir()
			if err := files.Write(dir); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(testenv.Python, "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())", filepath.Join(dir, "train_ddp.py")).CombinedOutput(); err != nil {
				t.Fatalf("train_ddp.py is not valid Python: %v\n%s", err, out)
			}
			r := newRecipe(g.Train.Optim)
			script := fmt.Sprintf(`import json, types, torch
net = torch.nn.Linear(2, 2)
model = types.SimpleNamespace(TRAIN={"momentum": 0.9, "weight_decay": 0.0})
args = types.SimpleNamespace(lr=%s, epochs=%d)
loader = range(%d)
opt = %s
sched = %s
out = []
for e in range(args.epochs):
    for s in loader:
        g = opt.param_groups[0]
        out.append([g["lr"], g["betas"][0] if "betas" in g else g["momentum"]])
        opt.step()
        if %s:
            sched.step()
    if not %s:
        sched.step()
print(json.dumps(out))
`, floatVal(g.Train.LR).py(), epochs, perEpoch, r.Optimizer, r.Scheduler, boolVal(r.PerStep).py(), boolVal(r.PerStep).py())
			if !strings.Contains(string(files.Train), r.Scheduler) || !strings.Contains(string(files.Train), r.Optimizer) {
				t.Fatal("train_ddp.py does not hold the recipe's optimizer and scheduler as rendered")
			}
			out, err := exec.Command(testenv.Python, "-c", script).Output()
			if err != nil {
				t.Fatalf("%v\n%s", err, script)
			}
			var got [][2]float64
			if err := json.Unmarshal(out, &got); err != nil || len(got) != epochs*perEpoch {
				t.Fatalf("%v: %s", err, out)
			}
			for k, pt := range got {
				lr, mom := c.schedule.LR(g.Train.LR, k/perEpoch, k%perEpoch, epochs, perEpoch)
				if math.Abs(lr-pt[0]) > 1e-12*pt[0] || (c.schedule.CyclesMomentum() && math.Abs(mom-pt[1]) > 1e-12) {
					t.Fatalf("step %d: PyTorch lr %.17g momentum %g, netc %.17g %g", k, pt[0], pt[1], lr, mom)
				}
			}
		})
	}
}
