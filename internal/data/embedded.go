package data

import (
	"bytes"
	"embed"
	"github.com/netc/netc/internal/data/idx"
	"path"
)

// The subset is regenerated from the full set with:
//go:generate go run ../../tools/mksubset -src /usr/share/datasets/fashion-mnist -out subset

// Subset sizes: the first SubsetTrainPerClass training images and the first
// SubsetTestPerClass test images of every class, in dataset order.
const (
	SubsetTrainPerClass = 1000
	SubsetTestPerClass  = 200
)

//go:embed subset/*.gz
var subsetFS embed.FS

// SubsetLicense is Fashion-MNIST's MIT licence, which the embedded subset
// carries (Copyright (c) 2017 Zalando SE).
//
//go:embed subset/LICENSE
var SubsetLicense string

// LoadEmbedded decodes the class-balanced Fashion-MNIST subset compiled into
// the binary (10,000 train / 2,000 test), always available without files.
func LoadEmbedded() (*Dataset, error) {
	train, err := embeddedSplit(trainImagesFile, trainLabelsFile)
	if err != nil {
		return nil, err
	}
	test, err := embeddedSplit(testImagesFile, testLabelsFile)
	if err != nil {
		return nil, err
	}
	return &Dataset{Train: train, Test: test, Origin: FromEmbedded,
		Source: describe(FromEmbedded, "") + " (" + counts(train, test) + ")"}, nil
}

func embeddedSplit(imagesBase, labelsBase string) (*Split, error) {
	decode := func(base string, dims int) (*idx.File, error) {
		name := path.Join("subset", base+".gz")
		raw, err := subsetFS.ReadFile(name)
		if err != nil {
			return nil, err
		}
		return idx.Decode(bytes.NewReader(raw), "embedded "+name, dims)
	}
	images, err := decode(imagesBase, 3)
	if err != nil {
		return nil, err
	}
	labels, err := decode(labelsBase, 1)
	if err != nil {
		return nil, err
	}
	return NewSplit(images, labels, "embedded "+imagesBase, "embedded "+labelsBase)
}
