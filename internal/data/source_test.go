package data_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/netc/netc/internal/data"
	"github.com/netc/netc/internal/data/datatest"
)

func embedded(t *testing.T) *data.Dataset {
	t.Helper()
	ds, err := data.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestOpenCIFAR reads a CIFAR-format directory made from real images: two
// training batch files concatenated in name order, the test file, the class
// names of batches.meta.txt; and converts to one channel on request.
func TestOpenCIFAR(t *testing.T) {
	src := embedded(t)
	dir := t.TempDir()
	if err := datatest.WriteCIFAR(dir, src, 40, 20); err != nil {
		t.Fatal(err)
	}
	ds, err := data.Open(data.Source{Format: data.FormatCIFAR10, Dir: dir}, 3, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Train.N != 40 || ds.Test.N != 20 || ds.Train.C() != 3 || ds.Train.Height != 32 {
		t.Fatalf("read %d/%d images of %d×%d×%d", ds.Train.N, ds.Test.N, ds.Train.C(), ds.Train.Height, ds.Train.Width)
	}
	for i := range 40 {
		if !bytes.Equal(ds.Train.Image(i), datatest.CIFARPixels(src.Train.Image(i))) || ds.Train.Labels[i] != src.Train.Labels[i] {
			t.Fatalf("train image %d is not the record written", i)
		}
	}
	if !slices.Equal(ds.ClassList(), data.ClassNames[:]) {
		t.Errorf("classes %q", ds.ClassList())
	}
	if err := os.Remove(filepath.Join(dir, "batches.meta.txt")); err != nil {
		t.Fatal(err)
	}
	gray, err := data.Open(data.Source{Format: data.FormatCIFAR10, Dir: dir}, 1, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	// Inside the square the pixel is (v, v, 255−v); PIL's luma of it:
	v := uint32(src.Test.Image(0)[14*28+14])
	want := uint8((19595*v + 38470*v + 7471*(255-v) + 1<<15) >> 16)
	if got := gray.Test.Image(0)[16*32+16]; gray.Test.C() != 1 || got != want {
		t.Errorf("gray pixel %d (of %d channels), want %d", got, gray.Test.C(), want)
	}
	if !slices.Equal(gray.ClassList(), data.CIFAR10Classes) {
		t.Errorf("without batches.meta.txt: classes %q, want CIFAR-10's", gray.ClassList())
	}
}

func TestOpenCIFARErrors(t *testing.T) {
	src := embedded(t)
	for _, tt := range []struct {
		name   string
		break_ func(dir string)
		want   string
	}{
		{"truncated", func(dir string) {
			raw, _ := os.ReadFile(filepath.Join(dir, "test_batch.bin"))
			os.WriteFile(filepath.Join(dir, "test_batch.bin"), raw[:len(raw)-5], 0o644)
		}, "test_batch.bin: 61455 bytes, expected a positive multiple of 3073"},
		{"bad label", func(dir string) {
			raw, _ := os.ReadFile(filepath.Join(dir, "data_batch_2.bin"))
			raw[3073] = 12
			os.WriteFile(filepath.Join(dir, "data_batch_2.bin"), raw, 0o644)
		}, "data_batch_2.bin: label 12 in record 1 (byte 3073), expected 0..9"},
		{"no batches", func(dir string) {
			os.Remove(filepath.Join(dir, "data_batch_1.bin"))
			os.Remove(filepath.Join(dir, "data_batch_2.bin"))
		}, "no data_batch_*.bin"},
		{"no test", func(dir string) { os.Remove(filepath.Join(dir, "test_batch.bin")) }, "test_batch.bin: no such file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := datatest.WriteCIFAR(dir, src, 10, 20); err != nil {
				t.Fatal(err)
			}
			tt.break_(dir)
			_, err := data.Open(data.Source{Format: data.FormatCIFAR10, Dir: dir}, 3, 32, 32)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// TestOpenFolder reads a train/ and val/ tree of PNGs (gray and RGBA): class
// names are the sorted folder names, images come class by class in file
// order, and pixels survive exactly at their own size.
func TestOpenFolder(t *testing.T) {
	src := embedded(t)
	root := t.TempDir()
	if err := datatest.WriteFolder(root, src, 60, 25); err != nil {
		t.Fatal(err)
	}
	ds, err := data.Open(data.Source{Format: data.FormatFolder, Dir: root}, 1, 28, 28)
	if err != nil {
		t.Fatal(err)
	}
	classes := ds.ClassList()
	if !slices.IsSorted(classes) || len(classes) != 10 || !slices.Contains(classes, "T-shirt-top") {
		t.Fatalf("classes %q", classes)
	}
	for _, tt := range []struct {
		got, want *data.Split
		n         int
	}{{ds.Train, src.Train, 60}, {ds.Test, src.Test, 25}} {
		if tt.got.N != tt.n {
			t.Fatalf("%d images, want %d", tt.got.N, tt.n)
		}
		k := 0
		for label, name := range classes {
			for i := range tt.n {
				if datatest.FolderName(tt.want.Labels[i]) != name {
					continue
				}
				if int(tt.got.Labels[k]) != label || !bytes.Equal(tt.got.Image(k), tt.want.Image(i)) {
					t.Fatalf("image %d should be source image %d of class %s", k, i, name)
				}
				k++
			}
		}
	}
	rgb, err := data.Open(data.Source{Format: data.FormatFolder, Dir: root}, 3, 20, 24)
	if err != nil {
		t.Fatal(err)
	}
	if rgb.Train.C() != 3 || rgb.Train.Height != 20 || rgb.Train.Width != 24 || len(rgb.Train.Images) != 60*3*20*24 {
		t.Errorf("RGB folder read as %d×%d×%d", rgb.Train.C(), rgb.Train.Height, rgb.Train.Width)
	}
}

// TestOpenFolderSplit holds out a seeded fraction of a flat tree.
func TestOpenFolderSplit(t *testing.T) {
	src := embedded(t)
	root := t.TempDir()
	if err := datatest.WriteFolder(root, src, 40, 0); err != nil {
		t.Fatal(err)
	}
	open := func(seed uint64) *data.Dataset {
		ds, err := data.Open(data.Source{Format: data.FormatFolder, Dir: root, ValSplit: 0.25, Seed: seed}, 1, 28, 28)
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	a, b, c := open(1), open(1), open(2)
	if a.Train.N != 30 || a.Test.N != 10 {
		t.Fatalf("split %d/%d, want 30/10", a.Train.N, a.Test.N)
	}
	if !bytes.Equal(a.Test.Images, b.Test.Images) || bytes.Equal(a.Test.Images, c.Test.Images) {
		t.Error("the held-out images are not a function of the seed")
	}
	if _, err := data.Open(data.Source{Format: data.FormatFolder, Dir: root}, 1, 28, 28); err == nil ||
		!strings.Contains(err.Error(), "has no train/ and val/ subtrees") {
		t.Errorf("no val_split: error %v", err)
	}
}

func TestOpenFolderErrors(t *testing.T) {
	src := embedded(t)
	root := t.TempDir()
	if err := datatest.WriteFolder(root, src, 20, 10); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(root, "val", "Unicorn"), 0o755)
	_, err := data.Open(data.Source{Format: data.FormatFolder, Dir: root}, 1, 28, 28)
	if err == nil || !strings.Contains(err.Error(), `class folder "Unicorn" is not among the training classes`) {
		t.Errorf("error %v", err)
	}
	os.Remove(filepath.Join(root, "val", "Unicorn"))
	if err := os.WriteFile(filepath.Join(root, "train", datatest.FolderName(src.Train.Labels[0]), "broken.png"), []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = data.Open(data.Source{Format: data.FormatFolder, Dir: root}, 1, 28, 28)
	if err == nil || !strings.Contains(err.Error(), "broken.png: decoding image") {
		t.Errorf("error %v", err)
	}
	for _, src := range []data.Source{{Format: "tiff", Dir: root}, {Format: data.FormatCIFAR10}, {Format: data.FormatIDX}} {
		if _, err := data.Open(src, 1, 28, 28); err == nil {
			t.Errorf("%+v: no error", src)
		}
	}
}
