package plan

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
)

const header = `name = "t"
input = { channels = 1, height = 8, width = 8 }
classes = 4
`

// lowered compiles a small spec and lowers it, without running passes.
func lowered(t *testing.T, src string, mode Mode) *Graph {
	t.Helper()
	ig, err := compiler.CheckSource("t.toml", []byte(header+src), compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return lower(ig, mode)
}

// Each case runs one pass on a lowered graph; the expected graph is written by hand from
// the pass's definition. The invariant checker runs before and after.
func TestPasses(t *testing.T) {
	cases := []struct {
		name    string
		pass    func(*Graph) bool
		mode    Mode
		src     string
		want    string
		changed bool // what the pass reports
	}{
		{"alias: flatten and inference dropout become views", alias, Inference,
			`layers = [ { op = "conv", out = 4, k = 8 }, { op = "dropout" }, { op = "flatten" } ]`,
			`conv  conv  input -> conv
dropout  dropout (alias)  conv -> dropout @conv
flatten  flatten (alias)  dropout -> flatten @conv
`, true},
		{"alias: training keeps dropout", alias, Training,
			`layers = [ { op = "conv", out = 4, k = 8 }, { op = "dropout" }, { op = "flatten" } ]`,
			`conv  conv  input -> conv
dropout  dropout  conv -> dropout
flatten  flatten (alias)  dropout -> flatten @dropout
`, true},
		{"fold-batchnorm: conv then batchnorm", foldBatchNorm, Inference,
			`layers = [ { op = "conv", out = 4, k = 3 }, { op = "batchnorm", act = "relu" }, { op = "conv", out = 4, k = 6 }, { op = "flatten" } ]`,
			`conv1  conv+batchnorm  input -> batchnorm
relu  relu  batchnorm -> relu
conv2  conv  relu -> conv2
flatten  flatten  conv2 -> flatten
`, true},
		{"fold-batchnorm: not when the conv output has two readers", foldBatchNorm, Inference,
			`layers = [ { use = "two" }, { op = "flatten" }, { op = "linear", out = 4 } ]
[blocks.two]
merge = "add"
after = [ { op = "batchnorm" } ]
[blocks.two.branches]
a = [ { op = "conv", out = 2, k = 1 } ]
b = [ { op = "conv", out = 2, k = 1 } ]`,
			`two.a.conv  conv  input -> two.a.conv
two.b.conv  conv  input -> two.b.conv
two  add  two.a.conv, two.b.conv -> two
two.batchnorm  batchnorm  two -> two.batchnorm
flatten  flatten  two.batchnorm -> flatten
linear  linear  flatten -> linear
`, false},
		{"fuse-batchnorm-relu", fuseBatchNormReLU, Training,
			`layers = [ { op = "conv", out = 4, k = 3 }, { op = "batchnorm", act = "relu" }, { op = "batchnorm", act = "sigmoid" }, { op = "conv", out = 4, k = 6 }, { op = "flatten" } ]`,
			`conv1  conv  input -> conv1
batchnorm1  batchnorm+relu  conv1 -> relu
batchnorm2  batchnorm  relu -> batchnorm2
sigmoid  sigmoid  batchnorm2 -> sigmoid
conv2  conv  sigmoid -> conv2
flatten  flatten  conv2 -> flatten
`, true},
		{"fuse-prenorm: a batchnorm and its ReLU go into the conv that reads them", func(g *Graph) bool { fuseBatchNormReLU(g); return fusePreNorm(g) }, Inference,
			`layers = [ { op = "conv", out = 4, k = 3 }, { op = "relu" }, { op = "batchnorm", act = "relu" }, { op = "conv", out = 4, k = 6 }, { op = "flatten" } ]`,
			`conv1  conv  input -> conv1
relu1  relu  conv1 -> relu1
conv2  batchnorm+relu+conv  relu1 -> conv2
flatten  flatten  conv2 -> flatten
`, true},
		{"fuse-prenorm: not when two convs read the batchnorm, nor before a sigmoid", fusePreNorm, Inference,
			`layers = [ { op = "batchnorm" }, { use = "two" }, { op = "batchnorm", act = "sigmoid" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]
[blocks.two]
merge = "add"
[blocks.two.branches]
a = [ { op = "conv", out = 2, k = 1 } ]
b = [ { op = "conv", out = 2, k = 1 } ]`,
			`batchnorm1  batchnorm  input -> batchnorm1
two.a.conv  conv  batchnorm1 -> two.a.conv
two.b.conv  conv  batchnorm1 -> two.b.conv
two  add  two.a.conv, two.b.conv -> two
batchnorm2  batchnorm  two -> batchnorm2
sigmoid  sigmoid  batchnorm2 -> sigmoid
conv  conv  sigmoid -> conv
flatten  flatten  conv -> flatten
`, false},
		{"pool-first: a 1x1 conv runs on the pooled map", poolFirst, Inference,
			`layers = [ { op = "conv", out = 4, k = 3, pad = 1 }, { op = "conv", out = 2, k = 1 }, { op = "avgpool", k = 2, stride = 2 }, { op = "conv", out = 4, k = 4 }, { op = "flatten" } ]`,
			`conv1  conv  input -> conv1
avgpool  avgpool  conv1 -> avgpool
conv2  conv  avgpool -> conv2
conv3  conv  conv2 -> conv3
flatten  flatten  conv3 -> flatten
`, true},
		{"pool-first: not after an activation, nor when the pooling keeps most positions", poolFirst, Inference,
			`layers = [ { op = "conv", out = 2, k = 1, act = "relu" }, { op = "avgpool", k = 2, stride = 2 }, { op = "conv", out = 2, k = 1 }, { op = "avgpool", k = 2, stride = 1 }, { op = "conv", out = 4, k = 3 }, { op = "flatten" } ]`,
			`conv1  conv  input -> conv1
relu  relu  conv1 -> relu
avgpool1  avgpool  relu -> avgpool1
conv2  conv  avgpool1 -> conv2
avgpool2  avgpool  conv2 -> avgpool2
conv3  conv  avgpool2 -> conv3
flatten  flatten  conv3 -> flatten
`, false},
		{"fuse-activation: conv and linear", fuseActivation, Training,
			`layers = [ { op = "conv", out = 4, k = 3, act = "relu" }, { op = "flatten" }, { op = "linear", out = 4, act = "tanh" } ]`,
			`conv  conv+relu  input -> relu
flatten  flatten  relu -> flatten
linear  linear+tanh  flatten -> tanh
`, true},
		{"fuse-residual: identity shortcut, and a projection shortcut computed after the main branch", fuseResidual, Inference,
			`layers = [ { op = "conv", out = 2, k = 1 }, { use = "id" }, { op = "relu" }, { use = "proj" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]
[blocks.id]
merge = "add"
[blocks.id.branches]
main = [ { op = "conv", out = 2, k = 1 } ]
skip = []
[blocks.proj]
merge = "add"
[blocks.proj.branches]
main = [ { op = "conv", out = 2, k = 1 } ]
skip = [ { op = "conv", out = 2, k = 1 } ]`,
			`conv1  conv  input -> conv1
id.main.conv  conv+add  conv1, conv1 -> id
relu  relu  id -> relu
proj.main.conv  conv  relu -> proj.main.conv
proj.skip.conv  conv+add  relu, proj.main.conv -> proj
conv2  conv  proj -> conv2
flatten  flatten  conv2 -> flatten
`, true},
		{"fuse-add-relu: the ReLU after a two-input residual add, not after a three-input one", fuseAddReLU, Training,
			`layers = [ { op = "conv", out = 2, k = 1 }, { use = "r" }, { use = "three" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]
[blocks.r]
merge = "add"
after = [ { op = "relu" } ]
[blocks.r.branches]
main = [ { op = "conv", out = 2, k = 1 } ]
skip = []
[blocks.three]
merge = "add"
after = [ { op = "relu" } ]
[blocks.three.branches]
main = [ { op = "conv", out = 2, k = 1 } ]
skip = []
[blocks.three.branches.again]
layers = []`,
			`conv1  conv  input -> conv1
r.main.conv  conv  conv1 -> r.main.conv
r  add+relu  r.main.conv, conv1 -> r.relu
three.main.conv  conv  r.relu -> three.main.conv
three  add  three.main.conv, r.relu, r.relu -> three
three.relu  relu  three -> three.relu
conv2  conv  three.relu -> conv2
flatten  flatten  conv2 -> flatten
`, true},
		{"eliminate-concat: branches write their slices, identity included", eliminateConcat, Training,
			`layers = [ { op = "conv", out = 2, k = 1 }, { use = "d" }, { use = "d" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]
[blocks.d]
merge = "concat"
[blocks.d.branches]
x = []
f = [ { op = "conv", out = 3, k = 1 } ]`,
			`conv1  conv  input -> conv1 @d2
d1.f.conv  conv  conv1 -> d1.f.conv @d2+2
d1  concat  conv1 (in place), d1.f.conv (in place) -> d1 @d2
d2.f.conv  conv  d1 -> d2.f.conv @d2+5
d2  concat  d1 (in place), d2.f.conv (in place) -> d2
conv2  conv  d2 -> conv2
flatten  flatten  conv2 -> flatten
`, true},
		{"eliminate-concat: the network input is copied", eliminateConcat, Inference,
			`layers = [ { use = "d" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]
[blocks.d]
merge = "concat"
[blocks.d.branches]
x = []
f = [ { op = "conv", out = 3, k = 1 } ]`,
			`d.f.conv  conv  input -> d.f.conv @d+1
d  concat  input, d.f.conv (in place) -> d
conv  conv  d -> conv
flatten  flatten  conv -> flatten
`, true},
		{"inplace: activations and the residual add (inference)", inPlace, Inference,
			`layers = [ { op = "conv", out = 2, k = 1 }, { use = "r" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]
[blocks.r]
merge = "add"
after = [ { op = "relu" } ]
[blocks.r.branches]
main = [ { op = "conv", out = 2, k = 1 }, { op = "sigmoid" } ]
skip = []`,
			`conv1  conv  input -> conv1
r.main.conv  conv  conv1 -> r.main.conv
r.main.sigmoid  sigmoid  r.main.conv -> r.main.sigmoid @r.main.conv
r  add  r.main.sigmoid, conv1 -> r @r.main.conv
r.relu  relu  r -> r.relu @r.main.conv
conv2  conv  r.relu -> conv2
flatten  flatten  conv2 -> flatten
`, true},
		{"inplace: training keeps what backward needs", inPlace, Training,
			`layers = [ { op = "conv", out = 2, k = 1 }, { op = "relu" }, { op = "maxpool", k = 2 }, { op = "sigmoid" }, { op = "relu" }, { op = "conv", out = 4, k = 4 }, { op = "flatten" } ]`,
			`conv1  conv  input -> conv1
relu1  relu  conv1 -> relu1 @conv1
maxpool  maxpool  relu1 -> maxpool
sigmoid  sigmoid  maxpool -> sigmoid @maxpool
relu2  relu  sigmoid -> relu2
conv2  conv  relu2 -> conv2
flatten  flatten  conv2 -> flatten
`, true},
		{"deadcode: fused steps leave the schedule", func(g *Graph) bool { fuseActivation(g); return deadcode(g) }, Inference,
			`layers = [ { op = "conv", out = 4, k = 8, act = "relu" }, { op = "flatten" } ]`,
			`conv  conv+relu  input -> relu
flatten  flatten  relu -> flatten
`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := lowered(t, c.src, c.mode)
			if err := g.Check(); err != nil {
				t.Fatal(err)
			}
			changed := c.pass(g)
			if err := g.Check(); err != nil {
				t.Fatalf("invariants broken: %v\n%s", err, g)
			}
			if got := g.String(); got != c.want {
				t.Errorf("got\n%swant\n%s", got, c.want)
			}
			if changed != c.changed {
				t.Errorf("the pass reports changed = %v, want %v", changed, c.changed)
			}
		})
	}
}

func TestDisablePasses(t *testing.T) {
	src := compile(t, "googlenet", compiler.Options{})
	var de *DisableError
	if _, err := Build(src, Options{Batch: 1, Disable: []string{"deadcode"}}); !errors.As(err, &de) || *de != (DisableError{"deadcode", true}) ||
		err.Error() != `pass "deadcode" is required and cannot be disabled` {
		t.Errorf("disabling a required pass: %v", err)
	}
	if _, err := Build(src, Options{Batch: 1, Disable: []string{"fuse"}}); !errors.As(err, &de) || *de != (DisableError{"fuse", false}) ||
		!strings.HasPrefix(err.Error(), `no pass "fuse"; passes: alias, fold-batchnorm,`) {
		t.Errorf("unknown pass: %v", err)
	}
	// Other refusals are not about --disable.
	if _, err := Build(src, Options{Batch: 0}); err == nil || errors.As(err, &de) {
		t.Errorf("batch 0: %v", err)
	}
	full, _ := Build(src, Options{Batch: 8})
	none, err := Build(src, Options{Batch: 8, Disable: []string{"alias", "fold-batchnorm", "fuse-batchnorm-relu", "fuse-activation", "eliminate-concat", "inplace"}})
	if err != nil {
		t.Fatal(err)
	}
	if none.ArenaBytes <= full.ArenaBytes || len(none.Steps) <= len(full.Steps) {
		t.Errorf("passes off: %d steps, arena %d; on: %d steps, arena %d", len(none.Steps), none.ArenaBytes, len(full.Steps), full.ArenaBytes)
	}
}

// Every constraint of passOrder is checked: moving the earlier pass of any pair to just
// after the later one makes the table invalid, and the real table is valid.
func TestPassOrderIsChecked(t *testing.T) {
	if err := checkPassOrder(passes); err != nil {
		t.Fatalf("the pipeline breaks its own order: %v", err)
	}
	for _, c := range passOrder {
		table := movedAfter(t, passes, c.before, c.after)
		err := checkPassOrder(table)
		if err == nil || !strings.Contains(err.Error(), "pass "+c.before+" must run before "+c.after+" ("+c.why+")") {
			t.Errorf("%s moved after %s: checkPassOrder = %v", c.before, c.after, err)
		}
	}
	noFold := slices.DeleteFunc(slices.Clone(passes), func(p pass) bool { return p.name == "fold-batchnorm" })
	if err := checkPassOrder(noFold); err == nil || !strings.Contains(err.Error(), `names "fold-batchnorm", which the table does not have`) {
		t.Errorf("a table without fold-batchnorm: checkPassOrder = %v", err)
	}
}

// Each constraint is real: with the earlier pass moved to just after the later one, some
// network gets a different plan (the case: ResNet-18 loses 9 of its 17 folds when
// fuse-batchnorm-relu runs first).
func TestPassOrderMatters(t *testing.T) {
	var graphs []*ir.Graph
	for _, name := range []string{"resnet18", "googlenet", "densenet", "lenet-bn", "mobilenet_v2", "efficientnet_b0"} {
		graphs = append(graphs, compile(t, name, compiler.Options{}))
	}
	// No spec concatenates the output of an in-place step; this one does (training keeps
	// sigmoid apart from the batchnorm before it).
	concatOfInPlace, err := compiler.CheckSource("t.toml", []byte(header+`
layers = [ { use = "two" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]
[blocks.two]
merge = "concat"
[blocks.two.branches]
a = [ { op = "conv", out = 2, k = 1 }, { op = "batchnorm" }, { op = "sigmoid" } ]
b = [ { op = "conv", out = 2, k = 1 }, { op = "batchnorm" }, { op = "sigmoid" } ]
`), compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	graphs = append(graphs, concatOfInPlace)
	plan := func(g *ir.Graph, mode Mode) string {
		p, err := Build(g, Options{Mode: mode, Batch: 2})
		if err != nil {
			return "error: " + err.Error()
		}
		p.Passes = nil // the order itself differs by construction
		b, _ := json.Marshal(p)
		return string(b)
	}
	saved := passes
	defer func() { passes = saved }()
	for _, c := range passOrder {
		differs := ""
		for _, g := range graphs {
			for _, mode := range []Mode{Inference, Training} {
				passes = saved
				want := plan(g, mode)
				passes = movedAfter(t, saved, c.before, c.after)
				if plan(g, mode) != want {
					differs = g.Name + " " + mode.String()
				}
			}
		}
		if differs == "" {
			t.Errorf("%s before %s: no spec's plan changes when the order is broken; the constraint is not needed", c.before, c.after)
		} else {
			t.Logf("%s before %s: %s changes", c.before, c.after, differs)
		}
	}
	passes = saved
	g := graphs[0]
	folds := func() int {
		p, err := Build(g, Options{Mode: Inference, Batch: 1})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range p.Steps {
			if s.FoldBN != "" {
				n++
			}
		}
		return n
	}
	foldable := 0 // batchnorms that read a conv nothing else reads: all of ResNet-18's
	for _, n := range g.Nodes {
		if n.Op == ir.OpBatchNorm && g.Nodes[n.Inputs[0]].Op == ir.OpConv {
			foldable++
		}
	}
	if got := folds(); got != foldable || foldable != 17 {
		t.Errorf("resnet18: %d folds, %d batchnorms read a conv; want 17 of each", got, foldable)
	}
	passes = movedAfter(t, saved, "fold-batchnorm", "fuse-batchnorm-relu")
	if got := folds(); got != 8 {
		t.Errorf("resnet18 with fuse-batchnorm-relu first: %d folds, want 8 (the 9 batchnorms with a ReLU are lost)", got)
	}
}

// movedAfter is a copy of table with pass name moved to just after pass other.
func movedAfter(t *testing.T, table []pass, name, other string) []pass {
	t.Helper()
	var moved *pass
	var out []pass
	for _, p := range table {
		if p.name == name {
			moved = &p
			continue
		}
		out = append(out, p)
	}
	i := slices.IndexFunc(out, func(p pass) bool { return p.name == other })
	if moved == nil || i < 0 {
		t.Fatalf("no pass %s or %s", name, other)
	}
	return slices.Insert(out, i+1, *moved)
}

// Graphs a pass must leave alone: it reports no change and the graph is the same after.
func TestPassesDoNotFire(t *testing.T) {
	residual := `
[blocks.r]
merge = "add"
[blocks.r.branches]
main = [ { op = "conv", out = 2, k = 1 } ]
skip = [ { op = "conv", out = 2, k = 1 } ]`
	cases := []struct {
		name string
		pass func(*Graph) bool
		mode Mode
		src  string
		prep func(*Graph) bool // run first, when set
	}{
		{"alias: a second run, with training's dropout left a step", alias, Training,
			`layers = [ { op = "conv", out = 4, k = 8 }, { op = "dropout" }, { op = "flatten" } ]`, alias},
		{"fold-batchnorm: the batchnorm reads an add, not a conv", foldBatchNorm, Inference,
			`layers = [ { use = "r" }, { op = "batchnorm" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]` + residual, nil},
		{"fold-batchnorm: the conv's output is read twice", foldBatchNorm, Inference,
			`layers = [ { op = "conv", out = 2, k = 1 }, { use = "bn2" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]
[blocks.bn2]
merge = "add"
[blocks.bn2.branches]
a = [ { op = "batchnorm" } ]
b = []`, nil},
		{"fuse-batchnorm-relu: a sigmoid follows", fuseBatchNormReLU, Training,
			`layers = [ { op = "conv", out = 4, k = 8 }, { op = "batchnorm", act = "sigmoid" }, { op = "flatten" } ]`, nil},
		{"fuse-batchnorm-relu: the batchnorm's output is also the shortcut", fuseBatchNormReLU, Training,
			`layers = [ { op = "conv", out = 2, k = 1 }, { op = "batchnorm" }, { use = "rr" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]
[blocks.rr]
merge = "add"
[blocks.rr.branches]
a = [ { op = "relu" } ]
b = []`, nil},
		{"fuse-activation: training keeps silu apart (its backward needs its input)", fuseActivation, Training,
			`layers = [ { op = "conv", out = 4, k = 8, act = "silu" }, { op = "flatten" } ]`, nil},
		{"fuse-activation: the conv's output is read twice", fuseActivation, Inference,
			`layers = [ { op = "conv", out = 2, k = 1 }, { use = "rr" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]
[blocks.rr]
merge = "add"
[blocks.rr.branches]
a = [ { op = "relu" } ]
b = []`, nil},
		{"fuse-residual: training keeps the add a step (its backward copies the gradient)", fuseResidual, Training,
			`layers = [ { op = "conv", out = 2, k = 1 }, { use = "r" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]` + residual, nil},
		{"fuse-residual: the other input is computed after the conv", fuseResidual, Inference,
			`layers = [ { use = "late" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]
[blocks.late]
merge = "add"
[blocks.late.branches]
main = [ { op = "conv", out = 2, k = 1 } ]
skip = [ { op = "conv", out = 2, k = 1 }, { op = "relu" } ]`, nil},
		{"fuse-residual: the conv's output is read twice", fuseResidual, Inference,
			`layers = [ { op = "conv", out = 2, k = 1 }, { use = "twice" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]
[blocks.twice]
merge = "add"
[blocks.twice.branches]
a = []
b = []`, nil},
		{"fuse-residual: a ReLU sits between the conv and the add", fuseResidual, Inference,
			`layers = [ { op = "conv", out = 2, k = 1 }, { use = "rr" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]
[blocks.rr]
merge = "add"
[blocks.rr.branches]
a = [ { op = "conv", out = 2, k = 1, act = "relu" } ]
b = []`, nil},
		{"eliminate-concat: the same value twice has two homes", eliminateConcat, Inference,
			`layers = [ { op = "conv", out = 2, k = 1 }, { use = "twice" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]
[blocks.twice]
merge = "concat"
[blocks.twice.branches]
a = []
b = []`, nil},
		{"inplace: training keeps silu's input for its backward", inPlace, Training,
			`layers = [ { op = "conv", out = 4, k = 8 }, { op = "silu" }, { op = "flatten" } ]`, nil},
		{"inplace: the network input is never overwritten", inPlace, Inference,
			`layers = [ { op = "relu" }, { op = "conv", out = 4, k = 8 }, { op = "flatten" } ]`, nil},
		{"deadcode: nothing is fused or unread", deadcode, Inference,
			`layers = [ { op = "conv", out = 4, k = 8 }, { op = "relu" }, { op = "flatten" } ]`, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := lowered(t, c.src, c.mode)
			if c.prep != nil {
				c.prep(g)
			}
			before := g.String()
			if c.pass(g) {
				t.Errorf("the pass reports a change")
			}
			if err := g.Check(); err != nil {
				t.Fatalf("invariants broken: %v\n%s", err, g)
			}
			if after := g.String(); after != before {
				t.Errorf("the pass changed the graph:\n%swas\n%s", after, before)
			}
		})
	}
}

// The plan's mode is typed; its JSON is the mode's name, and reads back.
func TestModeJSON(t *testing.T) {
	for _, m := range []Mode{Inference, Training} {
		b, err := json.Marshal(Plan{Mode: m})
		if err != nil {
			t.Fatal(err)
		}
		if want := `"mode":"` + m.String() + `"`; !strings.Contains(string(b), want) {
			t.Errorf("%s: JSON %s lacks %s", m, b, want)
		}
		var back Plan
		if err := json.Unmarshal(b, &back); err != nil || back.Mode != m {
			t.Errorf("%s: read back as %v (%v)", m, back.Mode, err)
		}
	}
	var p Plan
	if err := json.Unmarshal([]byte(`{"mode":"train"}`), &p); err == nil || !strings.Contains(err.Error(), `mode "train": want "inference" or "training"`) {
		t.Errorf("unknown mode: %v", err)
	}
	if _, err := json.Marshal(Plan{Mode: 7}); err == nil {
		t.Error("mode 7 marshalled")
	}
}
