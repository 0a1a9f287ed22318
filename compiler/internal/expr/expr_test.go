package expr

import (
	"math"
	"strings"
	"testing"
)

var env = MapEnv{
	"c":     IntVal(64),
	"ratio": IntVal(4),
	"s":     IntVal(2),
	"c2":    ListVal([]int64{96, 128}),
	"in":    ShapeVal([]int64{192, 12, 10}),
	"flat":  ShapeVal([]int64{256}),
	"big":   IntVal(math.MaxInt64),
	"small": IntVal(math.MinInt64),
}

// Expected values are worked out by hand; floor division and modulo follow Python
// (-7 // 2 == -4, -7 % 2 == 1).
func TestEval(t *testing.T) {
	cases := []struct {
		src  string
		want Value
	}{
		{"42", IntVal(42)},
		{"1_000", IntVal(1000)},
		{"c // ratio", IntVal(16)},
		{"c // 3", IntVal(21)},
		{"-7 // 2", IntVal(-4)},
		{"-7 % 2", IntVal(1)},
		{"7 % -2", IntVal(-1)},
		{"7 // -2", IntVal(-4)},
		{"2 + 3 * 4", IntVal(14)},
		{"(2 + 3) * 4", IntVal(20)},
		{"10 - 4 - 3", IntVal(3)},
		{"2 * 3 // 4", IntVal(1)},
		{"-c", IntVal(-64)},
		{"--c", IntVal(64)},
		{"in.c // 2", IntVal(96)},
		{"in.h * in.w", IntVal(120)},
		{"flat.c", IntVal(256)},
		{"c2[0] + c2[1]", IntVal(224)},
		{"c2[s - 1]", IntVal(128)},
		{"len(c2)", IntVal(2)},
		{"min(c, 8, 100)", IntVal(8)},
		{"max(1, c // ratio)", IntVal(16)},
		{"s > 1 || in.c != c", BoolVal(true)},
		{"s > 1 && in.c == c", BoolVal(false)},
		{"s == 2 and not (c < 10)", BoolVal(true)},
		{"!true || false", BoolVal(false)},
		{"s == 2 ? 3 : 1", IntVal(3)},
		{"s == 1 ? 3 : s == 2 ? 5 : 7", IntVal(5)},
		{"c >= 64", BoolVal(true)},
		{"c <= 63", BoolVal(false)},
		// Short-circuit: the right side would divide by zero.
		{"true || 1 // 0 == 0", BoolVal(true)},
		{"false && 1 // 0 == 0", BoolVal(false)},
		// Numbers: '/' always divides into one; ints meet floats as floats.
		{"c / 2", FloatVal(32)},
		{"7 / 2", FloatVal(3.5)},
		{"0.2 * (3 + 1) / 16", FloatVal(0.05)},
		{"1e-6", FloatVal(1e-6)},
		{"2.5E+1", FloatVal(25)},
		{"-0.5 + 1", FloatVal(0.5)},
		{"max(0.5, 1)", IntVal(1)},
		{"min(0.5, 1)", FloatVal(0.5)},
		{"c / 2 == 32", BoolVal(true)},
		{"0.1 < 1", BoolVal(true)},
	}
	for _, c := range cases {
		e, err := Parse(c.src)
		if err != nil {
			t.Errorf("%q: parse error at %d: %s", c.src, err.Offset, err.Msg)
			continue
		}
		got, verr := e.Eval(env)
		if verr != nil {
			t.Errorf("%q: %s", c.src, verr.Msg)
			continue
		}
		if got.Kind != c.want.Kind || got.I != c.want.I || got.B != c.want.B || got.F != c.want.F {
			t.Errorf("%q = %v, want %v", c.src, got, c.want)
		}
	}
}

// Errors carry the byte offset of the offending token; offsets counted by hand.
func TestErrors(t *testing.T) {
	cases := []struct {
		src    string
		offset int
		msg    string
	}{
		{"1 / 0", 2, "division by zero"},
		{"c // 0.5", 2, "takes integers"},
		{"1e308 * 10", 6, "not a finite number"},
		{"c2 / 2", 3, "needs numbers"},
		{"c // 0", 2, "division by zero"},
		{"c % 0", 2, "division by zero"},
		{"big + 1", 4, "overflow"},
		{"small - 1", 6, "overflow"},
		{"big * 2", 4, "overflow"},
		{"-small", 0, "overflow"},
		{"small // -1", 6, "overflow"},
		{"99999999999999999999", 0, "out of range"},
		{"ratoi + 1", 0, `did you mean "ratio"`},
		{"in.x", 3, "fields c, h and w"},
		{"flat.h", 5, "flat"},
		{"c2[2]", 3, "out of range"},
		{"c[0]", 1, "only lists"},
		{"(c", 2, `expected ")"`},
		{"c +", 3, "end of the expression"},
		{"c = 2", 2, "write '=='"},
		{"c & 1", 2, "write '&&'"},
		{"c | 1", 2, "write '||'"},
		{"1 < c < 3", 6, "do not chain"},
		{"s ? 1 : 2", 2, "must be true or false"},
		{"c || true", 2, "conditions"},
		{"!c", 0, "needs a condition"},
		{"c2 == c2", 3, "compare"},
		{"c == true", 2, "cannot compare"},
		{"sqrt(c)", 0, "unknown function"},
		{"mni(c, 1)", 0, `did you mean "min"`},
		{"c $ 2", 2, "unexpected character"},
		{"", 0, "expected a value"},
		{strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100), 64, "nested more than"},
	}
	for _, c := range cases {
		e, perr := Parse(c.src)
		var err *Error
		if perr != nil {
			err = perr
		} else {
			_, err = e.Eval(env)
		}
		if err == nil {
			t.Errorf("%q: no error, want %q", c.src, c.msg)
			continue
		}
		if err.Offset != c.offset || !strings.Contains(err.Msg, c.msg) {
			t.Errorf("%q: error at %d %q, want at %d containing %q", c.src, err.Offset, err.Msg, c.offset, c.msg)
		}
	}
}

// An integer attribute given a division into a number says how to floor-divide.
func TestEvalIntRefusesNumbers(t *testing.T) {
	e, perr := Parse("c / 2")
	if perr != nil {
		t.Fatal(perr.Msg)
	}
	if _, err := e.EvalInt(env); err == nil || !strings.Contains(err.Msg, "'//' is floor division") {
		t.Errorf("EvalInt(c / 2): %v, want a hint at '//'", err)
	}
}

func TestNames(t *testing.T) {
	e, err := Parse("max(c // ratio, in.c) + c2[i]")
	if err != nil {
		t.Fatal(err.Msg)
	}
	var got []string
	for _, r := range e.Names() {
		got = append(got, r.Name)
	}
	if strings.Join(got, ",") != "c,ratio,in,c2,i" {
		t.Errorf("names %v", got)
	}
	if refs := e.Names(); refs[1].Offset != 9 {
		t.Errorf("offset of ratio = %d, want 9", refs[1].Offset)
	}
}

func FuzzParseEval(f *testing.F) {
	for _, s := range []string{"c // ratio", "in.c != c ? 1 : s", "max(1, c2[0]) % 7", "-(-(-c))"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			if err.Offset < 0 || err.Offset > len(src) {
				t.Fatalf("offset %d outside %q", err.Offset, src)
			}
			return
		}
		if _, err := e.Eval(env); err != nil && (err.Offset < 0 || err.Offset > len(src)) {
			t.Fatalf("offset %d outside %q", err.Offset, src)
		}
	})
}
