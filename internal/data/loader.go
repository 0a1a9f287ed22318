package data

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
)

// DefaultCacheBytes is the most memory a Loader spends on caching resized
// images (1.5 GiB): Fashion-MNIST's 60,000 training images fit at 28×28
// (188 MB) and 64×64 (983 MB), but not at 96×96 (2.2 GB) or 224×224, which
// are resized on the fly.
const DefaultCacheBytes = 3 << 29

// DefaultPrefetch is how many batches the background goroutine prepares ahead.
const DefaultPrefetch = 2

// LoaderConfig says how to serve one split.
type LoaderConfig struct {
	Height, Width int    // target image size; the split's own size when 0
	BatchSize     int    // > 0; the last batch may be smaller (drop_last=False)
	MinBatch      int    // > 1: a last batch of fewer images is left out (drop_last for that case only)
	Shuffle       bool   // reshuffle every epoch (training); false keeps dataset order (test)
	Seed          uint64 // with the epoch number, fixes each epoch's order
	Limit         int    // > 0: use only the first Limit images, before shuffling
	Prefetch      int    // batches prepared ahead; DefaultPrefetch when 0
	CacheBytes    int64  // cap on the resized-image cache; DefaultCacheBytes when 0, no cache when < 0

	Augment   Augment   // training-time augmentation after the resize; the zero value is none
	Mean, Std []float32 // per-channel normalization after augmentation; none when empty
	Workers   int       // goroutines that fill a batch; 1 when 0 (results do not depend on it)
}

// Batch is one mini-batch. Its slices belong to the Loader and stay valid
// only until the next call to Epoch.Next or Epoch.Close.
type Batch struct {
	X     []float32 // N×C×Height×Width, values in [0,1] unless normalized
	Y     []int32   // N labels
	N     int       // images in this batch (BatchSize, or fewer for the last)
	Index int       // batch number within the epoch
	Epoch int
}

// Loader turns a Split into batches: resized, shuffled per epoch, prepared
// by a background goroutine in a small ring of reused buffers, so that after
// warm-up neither side allocates. One epoch may be open at a time, and a
// Loader and its Epochs are used from one goroutine (the training loop).
type Loader struct {
	split   *Split
	cfg     LoaderConfig
	n       int // images served: the split's size or the limit
	resizer *Resizer
	size    int         // values per image: C×Height×Width
	workers []*worker   // per-goroutine augmentation state
	order   []int32     // this epoch's image order; written only by Epoch
	free    chan *Batch // the ring: buffers not held by producer or consumer
	cache   []float32   // n resized images, or nil
	cached  []bool      // which cache entries are filled (lazily, by the producer)
	open    bool        // an Epoch is running
}

// NewLoader checks cfg against the split and allocates the buffer ring.
func NewLoader(split *Split, cfg LoaderConfig) (*Loader, error) {
	if cfg.Height == 0 && cfg.Width == 0 {
		cfg.Height, cfg.Width = split.Height, split.Width
	}
	if cfg.BatchSize <= 0 {
		return nil, fmt.Errorf("batch size %d, expected > 0", cfg.BatchSize)
	}
	if cfg.Limit < 0 {
		return nil, fmt.Errorf("limit %d, expected ≥ 0", cfg.Limit)
	}
	if cfg.Prefetch == 0 {
		cfg.Prefetch = DefaultPrefetch
	}
	if cfg.Prefetch < 0 {
		return nil, fmt.Errorf("prefetch %d, expected ≥ 0", cfg.Prefetch)
	}
	if cfg.CacheBytes == 0 {
		cfg.CacheBytes = DefaultCacheBytes
	}
	resizer, err := NewResizer(split.Height, split.Width, cfg.Height, cfg.Width)
	if err != nil {
		return nil, err
	}
	if err := cfg.Augment.Check(); err != nil {
		return nil, err
	}
	if len(cfg.Mean) != len(cfg.Std) || (len(cfg.Mean) != 0 && len(cfg.Mean) != split.C()) {
		return nil, fmt.Errorf("normalization with %d means and %d standard deviations for %d-channel images", len(cfg.Mean), len(cfg.Std), split.C())
	}
	if cfg.Workers < 0 {
		return nil, fmt.Errorf("workers %d, expected ≥ 0", cfg.Workers)
	}
	n := split.N
	if cfg.Limit > 0 {
		n = min(n, cfg.Limit)
	}
	l := &Loader{split: split, cfg: cfg, n: n, resizer: resizer, order: make([]int32, n)}
	hw := split.C() * cfg.Height * cfg.Width // values per image
	l.size = hw
	for range max(cfg.Workers, 1) {
		l.workers = append(l.workers, newWorker(cfg.Augment, split.C(), cfg.Height, cfg.Width))
	}
	batch := min(cfg.BatchSize, max(n, 1))
	// One buffer for the consumer, Prefetch ready or being filled.
	l.free = make(chan *Batch, cfg.Prefetch+1)
	for range cfg.Prefetch + 1 {
		l.free <- &Batch{X: make([]float32, batch*hw), Y: make([]int32, batch)}
	}
	if cfg.CacheBytes > 0 && int64(n)*int64(hw)*4 <= cfg.CacheBytes {
		l.cache = make([]float32, n*hw)
		l.cached = make([]bool, n)
	}
	return l, nil
}

// Len is the number of images served per epoch.
func (l *Loader) Len() int { return l.n }

// NumBatches is the number of batches per epoch, the last one partial.
func (l *Loader) NumBatches() int {
	full, rest := l.n/l.cfg.BatchSize, l.n%l.cfg.BatchSize
	if rest > 0 && rest >= l.cfg.MinBatch {
		full++
	}
	return full
}

// Dropped is the number of images each epoch leaves out: a last batch smaller than
// MinBatch. Shuffling makes them different images every epoch.
func (l *Loader) Dropped() int { return l.n - min(l.n, l.NumBatches()*l.cfg.BatchSize) }

// Cached reports whether resized images are kept in memory.
func (l *Loader) Cached() bool { return l.cache != nil }

// Order returns the image indices of an epoch, in the order served: a
// function of (Seed, epoch) only, so a resumed run reproduces epoch k without
// replaying epochs 0..k−1.
func (l *Loader) Order(epoch int) []int {
	order := make([]int32, l.n)
	l.fillOrder(order, epoch)
	out := make([]int, l.n)
	for i, v := range order {
		out[i] = int(v)
	}
	return out
}

func (l *Loader) fillOrder(order []int32, epoch int) {
	for i := range order {
		order[i] = int32(i)
	}
	if !l.cfg.Shuffle {
		return
	}
	rng := rand.New(rand.NewChaCha8(shuffleSeed(l.cfg.Seed, epoch)))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
}

// shuffleSeed derives the epoch's ChaCha8 key from (seed, epoch) and a
// label, so the shuffle stream never coincides with the streams other parts
// of netc (initialisation, dropout) derive from the same seed.
func shuffleSeed(seed uint64, epoch int) (key [32]byte) {
	copy(key[:], "netc/data/shuffle")
	binary.LittleEndian.PutUint64(key[16:], seed)
	binary.LittleEndian.PutUint64(key[24:], uint64(epoch))
	return key
}

// ErrEpochOpen is returned by Epoch while a previous epoch is still open.
var ErrEpochOpen = errors.New("data: previous epoch not closed")

// Epoch starts serving epoch number epoch from its first batch.
func (l *Loader) Epoch(ctx context.Context, epoch int) (*Epoch, error) {
	return l.EpochFrom(ctx, epoch, 0)
}

// EpochFrom starts serving epoch number epoch at batch start (to resume a
// run mid-epoch); the batches are those Epoch would serve from there on.
func (l *Loader) EpochFrom(ctx context.Context, epoch, start int) (*Epoch, error) {
	if l.open {
		return nil, ErrEpochOpen
	}
	if start < 0 || start > l.NumBatches() {
		return nil, fmt.Errorf("start batch %d outside [0, %d]", start, l.NumBatches())
	}
	if ctx == nil {
		ctx = context.Background()
	}
	l.open = true
	l.fillOrder(l.order, epoch)
	e := &Epoch{
		loader:  l,
		ctx:     ctx,
		number:  epoch,
		want:    l.NumBatches() - start,
		ready:   make(chan *Batch, l.cfg.Prefetch),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	go e.produce(start)
	return e, nil
}
