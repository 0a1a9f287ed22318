package data

import (
	"image"
	"image/color"
)

// RGBPlanes converts img to three 8-bit planes (red, green, blue) the way
// PIL's Image.convert("RGB") does: un-premultiplied colour, alpha dropped,
// a gray image copied to all three planes.
func RGBPlanes(img image.Image) (pix []uint8, height, width int) {
	b := img.Bounds()
	height, width = b.Dy(), b.Dx()
	hw := height * width
	pix = make([]uint8, 3*hw)
	for y := range height {
		for x := range width {
			var r, g, bl uint8
			switch c := img.At(b.Min.X+x, b.Min.Y+y).(type) {
			case color.Gray:
				r, g, bl = c.Y, c.Y, c.Y
			case color.Gray16:
				r = uint8(c.Y >> 8)
				g, bl = r, r
			default:
				n := color.NRGBAModel.Convert(c).(color.NRGBA)
				r, g, bl = n.R, n.G, n.B
			}
			p := y*width + x
			pix[p], pix[hw+p], pix[2*hw+p] = r, g, bl
		}
	}
	return pix, height, width
}

// ConvertChannels turns one image of from planes into one of to planes
// (1 or 3): gray to RGB copies the plane, RGB to gray takes PIL's
// convert("L") luma. Equal counts return pix itself.
func ConvertChannels(pix []uint8, from, to int) []uint8 {
	if from == to {
		return pix
	}
	hw := len(pix) / from
	out := make([]uint8, to*hw)
	if from == 1 {
		for c := range to {
			copy(out[c*hw:], pix)
		}
		return out
	}
	for p := range hw {
		r, g, b := uint32(pix[p]), uint32(pix[hw+p]), uint32(pix[2*hw+p])
		out[p] = uint8((19595*r + 38470*g + 7471*b + 1<<15) >> 16)
	}
	return out
}

// ConvertSplit returns s with every image converted to channels planes.
func ConvertSplit(s *Split, channels int) *Split {
	if s.C() == channels {
		return s
	}
	out := &Split{N: s.N, Height: s.Height, Width: s.Width, Channels: channels, Labels: s.Labels,
		Images: make([]uint8, 0, s.N*channels*s.Height*s.Width)}
	for i := range s.N {
		out.Images = append(out.Images, ConvertChannels(s.Image(i), s.C(), channels)...)
	}
	return out
}

// rgbInput is DecodeImage for a 3-channel network.
func rgbInput(img image.Image, opt ImageOptions) ([]float32, error) {
	pix, h, w := RGBPlanes(img)
	if opt.Invert {
		for i, v := range pix {
			pix[i] = 255 - v
		}
	}
	r, err := NewResizer(h, w, opt.Height, opt.Width)
	if err != nil {
		return nil, err
	}
	ohw := opt.Height * opt.Width
	out := make([]float32, 3*ohw)
	for c := range 3 {
		r.ResizeBytesGeneric(out[c*ohw:(c+1)*ohw], pix[c*h*w:(c+1)*h*w])
	}
	NormalizePlanes(out, opt.Mean, opt.Std)
	return out, nil
}
