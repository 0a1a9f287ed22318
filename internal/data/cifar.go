package data

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/netc/netc/internal/userfile"
)

// The CIFAR-10 binary version: records of one label byte and a 32×32 RGB
// image stored as three planes (red, green, blue), row-major; training
// records in data_batch_*.bin, test records in test_batch.bin, class names
// one per line in batches.meta.txt.
const (
	cifarSide      = 32
	cifarRecord    = 1 + 3*cifarSide*cifarSide
	cifarTestFile  = "test_batch.bin"
	cifarTrainGlob = "data_batch_*.bin"
	cifarMetaFile  = "batches.meta.txt"
	maxCIFARBytes  = 1 << 30 // per file: CIFAR-10's are 30 MB
)

// CIFAR10Classes are CIFAR-10's labels 0..9, used when batches.meta.txt is absent.
var CIFAR10Classes = []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}

// LoadCIFAR reads a directory in CIFAR-10's binary format.
func LoadCIFAR(dir string) (*Dataset, error) {
	trainFiles, err := filepath.Glob(filepath.Join(dir, cifarTrainGlob))
	if err != nil {
		return nil, err
	}
	if len(trainFiles) == 0 {
		return nil, fmt.Errorf("%s: no %s (CIFAR-10 binary format expected)", dir, cifarTrainGlob)
	}
	sort.Strings(trainFiles)
	classes, err := cifarClasses(dir)
	if err != nil {
		return nil, err
	}
	train, err := readCIFARFiles(trainFiles, len(classes))
	if err != nil {
		return nil, err
	}
	test, err := readCIFARFiles([]string{filepath.Join(dir, cifarTestFile)}, len(classes))
	if err != nil {
		return nil, err
	}
	return &Dataset{Train: train, Test: test, Origin: FromFlag, Dir: dir, Classes: classes,
		Source: fmt.Sprintf("CIFAR-format data from %s (%s)", dir, counts(train, test))}, nil
}

// cifarClasses reads batches.meta.txt (its non-empty lines), or returns CIFAR-10's names.
func cifarClasses(dir string) ([]string, error) {
	raw, err := userfile.ReadFile(filepath.Join(dir, cifarMetaFile), 1<<20)
	if os.IsNotExist(err) {
		return CIFAR10Classes, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		if name := strings.TrimSpace(sc.Text()); name != "" {
			names = append(names, name)
		}
	}
	if len(names) == 0 || len(names) > 256 {
		return nil, fmt.Errorf("%s: %d class names, expected 1..256", filepath.Join(dir, cifarMetaFile), len(names))
	}
	return names, nil
}

// readCIFARFiles concatenates the records of files into one RGB split.
func readCIFARFiles(files []string, classes int) (*Split, error) {
	s := &Split{Height: cifarSide, Width: cifarSide, Channels: 3}
	for _, path := range files {
		raw, err := userfile.ReadFile(path, maxCIFARBytes)
		if err != nil {
			return nil, err
		}
		if len(raw) == 0 || len(raw)%cifarRecord != 0 {
			return nil, fmt.Errorf("%s: %d bytes, expected a positive multiple of %d (1 label byte + 3×32×32 pixels per image)", path, len(raw), cifarRecord)
		}
		for off := 0; off < len(raw); off += cifarRecord {
			label := raw[off]
			if int(label) >= classes {
				return nil, fmt.Errorf("%s: label %d in record %d (byte %d), expected 0..%d", path, label, off/cifarRecord, off, classes-1)
			}
			s.Labels = append(s.Labels, label)
			s.Images = append(s.Images, raw[off+1:off+cifarRecord]...)
			s.N++
		}
	}
	return s, nil
}
