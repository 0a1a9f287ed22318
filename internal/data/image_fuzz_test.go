package data

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"runtime"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeImage: on any bytes DecodeImage returns a 28×28 input of values in [0, 1]
// or an error, never panics, and allocates no more than its header check lets a decoder
// take (20 bytes a pixel for the largest image the limits allow, JPEG's blocks rounded
// up to 32 pixels a side), whatever the header claims. The limits are shrunk so that
// each run is fast; the checks are the same.
func FuzzDecodeImage(f *testing.F) {
	gray := realImage(f, 2)
	var jpg bytes.Buffer
	jpeg.Encode(&jpg, gray, &jpeg.Options{Quality: 90})
	rgba := image.NewNRGBA64(image.Rect(0, 0, 5, 3))
	rgba.Set(1, 1, color.NRGBA64{R: 60000, G: 3, B: 900, A: 40000})
	var rgbJPEG bytes.Buffer
	jpeg.Encode(&rgbJPEG, image.NewRGBA(image.Rect(0, 0, 17, 9)), nil)
	for _, seed := range [][]byte{
		encodePNG(f, gray), jpg.Bytes(), encodePNG(f, rgba), rgbJPEG.Bytes(),
		pngHeaderOnly(f, 8192, 8192, 16, 6), pngHeaderOnly(f, 200, 200, 8, 3),
		jpegHeaderOnly(300, 200), jpegHeaderOnly(8192, 8192), nil,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		defer func(side, pixels int) { maxImageSide, maxImagePixels = side, pixels }(maxImageSide, maxImagePixels)
		maxImageSide, maxImagePixels = 1024, 1<<16
		budget := uint64(20*(maxImagePixels+2*31*maxImageSide+31*31)) + 64*uint64(len(input)) + 1<<20

		var out []float32
		var err error
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		out, err = DecodeImage(bytes.NewReader(input), ImageOptions{Height: 28, Width: 28})
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > budget {
			t.Fatalf("allocated %d bytes for a %d-byte input (budget %d): %v", grew, len(input), budget, err)
		}
		if err != nil {
			if msg := err.Error(); msg == "" || len(msg) > 500 || !utf8.ValidString(msg) {
				t.Fatalf("unhelpful error %q", msg)
			}
			if out != nil {
				t.Fatal("an error and an input")
			}
			return
		}
		if len(out) != 28*28 {
			t.Fatalf("%d values, want 28×28", len(out))
		}
		for i, v := range out {
			if !(v >= 0 && v <= 1) || math.IsNaN(float64(v)) {
				t.Fatalf("value %d is %v, outside [0, 1]", i, v)
			}
		}
	})
}
