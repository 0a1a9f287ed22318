package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// VGG-11 at full width against the quarter width the chapter trains. The totals are
// PyTorch's parameter counts of d2l's VGG-11 (conv_arch divided by 4 for the second); the
// per-layer values are derived by hand: a 3x3 conv from c_in to c_out channels has
// 9*c_in*c_out + c_out parameters.
func TestDiffVGGWidths(t *testing.T) {
	out, stderr, code := netc(t, "diff", specPath("vgg11"), specPath("vgg11"), "--set-b", "ratio=4")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"params           128,806,154 → 43,093,322",
		"vgg_block1.conv1    conv 64, 3x3 pad 1 → conv 16, 3x3 pad 1",
		"vgg_block2.conv1    conv 128, 3x3 pad 1 → conv 32, 3x3 pad 1",
		"vgg_block3.conv1    conv 256, 3x3 pad 1 → conv 64, 3x3 pad 1",
		"vgg_block3.conv2    conv 256, 3x3 pad 1 → conv 64, 3x3 pad 1",
		"vgg_block4.conv1    conv 512, 3x3 pad 1 → conv 128, 3x3 pad 1",
		"vgg_block4.conv2    conv 512, 3x3 pad 1 → conv 128, 3x3 pad 1",
		"vgg_block5.conv1    conv 512, 3x3 pad 1 → conv 128, 3x3 pad 1",
		"vgg_block5.conv2    conv 512, 3x3 pad 1 → conv 128, 3x3 pad 1",
		"64x224x224 → 16x224x224",
		"640 → 160",                // 9*1*64+64 and 9*1*16+16
		"2,359,808 → 147,584",      // 9*512*512+512 and 9*128*128+128
		"102,764,544 → 25,694,208", // linear1: 25088*4096+4096 and 6272*4096+4096
		"25088 → 6272",
		"output           10",
		"a: vgg11 (specs/vgg11.toml), input 1x224x224, ratio=1",
		"b: vgg11 (specs/vgg11.toml), input 1x224x224, ratio=4",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	// The layers that do not change (dropouts, the last linear layer, ...) are counted,
	// not listed; the two dense layers after flatten keep 4096 outputs, but linear1's
	// weights shrink with its input, so it is listed while linear2 is not.
	if strings.Contains(out, "linear2") || strings.Contains(out, "dropout") {
		t.Errorf("unchanged layers listed:\n%s", out)
	}
	// One spec and --set-b is the same comparison.
	if one, _, _ := netc(t, "diff", specPath("vgg11"), "--set-b", "ratio=4"); one != out {
		t.Errorf("diff A --set-b differs from diff A A --set-b:\n%s", one)
	}
	// --all lists every layer: 29 of them (input excluded).
	all, _, _ := netc(t, "diff", specPath("vgg11"), "--set-b", "ratio=4", "--all")
	if !strings.Contains(all, "linear2") || !strings.Contains(all, "6 the same") {
		t.Errorf("--all:\n%s", all)
	}
}

func TestDiffJSON(t *testing.T) {
	out, stderr, code := netc(t, "diff", specPath("vgg11"), "--set-a", "ratio=2", "--set-b", "ratio=4", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var r struct {
		A, B struct {
			Params map[string]string
			Totals struct{ Params int64 }
		}
		Layers []struct {
			Name, Status string
			A, B         *struct{ Op string }
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.A.Params["ratio"] != "2" || r.B.Params["ratio"] != "4" || r.B.Totals.Params != 43_093_322 {
		t.Errorf("sides: %+v %+v", r.A, r.B)
	}
	if len(r.Layers) != 29 || r.Layers[0].Name != "vgg_block1.conv1" || r.Layers[0].Status != "changed" || r.Layers[0].A.Op != "conv 32, 3x3 pad 1" {
		t.Errorf("layers: %d, first %+v", len(r.Layers), r.Layers[0])
	}
}

// Two networks that share a stem: its layers are the same (and not listed), ResNet's
// stages are only in A, DenseNet's blocks only in B, and the head changes width.
func TestDiffAddedRemoved(t *testing.T) {
	out, _, code := netc(t, "diff", specPath("resnet18"), specPath("densenet"))
	if code != 0 {
		t.Fatal(out)
	}
	if strings.Contains(out, "stem.conv") {
		t.Errorf("the shared stem is listed:\n%s", out)
	}
	for _, want := range []string{"-  stage1.residual1.main.conv1", "+  dense_block1.dense_layer1.f.conv", "~  linear", "5,130 → 2,490", "params           11,178,378 → 758,226"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

func TestDiffErrors(t *testing.T) {
	if _, stderr, code := netc(t, "diff", specPath("vgg11"), badSpec(t)); code != 1 || !strings.Contains(stderr, "bad.toml:5:") {
		t.Errorf("a wrong spec: exit %d, stderr %q", code, stderr)
	}
	if _, stderr, code := netc(t, "diff", specPath("vgg11"), "--set-b", "nope=1"); code != 2 || !strings.Contains(stderr, "side b") {
		t.Errorf("a bad --set-b: exit %d, stderr %q", code, stderr)
	}
	if _, _, code := netc(t, "diff", "a.toml", "b.toml", "c.toml"); code != 2 {
		t.Errorf("three specs: exit %d, want 2", code)
	}
	if _, _, code := netc(t, "diff", specPath("vgg11"), "--input-b", "0x0"); code != 2 {
		t.Errorf("a bad --input-b: exit %d, want 2", code)
	}
}
