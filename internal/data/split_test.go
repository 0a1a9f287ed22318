package data

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/netc/netc/internal/data/idx"
)

// TestEmbeddedSubsetIsBalanced counts the labels of the embedded subset.
func TestEmbeddedSubsetIsBalanced(t *testing.T) {
	ds := embeddedSet(t)
	for _, tt := range []struct {
		split    *Split
		perClass int
	}{{ds.Train, SubsetTrainPerClass}, {ds.Test, SubsetTestPerClass}} {
		if tt.split.N != tt.perClass*NumClasses || tt.split.Height != 28 || tt.split.Width != 28 {
			t.Errorf("split of %d images %d×%d, want %d of 28×28", tt.split.N, tt.split.Height, tt.split.Width, tt.perClass*NumClasses)
		}
		for c, n := range tt.split.ClassCounts() {
			if n != tt.perClass {
				t.Errorf("class %d (%s): %d images, want %d", c, ClassNames[c], n, tt.perClass)
			}
		}
	}
	if want := "embedded Fashion-MNIST subset (10,000 train / 2,000 test)"; ds.Source != want {
		t.Errorf("Source %q, want %q", ds.Source, want)
	}
	if !strings.Contains(SubsetLicense, "Copyright (c) 2017 Zalando SE") {
		t.Error("SubsetLicense lacks Zalando's copyright line")
	}
}

// TestEmbeddedSubsetMatchesFullSet: the subset is exactly SelectBalanced of
// the full set (an independent implementation of mksubset's rule). Needs
// Debian's dataset-fashion-mnist; skipped without it and with -short.
func TestEmbeddedSubsetMatchesFullSet(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes the full set (-short)")
	}
	if _, err := os.Stat(SystemDir); err != nil {
		t.Skipf("full set not installed: %v", err)
	}
	full, err := LoadDir(SystemDir, FromSystem)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Fashion-MNIST from /usr/share/datasets/fashion-mnist (60,000 train / 10,000 test)"; full.Source != want {
		t.Errorf("Source %q, want %q", full.Source, want)
	}
	sub := embeddedSet(t)
	for _, tt := range []struct {
		full, sub *Split
		perClass  int
	}{{full.Train, sub.Train, SubsetTrainPerClass}, {full.Test, sub.Test, SubsetTestPerClass}} {
		want, err := SelectBalanced(tt.full, tt.perClass)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want.Images, tt.sub.Images) || !bytes.Equal(want.Labels, tt.sub.Labels) {
			t.Errorf("embedded subset differs from the first %d per class of the full set", tt.perClass)
		}
	}
}

func TestNewSplitErrors(t *testing.T) {
	images := &idx.File{Dims: []int{3, 2, 2}, Data: make([]byte, 12)}
	tests := []struct {
		name   string
		images *idx.File
		labels *idx.File
		want   string
	}{
		{"count mismatch", images, &idx.File{Dims: []int{2}, Data: []byte{0, 1}},
			"img.idx holds 3 images but lab.idx holds 2 labels"},
		{"label out of range", images, &idx.File{Dims: []int{3}, Data: []byte{0, 10, 1}},
			"lab.idx: label 10 at index 1, expected 0..9"},
		{"labels given as images", images, images, "lab.idx: 3 dimensions, expected 1"},
		{"zero-width images", &idx.File{Dims: []int{3, 2, 0}}, &idx.File{Dims: []int{3}, Data: []byte{0, 0, 0}},
			"img.idx: images of 2×0 pixels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSplit(tt.images, tt.labels, "img.idx", "lab.idx")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSelectBalancedNeedsEnoughImages(t *testing.T) {
	_, err := SelectBalanced(embeddedSet(t).Test, SubsetTestPerClass+1)
	if err == nil || !strings.Contains(err.Error(), "fewer than 201") {
		t.Fatalf("error %v, want a class with fewer than 201 images", err)
	}
}

func TestClassNames(t *testing.T) {
	if ClassNames[0] != "T-shirt/top" || ClassNames[9] != "Ankle boot" || len(ClassNames) != NumClasses {
		t.Errorf("ClassNames = %q", ClassNames)
	}
}

// TestOpenIDX reads any IDX set (here the MNIST layout filled with real images) with
// the digits as class names, and refuses a format it does not know.
func TestOpenIDX(t *testing.T) {
	dir := t.TempDir()
	writeSet(t, dir, 12, false)
	ds, err := Open(Source{Format: FormatIDX, Dir: dir}, 1, 28, 28)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Train.N != 12 || ds.ClassList()[3] != "3" || len(ds.ClassList()) != 10 || !bytes.Equal(ds.Test.Image(11), embeddedSet(t).Test.Image(11)) {
		t.Errorf("read %s, classes %q", ds.Source, ds.ClassList())
	}
	rgb, err := Open(Source{Format: FormatIDX, Dir: dir}, 3, 28, 28)
	if err != nil {
		t.Fatal(err)
	}
	img := rgb.Train.Image(5)
	if rgb.Train.C() != 3 || !bytes.Equal(img[:784], img[784:1568]) || !bytes.Equal(img[1568:], embeddedSet(t).Train.Image(5)) {
		t.Error("gray to RGB does not copy the plane three times")
	}
	def, err := Open(Source{Dir: EmbeddedDir}, 1, 28, 28)
	if err != nil || def.Origin != FromEmbedded || def.ClassList()[9] != "Ankle boot" {
		t.Errorf("default source: %v %+v", err, def)
	}
}
