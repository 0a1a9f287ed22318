package data

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"
)

// augmentFixture is written by tools/augment_fixture.py from torchvision 0.14.
type augmentFixture struct {
	Torch, Torchvision string
	Resize3            []struct {
		Height, Width int
		SHA256        string
	}
	Cases []struct {
		Image, Case, Transform string
		Trials                 []struct {
			Draws            []recordedDraw
			ResizedCropBoxes [][4]int `json:"resized_crop_boxes"`
			CropBoxes        [][4]int `json:"crop_boxes"`
			SHA256           string
			Sum              float64
			Values           []byte // float32 little-endian (base64 in the JSON)
		}
	}
}

type recordedDraw struct {
	Kind   string // uniform, randint or rand
	Lo, Hi float64
	N      int
	Value  json.Number
}

// replay serves torchvision's recorded draws and fails the test when netc
// asks for a different kind of draw, other bounds, or more draws.
type replay struct {
	t     *testing.T
	draws []recordedDraw
	next  int
}

func (r *replay) take(kind string) recordedDraw {
	r.t.Helper()
	if r.next >= len(r.draws) {
		r.t.Fatalf("draw %d (%s): torchvision made only %d draws", r.next, kind, len(r.draws))
	}
	d := r.draws[r.next]
	if d.Kind != kind {
		r.t.Fatalf("draw %d: netc asks for %s, torchvision drew %s", r.next, kind, d.Kind)
	}
	r.next++
	return d
}

func (r *replay) Uniform(lo, hi float64) float64 {
	d := r.take("uniform")
	if d.Lo != lo || d.Hi != hi {
		r.t.Fatalf("draw %d: uniform(%v, %v), torchvision drew uniform(%v, %v)", r.next-1, lo, hi, d.Lo, d.Hi)
	}
	return r.float(d)
}

func (r *replay) IntN(n int) int {
	d := r.take("randint")
	if d.N != n {
		r.t.Fatalf("draw %d: randint(0, %d), torchvision drew randint(0, %d)", r.next-1, n, d.N)
	}
	v, _ := strconv.Atoi(string(d.Value))
	return v
}

func (r *replay) Float() float64 { return r.float(r.take("rand")) }

func (r *replay) float(d recordedDraw) float64 {
	v, err := strconv.ParseFloat(string(d.Value), 32)
	if err != nil {
		r.t.Fatal(err)
	}
	return v
}

func (r *replay) done() {
	r.t.Helper()
	if r.next != len(r.draws) {
		r.t.Errorf("netc made %d draws, torchvision %d", r.next, len(r.draws))
	}
}

// augmentTestImages are the fixture's images: the first three training
// images of the embedded subset as the channels of one float32 image (x/255),
// whole and cut to its first 24 rows.
var augmentTestImages = map[string][3]int{"1x28x28": {1, 28, 28}, "3x28x28": {3, 28, 28}, "3x24x28": {3, 24, 28}}

func augmentTestImage(t *testing.T, ch, h, w int) []float32 {
	s := embeddedSet(t).Train
	img := make([]float32, ch*h*w)
	for c := range ch {
		for i, b := range s.Image(c)[:h*w] {
			img[c*h*w+i] = float32(b) / 255
		}
	}
	return img
}

func sha256Float32(x []float32) string {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// augmentCases is what each fixture case configures, in netc's terms.
var augmentCases = map[string]Augment{
	"resized_crop default":                     {ResizedCrop: true, Scale: DefaultScale, Ratio: DefaultRatio},
	"resized_crop scale 0.9-1 ratio 2-3":       {ResizedCrop: true, Scale: [2]float64{0.9, 1}, Ratio: [2]float64{2, 3}},
	"resized_crop scale 0.5-0.6 ratio 0.2-0.3": {ResizedCrop: true, Scale: [2]float64{0.5, 0.6}, Ratio: [2]float64{0.2, 0.3}},
	"crop padding 4":                           {CropPadding: 4},
	"flip 0.5":                                 {HFlip: 0.5},
	"compose":                                  {ResizedCrop: true, Scale: DefaultScale, Ratio: DefaultRatio, CropPadding: 3, HFlip: 0.5},
}

// TestAugmentMatchesTorchvision replays torchvision's draws through netc's
// augmentations. Bit for bit: the sequence of draws requested (kind and
// bounds), every crop box (resized-crop boxes, their centre fallbacks and
// padded-crop windows), every flip decision, and the float32 bytes (SHA-256)
// of every output, resized crops included: their resize follows whichever
// of PyTorch 1.13's two bilinear kernels F.interpolate takes for the crop
// view (Resize for a channels-last-contiguous 1-channel view, ResizeGeneric
// otherwise).
func TestAugmentMatchesTorchvision(t *testing.T) {
	raw, err := os.ReadFile("testdata/augment_torchvision.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx augmentFixture
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	sizes := augmentTestImages
	outputs, resized := 0, 0
	boxes, fallbacks, flips := 0, 0, 0
	for _, c := range fx.Cases {
		cfg, ok := augmentCases[c.Case]
		if !ok {
			t.Fatalf("fixture case %q unknown to the test", c.Case)
		}
		size := sizes[c.Image]
		ch, h, w := size[0], size[1], size[2]
		src := augmentTestImage(t, ch, h, w)
		a := newAugmenter(cfg, ch, h, w)
		for k, tr := range c.Trials {
			name := c.Image + " " + c.Case + " trial " + strconv.Itoa(k)
			// The boxes and the flip, drawn alone.
			r := &replay{t: t, draws: tr.Draws}
			var gotRRC, gotCrop [][4]int
			if cfg.ResizedCrop {
				b := ResizedCropBox(r, h, w, cfg.Scale, cfg.Ratio)
				gotRRC = append(gotRRC, [4]int{b.Top, b.Left, b.Height, b.Width})
				if r.next == 20 {
					fallbacks++
				}
			}
			if cfg.CropPadding > 0 {
				p := cfg.CropPadding
				b := CropBox(r, h+2*p, w+2*p, h, w)
				gotCrop = append(gotCrop, [4]int{b.Top, b.Left, b.Height, b.Width})
			}
			if cfg.HFlip > 0 && Flip(r, cfg.HFlip) {
				flips++
			}
			r.done()
			if !equalBoxes(gotRRC, tr.ResizedCropBoxes) || !equalBoxes(gotCrop, tr.CropBoxes) {
				t.Errorf("%s: boxes %v %v, torchvision %v %v", name, gotRRC, gotCrop, tr.ResizedCropBoxes, tr.CropBoxes)
			}
			boxes += len(gotRRC) + len(gotCrop)
			// The whole transform on the image.
			img := append([]float32(nil), src...)
			r = &replay{t: t, draws: tr.Draws}
			a.apply(img, r)
			r.done()
			outputs++
			if cfg.ResizedCrop {
				resized++
			}
			if got := sha256Float32(img); got != tr.SHA256 {
				msg := ""
				if tr.Values != nil {
					msg = fmt.Sprintf(" (max |netc − torchvision| = %.3g)", maxDiffBytes(img, tr.Values))
				}
				t.Errorf("%s: output differs from torchvision's%s", name, msg)
			}
		}
	}
	t.Logf("torchvision %s: %d boxes (%d resized-crop fallbacks to the centre), %d flips, %d outputs (%d with a resized crop), all bit for bit",
		fx.Torchvision, boxes, fallbacks, flips, outputs, resized)
	if fallbacks == 0 || flips == 0 {
		t.Errorf("the fixture exercises no fallback or no flip")
	}
}

// TestResizeRGBMatchesPyTorch: the loader's resize of a 3-channel image is
// F.interpolate's on the 1×3×H×W tensor, bit for bit (PyTorch's generic kernel).
func TestResizeRGBMatchesPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/augment_torchvision.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx augmentFixture
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	g := embeddedSet(t).Train
	s := &Split{N: 1, Height: 28, Width: 28, Channels: 3, Labels: []uint8{0}}
	for c := range 3 {
		s.Images = append(s.Images, g.Image(c)...)
	}
	if len(fx.Resize3) == 0 {
		t.Fatal("fixture has no resize3 cases")
	}
	for _, r := range fx.Resize3 {
		b := collect(t, newLoader(t, s, LoaderConfig{Height: r.Height, Width: r.Width, BatchSize: 1}), 0, 0)[0]
		if got := sha256Float32(b.X); got != r.SHA256 {
			t.Errorf("3×28×28 → %d×%d differs from F.interpolate's", r.Height, r.Width)
		}
	}
}

func maxDiffBytes(got []float32, want []byte) float64 {
	worst := 0.0
	for i, v := range got {
		w := math.Float32frombits(binary.LittleEndian.Uint32(want[4*i:]))
		worst = max(worst, math.Abs(float64(v)-float64(w)))
	}
	return worst
}

func equalBoxes(a, b [][4]int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFlipAndCropPlanes checks the plane helpers by hand on a 2×2×3 image.
func TestFlipAndCropPlanes(t *testing.T) {
	img := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	FlipPlanes(img, 2, 2, 3)
	if want := []float32{3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}; !equalFloats(img, want) {
		t.Errorf("flip: %v, want %v", img, want)
	}
	padded := make([]float32, 2*4*5)
	PadPlanes(padded, img, 2, 2, 3, 1)
	crop := make([]float32, 2*2*2)
	CropPlanes(crop, padded, 2, 4, 5, Box{Top: 1, Left: 0, Height: 2, Width: 2})
	if want := []float32{0, 3, 0, 6, 0, 9, 0, 12}; !equalFloats(crop, want) {
		t.Errorf("pad+crop: %v, want %v", crop, want)
	}
}

func equalFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAugmentCheck(t *testing.T) {
	for _, a := range []Augment{
		{ResizedCrop: true, Scale: [2]float64{0, 1}, Ratio: DefaultRatio},
		{ResizedCrop: true, Scale: [2]float64{0.5, 0.4}, Ratio: DefaultRatio},
		{ResizedCrop: true, Scale: DefaultScale, Ratio: [2]float64{2, 1}},
		{CropPadding: -1},
		{HFlip: 1.5},
		{HFlip: math.NaN()},
	} {
		if a.Check() == nil {
			t.Errorf("%+v: no error", a)
		}
	}
	if err := (Augment{ResizedCrop: true, Scale: DefaultScale, Ratio: DefaultRatio, CropPadding: 4, HFlip: 0.5}).Check(); err != nil {
		t.Error(err)
	}
}
