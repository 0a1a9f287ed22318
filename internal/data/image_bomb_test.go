package data

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"runtime"
	"strings"
	"testing"
)

// pngHeaderOnly is a PNG of about 60 bytes whose header announces a w×h image of the
// given bit depth and colour type (6: RGBA) and whose pixel data is one empty zlib
// stream: a decompression bomb that costs its decoder whatever the header claims.
func pngHeaderOnly(t testing.TB, w, h uint32, depth, colorType byte) []byte {
	t.Helper()
	chunk := func(out []byte, typ string, data []byte) []byte {
		out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
		start := len(out)
		out = append(append(out, typ...), data...)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, depth, colorType, 0, 0, 0)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = chunk(out, "IHDR", ihdr)
	out = chunk(out, "IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}) // zlib of nothing
	return chunk(out, "IEND", nil)
}

// jpegHeaderOnly is a progressive JPEG of a few dozen bytes that announces a w×h image
// of four components (CMYK) and starts a DC scan over all four: Go's decoder allocates
// the image and every component's coefficients (20 bytes a pixel) before it reads the
// scan, then fails for want of data.
func jpegHeaderOnly(w, h uint16) []byte {
	out := []byte{0xff, 0xd8}                                                               // SOI
	out = append(out, 0xff, 0xc2, 0, 8+3*4, 8, byte(h>>8), byte(h), byte(w>>8), byte(w), 4) // SOF2, 4 components
	for id := byte(1); id <= 4; id++ {
		out = append(out, id, 0x11, 0)
	}
	out = append(out, 0xff, 0xda, 0, 6+2*4, 4) // SOS over the 4 components
	for id := byte(1); id <= 4; id++ {
		out = append(out, id, 0x00)
	}
	out = append(out, 0, 0, 0) // DC only: Ss=0, Se=0, Ah=Al=0
	return append(out, 0xff, 0xd9)
}

// TestImageBombRefusedBeforeDecoding: tiny files announcing images whose decoding would
// take hundreds of MB (8192×8192 RGBA at 16 bits: 512 MiB; 4096×4096 progressive CMYK
// JPEG: 320 MiB; 60000×60000: 27 GiB) are refused from their headers, allocating
// little, naming the size.
func TestImageBombRefusedBeforeDecoding(t *testing.T) {
	for _, tt := range []struct {
		name  string
		input []byte
		want  string
	}{
		{"8192x8192 RGBA64", pngHeaderOnly(t, 8192, 8192, 16, 6), "png image of 8192×8192 pixels"},
		{"16384x4096 RGBA", pngHeaderOnly(t, 16384, 4096, 8, 6), "png image of 16384×4096 pixels"},
		{"60000x60000 RGBA", pngHeaderOnly(t, 60000, 60000, 8, 6), "png image of 60000×60000 pixels"},
		{"4096x4096 progressive CMYK", jpegHeaderOnly(4096, 4096), "jpeg image of 4096×4096 pixels"},
	} {
		var err error
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err = DecodeImage(bytes.NewReader(tt.input), ImageOptions{Height: 28, Width: 28})
		runtime.ReadMemStats(&after)
		grew := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s (%d bytes): allocated %.1f MiB: %v", tt.name, len(tt.input), float64(grew)/(1<<20), err)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
		if grew > 8<<20 {
			t.Errorf("%s: a %d-byte file allocated %d MiB", tt.name, len(tt.input), grew>>20)
		}
	}
}
