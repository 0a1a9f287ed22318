package data

import (
	"fmt"
	"path/filepath"
)

// ClassNamesOf returns a source's class names without reading its images
// (for predict): Fashion-MNIST's, "0".."9" for another IDX set, CIFAR's
// batches.meta.txt (or CIFAR-10's names), an image folder's class folders.
func ClassNamesOf(src Source) ([]string, error) {
	switch src.Format {
	case "", FormatFashionMNIST:
		return ClassNames[:], nil
	case FormatIDX:
		return digitNames(), nil
	case FormatCIFAR10:
		return cifarClasses(src.Dir)
	case FormatFolder:
		if train := filepath.Join(src.Dir, "train"); isDir(train) {
			return classFolders(train)
		}
		return classFolders(src.Dir)
	}
	return nil, fmt.Errorf("data format %q, expected one of %v", src.Format, Formats)
}
