package tensorio

import (
	"path/filepath"
	"testing"
)

// BenchmarkReadWrite64MB measures a checkpoint-sized round trip (16M floats).
func BenchmarkReadWrite64MB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.safetensors")
	big := Tensor{Name: "w", Shape: []int{4096, 4096}, Data: make([]float32, 4096*4096)}
	b.SetBytes(4 * int64(len(big.Data)))
	for b.Loop() {
		if err := WriteFile(path, []Tensor{big}, nil); err != nil {
			b.Fatal(err)
		}
		if _, _, err := ReadFile(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead64MB measures reading alone (the page cache holds the file).
func BenchmarkRead64MB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.safetensors")
	big := Tensor{Name: "w", Shape: []int{4096, 4096}, Data: make([]float32, 4096*4096)}
	if err := WriteFile(path, []Tensor{big}, nil); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(4 * int64(len(big.Data)))
	for b.Loop() {
		if _, _, err := ReadFile(path); err != nil {
			b.Fatal(err)
		}
	}
}
