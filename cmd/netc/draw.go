package main

import (
	"bytes"
	"errors"

	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/internal/draw"
	"github.com/netc/netc/runner"
)

func init() { commands = append(commands, newDrawCmd) }

func newDrawCmd() *cobra.Command {
	var cf compileFlags
	var format, out string
	var depth int
	var scale float64
	var withPlan, train bool
	c := &cobra.Command{
		Use:   "draw SPEC",
		Short: "Draw the network as SVG, PNG, Graphviz DOT or Mermaid",
		Long: `Draw makes a diagram of SPEC, top to bottom from input to output, with no external program
for SVG and PNG. Boxes show each op and its key attributes (an activation right after a conv,
linear or batchnorm shares its box: "conv + relu"); every edge carries the shape of the tensor
on it; parallel branches sit side by side and merge into a concat or add bar; blocks are
frames named as in 'netc check'.

--depth N collapses the blocks nested N deep into one box each, listing what they contain
with their parameters and MACs; a collapsed parallel block still shows its branches side by
side. --depth 1 shows the top-level blocks (GoogLeNet's five stages), --depth 2 opens them
(each Inception block's four branches); 0, the default, draws every layer.

--plan outlines the layers that the compiled plan fuses into one kernel call (conv+relu,
batchnorm+relu, a batchnorm folded into its conv), for inference, or for training with --train.

The format is --format, or else the extension of --out, or else SVG. DOT and Mermaid are
text for Graphviz (dot -Tsvg) and for Markdown (a mermaid code block on GitHub). PNG is
binary: write it with --out.

Exit status: 0 drawn, 1 the spec has errors (listed as file:line:col: path: message) or the
file cannot be written, 2 the command line is wrong.`,
		Example: `  # GoogLeNet's stages, each Inception block with its four branches
  netc draw specs/googlenet.toml --depth 2 --out googlenet.svg

  # the same as a PNG, e.g. for a slide
  netc draw specs/googlenet.toml --depth 2 --out googlenet.png

  # every layer of ResNet-18, for Graphviz
  netc draw specs/resnet18.toml --format dot | dot -Tpdf -o resnet18.pdf

  # a Mermaid chart of the VGG blocks, to paste into a Markdown file
  netc draw specs/vgg11.toml --depth 1 --format mermaid

  # which layers the inference plan fuses
  netc draw specs/resnet18.toml --plan --out resnet18-fused.svg

  # the narrow VGG-11 the chapter trains, at 96x96 input
  netc draw specs/vgg11.toml --set ratio=4 --input 96 --out vgg11-small.png`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: specArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			if depth < 0 {
				return usageErrorf("--depth must be 0 (every layer) or more")
			}
			f, err := drawFormat(format, out)
			if err != nil {
				return err
			}
			if f == draw.PNG && out == "" && isTerminal(cmd.OutOrStdout()) {
				return usageErrorf("PNG is binary and stdout is a terminal; write it with --out FILE.png (or redirect stdout)")
			}
			if cmd.Flags().Changed("scale") && (scale < 0.25 || scale > 8) {
				return usageErrorf("--scale must be between 0.25 and 8 (PNG pixels per SVG unit)")
			}
			g, err := cf.compile(cmd, args[0])
			if err != nil {
				return err
			}
			opt := draw.Options{Depth: depth, Scale: scale}
			if withPlan {
				mode := plan.Inference
				if train {
					mode = plan.Training
				}
				p, err := plan.Build(g, runner.PlanOptions(mode, 1, nil))
				if err != nil {
					return &exitError{exitInvalid, err}
				}
				for _, s := range p.Steps {
					if len(s.Fused) > 0 {
						opt.Fused = append(opt.Fused, append([]string{s.Name}, s.Fused...))
					}
				}
			}
			var buf bytes.Buffer
			if err := draw.Render(&buf, g, f, opt); err != nil {
				var se *draw.SizeError
				if errors.As(err, &se) {
					return &exitError{exitUsage, err}
				}
				return &exitError{exitInvalid, err}
			}
			if out == "" || out == "-" {
				_, err = cmd.OutOrStdout().Write(buf.Bytes())
				return err
			}
			if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
				return &exitError{exitInvalid, err}
			}
			return nil
		},
	}
	cf.register(c)
	c.Flags().StringVarP(&format, "format", "f", "", "svg, png, dot or mermaid (default: from the --out extension, else svg)")
	c.Flags().IntVar(&depth, "depth", 0, "collapse blocks nested this deep into one box each (0: every layer)")
	c.Flags().StringVarP(&out, "out", "o", "", "write to this file instead of stdout")
	c.Flags().Float64Var(&scale, "scale", 2, "PNG pixels per SVG unit")
	c.Flags().BoolVar(&withPlan, "plan", false, "outline the layers the compiled plan fuses into one step")
	c.Flags().BoolVar(&train, "train", false, "with --plan: the training plan's fusions instead of inference's")
	return c
}

// drawFormat picks the format from --format, else from the output file's extension.
func drawFormat(format, out string) (draw.Format, error) {
	if format != "" {
		f, err := draw.ParseFormat(format)
		if err != nil {
			return "", usageErrorf("--format: %v", err)
		}
		if ext := strings.TrimPrefix(filepath.Ext(out), "."); ext != "" {
			if g, err := draw.ParseFormat(ext); err == nil && g != f {
				return "", usageErrorf("--format %s does not match the extension of --out %s", format, out)
			}
		}
		return f, nil
	}
	ext := strings.TrimPrefix(filepath.Ext(out), ".")
	if out == "" || out == "-" || ext == "" {
		return draw.SVG, nil
	}
	f, err := draw.ParseFormat(ext)
	if err != nil {
		return "", usageErrorf("--out %s: cannot tell the format from the extension %q; add --format svg, png, dot or mermaid", out, "."+ext)
	}
	return f, nil
}

// isTerminal reports whether w is a terminal: a character device other than /dev/null.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(st, null)
}
