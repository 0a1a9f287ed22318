package data

import (
	"context"
	"slices"
	"testing"
)

// TestAugmentedLoaderIsDeterministic: with augmentation on, an epoch's
// batches depend only on (seed, epoch): not on the number of workers, the
// prefetch depth, the cache, or the batch a resumed epoch starts from.
func TestAugmentedLoaderIsDeterministic(t *testing.T) {
	s := embeddedSet(t).Train
	aug := Augment{ResizedCrop: true, Scale: DefaultScale, Ratio: DefaultRatio, CropPadding: 2, HFlip: 0.5}
	base := LoaderConfig{Height: 32, Width: 32, BatchSize: 50, Shuffle: true, Seed: 7, Limit: 300, Augment: aug}
	ref := collect(t, newLoader(t, s, base), 1, 0)
	for _, tweak := range []func(*LoaderConfig){
		func(c *LoaderConfig) { c.Workers = 2 },
		func(c *LoaderConfig) { c.Workers = 3; c.Prefetch = 1 },
		func(c *LoaderConfig) { c.CacheBytes = -1 },
	} {
		cfg := base
		tweak(&cfg)
		got := collect(t, newLoader(t, s, cfg), 1, 0)
		for i := range ref {
			if !slices.Equal(got[i].X, ref[i].X) || !slices.Equal(got[i].Y, ref[i].Y) {
				t.Fatalf("%+v: batch %d differs from the single-worker run", cfg, i)
			}
		}
	}
	resumed := collect(t, newLoader(t, s, base), 1, 4)
	for i, b := range resumed {
		if !slices.Equal(b.X, ref[4+i].X) {
			t.Fatalf("resumed at batch 4: batch %d differs", 4+i)
		}
	}
	other := collect(t, newLoader(t, s, base), 2, 0)
	if slices.Equal(other[0].X, ref[0].X) {
		t.Error("epochs 1 and 2 give the same augmented batch")
	}
}

// TestLoaderFlipAndNormalize: a flip with p = 1 mirrors every image of the
// unaugmented batch, and normalization maps x to (x − mean)/std afterwards.
func TestLoaderFlipAndNormalize(t *testing.T) {
	s := embeddedSet(t).Test
	plain := collect(t, newLoader(t, s, LoaderConfig{BatchSize: 20, Limit: 40}), 0, 0)
	mean, std := []float32{0.25}, []float32{0.5}
	flipped := collect(t, newLoader(t, s, LoaderConfig{BatchSize: 20, Limit: 40, Augment: Augment{HFlip: 1}, Mean: mean, Std: std}), 0, 0)
	for i := range plain {
		for k := range plain[i].N {
			for y := range 28 {
				for x := range 28 {
					want := (plain[i].X[k*784+y*28+27-x] - 0.25) / 0.5
					if got := flipped[i].X[k*784+y*28+x]; got != want {
						t.Fatalf("batch %d image %d (%d,%d): %v, want %v", i, k, y, x, got, want)
					}
				}
			}
		}
	}
}

// TestLoaderThreeChannels serves RGB images plane by plane: each plane is
// ResizeBytesGeneric's output on that plane of the source.
func TestLoaderThreeChannels(t *testing.T) {
	g := embeddedSet(t).Test
	s := &Split{N: 4, Height: 28, Width: 28, Channels: 3, Labels: g.Labels[:4]}
	for i := range 4 {
		s.Images = append(s.Images, g.Image(i)...)
		s.Images = append(s.Images, g.Image(i+4)...)
		s.Images = append(s.Images, g.Image(i+8)...)
	}
	b := collect(t, newLoader(t, s, LoaderConfig{Height: 40, Width: 36, BatchSize: 4}), 0, 0)[0]
	r, _ := NewResizer(28, 28, 40, 36)
	want := make([]float32, 40*36)
	for i := range 4 {
		for c := range 3 {
			r.ResizeBytesGeneric(want, g.Image(i+4*c))
			if got := b.X[(i*3+c)*1440 : (i*3+c+1)*1440]; !slices.Equal(got, want) {
				t.Fatalf("image %d plane %d differs from the resized source plane", i, c)
			}
		}
	}
	if _, err := NewLoader(s, LoaderConfig{BatchSize: 4, Mean: []float32{0.5}, Std: []float32{0.5}}); err == nil {
		t.Error("one mean for three channels: no error")
	}
}

// BenchmarkLoaderAugment times one epoch of 2,000 training images at 96×96 (ResNet's
// input on Fashion-MNIST) without and with every augmentation, on 1 and 2 workers.
func BenchmarkLoaderAugment(b *testing.B) {
	s := embeddedSet(b).Train
	all := Augment{ResizedCrop: true, Scale: DefaultScale, Ratio: DefaultRatio, CropPadding: 4, HFlip: 0.5}
	for _, bc := range []struct {
		name    string
		aug     Augment
		workers int
	}{{"none", Augment{}, 1}, {"all/1worker", all, 1}, {"all/2workers", all, 2}} {
		b.Run(bc.name, func(b *testing.B) {
			l, err := NewLoader(s, LoaderConfig{Height: 96, Width: 96, BatchSize: 128, Shuffle: true, Limit: 2000, Augment: bc.aug, Workers: bc.workers})
			if err != nil {
				b.Fatal(err)
			}
			epoch := 0
			for b.Loop() {
				e, _ := l.Epoch(context.Background(), epoch)
				for _, ok := e.Next(); ok; _, ok = e.Next() {
				}
				e.Close()
				epoch++
			}
			b.ReportMetric(float64(2000*b.N)/b.Elapsed().Seconds(), "img/s")
		})
	}
}
