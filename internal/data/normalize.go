package data

import (
	"fmt"
	"math"
)

// NormalizePlanes applies torchvision's Normalize to one C×H×W image in
// place: x ← (x − mean[c]) / std[c] in float32, c being the plane. Empty
// mean and std leave x as it is.
func NormalizePlanes(x []float32, mean, std []float32) {
	if len(mean) == 0 {
		return
	}
	plane := len(x) / len(mean)
	for c := range mean {
		m, s := mean[c], std[c]
		for i, v := range x[c*plane : (c+1)*plane] {
			x[c*plane+i] = (v - m) / s
		}
	}
}

// CheckNormalization rejects a mean and std that do not fit channels.
func CheckNormalization(mean, std []float64, channels int) error {
	if len(mean) == 0 && len(std) == 0 {
		return nil
	}
	if len(mean) != channels || len(std) != channels {
		return fmt.Errorf("normalization has %d means and %d standard deviations, expected %d of each (one per input channel)", len(mean), len(std), channels)
	}
	for c, s := range std {
		if !(s > 0) || math.IsInf(s, 0) || math.IsNaN(mean[c]) || math.IsInf(mean[c], 0) {
			return fmt.Errorf("channel %d: mean %v, std %v; expected finite values and std > 0", c, mean[c], s)
		}
	}
	return nil
}

// MeasureNormalization returns the mean and the (population) standard
// deviation of each channel of s's pixels scaled to [0,1], over every pixel
// of every image, summed exactly in integers.
func MeasureNormalization(s *Split) (mean, std []float64) {
	c, hw := s.C(), s.Height*s.Width
	sum := make([]uint64, c)
	sumSq := make([]uint64, c)
	for i := range s.N {
		img := s.Image(i)
		for ch := range c {
			for _, v := range img[ch*hw : (ch+1)*hw] {
				sum[ch] += uint64(v)
				sumSq[ch] += uint64(v) * uint64(v)
			}
		}
	}
	n := float64(s.N) * float64(hw)
	mean, std = make([]float64, c), make([]float64, c)
	for ch := range c {
		m := float64(sum[ch]) / n
		v := float64(sumSq[ch])/n - m*m
		mean[ch] = m / 255
		std[ch] = math.Sqrt(max(v, 0)) / 255
	}
	return mean, std
}
