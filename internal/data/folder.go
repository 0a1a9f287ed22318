package data

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/netc/netc/internal/userfile"
)

// FolderOptions says how to read an image-folder tree.
type FolderOptions struct {
	// Every image is converted to Channels planes (1: PIL's convert("L"),
	// 3: convert("RGB")) and resized to Height×Width with Resizer's
	// bilinear interpolation, rounded to bytes as PIL's resize does.
	Height, Width, Channels int
	// ValSplit is the fraction of the images held out for testing when the
	// tree has no train/ and val/ subtrees; which ones is fixed by Seed.
	ValSplit float64
	Seed     uint64
}

// Limits that keep a mistaken --data (a home directory, a photo library)
// from running for hours or exhausting memory.
const (
	maxFolderImages = 2_000_000
	maxFolderBytes  = 8 << 30
	maxFolderClass  = 256 // labels are bytes
)

// LoadFolder reads root/CLASS/*.png|jpg|jpeg (files in subfolders of a
// class count for it), or root/train/CLASS/... and root/val/CLASS/... (test/
// may stand for val/). Class names are the class folders' names, sorted, as
// torchvision's ImageFolder orders them; folders whose names start with "."
// are ignored.
func LoadFolder(root string, opt FolderOptions) (*Dataset, error) {
	if opt.Height <= 0 || opt.Width <= 0 || (opt.Channels != 1 && opt.Channels != 3) {
		return nil, fmt.Errorf("image folder %s: target %d×%d×%d, expected 1 or 3 channels and a positive size", root, opt.Channels, opt.Height, opt.Width)
	}
	trainDir, valDir := filepath.Join(root, "train"), ""
	for _, name := range []string{"val", "test"} {
		if isDir(filepath.Join(root, name)) && isDir(trainDir) {
			valDir = filepath.Join(root, name)
			break
		}
	}
	var train, test *Split
	var classes []string
	if valDir != "" {
		var err error
		if classes, err = classFolders(trainDir); err != nil {
			return nil, err
		}
		if train, err = readFolderSplit(trainDir, classes, opt); err != nil {
			return nil, err
		}
		if test, err = readFolderSplit(valDir, classes, opt); err != nil {
			return nil, err
		}
	} else {
		if !(opt.ValSplit > 0 && opt.ValSplit < 1) {
			return nil, fmt.Errorf("image folder %s has no train/ and val/ subtrees: give the fraction to hold out for testing (val_split in [data], or --val-split), between 0 and 1", root)
		}
		var err error
		if classes, err = classFolders(root); err != nil {
			return nil, err
		}
		all, err := readFolderSplit(root, classes, opt)
		if err != nil {
			return nil, err
		}
		if train, test, err = splitRandom(all, opt.ValSplit, opt.Seed); err != nil {
			return nil, fmt.Errorf("image folder %s: %w", root, err)
		}
	}
	how := "train/ and " + filepath.Base(valDir) + "/"
	if valDir == "" {
		how = fmt.Sprintf("%g held out by seed %d", opt.ValSplit, opt.Seed)
	}
	return &Dataset{Train: train, Test: test, Origin: FromFlag, Dir: root, Classes: classes,
		Source: fmt.Sprintf("image folder %s, %d classes, %s (%s)", root, len(classes), how, counts(train, test))}, nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// classFolders lists dir's subfolders, sorted by name.
func classFolders(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if e.IsDir() || isDir(filepath.Join(dir, e.Name())) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no class folders (expected %s/CLASS/*.png|jpg)", dir, dir)
	}
	if len(names) > maxFolderClass {
		return nil, fmt.Errorf("%s: %d class folders, at most %d are supported", dir, len(names), maxFolderClass)
	}
	return names, nil
}

func isImageFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".png", ".jpg", ".jpeg":
		return true
	}
	return false
}

// readFolderSplit reads dir/CLASS/... for every class of classes that dir
// has; a folder in dir that is not a class of classes is an error.
func readFolderSplit(dir string, classes []string, opt FolderOptions) (*Split, error) {
	here, err := classFolders(dir)
	if err != nil {
		return nil, err
	}
	label := make(map[string]int, len(classes))
	for i, c := range classes {
		label[c] = i
	}
	for _, c := range here {
		if _, ok := label[c]; !ok {
			return nil, fmt.Errorf("%s: class folder %q is not among the training classes %s", dir, c, strings.Join(classes, ", "))
		}
	}
	s := &Split{Height: opt.Height, Width: opt.Width, Channels: opt.Channels}
	size := opt.Channels * opt.Height * opt.Width
	resizers := map[[2]int]*Resizer{}
	for _, c := range here {
		var files []string
		err := filepath.WalkDir(filepath.Join(dir, c), func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && isImageFile(d.Name()) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no .png or .jpg files", filepath.Join(dir, c))
		}
		sort.Strings(files) // WalkDir's lexical order, made explicit
		for _, p := range files {
			if s.N >= maxFolderImages || int64(s.N+1)*int64(size) > maxFolderBytes {
				return nil, fmt.Errorf("%s: more than %d images or %d GiB at %d×%d×%d", dir, maxFolderImages, maxFolderBytes>>30, opt.Channels, opt.Height, opt.Width)
			}
			pix, err := readFolderImage(p, opt, resizers)
			if err != nil {
				return nil, err
			}
			s.Images = append(s.Images, pix...)
			s.Labels = append(s.Labels, uint8(label[c]))
			s.N++
		}
	}
	return s, nil
}

// readFolderImage decodes one file, converts its channels and resizes it.
func readFolderImage(path string, opt FolderOptions, resizers map[[2]int]*Resizer) ([]uint8, error) {
	f, err := userfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := decodeLimited(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var pix []uint8
	var h, w int
	if opt.Channels == 3 {
		pix, h, w = RGBPlanes(img)
	} else {
		pix, h, w = Grayscale(img)
	}
	if h == opt.Height && w == opt.Width {
		return pix, nil
	}
	r := resizers[[2]int{h, w}]
	if r == nil {
		if r, err = NewResizer(h, w, opt.Height, opt.Width); err != nil {
			return nil, err
		}
		resizers[[2]int{h, w}] = r
	}
	ohw := opt.Height * opt.Width
	plane := make([]float32, ohw)
	out := make([]uint8, opt.Channels*ohw)
	for c := range opt.Channels {
		if opt.Channels == 1 {
			r.ResizeBytes(plane, pix)
		} else {
			r.ResizeBytesGeneric(plane, pix[c*h*w:(c+1)*h*w])
		}
		for i, v := range plane {
			out[c*ohw+i] = uint8(min(max(math.Round(float64(v)*255), 0), 255))
		}
	}
	return out, nil
}

// splitRandom holds out round(frac·N) images chosen by a seeded shuffle;
// both parts keep the tree's order.
func splitRandom(all *Split, frac float64, seed uint64) (train, test *Split, err error) {
	nTest := int(math.Round(frac * float64(all.N)))
	if nTest < 1 || nTest >= all.N {
		return nil, nil, fmt.Errorf("holding out %g of %d images leaves %d for testing and %d for training; both need at least one", frac, all.N, nTest, all.N-nTest)
	}
	var key [32]byte
	copy(key[:], "netc/data/valsplit")
	binary.LittleEndian.PutUint64(key[24:], seed)
	perm := rand.New(rand.NewChaCha8(key)).Perm(all.N)
	held := make([]bool, all.N)
	for _, i := range perm[:nTest] {
		held[i] = true
	}
	train = &Split{Height: all.Height, Width: all.Width, Channels: all.Channels}
	test = &Split{Height: all.Height, Width: all.Width, Channels: all.Channels}
	for i := range all.N {
		dst := train
		if held[i] {
			dst = test
		}
		dst.Images = append(dst.Images, all.Image(i)...)
		dst.Labels = append(dst.Labels, all.Labels[i])
		dst.N++
	}
	return train, test, nil
}
