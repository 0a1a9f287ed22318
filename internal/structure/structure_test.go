package structure

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/compiler"
	"github.com/netc/netc/compiler/ir"
)

func build(t *testing.T, spec string) (*ir.Graph, *Tree) {
	t.Helper()
	g, err := compiler.Check(filepath.Join("..", "..", "specs", spec+".toml"), compiler.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Build(g)
	if err != nil {
		t.Fatalf("%s: %v", spec, err)
	}
	return g, tr
}

// find returns the block at path.
func find(t *testing.T, tr *Tree, path string) *Block {
	t.Helper()
	var found *Block
	var walk func([]Item)
	walk = func(items []Item) {
		for _, it := range items {
			if b, ok := it.(*Block); ok {
				if b.Path() == path {
					found = b
				}
				walk(b.Body)
				for _, br := range b.Branches {
					walk(br.Body)
				}
				walk(b.After)
			}
		}
	}
	walk(tr.Root.Body)
	if found == nil {
		t.Fatalf("no block %s", path)
	}
	return found
}

func TestEveryNodeOnce(t *testing.T) {
	specs, _ := filepath.Glob(filepath.Join("..", "..", "specs", "*.toml"))
	for _, path := range specs {
		spec := strings.TrimSuffix(filepath.Base(path), ".toml")
		g, tr := build(t, spec)
		nodes := Nodes(tr.Root.Body)
		if len(nodes) != len(g.Nodes)-1 {
			t.Errorf("%s: the tree holds %d nodes, the graph %d layers", spec, len(nodes), len(g.Nodes)-1)
		}
		for i, n := range nodes {
			if n.ID != i+1 {
				t.Errorf("%s: node %d of the tree is %s (ID %d)", spec, i, n.Name, n.ID)
				break
			}
		}
	}
}

// The shapes below are read off the specs.
func TestBlocks(t *testing.T) {
	_, g := build(t, "googlenet")
	if n := len(g.Root.Body); n != 6 {
		t.Errorf("googlenet: %d top-level items, want b1..b5 and linear", n)
	}
	inc := find(t, g, "b4.inception5")
	if inc.Level != 2 || len(inc.Branches) != 4 || inc.Merge == nil || inc.Merge.Op != ir.OpConcat {
		t.Errorf("b4.inception5: level %d, %d branches, merge %v", inc.Level, len(inc.Branches), inc.Merge)
	}
	for i, want := range []int{2, 4, 4, 3} { // conv relu | conv relu conv relu | ... | maxpool conv relu
		if got := len(inc.Branches[i].Body); got != want {
			t.Errorf("b4.inception5 branch %s: %d nodes, want %d", inc.Branches[i].Name, got, want)
		}
	}

	_, r := build(t, "resnet18")
	plain, down := find(t, r, "stage1.residual1"), find(t, r, "stage2.residual1")
	if plain.Branches[1].Name != "shortcut" || len(plain.Branches[1].Body) != 0 || plain.Branches[1].Out != plain.In {
		t.Errorf("stage1.residual1: the shortcut should be the identity")
	}
	if len(down.Branches[1].Body) != 1 || len(down.After) != 1 || down.Merge.Op != ir.OpAdd {
		t.Errorf("stage2.residual1: a projection shortcut, add, then relu")
	}

	_, m := build(t, "mobilenet_v2")
	strided, same := find(t, m, "stage2.inverted_residual1"), find(t, m, "stage2.inverted_residual2")
	if len(strided.Branches) != 1 || strided.Merge != nil {
		t.Errorf("stage2.inverted_residual1 has stride 2: one branch, no add")
	}
	if len(same.Branches) != 2 || same.Merge == nil {
		t.Errorf("stage2.inverted_residual2: main and the identity, added")
	}

	_, d := build(t, "densenet")
	if n := len(find(t, d, "dense_block4").Body); n != 4 {
		t.Errorf("dense_block4: %d items; the last block has no transition", n)
	}
	if n := len(find(t, d, "dense_block3").Body); n != 5 {
		t.Errorf("dense_block3: %d items, want 4 dense layers and a transition", n)
	}
}

// TestNotSeriesParallel: a graph whose edges disagree with its scopes is refused.
func TestNotSeriesParallel(t *testing.T) {
	g, _ := build(t, "resnet18")
	for _, n := range g.Nodes {
		if n.Name == "stage1.residual2.main.conv2" {
			n.Inputs = []int{1} // reads the stem's conv: a skip the structure does not have
		}
	}
	if _, err := Build(g); err == nil || !strings.Contains(err.Error(), "stage1.residual2.main.conv2") {
		t.Errorf("a stray edge: %v", err)
	}
}
