package compiler

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/compiler/ir"
)

const header = `name = "t"
input = { channels = 1, height = 8, width = 8 }
classes = 10
`

func mustCheck(t *testing.T, src string, opt Options) *ir.Graph {
	t.Helper()
	g, err := CheckSource("t.toml", []byte(header+src), opt)
	if err != nil {
		t.Fatalf("unexpected error:\n%v", err)
	}
	return g
}

// layers renders "name op shape" for each node but the input.
func layers(g *ir.Graph) string {
	var b strings.Builder
	for _, n := range g.Nodes[1:] {
		fmt.Fprintf(&b, "%s %s %s\n", n.Name, n.Op, n.Shape)
	}
	return b.String()
}

func TestExpansion(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"numbering: unique names stay bare, shared ones count, act counts too",
			`layers = [ { op = "conv", out = 4, k = 3, act = "relu" }, { op = "conv", out = 2, k = 3 }, { op = "flatten" }, { op = "linear", out = 10, act = "relu6" }, { op = "relu6" } ]`,
			`conv1 conv 4x6x6
relu conv... `},
	}
	_ = cases
	g := mustCheck(t, `layers = [ { op = "conv", out = 4, k = 3, act = "relu" }, { op = "conv", out = 2, k = 3 }, { op = "flatten" }, { op = "linear", out = 10, act = "relu6" }, { op = "relu6" } ]`, Options{})
	want := `conv1 conv 4x6x6
relu relu 4x6x6
conv2 conv 2x4x4
flatten flatten 32
linear linear 10
relu6_1 relu6 10
relu6_2 relu6 10
`
	if got := layers(g); got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
}

// Each case's expected layer list is worked out by hand from the spec.
func TestBlocks(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"repeat with i, and names of repeated layers",
			`layers = [ { op = "conv", out = "2 * (i + 1)", k = 1, repeat = 3 }, { op = "flatten" }, { op = "linear", out = "classes" } ]`,
			"conv1 conv 2x8x8\nconv2 conv 4x8x8\nconv3 conv 6x8x8\nflatten flatten 384\nlinear linear 10\n"},
		{"for-list items are layer keys; i inside a block is its instance index",
			`layers = [ { use = "b", for = [ { c = 3 }, { c = 5 } ] }, { op = "flatten" }, { op = "linear", out = 10 } ]
[blocks.b]
params = { c = 1 }
layers = [ { op = "conv", out = "c + i", k = 1 } ]`,
			"b1.conv conv 3x8x8\nb2.conv conv 6x8x8\nflatten flatten 384\nlinear linear 10\n"},
		{"in.c, conditional layers keep their numbers",
			`layers = [ { op = "conv", out = 6, k = 1 }, { use = "t", c = 6 }, { use = "t", c = 5 }, { op = "flatten" }, { op = "linear", out = 10 } ]
[blocks.t]
params = { c = 1 }
layers = [ { op = "conv", out = "in.c // 2", k = 1, if = "in.c == c" }, { op = "conv", out = "in.c + 1", k = 1 } ]`,
			"conv conv 6x8x8\nt1.conv1 conv 3x8x8\nt1.conv2 conv 4x8x8\nt2.conv2 conv 5x8x8\nflatten flatten 320\nlinear linear 10\n"},
		{"parallel: identity branch, concat, after; the merge is named after the instance",
			`layers = [ { op = "conv", out = 2, k = 1 }, { use = "dense" }, { op = "flatten" }, { op = "linear", out = 10 } ]
[blocks.dense]
merge = "concat"
after = [ { op = "relu" } ]
[blocks.dense.branches]
x = []
f = [ { op = "conv", out = 3, k = 3, pad = 1 } ]`,
			"conv conv 2x8x8\ndense.f.conv conv 3x8x8\ndense concat 5x8x8\ndense.relu relu 5x8x8\nflatten flatten 320\nlinear linear 10\n"},
		{"a branch switched off leaves nothing to merge",
			`layers = [ { use = "r", s = 1 }, { use = "r", s = 2 }, { op = "flatten" }, { op = "linear", out = 10 } ]
[blocks.r]
params = { s = 1 }
merge = "add"
[blocks.r.branches]
main = [ { op = "relu" } ]
skip = { if = "s == 1", layers = [] }`,
			"r1.main.relu relu 1x8x8\nr1 add 1x8x8\nr2.main.relu relu 1x8x8\nflatten flatten 64\nlinear linear 10\n"},
		{"list parameters, ternaries, a use inside a block, pool stride defaults to k",
			`layers = [ { use = "outer" }, { op = "flatten" }, { op = "linear", out = 10 } ]
[blocks.outer]
layers = [ { use = "inner", cs = [4, 6] }, { op = "maxpool", k = 2 } ]
[blocks.inner]
params = { cs = [1, 2] }
layers = [ { op = "conv", out = "cs[1] > 5 ? cs[0] : 1", k = 3, pad = 1 } ]`,
			"outer.inner.conv conv 4x8x8\nouter.maxpool maxpool 4x4x4\nflatten flatten 64\nlinear linear 10\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := layers(mustCheck(t, c.src, Options{})); got != c.want {
				t.Errorf("got\n%swant\n%s", got, c.want)
			}
		})
	}
}

func TestScopesAndGroups(t *testing.T) {
	g := mustCheck(t, `layers = [ { use = "s" }, { op = "flatten" }, { op = "linear", out = 10 } ]
[blocks.s]
layers = [ { use = "p" } ]
[blocks.p]
merge = "add"
[blocks.p.branches]
a = [ { op = "relu" } ]
b = [ { op = "tanh" } ]`, Options{})
	n := g.Nodes[1]
	if n.Name != "s.p.a.relu" || strings.Join(n.Scope, ",") != "s,s.p,s.p.a" {
		t.Errorf("node %s scope %v", n.Name, n.Scope)
	}
	if gr := g.Groups["s.p"]; gr == nil || gr.Block != "p" || gr.Merge != "add" {
		t.Errorf("group s.p = %+v", gr)
	}
	if gr := g.Groups["s.p.b"]; gr == nil || gr.Block != "" {
		t.Errorf("branch group s.p.b = %+v", gr)
	}
}

func TestSemanticErrors(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"blocks do not see the caller's parameters",
			`params = { width = 4 }
layers = [ { use = "a", c = 2 } ]
[blocks.a]
params = { c = 1 }
layers = [ { use = "b" } ]
[blocks.b]
layers = [ { op = "conv", out = "c", k = 1 } ]`,
			"t.toml:10:34: blocks.b.layers[0].out: \"c\": unknown name \"c\"; names here: classes, i, in, width\n2 error"},
		{"an argument the block never uses",
			`layers = [ { use = "r", c = 8, stride = 2 }, { op = "flatten" }, { op = "linear", out = 10 } ]
[blocks.r]
params = { c = 4, stride = 1 }
layers = [ { op = "conv", out = "c", k = 3, pad = 1 } ]`,
			"t.toml:4:32: layers[0]: block \"r\" never uses its parameter \"stride\", so stride = 2 changes nothing"},
		{"for and layer keys clash",
			`layers = [ { op = "conv", k = 1, out = 2, for = [ { out = 3 } ] } ]`,
			`t.toml:4:53: conv1: "out" is set both on the layer and in its for-list`},
		{"i outside a repetition",
			`layers = [ { op = "conv", k = 1, out = "i + 1" } ]`,
			"t.toml:4:41: layers[0].out: \"i + 1\": unknown name \"i\"; i is the repetition index, defined inside blocks and on layers with repeat or for\n1 error"},
		{"blocks nested too deep",
			deepBlocks(70),
			"blocks nested more than 64 deep"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := CheckSource("t.toml", []byte(header+c.src), Options{})
			if d := Diagnostics(err); d != nil {
				err = fmt.Errorf("%v\n%d error", err, len(d)) // pins the count: no duplicate reports
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v\nwant it to contain %q", err, c.want)
			}
		})
	}
}

func deepBlocks(n int) string {
	var b strings.Builder
	b.WriteString(`layers = [ { use = "b0" } ]` + "\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "[blocks.b%d]\nlayers = [ { use = \"b%d\" } ]\n", i, i+1)
	}
	fmt.Fprintf(&b, "[blocks.b%d]\nlayers = [ { op = \"relu\" } ]\n", n)
	return b.String()
}

func TestOptions(t *testing.T) {
	src := `params = { ratio = 1, cs = [2, 3] }
layers = [ { op = "conv", out = "8 // ratio", k = 1 }, { op = "flatten" }, { op = "linear", out = 10 } ]`
	g := mustCheck(t, src, Options{Set: []string{"ratio=4"}, Input: "3x5x7"})
	if got := g.Nodes[1].Shape.String(); got != "2x5x7" {
		t.Errorf("--set ratio=4 --input 3x5x7 gives %s, want 2x5x7", got)
	}
	if g.Params["ratio"] != "4" {
		t.Errorf("resolved params %v", g.Params)
	}
	for _, c := range []struct {
		opt  Options
		want string
	}{
		{Options{Set: []string{"rato=4"}}, `no parameter "rato" (did you mean "ratio"?)`},
		{Options{Set: []string{"ratio=four"}}, `expected an integer, found "four"`},
		{Options{Set: []string{"ratio"}}, "expected name=value"},
		{Options{Set: []string{"cs=1,x"}}, "list of integers"},
		{Options{Set: []string{"classes=0"}}, "classes must be an integer from 1"},
		{Options{Set: []string{"classes=many"}}, "classes must be an integer from 1"},
		{Options{Input: "1x0x8"}, "expected CxHxW"},
		{Options{Input: "1x2x3x4"}, "expected CxHxW"},
	} {
		_, err := CheckSource("t.toml", []byte(header+src), c.opt)
		if _, ok := err.(*OptionError); !ok || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want an OptionError containing %q", c.opt, err, c.want)
		}
	}
	in, err := ParseInput("96", [3]int{1, 28, 28})
	if err != nil || in != [3]int{1, 96, 96} {
		t.Errorf("--input 96 gives %v, %v", in, err)
	}
	in, _ = ParseInput("32x48", [3]int{3, 28, 28})
	if in != [3]int{3, 32, 48} {
		t.Errorf("--input 32x48 gives %v", in)
	}
}

func TestLimits(t *testing.T) {
	big := make([]byte, 1<<20+1)
	for i := range big {
		big[i] = '#'
	}
	if _, err := CheckSource("big.toml", big, Options{}); err == nil || !strings.Contains(err.Error(), "larger than 1024 KiB") {
		t.Errorf("a 1 MiB + 1 byte file: %v", err)
	}
	// Ten million nested brackets would crash BurntSushi's parser with a fatal stack
	// overflow; the depth guard refuses a far smaller nest before it parses.
	deep := "x = " + strings.Repeat("[", 500000)
	if _, err := CheckSource("deep.toml", []byte(deep), Options{}); err == nil || !strings.Contains(err.Error(), "nested more than 32 levels") {
		t.Errorf("deep nest: %v", err)
	}
}

// FuzzCheck runs the whole front end on arbitrary input: it must return a graph or
// diagnostics with positions, never panic, hang or allocate without bound.
func FuzzCheck(f *testing.F) {
	for _, dir := range []string{"../specs", "../testdata/broken"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.toml"))
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err == nil {
				f.Add(src)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		g, err := CheckSource("fuzz.toml", src, Options{})
		if err == nil {
			if len(g.Nodes) < 1 || !g.Output().Shape.Equal(ir.Shape{g.Classes}) {
				t.Fatalf("accepted a graph whose output is %v for %d classes", g.Output().Shape, g.Classes)
			}
			return
		}
		if d := Diagnostics(err); d != nil {
			for _, x := range d {
				if x.Pos.File != "fuzz.toml" || x.Msg == "" {
					t.Fatalf("diagnostic without a position or message: %q", x)
				}
			}
		}
	})
}

func BenchmarkCheck(b *testing.B) {
	for _, name := range []string{"alexnet", "vgg11", "nin", "googlenet", "lenet-bn", "resnet18", "densenet"} {
		path := filepath.Join("..", "specs", name+".toml")
		src, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := CheckSource(path, src, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A block parameter that is a list of two passes on to a pair attribute as [height,
// width] (Inception v3's 1x7 and 7x1 convolutions from one block).
func TestPairParameter(t *testing.T) {
	g := mustCheck(t, `layers = [ { use = "c", k = [1, 7], pad = [0, 3] }, { use = "c", k = [7, 1], pad = [3, 0] }, { op = "flatten" }, { op = "linear", out = 10 } ]
[blocks.c]
params = { k = [1, 1], pad = [0, 0] }
layers = [ { op = "conv", out = 2, k = "k", pad = "pad" } ]
`, Options{})
	for _, n := range g.Nodes[1:3] {
		if n.Attrs.K[0] == n.Attrs.K[1] || n.Shape[1] != 8 || n.Shape[2] != 8 {
			t.Errorf("%s: k %v pad %v shape %s, want a 1x7 or 7x1 conv keeping 8x8", n.Name, n.Attrs.K, n.Attrs.Pad, n.Shape)
		}
	}
	if g.Nodes[1].Attrs.K != [2]int{1, 7} || g.Nodes[2].Attrs.K != [2]int{7, 1} {
		t.Errorf("kernels %v and %v, want [1 7] and [7 1]", g.Nodes[1].Attrs.K, g.Nodes[2].Attrs.K)
	}
	_, err := CheckSource("t.toml", []byte(header+`layers = [ { use = "c", k = [1, 7, 1] }, { op = "flatten" }, { op = "linear", out = 10 } ]
[blocks.c]
params = { k = [1, 1] }
layers = [ { op = "conv", out = 2, k = "k" } ]
`), Options{})
	if err == nil || !strings.Contains(err.Error(), "a pair is [height, width], found a list of 3") {
		t.Errorf("a list of three as a kernel: %v", err)
	}
}

// Float attributes take expressions: a drop probability that grows with the block index,
// as stochastic depth schedules it.
func TestFloatExpression(t *testing.T) {
	g := mustCheck(t, `layers = [ { op = "dropout", p = "0.2 * (first + i) / 4", repeat = 3 }, { op = "flatten" }, { op = "linear", out = 10 } ]
params = { first = 1 }
`, Options{})
	for i, want := range []float64{0.05, 0.1, 0.15000000000000002} {
		if got := g.Nodes[1+i].Attrs.P; got != want {
			t.Errorf("dropout %d: p = %v, want %v", i, got, want)
		}
	}
	_, err := CheckSource("t.toml", []byte(header+`layers = [ { op = "dropout", p = "1 / 1" }, { op = "flatten" }, { op = "linear", out = 10 } ]`), Options{})
	if err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("p = 1 from an expression: %v", err)
	}
}

// TestSetClasses: --set classes=N gives the network a head of N classes. ResNet-18's last
// linear layer has 512*10+10 = 5,130 parameters; with 3 classes it has 512*3+3 = 1,539, so
// the total drops from PyTorch's 11,178,378 by 3,591.
func TestSetClasses(t *testing.T) {
	g, err := Check("../specs/resnet18.toml", Options{Set: []string{"classes=3"}})
	if err != nil {
		t.Fatal(err)
	}
	params, _, _, _ := g.Totals()
	if g.Classes != 3 || !g.Output().Shape.Equal([]int{3}) || params != 11_178_378-3_591 {
		t.Errorf("classes %d, output %v, params %d", g.Classes, g.Output().Shape, params)
	}
}
