package data

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"
)

// resizeFixture is written by tools/resize_fixture.py from PyTorch 1.13.
type resizeFixture struct {
	Torch  string
	Images []struct {
		Split   string
		Index   int
		Label   int
		SHA256  string
		Outputs []struct {
			Height, Width int
			Sum           float64
			Positions     []int         // nil: every pixel, in order
			Values        []json.Number // float32 in shortest decimal form
		}
	}
	Grayscale struct {
		Split string
		Index int
		Luma  []int
	}
}

func loadResizeFixture(t *testing.T) *resizeFixture {
	t.Helper()
	f, err := os.Open("testdata/resize_pytorch.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.UseNumber()
	var fx resizeFixture
	if err := dec.Decode(&fx); err != nil {
		t.Fatal(err)
	}
	return &fx
}

// TestResizeMatchesPyTorch compares Resizer with F.interpolate(bilinear,
// align_corners=False) on real images: identity, up- and downsampling and a
// non-square target.
func TestResizeMatchesPyTorch(t *testing.T) {
	fx := loadResizeFixture(t)
	ds := embeddedSet(t)
	const tol = 1e-6
	worst := 0.0
	for _, img := range fx.Images {
		split := ds.split(img.Split)
		pix := split.Image(img.Index)
		sum := sha256.Sum256(pix)
		if hex.EncodeToString(sum[:]) != img.SHA256 || int(split.Labels[img.Index]) != img.Label {
			t.Fatalf("%s image %d in the embedded subset is not the fixture's image", img.Split, img.Index)
		}
		for _, out := range img.Outputs {
			r, err := NewResizer(split.Height, split.Width, out.Height, out.Width)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]float32, out.Height*out.Width)
			r.ResizeBytes(got, pix)
			maxErr, total := 0.0, 0.0
			for _, v := range got {
				total += float64(v)
			}
			for k, s := range out.Values {
				p := k
				if out.Positions != nil {
					p = out.Positions[k]
				}
				want, err := strconv.ParseFloat(string(s), 32)
				if err != nil {
					t.Fatal(err)
				}
				maxErr = max(maxErr, math.Abs(float64(got[p])-want))
			}
			worst = max(worst, maxErr)
			if maxErr > tol {
				t.Errorf("%s[%d] → %d×%d: max error %.3g vs PyTorch, want ≤ %g", img.Split, img.Index, out.Height, out.Width, maxErr, tol)
			}
			if d := math.Abs(total - out.Sum); d > tol*float64(len(got)) {
				t.Errorf("%s[%d] → %d×%d: sum %.9g, PyTorch %.9g", img.Split, img.Index, out.Height, out.Width, total, out.Sum)
			}
		}
	}
	t.Logf("max |Go − PyTorch %s| = %.3g over %d images", fx.Torch, worst, len(fx.Images))
}

// TestResizeIdentity: 28→28 must return x/255 exactly (weights 1 and 0).
func TestResizeIdentity(t *testing.T) {
	s := embeddedSet(t).Test
	r, err := NewResizer(28, 28, 28, 28)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float32, 28*28)
	for i := range 50 {
		r.ResizeBytes(got, s.Image(i))
		for p, v := range got {
			if want := float32(s.Image(i)[p]) / 255; v != want {
				t.Fatalf("image %d pixel %d: %v, want %v", i, p, v, want)
			}
		}
	}
}

// TestResizeFloatMatchesBytes: Resize on x/255 equals ResizeBytes on x.
func TestResizeFloatMatchesBytes(t *testing.T) {
	pix := embeddedSet(t).Train.Image(7)
	src := make([]float32, len(pix))
	for i, b := range pix {
		src[i] = float32(b) / 255
	}
	for _, size := range [][2]int{{96, 96}, {20, 20}, {13, 57}} {
		r, _ := NewResizer(28, 28, size[0], size[1])
		a := make([]float32, size[0]*size[1])
		b := make([]float32, len(a))
		r.Resize(a, src)
		r.ResizeBytes(b, pix)
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%v pixel %d: Resize %v, ResizeBytes %v", size, i, a[i], b[i])
			}
		}
	}
}

func TestNewResizerRejectsBadSizes(t *testing.T) {
	for _, s := range [][4]int{{0, 28, 28, 28}, {28, 28, -1, 28}, {28, 28, 28, 0}} {
		if _, err := NewResizer(s[0], s[1], s[2], s[3]); err == nil {
			t.Errorf("NewResizer%v: no error", s)
		}
	}
}

func BenchmarkResize28To224(b *testing.B) {
	pix := embeddedSet(b).Train.Image(0)
	r, _ := NewResizer(28, 28, 224, 224)
	dst := make([]float32, 224*224)
	for b.Loop() {
		r.ResizeBytes(dst, pix)
	}
}
