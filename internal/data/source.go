package data

import (
	"fmt"
	"strconv"
)

// The data formats a Source may name.
const (
	FormatFashionMNIST = "fashion-mnist" // IDX files found as Load finds them, or the embedded subset
	FormatIDX          = "idx"           // any IDX set (MNIST, KMNIST): the four files in Dir
	FormatCIFAR10      = "cifar10"       // CIFAR-10's binary format: data_batch_*.bin, test_batch.bin
	FormatFolder       = "folder"        // Dir/CLASS/*.png|jpg, or Dir/train/... and Dir/val/...
)

// Formats lists the formats, the default first.
var Formats = []string{FormatFashionMNIST, FormatIDX, FormatCIFAR10, FormatFolder}

// EmbeddedDir is the Dir that selects the subset built into netc.
const EmbeddedDir = "embedded"

// Source names a data set: its format and directory, and for an image
// folder without a val/ subtree the fraction held out and the seed that
// chooses it.
type Source struct {
	Format   string  `json:",omitempty"` // one of Formats; "" is FormatFashionMNIST
	Dir      string  `json:",omitempty"`
	ValSplit float64 `json:",omitempty"`
	Seed     uint64  `json:",omitempty"`
	Recorded bool    `json:"-"` // Dir is the one a training run recorded (resuming it); shapes Source texts only
}

// Open reads src and converts its images to channels planes (an image
// folder is also resized to height×width as it is read; other formats keep
// their size and the Loader resizes them).
func Open(src Source, channels, height, width int) (*Dataset, error) {
	if channels != 1 && channels != 3 {
		return nil, fmt.Errorf("the network takes %d input channels; image data can feed 1 (grayscale) or 3 (RGB)", channels)
	}
	var ds *Dataset
	var err error
	switch src.Format {
	case "", FormatFashionMNIST:
		switch {
		case src.Dir == EmbeddedDir:
			ds, err = LoadEmbedded()
		case src.Recorded:
			ds, err = LoadDir(src.Dir, FromRun)
		default:
			ds, err = Load(src.Dir)
		}
	case FormatIDX:
		if src.Dir == "" {
			return nil, fmt.Errorf("format %q needs a directory (dir in [data], or --data)", src.Format)
		}
		origin := FromFlag
		if src.Recorded {
			origin = FromRun
		}
		if ds, err = LoadDir(src.Dir, origin); err == nil {
			ds.Classes = digitNames()
		}
	case FormatCIFAR10:
		if src.Dir == "" {
			return nil, fmt.Errorf("format %q needs a directory (dir in [data], or --data)", src.Format)
		}
		ds, err = LoadCIFAR(src.Dir)
	case FormatFolder:
		if src.Dir == "" {
			return nil, fmt.Errorf("format %q needs a directory (dir in [data], or --data)", src.Format)
		}
		ds, err = LoadFolder(src.Dir, FolderOptions{Height: height, Width: width, Channels: channels, ValSplit: src.ValSplit, Seed: src.Seed})
	default:
		return nil, fmt.Errorf("data format %q, expected one of %v", src.Format, Formats)
	}
	if err != nil {
		return nil, err
	}
	if from := ds.Train.C(); from != channels {
		ds.Train, ds.Test = ConvertSplit(ds.Train, channels), ConvertSplit(ds.Test, channels)
		ds.Source += fmt.Sprintf(", converted from %d to %d channels", from, channels)
	}
	return ds, nil
}

// digitNames are the labels of an IDX set other than Fashion-MNIST: "0".."9".
func digitNames() []string {
	out := make([]string, NumClasses)
	for i := range out {
		out[i] = strconv.Itoa(i)
	}
	return out
}
