// Package datatest writes small data sets in netc's input formats from real
// Fashion-MNIST images (the embedded subset), for tests of the data
// sources and of training on them.
package datatest

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"

	"github.com/netc/netc/internal/data"
)

// CIFARPixels is the 3×32×32 CIFAR-format image made from 28×28 grayscale
// image pix: centred on a black 32×32 canvas, red and green the image, blue
// its negative inside the 28×28 square.
func CIFARPixels(pix []uint8) []uint8 {
	out := make([]uint8, 3*32*32)
	for y := range 28 {
		for x := range 28 {
			v := pix[y*28+x]
			p := (y+2)*32 + x + 2
			out[p], out[1024+p], out[2048+p] = v, v, 255-v
		}
	}
	return out
}

// WriteCIFAR writes dir/data_batch_1.bin and dir/data_batch_2.bin (the
// first nTrain training images, split between them) and dir/test_batch.bin
// (the first nTest test images), with Fashion-MNIST's names in batches.meta.txt.
func WriteCIFAR(dir string, ds *data.Dataset, nTrain, nTest int) error {
	record := func(s *data.Split, i int) []byte {
		return append([]byte{s.Labels[i]}, CIFARPixels(s.Image(i))...)
	}
	var b1, b2, test []byte
	for i := range nTrain {
		if i < nTrain/2 {
			b1 = append(b1, record(ds.Train, i)...)
		} else {
			b2 = append(b2, record(ds.Train, i)...)
		}
	}
	for i := range nTest {
		test = append(test, record(ds.Test, i)...)
	}
	for name, b := range map[string][]byte{"data_batch_1.bin": b1, "data_batch_2.bin": b2, "test_batch.bin": test,
		"batches.meta.txt": []byte(strings.Join(data.ClassNames[:], "\n") + "\n\n")} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// FolderName is the class folder of Fashion-MNIST label l: its name with
// "/" (not allowed in a file name) written as "-".
func FolderName(l uint8) string { return strings.ReplaceAll(data.ClassNames[l], "/", "-") }

// WriteFolder writes root/train/CLASS/NNNNN.png for the first nTrain
// training images and root/val/CLASS/NNNNN.png for the first nTest test
// images (nTest 0: no train/ or val/ level, root/CLASS/... only), as 8-bit
// grayscale PNGs; every fifth image is written as an RGBA PNG instead
// (gray in all three colours) to exercise colour conversion.
func WriteFolder(root string, ds *data.Dataset, nTrain, nTest int) error {
	write := func(dir string, s *data.Split, n int) error {
		for i := range n {
			var img image.Image
			if i%5 == 4 {
				rgba := image.NewNRGBA(image.Rect(0, 0, s.Width, s.Height))
				for p, v := range s.Image(i) {
					rgba.SetNRGBA(p%s.Width, p/s.Width, color.NRGBA{v, v, v, 255})
				}
				img = rgba
			} else {
				g := image.NewGray(image.Rect(0, 0, s.Width, s.Height))
				copy(g.Pix, s.Image(i))
				img = g
			}
			classDir := filepath.Join(dir, FolderName(s.Labels[i]))
			if err := os.MkdirAll(classDir, 0o755); err != nil {
				return err
			}
			f, err := os.Create(filepath.Join(classDir, fmt.Sprintf("%05d.png", i)))
			if err != nil {
				return err
			}
			if err := png.Encode(f, img); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
		}
		return nil
	}
	if nTest == 0 {
		return write(root, ds.Train, nTrain)
	}
	if err := write(filepath.Join(root, "train"), ds.Train, nTrain); err != nil {
		return err
	}
	return write(filepath.Join(root, "val"), ds.Test, nTest)
}
