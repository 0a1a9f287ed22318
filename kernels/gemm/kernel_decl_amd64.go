//go:build !purego && amd64

package gemm

// Declarations of the generated micro-kernels (kernel_*_amd64.s); see
// kfunc. Keep in step with asmgen: go vet's asmdecl check catches argument
// mismatches, the linker a declaration without a body.

//go:noescape
func kernAVX2_1(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX2_2(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX2_3(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX2_4(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX2_5(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX2_6(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_1(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_2(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_3(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_4(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_5(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_6(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_7(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_8(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_9(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_10(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_11(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_12(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_13(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_14(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_15(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_16(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_17(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_18(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_19(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_20(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_21(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_22(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_23(kc int, a, b, c *float32, ldc int, p *tileArgs)

//go:noescape
func kernAVX512_24(kc int, a, b, c *float32, ldc int, p *tileArgs)
