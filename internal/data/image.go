package data

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // register the JPEG decoder with image.Decode
	_ "image/png"  // register the PNG decoder with image.Decode
	"io"

	"github.com/netc/netc/internal/userfile"
)

// Limits for images given to predict. A PNG or JPEG header may announce any
// size, and Go's decoders allocate for it before reading a pixel: a 65-byte
// PNG claiming 8192×8192 pixels at 16-bit RGBA costs 512 MiB, a 42-byte
// progressive CMYK JPEG 20 bytes a pixel (the image and every component's
// coefficients). So the header is checked first, against a pixel count whose
// worst case (that JPEG) stays under 256 MiB and that a 12-megapixel phone
// photo (4032×3024) still fits. (Variables only so that the fuzz target can
// shrink them and stay fast.)
var (
	maxImageFileBytes = 64 << 20
	maxImageSide      = 1 << 14
	maxImagePixels    = 25 << 19 // 13,107,200: 250 MiB at 20 bytes a pixel
)

// ImageOptions says how to turn a user's picture into a network input.
type ImageOptions struct {
	Height, Width int // the network's input size
	// Invert maps each gray level x to 255−x before scaling. Fashion-MNIST
	// images are white (or light) garments on a black background; a photo
	// or drawing of a dark object on a light background needs Invert to
	// look like the training data (the CLI's --invert).
	Invert bool
	// Channels is 3 for an RGB network (planes as PIL's convert("RGB")),
	// else the input is grayscale.
	Channels int
	// Mean and Std, when set, normalize each channel after scaling to [0,1].
	Mean, Std []float32
}

// LoadImageFile reads a PNG or JPEG file as a Channels×Height×Width float32
// input: grayscale as PIL's convert("L") (RGB planes as convert("RGB") when
// Channels is 3), optionally inverted, scaled to [0,1], resized with the
// same bilinear interpolation as the training data, and normalized when
// Mean and Std are given.
func LoadImageFile(path string, opt ImageOptions) ([]float32, error) {
	f, err := userfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out, err := DecodeImage(f, opt)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// DecodeImage is LoadImageFile for a stream.
func DecodeImage(r io.Reader, opt ImageOptions) ([]float32, error) {
	img, err := decodeLimited(r)
	if err != nil {
		return nil, err
	}
	if opt.Channels == 3 {
		return rgbInput(img, opt)
	}
	gray, h, w := Grayscale(img)
	if opt.Invert {
		for i, v := range gray {
			gray[i] = 255 - v
		}
	}
	r2, err := NewResizer(h, w, opt.Height, opt.Width)
	if err != nil {
		return nil, err
	}
	out := make([]float32, opt.Height*opt.Width)
	r2.ResizeBytes(out, gray)
	NormalizePlanes(out, opt.Mean, opt.Std)
	return out, nil
}

// decodeLimited decodes a PNG or JPEG after checking the size its header
// announces (see the limits above).
func decodeLimited(r io.Reader) (image.Image, error) {
	raw, err := io.ReadAll(io.LimitReader(r, int64(maxImageFileBytes)+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxImageFileBytes {
		return nil, fmt.Errorf("image file larger than %d MiB", maxImageFileBytes>>20)
	}
	// Check the announced size before decoding allocates for it.
	cfg, format, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("decoding image (PNG or JPEG expected): %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxImageSide || cfg.Height > maxImageSide ||
		cfg.Width*cfg.Height > maxImagePixels {
		return nil, fmt.Errorf("%s image of %d×%d pixels, expected at most %d per side and %d pixels in all (scale it down first)",
			format, cfg.Width, cfg.Height, maxImageSide, maxImagePixels)
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("decoding %s image: %w", format, err)
	}
	return img, nil
}

// Grayscale converts img to 8-bit luma the way PIL's Image.convert("L")
// does: L = (19595·R + 38470·G + 7471·B + 2¹⁵) >> 16, the ITU-R 601-2
// weights 0.299, 0.587, 0.114 in 16-bit fixed point, applied to the
// un-premultiplied 8-bit colour (alpha is ignored, as PIL ignores it).
// Gray images pass through unchanged; 16-bit samples keep their high byte.
// JPEG colour conversion is Go's, which may differ from libjpeg's by one
// level in a few pixels.
func Grayscale(img image.Image) (pix []uint8, height, width int) {
	b := img.Bounds()
	height, width = b.Dy(), b.Dx()
	pix = make([]uint8, height*width)
	if g, ok := img.(*image.Gray); ok {
		for y := range height {
			copy(pix[y*width:(y+1)*width], g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y):])
		}
		return pix, height, width
	}
	for y := range height {
		for x := range width {
			pix[y*width+x] = luma(img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return pix, height, width
}

func luma(c color.Color) uint8 {
	switch c := c.(type) {
	case color.Gray:
		return c.Y
	case color.Gray16:
		return uint8(c.Y >> 8)
	}
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return uint8((19595*uint32(n.R) + 38470*uint32(n.G) + 7471*uint32(n.B) + 1<<15) >> 16)
}
