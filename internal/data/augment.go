package data

import (
	"fmt"
	"math"
)

// Augment is the training-time augmentation, each step as torchvision 0.14's
// transform of the same name defines it on a float tensor, applied in this
// order to every training image after it is resized to the network's input:
//
//	RandomResizedCrop(size=input, scale=Scale, ratio=Ratio)   when ResizedCrop
//	RandomCrop(size=input, padding=CropPadding)               when CropPadding > 0
//	RandomHorizontalFlip(p=HFlip)                             when HFlip > 0
//
// The zero value does nothing. Test images are never augmented.
type Augment struct {
	ResizedCrop bool
	Scale       [2]float64 // fraction of the area; torchvision's default (0.08, 1)
	Ratio       [2]float64 // aspect ratio w/h; torchvision's default (3/4, 4/3)
	CropPadding int        // zero padding on every side before the random crop
	HFlip       float64    // probability of a horizontal flip
}

// DefaultScale and DefaultRatio are RandomResizedCrop's defaults.
var (
	DefaultScale = [2]float64{0.08, 1.0}
	DefaultRatio = [2]float64{3.0 / 4.0, 4.0 / 3.0}
)

// Active reports whether any step is on.
func (a Augment) Active() bool { return a.ResizedCrop || a.CropPadding > 0 || a.HFlip > 0 }

// Check rejects parameters torchvision would reject or that make no sense.
func (a Augment) Check() error {
	if a.ResizedCrop {
		if !(a.Scale[0] > 0 && a.Scale[0] <= a.Scale[1] && a.Scale[1] <= 1) {
			return fmt.Errorf("resized crop scale %v, expected 0 < min ≤ max ≤ 1", a.Scale)
		}
		if !(a.Ratio[0] > 0 && a.Ratio[0] <= a.Ratio[1]) || math.IsInf(a.Ratio[1], 0) {
			return fmt.Errorf("resized crop ratio %v, expected 0 < min ≤ max", a.Ratio)
		}
	}
	if a.CropPadding < 0 || a.CropPadding > 1<<12 {
		return fmt.Errorf("crop padding %d, expected 0..4096", a.CropPadding)
	}
	if !(a.HFlip >= 0 && a.HFlip <= 1) {
		return fmt.Errorf("horizontal flip probability %v, expected 0..1", a.HFlip)
	}
	return nil
}

// Draws is the source of randomness of the augmentations, one method per kind
// of draw torchvision makes:
//
//	Uniform(lo, hi)  torch.empty(1).uniform_(lo, hi).item()   (a float32 value)
//	IntN(n)          torch.randint(0, n, size=(1,)).item()     (0 ≤ k < n)
//	Float()          torch.rand(1).item()                      (a float32 in [0, 1))
//
// Training draws from a per-image stream (see Loader); tests replay the
// values torchvision drew.
type Draws interface {
	Uniform(lo, hi float64) float64
	IntN(n int) int
	Float() float64
}

// Box is a crop: top row, left column, height and width.
type Box struct{ Top, Left, Height, Width int }

// ResizedCropBox is RandomResizedCrop.get_params for an image of height×width:
// up to ten tries of an area fraction and a log-uniform aspect ratio, and
// the central crop clamped to the ratio range when none fits.
func ResizedCropBox(d Draws, height, width int, scale, ratio [2]float64) Box {
	area := float64(height * width)
	// torch.log(torch.tensor(ratio)): float32 logarithms of float32 ratios.
	logLo := float64(float32(math.Log(float64(float32(ratio[0])))))
	logHi := float64(float32(math.Log(float64(float32(ratio[1])))))
	for range 10 {
		target := area * d.Uniform(scale[0], scale[1])
		// torch.exp of a float32 tensor: a float32 result.
		aspect := float64(float32(math.Exp(d.Uniform(logLo, logHi))))
		// Python's round() rounds halves to even.
		w := int(math.RoundToEven(math.Sqrt(target * aspect)))
		h := int(math.RoundToEven(math.Sqrt(target / aspect)))
		if 0 < w && w <= width && 0 < h && h <= height {
			i := d.IntN(height - h + 1)
			j := d.IntN(width - w + 1)
			return Box{i, j, h, w}
		}
	}
	inRatio := float64(width) / float64(height)
	lo, hi := min(ratio[0], ratio[1]), max(ratio[0], ratio[1])
	w, h := width, height
	switch {
	case inRatio < lo:
		h = int(math.RoundToEven(float64(w) / lo))
	case inRatio > hi:
		w = int(math.RoundToEven(float64(h) * hi))
	}
	return Box{(height - h) / 2, (width - w) / 2, h, w}
}

// CropBox is RandomCrop.get_params: a uniformly placed outH×outW window of an
// image of height×width (already padded), with no draw when they are equal.
func CropBox(d Draws, height, width, outH, outW int) Box {
	if height == outH && width == outW {
		return Box{0, 0, height, width}
	}
	i := d.IntN(height - outH + 1)
	j := d.IntN(width - outW + 1)
	return Box{i, j, outH, outW}
}

// Flip is RandomHorizontalFlip's decision: torch.rand(1) < p.
func Flip(d Draws, p float64) bool {
	return float32(d.Float()) < float32(p)
}

// maxCachedResizers bounds an augmenter's cache of resizers by box size.
const maxCachedResizers = 512

// augmenter applies an Augment to C×H×W float32 images in place. It owns
// scratch buffers, so each goroutine needs its own.
type augmenter struct {
	cfg          Augment
	c, h, w      int
	crop, padded []float32
	resizers     map[[2]int]*Resizer // box size → resize to h×w
}

func newAugmenter(cfg Augment, c, h, w int) *augmenter {
	p := cfg.CropPadding
	return &augmenter{cfg: cfg, c: c, h: h, w: w,
		crop:     make([]float32, c*h*w),
		padded:   make([]float32, c*(h+2*p)*(w+2*p)),
		resizers: map[[2]int]*Resizer{}}
}

// apply runs the enabled steps on img with draws from d.
func (a *augmenter) apply(img []float32, d Draws) {
	c, h, w := a.c, a.h, a.w
	if a.cfg.ResizedCrop {
		b := ResizedCropBox(d, h, w, a.cfg.Scale, a.cfg.Ratio)
		a.resizedCrop(img, b)
	}
	if p := a.cfg.CropPadding; p > 0 {
		ph, pw := h+2*p, w+2*p
		PadPlanes(a.padded, img, c, h, w, p)
		b := CropBox(d, ph, pw, h, w)
		CropPlanes(img, a.padded, c, ph, pw, b)
	}
	if a.cfg.HFlip > 0 && Flip(d, a.cfg.HFlip) {
		FlipPlanes(img, c, h, w)
	}
}

// resizedCrop is F.resized_crop on a tensor: crop b, then bilinear resize
// (align_corners=False, no antialiasing, torchvision 0.14's default for
// tensors) back to h×w, with the rounding of the PyTorch kernel that the
// crop view would take.
func (a *augmenter) resizedCrop(img []float32, b Box) {
	c, h, w := a.c, a.h, a.w
	crop := a.crop[:c*b.Height*b.Width]
	CropPlanes(crop, img, c, h, w, b)
	key := [2]int{b.Height, b.Width}
	r := a.resizers[key]
	if r == nil {
		if len(a.resizers) >= maxCachedResizers {
			clear(a.resizers) // a 224×224 input has 50,176 box sizes: keep memory bounded
		}
		r, _ = NewResizer(b.Height, b.Width, h, w) // sizes are positive by construction
		a.resizers[key] = r
	}
	bhw := b.Height * b.Width
	// PyTorch's contiguous kernel takes a 1-channel crop view only when it is
	// channels-last contiguous: whole rows, or a single row.
	contiguous := c == 1 && (b.Width == w || b.Height == 1)
	for ch := range c {
		if contiguous {
			r.Resize(img[ch*h*w:(ch+1)*h*w], crop[ch*bhw:(ch+1)*bhw])
		} else {
			r.ResizeGeneric(img[ch*h*w:(ch+1)*h*w], crop[ch*bhw:(ch+1)*bhw])
		}
	}
}

// PadPlanes writes src (c×h×w) into dst (c×(h+2p)×(w+2p)) with p zeros on
// every side, as F.pad(img, p, fill=0) does.
func PadPlanes(dst, src []float32, c, h, w, p int) {
	ph, pw := h+2*p, w+2*p
	clear(dst[:c*ph*pw])
	for ch := range c {
		for y := range h {
			copy(dst[ch*ph*pw+(y+p)*pw+p:], src[ch*h*w+y*w:ch*h*w+(y+1)*w])
		}
	}
}

// CropPlanes copies box b of src (c×h×w) into dst (c×b.Height×b.Width).
func CropPlanes(dst, src []float32, c, h, w int, b Box) {
	for ch := range c {
		for y := range b.Height {
			row := src[ch*h*w+(b.Top+y)*w+b.Left:]
			copy(dst[(ch*b.Height+y)*b.Width:(ch*b.Height+y+1)*b.Width], row[:b.Width])
		}
	}
}

// FlipPlanes mirrors each row of img (c×h×w) in place.
func FlipPlanes(img []float32, c, h, w int) {
	for r := range c * h {
		row := img[r*w : (r+1)*w]
		for i, j := 0, w-1; i < j; i, j = i+1, j-1 {
			row[i], row[j] = row[j], row[i]
		}
	}
}
