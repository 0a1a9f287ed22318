package expr

import (
	"fmt"
	"math"
	"strconv"

	"github.com/netc/netc/compiler/internal/diag"
)

// Grammar, loosest binding first (C-like, with Python's // and word forms of the logic
// operators for readers who think in Python):
//
//	expr    = or [ "?" expr ":" expr ]
//	or      = and { ("||" | "or") and }
//	and     = not { ("&&" | "and") not }
//	not     = ("!" | "not") not | cmp
//	cmp     = sum [ ("<" | "<=" | ">" | ">=" | "==" | "!=") sum ]
//	sum     = term { ("+" | "-") term }
//	term    = unary { ("*" | "/" | "//" | "%") unary }
//	unary   = "-" unary | postfix
//	postfix = primary { "[" expr "]" | "." name }
//	primary = integer | number | "true" | "false" | name | name "(" args ")" | "(" expr ")"

// maxNesting bounds recursion in the parser: expressions in specs are a line long.
const maxNesting = 64

// Expr is a parsed expression.
type Expr struct {
	Src  string
	root node
}

// Parse parses src. The returned error carries the offset of the offending token.
func Parse(src string) (*Expr, *Error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	root, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, &Error{t.off, fmt.Sprintf("unexpected %s after the end of the expression", t)}
	}
	return &Expr{Src: src, root: root}, nil
}

// NameRef is a name an expression refers to, with its byte offset in the source.
type NameRef struct {
	Name   string
	Offset int
}

// Names returns the free names the expression refers to (not function names), in order.
func (e *Expr) Names() []NameRef {
	var out []NameRef
	var walk func(n node)
	walk = func(n node) {
		switch n := n.(type) {
		case *nameNode:
			out = append(out, NameRef{n.name, n.off})
		case *unaryNode:
			walk(n.x)
		case *binaryNode:
			walk(n.x)
			walk(n.y)
		case *condNode:
			walk(n.cond)
			walk(n.then)
			walk(n.els)
		case *indexNode:
			walk(n.x)
			walk(n.index)
		case *fieldNode:
			walk(n.x)
		case *callNode:
			for _, a := range n.args {
				walk(a)
			}
		}
	}
	walk(e.root)
	return out
}

type parser struct {
	toks  []token
	pos   int
	depth int
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) advance() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) accept(ops ...string) (token, bool) {
	t := p.peek()
	if t.kind == tOp || t.kind == tName {
		for _, op := range ops {
			if t.text == op {
				return p.advance(), true
			}
		}
	}
	return t, false
}

func (p *parser) expect(op string) *Error {
	if _, ok := p.accept(op); !ok {
		t := p.peek()
		return &Error{t.off, fmt.Sprintf("expected %q, found %s", op, t)}
	}
	return nil
}

func (p *parser) enter() *Error {
	p.depth++
	if p.depth > maxNesting {
		return &Error{p.peek().off, fmt.Sprintf("expression nested more than %d levels deep", maxNesting)}
	}
	return nil
}

func (p *parser) expr() (node, *Error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	cond, err := p.or()
	if err != nil {
		return nil, err
	}
	q, ok := p.accept("?")
	if !ok {
		return cond, nil
	}
	then, err := p.expr()
	if err != nil {
		return nil, err
	}
	if err := p.expect(":"); err != nil {
		return nil, err
	}
	els, err := p.expr()
	if err != nil {
		return nil, err
	}
	return &condNode{off: q.off, cond: cond, then: then, els: els}, nil
}

func (p *parser) binaryLevel(next func() (node, *Error), ops ...string) (node, *Error) {
	x, err := next()
	if err != nil {
		return nil, err
	}
	for {
		t, ok := p.accept(ops...)
		if !ok {
			return x, nil
		}
		y, err := next()
		if err != nil {
			return nil, err
		}
		x = &binaryNode{off: t.off, op: canonical(t.text), x: x, y: y}
	}
}

// canonical maps the word forms of the logic operators to their symbols.
func canonical(op string) string {
	switch op {
	case "or":
		return "||"
	case "and":
		return "&&"
	case "not":
		return "!"
	}
	return op
}

func (p *parser) or() (node, *Error)  { return p.binaryLevel(p.and, "||", "or") }
func (p *parser) and() (node, *Error) { return p.binaryLevel(p.not, "&&", "and") }

func (p *parser) not() (node, *Error) {
	if t, ok := p.accept("!", "not"); ok {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return &unaryNode{off: t.off, op: "!", x: x}, nil
	}
	return p.cmp()
}

func (p *parser) cmp() (node, *Error) {
	x, err := p.sum()
	if err != nil {
		return nil, err
	}
	t, ok := p.accept("<", "<=", ">", ">=", "==", "!=")
	if !ok {
		return x, nil
	}
	y, err := p.sum()
	if err != nil {
		return nil, err
	}
	if t2, ok := p.accept("<", "<=", ">", ">=", "==", "!="); ok {
		return nil, &Error{t2.off, "comparisons do not chain; write a < b && b < c"}
	}
	return &binaryNode{off: t.off, op: t.text, x: x, y: y}, nil
}

func (p *parser) sum() (node, *Error) { return p.binaryLevel(p.term, "+", "-") }

func (p *parser) term() (node, *Error) { return p.binaryLevel(p.unary, "*", "/", "//", "%") }

func (p *parser) unary() (node, *Error) {
	if t, ok := p.accept("-"); ok {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &unaryNode{off: t.off, op: "-", x: x}, nil
	}
	return p.postfix()
}

func (p *parser) postfix() (node, *Error) {
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		if t, ok := p.accept("["); ok {
			idx, err := p.expr()
			if err != nil {
				return nil, err
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			x = &indexNode{off: t.off, x: x, index: idx}
			continue
		}
		if _, ok := p.accept("."); ok {
			t := p.advance()
			if t.kind != tName {
				return nil, &Error{t.off, fmt.Sprintf("expected a field name after '.', found %s", t)}
			}
			x = &fieldNode{off: t.off, x: x, field: t.text}
			continue
		}
		return x, nil
	}
}

func (p *parser) primary() (node, *Error) {
	t := p.advance()
	switch t.kind {
	case tInt:
		v, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return nil, &Error{t.off, fmt.Sprintf("integer %s is out of range", t.text)}
		}
		return &litNode{off: t.off, v: IntVal(v)}, nil
	case tFloat:
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsInf(v, 0) {
			return nil, &Error{t.off, fmt.Sprintf("number %s is out of range", t.text)}
		}
		return &litNode{off: t.off, v: FloatVal(v)}, nil
	case tName:
		switch t.text {
		case "true", "false":
			return &litNode{off: t.off, v: BoolVal(t.text == "true")}, nil
		case "and", "or", "not":
			return nil, &Error{t.off, "expected a value, found " + diag.Quote(t.text)}
		}
		if _, ok := p.accept("("); ok {
			return p.call(t)
		}
		return &nameNode{off: t.off, name: t.text}, nil
	case tOp:
		if t.text == "(" {
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			return x, nil
		}
	}
	if t.kind == tEOF {
		return nil, &Error{t.off, "expected a value, found the end of the expression"}
	}
	return nil, &Error{t.off, fmt.Sprintf("expected a value, found %s", t)}
}

func (p *parser) call(name token) (node, *Error) {
	c := &callNode{off: name.off, fn: name.text}
	if _, ok := p.accept(")"); ok {
		return c, nil
	}
	for {
		a, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, a)
		if _, ok := p.accept(")"); ok {
			return c, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}
