package draw

import (
	"github.com/netc/netc/compiler/ir"
)

// The visual language, the same for every network and every output format: one fill
// colour per family of ops, blocks as light frames that darken as they nest, merges as dark
// bars, tensor shapes in grey beside the edges.

type kind int

const (
	kConv kind = iota
	kLinear
	kPool
	kNorm
	kAct
	kOther // flatten, dropout, identity
	kMerge
	kIO    // the input and output terminals
	kBlock // a collapsed block
)

type style struct {
	fill, stroke, text string
}

var palette = [...]style{
	kConv:   {"#DCE7F7", "#4A78B8", colText},
	kLinear: {"#E8E1F6", "#7457B3", colText},
	kPool:   {"#DDF1E3", "#4C9A64", colText},
	kNorm:   {"#FFF1CC", "#C49A2C", colText},
	kAct:    {"#FDE4D8", "#CC6B3D", colText},
	kOther:  {"#EFEFEF", "#8C8C8C", colText},
	kMerge:  {"#3E4A5C", "#3E4A5C", "#FFFFFF"},
	kIO:     {"#FFFFFF", "#3E4A5C", colText},
	kBlock:  {"#FFFFFF", "#66758C", colText}, // its swatch in a list is colHeader
}

// kindName names the CSS classes of DOT and Mermaid output.
var kindName = [...]string{
	kConv: "conv", kLinear: "linear", kPool: "pool", kNorm: "norm", kAct: "act",
	kOther: "other", kMerge: "merge", kIO: "io", kBlock: "block",
}

const (
	colText   = "#1F2937"
	colMuted  = "#5F6B7A" // edge labels, branch names, footers
	colEdge   = "#6B7585"
	colHeader = "#E4E9F1" // title band of a collapsed block
	colFrameS = "#B4BFCE" // frame stroke
	colFused  = "#D9482B" // outline of a fused group
)

// frameFill is the fill of an open block nested level deep (1 = top level).
func frameFill(level int) string {
	fills := []string{"#F4F6F9", "#EAEEF4", "#E0E6EE", "#D7DEE8"}
	if level < 1 {
		level = 1
	}
	return fills[(level-1)%len(fills)]
}

func opKind(op ir.Op) kind {
	if op == ir.OpInput {
		return kIO
	}
	s := ir.Lookup(op)
	if s == nil {
		return kOther
	}
	switch s.Category {
	case ir.CatConv:
		return kConv
	case ir.CatLinear:
		return kLinear
	case ir.CatPool:
		return kPool
	case ir.CatNorm:
		return kNorm
	case ir.CatActivation:
		return kAct
	case ir.CatMerge:
		return kMerge
	}
	return kOther
}

// Sizes, in SVG user units (pixels at scale 1).
const (
	szTitle = 12.0 // bold first line of a box, frame titles
	szText  = 11.0 // attributes and list lines
	szSmall = 10.0 // edge labels, branch names, footers

	lhTitle = 16.0
	lhText  = 15.0
	lhSmall = 13.0

	boxPadX   = 10.0
	boxPadY   = 6.0
	boxMinW   = 84.0
	boxRadius = 5.0
	swatch    = 9.0 // colour square before a list line
	swatchGap = 6.0

	seqGap    = 30.0 // between consecutive items: room for the shape label
	labelDX   = 6.0  // label distance from its edge
	labelRoom = 10.0 // margin beyond a label that the column reserves

	splitY    = 8.0  // split bus below the top of a parallel section
	splitZone = 28.0 // from the top of a parallel section to its branches
	dropZone  = 28.0 // from the longest branch to the merge bar
	colGap    = 18.0
	barH      = 22.0
	barOver   = 16.0 // bar extends this far beyond the outer branches

	framePad    = 12.0
	frameTitleH = 24.0
	frameRadius = 8.0

	arrowLen  = 7.0
	arrowHalf = 3.5
	edgeW     = 1.2

	margin   = 20.0
	captionH = 40.0
)
