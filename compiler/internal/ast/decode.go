package ast

import (
	"fmt"
	"unicode/utf8"

	"github.com/netc/netc/compiler/internal/diag"
	"github.com/netc/netc/compiler/internal/expr"
	"github.com/netc/netc/compiler/internal/load"
)

// NotExpressions lists attributes whose string values are words, not expressions.
var NotExpressions = map[string]bool{"act": true}

// Decode builds the typed spec from a document the schema has accepted.
func Decode(d *load.Doc) (*Spec, diag.List) {
	dec := &decoder{doc: d}
	s := dec.spec(d.Root)
	return s, dec.errs
}

type decoder struct {
	doc  *load.Doc
	errs diag.List
}

func (d *decoder) errorf(pos diag.Pos, path, format string, args ...any) {
	d.errs.Add(pos, d.doc.DisplayPath(path), format, args...)
}

func (d *decoder) spec(root *load.Node) *Spec {
	s := &Spec{Doc: d.doc, Blocks: map[string]*Block{}}
	if n := root.Get("name"); n != nil {
		s.Name = n.Str
	}
	if n := root.Get("description"); n != nil {
		s.Description = n.Str
	}
	if in := root.Get("input"); in != nil {
		s.InputPos = in.KeyPos
		for i, k := range []string{"channels", "height", "width"} {
			if v := in.Get(k); v != nil {
				s.Input[i] = int(v.Int)
			}
		}
	}
	if n := root.Get("classes"); n != nil {
		s.Classes, s.ClassesPos = int(n.Int), n.KeyPos
	}
	s.Params = d.params(root.Get("params"))
	s.Layers = d.layers(root.Get("layers"))
	if blocks := root.Get("blocks"); blocks != nil {
		for _, name := range blocks.Keys {
			b := d.block(name, blocks.Fields[name])
			s.Blocks[name] = b
			s.BlockOrder = append(s.BlockOrder, name)
		}
	}
	if t := root.Get("train"); t != nil {
		s.Train = d.train(t)
	}
	if t := root.Get("data"); t != nil {
		s.Data = d.data(t)
	}
	return s
}

func (d *decoder) params(n *load.Node) []*Param {
	if n == nil {
		return nil
	}
	var out []*Param
	for _, k := range n.Keys {
		v := n.Fields[k]
		p := &Param{Name: k, Pos: v.KeyPos}
		switch v.Kind {
		case load.Integer:
			p.Value = expr.IntVal(v.Int)
		case load.Array:
			var l []int64
			for _, e := range v.Items {
				l = append(l, e.Int)
			}
			p.Value = expr.ListVal(l)
		}
		if k == "in" || k == "i" {
			d.errorf(v.KeyPos, v.Path, "%q is reserved (in is the incoming shape, i the repetition index); choose another name", k)
		}
		out = append(out, p)
	}
	return out
}

func (d *decoder) block(name string, n *load.Node) *Block {
	b := &Block{Name: name, Pos: n.KeyPos}
	b.Params = d.params(n.Get("params"))
	b.Layers = d.layers(n.Get("layers"))
	if m := n.Get("merge"); m != nil {
		b.Merge = m.Str
	}
	b.After = d.layers(n.Get("after"))
	if br := n.Get("branches"); br != nil {
		for _, bn := range br.Keys {
			v := br.Fields[bn]
			branch := &Branch{Name: bn, Pos: v.KeyPos}
			list := v
			if v.Kind == load.Table {
				if c := v.Get("if"); c != nil {
					branch.If = d.arg("if", c, false)
				}
				list = v.Get("layers")
			}
			branch.Layers = d.layers(list)
			b.Branches = append(b.Branches, branch)
		}
	}
	return b
}

func (d *decoder) layers(n *load.Node) []*Layer {
	if n == nil {
		return nil
	}
	out := make([]*Layer, 0, len(n.Items))
	for _, item := range n.Items {
		out = append(out, d.layer(item))
	}
	return out
}

func (d *decoder) layer(n *load.Node) *Layer {
	l := &Layer{Pos: n.Pos, Path: n.Path}
	for _, k := range n.Keys {
		v := n.Fields[k]
		switch k {
		case "op":
			l.Op = v.Str
		case "use":
			l.Use, l.UsePos = v.Str, v.Pos
		case "name":
			l.Name = v.Str
		case "if":
			l.If = d.arg(k, v, false)
		case "repeat":
			l.Repeat = d.arg(k, v, false)
		case "for":
			l.For = []*ForItem{}
			for _, it := range v.Items {
				fi := &ForItem{Pos: it.Pos}
				for _, fk := range it.Keys {
					fi.Args = append(fi.Args, d.arg(fk, it.Fields[fk], NotExpressions[fk]))
				}
				l.For = append(l.For, fi)
			}
		default:
			l.Args = append(l.Args, d.arg(k, v, NotExpressions[k]))
		}
	}
	return l
}

// arg records a value, parsing string values as expressions unless they are words.
func (d *decoder) arg(key string, v *load.Node, word bool) *Arg {
	a := &Arg{Key: key, KeyPos: v.KeyPos, Node: v}
	switch v.Kind {
	case load.String:
		if !word {
			a.Expr = d.parseExpr(v)
		}
	case load.Array:
		for _, e := range v.Items {
			a.Items = append(a.Items, d.arg(key, e, word))
		}
	}
	return a
}

func (d *decoder) parseExpr(v *load.Node) *expr.Expr {
	e, err := expr.Parse(v.Str)
	if err != nil {
		d.errs.Add(ExprPos(v, err.Offset), d.doc.DisplayPath(v.Path), "%s: %s", diag.Quote(v.Str), err.Msg)
		return nil
	}
	return e
}

// ExprPos is the position of a byte offset inside a string value: one past the opening
// quote. Exact for the usual one-line strings without escapes.
func ExprPos(v *load.Node, offset int) diag.Pos {
	p := v.Pos
	if offset > len(v.Str) {
		offset = len(v.Str)
	}
	if offset < 0 {
		offset = 0
	}
	p.Col += 1 + utf8.RuneCountInString(v.Str[:offset])
	return p
}

func (d *decoder) train(n *load.Node) *Train {
	t := &Train{Pos: n.KeyPos, Init: "xavier"}
	num := func(k string) float64 {
		if v := n.Get(k); v != nil {
			if v.Kind == load.Integer {
				return float64(v.Int)
			}
			return v.Float
		}
		return 0
	}
	t.LR, t.Momentum, t.WeightDecay = num("lr"), num("momentum"), num("weight_decay")
	if v := n.Get("epochs"); v != nil {
		t.Epochs = int(v.Int)
	}
	if v := n.Get("batch"); v != nil {
		t.Batch = int(v.Int)
	}
	if v := n.Get("init"); v != nil {
		t.Init = v.Str
	}
	if v := n.Get("seed"); v != nil {
		t.Seed = v.Int
	}
	t.Optim = decodeTrainOptim(n)
	if t.Optim.Optimizer == "adamw" && n.Get("weight_decay") == nil {
		t.WeightDecay = 0.01 // torch.optim.AdamW's default
	}
	return t
}

// String renders an arg's value as written, for messages.
func (a *Arg) String() string {
	switch a.Node.Kind {
	case load.String:
		return diag.Quote(a.Node.Str)
	case load.Integer:
		return fmt.Sprint(a.Node.Int)
	case load.Float:
		return fmt.Sprint(a.Node.Float)
	case load.Bool:
		return fmt.Sprint(a.Node.Bool)
	}
	s := "["
	for i, it := range a.Items {
		if i > 0 {
			s += ", "
		}
		if len(s) > diag.MaxQuote {
			return s + fmt.Sprintf("… (%d elements)]", len(a.Items))
		}
		s += it.String()
	}
	return s + "]"
}
