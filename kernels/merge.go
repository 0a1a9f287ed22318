package kernels

import "math"

// Merges of parallel branches: elementwise add (residual connections) and
// channel concatenation (Inception, DenseNet). Both are called once per
// input, so any number of branches can be merged without a variadic call.
// The planner has each branch write straight into its channel slice of the
// concat output (strided views, see View and the geometries' XStride and
// YStride); where it cannot, the runner copies with the pass kernels here.
//
// All of them are elementwise tasks (see eltTask): large tensors are split
// across the kernel threads.

// AddForwardView computes y = a + b on strided views (see View); each operand
// has its own stride. y may be the same view as a or b.
func AddForwardView(a, b, y View) {
	a.check("add", "a", a.N, a.Len)
	b.check("add", "b", a.N, a.Len)
	y.check("add", "y", a.N, a.Len)
	if a.contiguous() && b.contiguous() && y.contiguous() {
		a, b, y = a.packed(), b.packed(), y.packed()
	}
	t := eltTask{op: eltAdd, a: a, b: b, c: y}
	t.run(eltGrain)
}

// AddReLUForwardView computes y = max(a + b, 0) on strided views in one pass:
// a residual add and the ReLU after it. y may be the same view as a or b.
func AddReLUForwardView(a, b, y View) {
	a.check("add+relu", "a", a.N, a.Len)
	b.check("add+relu", "b", a.N, a.Len)
	y.check("add+relu", "y", a.N, a.Len)
	if a.contiguous() && b.contiguous() && y.contiguous() {
		a, b, y = a.packed(), b.packed(), y.packed()
	}
	t := eltTask{op: eltAddReLU, a: a, b: b, c: y}
	t.run(eltGrain)
}

// AddReLUBackwardView is the backward of AddReLUForwardView for both inputs in one
// pass: g = dy*[y > 0] goes to da and to db (each = or += as its flag says), as the
// unfused ReLU backward followed by one AddBackwardView per input would, without
// writing g first. da may be the same view as dy (an add done in place on a: its
// gradient lives in dy's storage); db may not overlap either.
func AddReLUBackwardView(y, dy, da, db View, accA, accB bool) {
	y.check("add+relu", "y", y.N, y.Len)
	dy.check("add+relu", "dy", y.N, y.Len)
	da.check("add+relu", "da", y.N, y.Len)
	db.check("add+relu", "db", y.N, y.Len)
	if y.contiguous() && dy.contiguous() && da.contiguous() && db.contiguous() {
		y, dy, da, db = y.packed(), dy.packed(), da.packed(), db.packed()
	}
	t := eltTask{op: eltAddReLUBack, a: y, b: dy, c: da, d: db, acc: accA, accD: accB}
	t.run(eltGrain)
}

// AddBackwardView passes dy to one input's gradient (dx = dy, or dx += dy; once per
// input of the add) on strided views: dy has the add output's
// layout, dx the input's.
func AddBackwardView(dy, dx View, accumulate bool) {
	dy.check("add", "dy", dy.N, dy.Len)
	dx.check("add", "dx", dy.N, dy.Len)
	runPass(dy, dx, accumulate)
}

// runPass copies (or adds) src into dst, two views of the same shape.
func runPass(src, dst View, accumulate bool) {
	if src.contiguous() && dst.contiguous() {
		src, dst = src.packed(), dst.packed()
	}
	t := eltTask{op: eltPass, a: src, b: dst, acc: accumulate}
	t.run(eltGrain)
}

func addSpan(a, b, y []float32) {
	b, y = b[:len(a)], y[:len(a)]
	for i, v := range a {
		y[i] = v + b[i]
	}
}

func addReLUSpan(a, b, y []float32) {
	b, y = b[:len(a)], y[:len(a)]
	for i, v := range a {
		y[i] = max(v+b[i], 0) // as reluSpan: NaN stays NaN
	}
}

// addReLUBackSpan writes g = dy*[y > 0] to da and db (= or +=); da may be dy itself,
// so each element of dy is read before either write.
func addReLUBackSpan(y, dy, da, db []float32, accA, accB bool) {
	dy, da, db = dy[:len(y)], da[:len(y)], db[:len(y)]
	if !accA && !accB { // the usual case, without the branches in the loop
		for i, v := range y {
			g := math.Float32frombits(math.Float32bits(dy[i]) & openMask(v, reluHi))
			da[i], db[i] = g, g
		}
		return
	}
	for i, v := range y {
		g := math.Float32frombits(math.Float32bits(dy[i]) & openMask(v, reluHi))
		if accA {
			da[i] += g
		} else {
			da[i] = g
		}
		if accB {
			db[i] += g
		} else {
			db[i] = g
		}
	}
}

// passSpan is dst = src or dst += src.
func passSpan(src, dst []float32, acc bool) {
	if !acc {
		copy(dst, src)
		return
	}
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] += v
	}
}
