//go:build purego || !amd64

package gemm

func defaultKernels() *kernelSet { return genericKernels }

func availableKernels() []*kernelSet { return []*kernelSet{genericKernels} }
