package plan

import (
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
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
		name string
		pass func(*Graph)
		mode Mode
		src  string
		want string
	}{
		{"alias: flatten and inference dropout become views", alias, Inference,
			`layers = [ { op = "conv", out = 4, k = 8 }, { op = "dropout" }, { op = "flatten" } ]`,
			`conv  conv  input -> conv
dropout  dropout (alias)  conv -> dropout @conv
flatten  flatten (alias)  dropout -> flatten @conv
`},
		{"alias: training keeps dropout", alias, Training,
			`layers = [ { op = "conv", out = 4, k = 8 }, { op = "dropout" }, { op = "flatten" } ]`,
			`conv  conv  input -> conv
dropout  dropout  conv -> dropout
flatten  flatten (alias)  dropout -> flatten @dropout
`},
		{"fold-batchnorm: conv then batchnorm", foldBatchNorm, Inference,
			`layers = [ { op = "conv", out = 4, k = 3 }, { op = "batchnorm", act = "relu" }, { op = "conv", out = 4, k = 6 }, { op = "flatten" } ]`,
			`conv1  conv+batchnorm  input -> batchnorm
relu  relu  batchnorm -> relu
conv2  conv  relu -> conv2
flatten  flatten  conv2 -> flatten
`},
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
`},
		{"fuse-batchnorm-relu", fuseBatchNormReLU, Training,
			`layers = [ { op = "conv", out = 4, k = 3 }, { op = "batchnorm", act = "relu" }, { op = "batchnorm", act = "sigmoid" }, { op = "conv", out = 4, k = 6 }, { op = "flatten" } ]`,
			`conv1  conv  input -> conv1
batchnorm1  batchnorm+relu  conv1 -> relu
batchnorm2  batchnorm  relu -> batchnorm2
sigmoid  sigmoid  batchnorm2 -> sigmoid
conv2  conv  sigmoid -> conv2
flatten  flatten  conv2 -> flatten
`},
		{"fuse-activation: conv and linear", fuseActivation, Training,
			`layers = [ { op = "conv", out = 4, k = 3, act = "relu" }, { op = "flatten" }, { op = "linear", out = 4, act = "tanh" } ]`,
			`conv  conv+relu  input -> relu
flatten  flatten  relu -> flatten
linear  linear+tanh  flatten -> tanh
`},
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
`},
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
`},
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
`},
		{"inplace: training keeps what backward needs", inPlace, Training,
			`layers = [ { op = "conv", out = 2, k = 1 }, { op = "relu" }, { op = "maxpool", k = 2 }, { op = "sigmoid" }, { op = "relu" }, { op = "conv", out = 4, k = 4 }, { op = "flatten" } ]`,
			`conv1  conv  input -> conv1
relu1  relu  conv1 -> relu1 @conv1
maxpool  maxpool  relu1 -> maxpool
sigmoid  sigmoid  maxpool -> sigmoid @maxpool
relu2  relu  sigmoid -> relu2
conv2  conv  relu2 -> conv2
flatten  flatten  conv2 -> flatten
`},
		{"deadcode: fused steps leave the schedule", func(g *Graph) { fuseActivation(g); deadcode(g) }, Inference,
			`layers = [ { op = "conv", out = 4, k = 8, act = "relu" }, { op = "flatten" } ]`,
			`conv  conv+relu  input -> relu
flatten  flatten  relu -> flatten
`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := lowered(t, c.src, c.mode)
			if err := g.Check(); err != nil {
				t.Fatal(err)
			}
			c.pass(g)
			if err := g.Check(); err != nil {
				t.Fatalf("invariants broken: %v\n%s", err, g)
			}
			if got := g.String(); got != c.want {
				t.Errorf("got\n%swant\n%s", got, c.want)
			}
		})
	}
}

func TestDisablePasses(t *testing.T) {
	src := compile(t, "googlenet", compiler.Options{})
	if _, err := Build(src, Options{Batch: 1, Disable: []string{"deadcode"}}); err == nil || !strings.Contains(err.Error(), "required") {
		t.Errorf("disabling a required pass: %v", err)
	}
	if _, err := Build(src, Options{Batch: 1, Disable: []string{"fuse"}}); err == nil || !strings.Contains(err.Error(), "no pass") {
		t.Errorf("unknown pass: %v", err)
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
