package data

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// realImage returns test image i of the embedded subset as an *image.Gray.
func realImage(t testing.TB, i int) *image.Gray {
	s := embeddedSet(t).Test
	g := image.NewGray(image.Rect(0, 0, s.Width, s.Height))
	copy(g.Pix, s.Image(i))
	return g
}

func encodePNG(t testing.TB, img image.Image) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGrayscaleMatchesPIL: a colour image made from a real one converts to
// the luma PIL's convert("L") gave (fixture from tools/resize_fixture.py),
// through RGBA, NRGBA and a PNG round trip.
func TestGrayscaleMatchesPIL(t *testing.T) {
	fx := loadResizeFixture(t)
	src := embeddedSet(t).split(fx.Grayscale.Split).Image(fx.Grayscale.Index)
	rgba := image.NewRGBA(image.Rect(0, 0, 28, 28))
	nrgba := image.NewNRGBA(image.Rect(0, 0, 28, 28))
	for i, x := range src {
		c := color.RGBA{R: x, G: 255 - x, B: uint8(int(x) * 7 % 256), A: 255}
		rgba.Set(i%28, i/28, c)
		nrgba.Set(i%28, i/28, color.NRGBA(c))
	}
	decoded, _, err := image.Decode(bytes.NewReader(encodePNG(t, rgba)))
	if err != nil {
		t.Fatal(err)
	}
	for name, img := range map[string]image.Image{"RGBA": rgba, "NRGBA": nrgba, "PNG": decoded} {
		gray, h, w := Grayscale(img)
		if h != 28 || w != 28 {
			t.Fatalf("%s: %d×%d", name, h, w)
		}
		for i, v := range gray {
			if int(v) != fx.Grayscale.Luma[i] {
				t.Fatalf("%s pixel %d: luma %d, PIL %d", name, i, v, fx.Grayscale.Luma[i])
			}
		}
	}
}

// TestLoadImageFile: a real image saved as PNG comes back as x/255 at 28×28
// and as the Resizer's output at 96×96; Invert gives (255−x)/255.
func TestLoadImageFile(t *testing.T) {
	img := realImage(t, 3)
	path := filepath.Join(t.TempDir(), "shirt.png")
	os.WriteFile(path, encodePNG(t, img), 0o644)

	got, err := LoadImageFile(path, ImageOptions{Height: 28, Width: 28})
	if err != nil {
		t.Fatal(err)
	}
	inv, _ := LoadImageFile(path, ImageOptions{Height: 28, Width: 28, Invert: true})
	for i, x := range img.Pix {
		if got[i] != float32(x)/255 || inv[i] != float32(255-x)/255 {
			t.Fatalf("pixel %d: %v and inverted %v, want %v and %v", i, got[i], inv[i], float32(x)/255, float32(255-x)/255)
		}
	}
	big, _ := LoadImageFile(path, ImageOptions{Height: 96, Width: 96})
	r, _ := NewResizer(28, 28, 96, 96)
	want := make([]float32, 96*96)
	r.ResizeBytes(want, img.Pix)
	for i := range want {
		if big[i] != want[i] {
			t.Fatalf("96×96 pixel %d: %v, want %v", i, big[i], want[i])
		}
	}
}

// TestDecodeJPEG: a grayscale JPEG of a real image decodes close to it
// (JPEG is lossy: compare the mean error).
func TestDecodeJPEG(t *testing.T) {
	img := realImage(t, 0)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	got, err := DecodeImage(&buf, ImageOptions{Height: 28, Width: 28})
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for i, x := range img.Pix {
		sum += math.Abs(float64(got[i]) - float64(x)/255)
	}
	if mean := sum / float64(len(got)); mean > 0.01 {
		t.Errorf("mean error %.4f after JPEG round trip", mean)
	}
}

// pngWithSize rewrites a PNG's IHDR width and height (and its CRC), making a
// small file that announces a huge image.
func pngWithSize(t *testing.T, w, h uint32) []byte {
	raw := encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	binary.BigEndian.PutUint32(raw[16:], w)
	binary.BigEndian.PutUint32(raw[20:], h)
	binary.BigEndian.PutUint32(raw[29:], crc32.ChecksumIEEE(raw[12:29]))
	return raw
}

func TestDecodeImageErrors(t *testing.T) {
	for _, tt := range []struct {
		name  string
		input []byte
		want  string
	}{
		{"not an image", []byte("P5\n28 28\n255\n"), "PNG or JPEG expected"},
		{"empty", nil, "PNG or JPEG expected"},
		{"huge announced size", pngWithSize(t, 100000, 100000), "png image of 100000×100000 pixels"},
		{"truncated PNG", encodePNG(t, realImage(t, 1))[:100], "decoding png image"},
	} {
		_, err := DecodeImage(bytes.NewReader(tt.input), ImageOptions{Height: 28, Width: 28})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := LoadImageFile(filepath.Join(t.TempDir(), "none.png"), ImageOptions{Height: 28, Width: 28}); err == nil {
		t.Error("missing file: no error")
	}
}
