package kernels

// Linear as PyTorch's nn.Linear: y[n][out] = x[n][in] Wᵀ + b with the weight
// stored [out][in]. A flattened NCHW activation is already [n][in].

// LinearForward computes y = x Wᵀ + b. b may be nil.
func LinearForward(n, in, out int, x, w, b, y []float32) {
	need("linear x", x, n*in)
	need("linear w", w, out*in)
	need("linear y", y, n*out)
	var beta float32
	if b != nil {
		need("linear b", b, out)
		for i := 0; i < n; i++ {
			copy(y[i*out:(i+1)*out], b[:out])
		}
		beta = 1
	}
	Sgemm(false, true, n, out, in, 1, x, in, w, in, beta, y, out)
}

// LinearBackwardData computes dx = dy W (adding into dx when accumulate).
func LinearBackwardData(n, in, out int, w, dy, dx []float32, accumulate bool) {
	need("linear w", w, out*in)
	need("linear dy", dy, n*out)
	need("linear dx", dx, n*in)
	var beta float32
	if accumulate {
		beta = 1
	}
	Sgemm(false, false, n, in, out, 1, dy, out, w, in, beta, dx, in)
}

// LinearBackwardParams computes dw = dyᵀ x and db = Σ_n dy (both
// overwritten). db may be nil.
func LinearBackwardParams(n, in, out int, x, dy, dw, db []float32) {
	need("linear x", x, n*in)
	need("linear dy", dy, n*out)
	need("linear dw", dw, out*in)
	Sgemm(true, false, out, in, n, 1, dy, out, x, in, 0, dw, in)
	if db != nil {
		need("linear db", db, out)
		for j := 0; j < out; j++ {
			var s float64
			for i := 0; i < n; i++ {
				s += float64(dy[i*out+j])
			}
			db[j] = float32(s)
		}
	}
}
