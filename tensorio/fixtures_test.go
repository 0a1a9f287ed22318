package tensorio

import (
	"math"
	"slices"
)

// The expectations below mirror tools/tensorio_fixture.py, which wrote the
// files in testdata with NumPy and by hand to the safetensors spec.

// pattern is the fixture script's pattern(): ((i·37) mod 101 − 50) / 8,
// exact in float32.
func pattern(shape ...int) Tensor {
	n := 1
	for _, d := range shape {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = float32((i*37)%101-50) / 8
	}
	return Tensor{Shape: slices.Clone(shape), Data: data}
}

func named(name string, t Tensor) Tensor {
	t.Name = name
	return t
}

// fixtureTensors are the tensors of testdata/numpy.safetensors.
func fixtureTensors() []Tensor {
	return []Tensor{
		named("b3.inception1.p2.conv2.weight", pattern(4, 3, 1, 1)),
		named("b3.inception1.p2.conv2.bias", pattern(4)),
		named("fc.weight", pattern(2, 5)),
		named("scalar", pattern()),
		named("empty", pattern(0, 3)),
	}
}

var fixtureMetadata = map[string]string{
	"format": "pt", "netc.spec": "googlenet", "note": "Zürich \"quoted\"\tand tabbed",
}

// special is the fixture script's special(): float32 edge values.
func special() Tensor {
	t := Tensor{Shape: []int{2, 3, 4}, Data: make([]float32, 24)}
	for i := range t.Data {
		t.Data[i] = float32(i)*0.1 - 1
	}
	copy(t.Data, []float32{float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.Copysign(0, -1)),
		math.SmallestNonzeroFloat32, math.MaxFloat32, float32(math.NaN())})
	return t
}

// sameBits compares float32 slices bit for bit (NaN equals NaN, −0 ≠ +0).
func sameBits(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) })
}
