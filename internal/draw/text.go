package draw

import (
	"fmt"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Text is measured with the Go fonts (embedded by golang.org/x/image/font/gofont), the
// same ones the PNG renderer draws with, so boxes fit their labels exactly. SVG viewers use
// the Go font when installed and stretch their fallback to the measured width otherwise.

type fontID int

const (
	regular fontID = iota
	bold
)

var fontData = [...][]byte{regular: goregular.TTF, bold: gobold.TTF}

type faceKey struct {
	f    fontID
	size float64
}

var (
	fontsOnce sync.Once
	fonts     [len(fontData)]*opentype.Font
	fontsErr  error

	facesMu sync.Mutex
	faces   = map[faceKey]font.Face{}
)

func parsedFont(f fontID) (*opentype.Font, error) {
	fontsOnce.Do(func() {
		for i, data := range fontData {
			if fonts[i], fontsErr = opentype.Parse(data); fontsErr != nil {
				fontsErr = fmt.Errorf("draw: parsing the embedded Go font: %v", fontsErr)
				return
			}
		}
	})
	return fonts[f], fontsErr
}

// face returns a face of f at size pixels. Faces are not safe for concurrent use, so
// callers hold facesMu while they use one.
func face(f fontID, size float64) font.Face {
	k := faceKey{f, size}
	if fc, ok := faces[k]; ok {
		return fc
	}
	ft, err := parsedFont(f)
	if err != nil {
		panic(err) // the font is compiled in; it parses or the build is broken
	}
	fc, err := opentype.NewFace(ft, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic(err)
	}
	faces[k] = fc
	return fc
}

// textWidth is the advance of s in font f at size pixels.
func textWidth(f fontID, size float64, s string) float64 {
	facesMu.Lock()
	defer facesMu.Unlock()
	return fixedToFloat(font.MeasureString(face(f, size), s))
}

func fixedToFloat(x fixed.Int26_6) float64 { return float64(x) / 64 }
