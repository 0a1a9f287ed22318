package train

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/netc/netc/tensorio"
)

// WriteConfusion prints the confusion matrix as text: rows are true classes, columns the
// predictions, names shortened to fit.
func WriteConfusion(w io.Writer, r Result, names []string) {
	short := make([]string, len(names))
	for i, n := range names {
		short[i] = shorten(n)
	}
	fmt.Fprintf(w, "%-12s", "true \\ pred")
	for _, s := range short {
		fmt.Fprintf(w, " %6s", s)
	}
	fmt.Fprintln(w)
	for i, row := range r.Confusion {
		fmt.Fprintf(w, "%-12s", names[i])
		for _, v := range row {
			fmt.Fprintf(w, " %6d", v)
		}
		fmt.Fprintln(w)
	}
}

func shorten(name string) string {
	name = strings.NewReplacer("T-shirt/top", "Tshirt", "Ankle boot", "Boot").Replace(name)
	if len(name) > 6 {
		return name[:6]
	}
	return name
}

// confusionGrid adapts a confusion matrix to gonum's heat map, each row normalized to
// the fraction of its class.
type confusionGrid struct{ m [][]int }

func (g confusionGrid) Dims() (c, r int) { return len(g.m), len(g.m) }
func (g confusionGrid) Z(c, r int) float64 {
	row := g.m[len(g.m)-1-r] // first class on top
	total := 0
	for _, v := range row {
		total += v
	}
	if total == 0 {
		return 0
	}
	return float64(row[c]) / float64(total)
}
func (g confusionGrid) X(c int) float64 { return float64(c) }
func (g confusionGrid) Y(r int) float64 { return float64(r) }

// blues is a white-to-dark-blue palette: a cell's darkness is the fraction of its true
// class predicted there.
type blues struct{}

func (blues) Colors() []color.Color {
	out := make([]color.Color, 64)
	for i := range out {
		t := float64(i) / 63
		lerp := func(a, b float64) uint8 { return uint8(a + (b-a)*t) }
		out[i] = color.RGBA{lerp(247, 8), lerp(251, 48), lerp(255, 107), 255}
	}
	return out
}

var _ palette.Palette = blues{}

// PlotConfusion writes the confusion matrix as a PNG heat map with class names, each
// cell labelled with its count.
func PlotConfusion(path string, r Result, names []string, title string) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "predicted"
	p.Y.Label.Text = "true class"
	hm := plotter.NewHeatMap(confusionGrid{r.Confusion}, blues{})
	hm.Min, hm.Max = 0, 1
	p.Add(hm)
	n := len(names)
	var xt, yt []plot.Tick
	for i, name := range names {
		xt = append(xt, plot.Tick{Value: float64(i), Label: shorten(name)})
		yt = append(yt, plot.Tick{Value: float64(n - 1 - i), Label: name})
	}
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	p.Y.Tick.Marker = plot.ConstantTicks(yt)
	var labels plotter.XYLabels
	for i, row := range r.Confusion {
		for j, v := range row {
			labels.XYs = append(labels.XYs, plotter.XY{X: float64(j), Y: float64(n - 1 - i)})
			labels.Labels = append(labels.Labels, fmt.Sprint(v))
		}
	}
	lb, err := plotter.NewLabels(labels)
	if err != nil {
		return err
	}
	grid := confusionGrid{r.Confusion}
	for i := range lb.TextStyle {
		xy := labels.XYs[i]
		lb.TextStyle[i].Color = color.Black
		if grid.Z(int(xy.X), int(xy.Y)) > 0.55 {
			lb.TextStyle[i].Color = color.White // dark cells
		}
		lb.TextStyle[i].XAlign, lb.TextStyle[i].YAlign = -0.5, -0.5
	}
	p.Add(lb)
	wt, err := p.WriterTo(7*vg.Inch, 6*vg.Inch, "png")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return err
	}
	return tensorio.WriteFileAtomic(path, func(out io.Writer) error {
		_, err := out.Write(buf.Bytes())
		return err
	})
}
