package data

import (
	"encoding/binary"
	"math/rand/v2"
	"sync"
)

// worker holds what one goroutine needs to prepare images: augmentation
// scratch and its own random stream.
type worker struct {
	aug   *augmenter // nil without augmentation
	draws imageDraws
}

func newWorker(cfg Augment, c, h, w int) *worker {
	wk := &worker{}
	if cfg.Active() {
		wk.aug = newAugmenter(cfg, c, h, w)
		wk.draws.src = rand.NewChaCha8([32]byte{})
		wk.draws.rng = rand.New(wk.draws.src)
	}
	return wk
}

// fillRange prepares images [from, to) of batch b, splitting them between
// the workers given; each image depends only on (seed, epoch, its position
// in the epoch), so the split changes nothing in the result.
func (l *Loader) fillRange(workers []*worker, b *Batch, epoch, first, from, to int) {
	if len(workers) > 1 && to-from > 1 {
		mid := from + (to-from)/2
		half := len(workers) / 2
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.fillRange(workers[half:], b, epoch, first, mid, to)
		}()
		l.fillRange(workers[:half], b, epoch, first, from, mid)
		wg.Wait()
		return
	}
	wk := workers[0]
	for k := from; k < to; k++ {
		img := l.order[first+k]
		dst := b.X[k*l.size : (k+1)*l.size]
		if l.cache == nil {
			l.resizeImage(dst, int(img))
		} else {
			cached := l.cache[int(img)*l.size : (int(img)+1)*l.size]
			if !l.cached[img] {
				l.resizeImage(cached, int(img))
				l.cached[img] = true
			}
			copy(dst, cached)
		}
		if wk.aug != nil {
			wk.draws.reset(l.cfg.Seed, epoch, first+k)
			wk.aug.apply(dst, &wk.draws)
		}
		NormalizePlanes(dst, l.cfg.Mean, l.cfg.Std)
		b.Y[k] = int32(l.split.Labels[img])
	}
}

// resizeImage resizes every plane of image i into dst with the rounding
// F.interpolate has for an image of that many channels.
func (l *Loader) resizeImage(dst []float32, i int) {
	c, hw := l.split.C(), l.cfg.Height*l.cfg.Width
	src, shw := l.split.Image(i), l.split.Height*l.split.Width
	if c == 1 {
		l.resizer.ResizeBytes(dst, src)
		return
	}
	for ch := range c {
		l.resizer.ResizeBytesGeneric(dst[ch*hw:(ch+1)*hw], src[ch*shw:(ch+1)*shw])
	}
}

// imageDraws is the augmentations' random stream for one image: ChaCha8
// keyed by (seed, epoch, position in the epoch), so a resumed run, any
// number of workers and any prefetch depth draw the same values.
type imageDraws struct {
	src *rand.ChaCha8
	rng *rand.Rand
}

func (d *imageDraws) reset(seed uint64, epoch, position int) {
	var key [32]byte
	copy(key[:8], "netc/aug")
	binary.LittleEndian.PutUint64(key[8:], seed)
	binary.LittleEndian.PutUint64(key[16:], uint64(epoch))
	binary.LittleEndian.PutUint64(key[24:], uint64(position))
	d.src.Seed(key)
}

// Uniform is torch's uniform_ on a float32 tensor: lo + u·(hi − lo) in float32.
func (d *imageDraws) Uniform(lo, hi float64) float64 {
	u := float32(d.rng.Uint32()>>8) / (1 << 24)
	return float64(u*(float32(hi)-float32(lo)) + float32(lo))
}

func (d *imageDraws) IntN(n int) int { return d.rng.IntN(n) }

// Float is a float32 in [0, 1) with 24 random bits, as torch.rand draws.
func (d *imageDraws) Float() float64 { return float64(float32(d.rng.Uint32()>>8) / (1 << 24)) }
