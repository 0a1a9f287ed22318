package data

import (
	"fmt"
	"github.com/netc/netc/internal/data/idx"
)

// NumClasses is the number of classes in Fashion-MNIST and MNIST.
const NumClasses = 10

// ClassNames are Fashion-MNIST's labels 0..9, in the dataset's order.
var ClassNames = [NumClasses]string{
	"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
}

// Split is one part of a data set (train or test): N images of
// Channels×Height×Width bytes (planes of rows), and their labels.
// Fashion-MNIST's are grayscale, white on black.
type Split struct {
	N, Height, Width int
	Channels         int     // 1 (grayscale) or 3 (RGB); 0 means 1
	Images           []uint8 // N×Channels×Height×Width
	Labels           []uint8 // N, each < the data set's number of classes
}

// C is the number of channels (1 when Channels is unset).
func (s *Split) C() int { return max(s.Channels, 1) }

// Image returns the pixels of image i (a view, not a copy).
func (s *Split) Image(i int) []uint8 {
	n := s.C() * s.Height * s.Width
	return s.Images[i*n : (i+1)*n]
}

// NewSplit pairs an idx3 image file with an idx1 label file, checking that
// they agree on the count and that every label names a class.
func NewSplit(images, labels *idx.File, imagesName, labelsName string) (*Split, error) {
	if len(images.Dims) != 3 {
		return nil, fmt.Errorf("%s: %d dimensions, expected 3 (images)", imagesName, len(images.Dims))
	}
	if len(labels.Dims) != 1 {
		return nil, fmt.Errorf("%s: %d dimensions, expected 1 (labels)", labelsName, len(labels.Dims))
	}
	n, h, w := images.Dims[0], images.Dims[1], images.Dims[2]
	if labels.Dims[0] != n {
		return nil, fmt.Errorf("%s holds %s images but %s holds %s labels", imagesName, commas(n), labelsName, commas(labels.Dims[0]))
	}
	if n > 0 && (h == 0 || w == 0) {
		return nil, fmt.Errorf("%s: images of %d×%d pixels", imagesName, h, w)
	}
	for i, l := range labels.Data {
		if l >= NumClasses {
			return nil, fmt.Errorf("%s: label %d at index %d, expected 0..%d", labelsName, l, i, NumClasses-1)
		}
	}
	return &Split{N: n, Height: h, Width: w, Images: images.Data, Labels: labels.Data}, nil
}

// ReadSplit reads an image file and a label file (raw or gzip) as a Split.
func ReadSplit(imagesPath, labelsPath string) (*Split, error) {
	images, err := idx.ReadFile(imagesPath, 3)
	if err != nil {
		return nil, err
	}
	labels, err := idx.ReadFile(labelsPath, 1)
	if err != nil {
		return nil, err
	}
	return NewSplit(images, labels, imagesPath, labelsPath)
}

// ClassCounts counts the images of each class.
func (s *Split) ClassCounts() [NumClasses]int {
	var counts [NumClasses]int
	for _, l := range s.Labels {
		counts[l]++
	}
	return counts
}

// SelectBalanced keeps the first perClass images of every class, in dataset
// order: the deterministic rule that made the embedded subset.
func SelectBalanced(s *Split, perClass int) (*Split, error) {
	counts := s.ClassCounts()
	for c, n := range counts {
		if n < perClass {
			return nil, fmt.Errorf("class %d (%s) has %d images, fewer than %d", c, ClassNames[c], n, perClass)
		}
	}
	hw := s.Height * s.Width
	out := &Split{N: perClass * NumClasses, Height: s.Height, Width: s.Width}
	out.Images = make([]uint8, 0, out.N*hw)
	out.Labels = make([]uint8, 0, out.N)
	var taken [NumClasses]int
	for i, l := range s.Labels {
		if taken[l] == perClass {
			continue
		}
		taken[l]++
		out.Images = append(out.Images, s.Image(i)...)
		out.Labels = append(out.Labels, l)
	}
	return out, nil
}
