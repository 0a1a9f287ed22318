// Command mksubset writes the class-balanced Fashion-MNIST subset that
// internal/data embeds: the first 1,000 training images and the first 200 test
// images of each class, in dataset order, as gzip-compressed IDX files.
//
//	go run ./tools/mksubset -src /usr/share/datasets/fashion-mnist -out internal/data/subset
//
// The output is deterministic: same input and Go version give the same bytes
// (gzip headers carry no name and no time). It imports only internal/data/idx,
// not internal/data, because that package embeds the files this tool makes.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/netc/netc/internal/data/idx"
)

const numClasses = 10

func main() {
	src := flag.String("src", "/usr/share/datasets/fashion-mnist", "directory with the full Fashion-MNIST IDX files")
	out := flag.String("out", "internal/data/subset", "directory to write the subset into")
	trainPerClass := flag.Int("train", 1000, "training images per class")
	testPerClass := flag.Int("test", 200, "test images per class")
	flag.Parse()
	if err := run(*src, *out, *trainPerClass, *testPerClass); err != nil {
		fmt.Fprintln(os.Stderr, "mksubset:", err)
		os.Exit(1)
	}
}

func run(src, out string, trainPerClass, testPerClass int) error {
	for _, s := range []struct {
		images, labels string
		perClass       int
	}{
		{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", trainPerClass},
		{"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", testPerClass},
	} {
		images, err := idx.ReadFile(filepath.Join(src, s.images+".gz"), 3)
		if err != nil {
			return err
		}
		labels, err := idx.ReadFile(filepath.Join(src, s.labels+".gz"), 1)
		if err != nil {
			return err
		}
		subImages, subLabels, err := firstPerClass(images, labels, s.perClass)
		if err != nil {
			return fmt.Errorf("%s: %w", s.images, err)
		}
		if err := writeGzip(filepath.Join(out, s.images+".gz"), subImages); err != nil {
			return err
		}
		if err := writeGzip(filepath.Join(out, s.labels+".gz"), subLabels); err != nil {
			return err
		}
		fmt.Printf("%s: %d images (%d per class)\n", s.images, subLabels.Dims[0], s.perClass)
	}
	return nil
}

// firstPerClass keeps, in dataset order, each image whose class has not yet
// reached perClass images.
func firstPerClass(images, labels *idx.File, perClass int) (*idx.File, *idx.File, error) {
	n, h, w := images.Dims[0], images.Dims[1], images.Dims[2]
	if labels.Dims[0] != n {
		return nil, nil, fmt.Errorf("%d images but %d labels", n, labels.Dims[0])
	}
	hw := h * w
	var taken [numClasses]int
	var pix, labs []byte
	for i, l := range labels.Data {
		if int(l) >= numClasses {
			return nil, nil, fmt.Errorf("label %d at index %d", l, i)
		}
		if taken[l] < perClass {
			taken[l]++
			pix = append(pix, images.Data[i*hw:(i+1)*hw]...)
			labs = append(labs, l)
		}
	}
	for c, k := range taken {
		if k < perClass {
			return nil, nil, fmt.Errorf("class %d has only %d images", c, k)
		}
	}
	return &idx.File{Dims: []int{len(labs), h, w}, Data: pix}, &idx.File{Dims: []int{len(labs)}, Data: labs}, nil
}

func writeGzip(path string, f *idx.File) error {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := idx.Encode(zw, f); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
