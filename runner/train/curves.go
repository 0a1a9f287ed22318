package train

import (
	"bytes"
	"fmt"
	"image/color"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/netc/netc/tensorio"
)

// drawCurves plots training loss, train accuracy and test accuracy against the epoch, in
// the style of the book's training figures (one panel, three lines, legend top right),
// with the learning rate as a fourth, thin line scaled to the panel (divided by its
// largest value, which the legend names), and writes the PNG atomically.
func drawCurves(path, name string, hist []EpochStats) error {
	p := plot.New()
	p.Title.Text = name
	p.X.Label.Text = "epoch"
	p.X.Min, p.X.Max = 1, float64(max(2, len(hist)))
	p.Y.Min = 0
	top := 1.0
	series := []struct {
		label string
		get   func(EpochStats) float64
		color color.RGBA
		dash  []vg.Length
	}{
		{"train loss", func(s EpochStats) float64 { return s.Loss }, color.RGBA{31, 119, 180, 255}, nil},
		{"train acc", func(s EpochStats) float64 { return s.TrainAcc }, color.RGBA{214, 39, 140, 255}, []vg.Length{vg.Points(5), vg.Points(3)}},
		{"test acc", func(s EpochStats) float64 { return s.TestAcc }, color.RGBA{44, 160, 44, 255}, []vg.Length{vg.Points(2), vg.Points(2), vg.Points(6), vg.Points(2)}},
	}
	maxLR := 0.0
	for _, h := range hist {
		maxLR = max(maxLR, h.LR)
	}
	if maxLR > 0 {
		series = append(series, struct {
			label string
			get   func(EpochStats) float64
			color color.RGBA
			dash  []vg.Length
		}{fmt.Sprintf("lr / %g", maxLR), func(s EpochStats) float64 { return s.LR / maxLR }, color.RGBA{127, 127, 127, 255}, []vg.Length{vg.Points(1), vg.Points(2)}})
	}
	for _, sr := range series {
		pts := make(plotter.XYs, len(hist))
		for i, h := range hist {
			pts[i].X, pts[i].Y = float64(h.Epoch), sr.get(h)
			top = max(top, pts[i].Y)
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		line.Color, line.Width, line.Dashes = sr.color, vg.Points(1.6), sr.dash
		points.Color, points.Shape, points.Radius = sr.color, draw.CircleGlyph{}, vg.Points(2)
		p.Add(line, points)
		p.Legend.Add(sr.label, line)
	}
	// Headroom above the highest point keeps the legend off the lines.
	p.Y.Max = top * 1.3
	var ticks []plot.Tick
	step := max(1, len(hist)/10)
	for e := 1; e <= max(2, len(hist)); e++ {
		label := ""
		if e%step == 0 || e == 1 {
			label = fmt.Sprint(e)
		}
		ticks = append(ticks, plot.Tick{Value: float64(e), Label: label})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	w, err := p.WriterTo(5*vg.Inch, 3.5*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("plotting curves: %w", err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return err
	}
	return tensorio.WriteFileAtomic(path, func(out io.Writer) error {
		_, err := out.Write(buf.Bytes())
		return err
	})
}
