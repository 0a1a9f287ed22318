package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// EnvVar names the environment variable that points at a data directory.
const EnvVar = "NETC_DATA"

// SystemDir is where Debian's dataset-fashion-mnist package installs the set.
const SystemDir = "/usr/share/datasets/fashion-mnist"

// The four files of a Fashion-MNIST or MNIST directory, without ".gz": each
// is looked up compressed first, then raw.
const (
	trainImagesFile = "train-images-idx3-ubyte"
	trainLabelsFile = "train-labels-idx1-ubyte"
	testImagesFile  = "t10k-images-idx3-ubyte"
	testLabelsFile  = "t10k-labels-idx1-ubyte"
)

// Origin tells where a Dataset came from.
type Origin int

const (
	FromFlag     Origin = iota // the directory given to Load (the --data flag)
	FromEnv                    // $NETC_DATA
	FromSystem                 // SystemDir
	FromEmbedded               // the subset compiled into the binary
	FromRun                    // the directory a training run recorded (resuming it)
)

// Dataset is a train and a test split plus a human-readable account of
// where they were read from.
type Dataset struct {
	Train, Test *Split
	Origin      Origin
	Dir         string   // the directory read; empty for the embedded subset
	Source      string   // e.g. "Fashion-MNIST from /usr/share/... (60,000 train / 10,000 test)"
	Classes     []string // class names, by label; nil means Fashion-MNIST's ClassNames
}

// ClassList returns the class names, by label.
func (ds *Dataset) ClassList() []string {
	if ds.Classes == nil {
		return ClassNames[:]
	}
	return ds.Classes
}

// Load finds a data set in this order: dir (when not empty, from --data),
// then $NETC_DATA, then SystemDir, then the embedded subset. A directory the
// user named must hold the data; the system directory is skipped only when
// it does not exist, so a broken install is reported rather than hidden.
func Load(dir string) (*Dataset, error) {
	return locate(dir, os.Getenv(EnvVar), SystemDir)
}

func locate(flagDir, envDir, systemDir string) (*Dataset, error) {
	switch {
	case flagDir != "":
		return LoadDir(flagDir, FromFlag)
	case envDir != "":
		return LoadDir(envDir, FromEnv)
	}
	if _, err := os.Stat(systemDir); err == nil {
		return LoadDir(systemDir, FromSystem)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return LoadEmbedded()
}

// LoadDir reads the four IDX files of dir; origin only shapes the Source text.
func LoadDir(dir string, origin Origin) (*Dataset, error) {
	paths := make(map[string]string, 4)
	for _, base := range []string{trainImagesFile, trainLabelsFile, testImagesFile, testLabelsFile} {
		p, err := findIDX(dir, base)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", describe(origin, dir), err)
		}
		paths[base] = p
	}
	train, err := ReadSplit(paths[trainImagesFile], paths[trainLabelsFile])
	if err != nil {
		return nil, err
	}
	test, err := ReadSplit(paths[testImagesFile], paths[testLabelsFile])
	if err != nil {
		return nil, err
	}
	if train.Height != test.Height || train.Width != test.Width {
		return nil, fmt.Errorf("%s: train images are %d×%d but test images are %d×%d",
			dir, train.Height, train.Width, test.Height, test.Width)
	}
	return &Dataset{Train: train, Test: test, Origin: origin, Dir: dir,
		Source: fmt.Sprintf("%s (%s)", describe(origin, dir), counts(train, test))}, nil
}

// findIDX returns dir/base.gz or dir/base, whichever exists.
func findIDX(dir, base string) (string, error) {
	for _, name := range []string{base + ".gz", base} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("missing %s.gz (or %s)", base, base)
}

func describe(origin Origin, dir string) string {
	switch origin {
	case FromFlag:
		return "IDX data from " + dir + " (--data)"
	case FromEnv:
		return "IDX data from " + dir + " ($" + EnvVar + ")"
	case FromSystem:
		return "Fashion-MNIST from " + dir
	case FromRun:
		return "IDX data from " + dir + " (as the run recorded)"
	}
	return "embedded Fashion-MNIST subset"
}

func counts(train, test *Split) string {
	return commas(train.N) + " train / " + commas(test.N) + " test"
}
