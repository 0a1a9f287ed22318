package data

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"testing"
)

// TestFingerprintCoversEveryFormat: the fingerprint of grayscale Fashion-MNIST is the
// SHA-256 of each split's N, height and width (little-endian uint64s), images and labels,
// written out here from that definition (so runs that recorded it still resume), and it
// changes with a pixel, a label, the channels an RGB source (CIFAR, a folder) keeps and
// the class names a CIFAR set or an image folder gives.
func TestFingerprintCoversEveryFormat(t *testing.T) {
	gray := func() *Dataset {
		mk := func(n int, seed uint8) *Split {
			s := &Split{N: n, Height: 2, Width: 3, Images: make([]uint8, n*6), Labels: make([]uint8, n)}
			for i := range s.Images {
				s.Images[i] = uint8(i*7) + seed
			}
			for i := range s.Labels {
				s.Labels[i] = uint8(i % NumClasses)
			}
			return s
		}
		return &Dataset{Train: mk(4, 1), Test: mk(2, 9)}
	}
	ds := gray()
	h := sha256.New()
	for _, s := range []*Split{ds.Train, ds.Test} {
		for _, v := range []int{s.N, s.Height, s.Width} {
			h.Write(binary.LittleEndian.AppendUint64(nil, uint64(v)))
		}
		h.Write(s.Images)
		h.Write(s.Labels)
	}
	base := ds.Fingerprint()
	if want := "sha256:" + hex.EncodeToString(h.Sum(nil)); base != want {
		t.Fatalf("Fashion-MNIST fingerprint %s, want %s", base, want)
	}
	edits := map[string]func(*Dataset){
		"a test pixel":       func(d *Dataset) { d.Test.Images[5]++ },
		"a training label":   func(d *Dataset) { d.Train.Labels[3] = 7 },
		"RGB (as CIFAR)":     func(d *Dataset) { d.Train, d.Test = ConvertSplit(d.Train, 3), ConvertSplit(d.Test, 3) },
		"folder class names": func(d *Dataset) { d.Classes = append([]string(nil), ClassNames[:]...) },
		"CIFAR-10's names":   func(d *Dataset) { d.Classes = CIFAR10Classes },
		"a renamed class":    func(d *Dataset) { d.Classes = append([]string{"plane"}, CIFAR10Classes[1:]...) },
	}
	seen := map[string]string{base: "the original"}
	for name, edit := range edits {
		d := gray()
		edit(d)
		fp := d.Fingerprint()
		if other, dup := seen[fp]; dup {
			t.Errorf("%s: fingerprint equals %s's", name, other)
		}
		seen[fp] = name
	}
}
