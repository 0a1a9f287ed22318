//go:build purego || !amd64

package kernels

// Without the vector transforms (purego builds, other CPUs) the Go
// transforms of winograd_tile.go do all the tiles.

var haveWinoVec = false

func (b *winoBand) winoInputVec(row int, dst []float32, stride, n int) {
	panic("kernels: no vector Winograd transforms in this build")
}

func (s *winoScratch) winoOutputVec(src []float32, stride, n int, bias float32, relu bool) {
	panic("kernels: no vector Winograd transforms in this build")
}

func (b *winoGradRows) winoGradOutVec(dst []float32, stride, n int) {
	panic("kernels: no vector Winograd transforms in this build")
}
