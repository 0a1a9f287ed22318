package data

import (
	"context"
)

// Epoch is one pass over a Loader's images. Use it from one goroutine:
//
//	ep, err := loader.Epoch(ctx, k)
//	...
//	defer ep.Close()
//	for b, ok := ep.Next(); ok; b, ok = ep.Next() { ... }
//	if err := ep.Err(); err != nil { ... } // cancelled
type Epoch struct {
	loader  *Loader
	ctx     context.Context
	number  int
	want    int           // batches to deliver
	got     int           // batches delivered
	held    *Batch        // the batch the consumer has, returned on the next call
	ready   chan *Batch   // filled batches, closed when the producer stops
	stop    chan struct{} // closed by Close
	stopped chan struct{} // closed when the producer has exited
	done    bool
	err     error
}

// Next returns the next batch, valid until the following Next or Close. It
// returns false at the end of the epoch or once ctx is cancelled.
func (e *Epoch) Next() (*Batch, bool) {
	e.release()
	if e.done {
		return nil, false
	}
	if err := e.ctx.Err(); err != nil {
		e.finish(err)
		return nil, false
	}
	b, ok := <-e.ready
	if !ok {
		// The producer stopped early only if ctx was cancelled.
		var err error
		if e.got < e.want {
			err = e.ctx.Err()
		}
		e.finish(err)
		return nil, false
	}
	e.got++
	e.held = b
	return b, true
}

// Err returns the context's error if the epoch was cut short by it.
func (e *Epoch) Err() error { return e.err }

// Close stops the producer, waits for it to exit and returns every buffer
// to the Loader, which may then start another epoch. It is safe to call
// more than once and after the epoch has ended.
func (e *Epoch) Close() error {
	e.release()
	e.finish(nil)
	return nil
}

func (e *Epoch) release() {
	if e.held != nil {
		e.loader.free <- e.held // never blocks: the ring has room for every buffer
		e.held = nil
	}
}

// finish ends the epoch once: it stops the producer, takes back the
// batches it had prepared, and reopens the Loader.
func (e *Epoch) finish(err error) {
	if e.done {
		return
	}
	e.done = true
	e.err = err
	close(e.stop)
	<-e.stopped
	for b := range e.ready { // closed by the producer on exit
		e.loader.free <- b
	}
	e.loader.open = false
}

// produce fills batches start, start+1, ... in the background. It owns
// the resize cache while it runs; only one producer runs at a time.
func (e *Epoch) produce(start int) {
	defer close(e.stopped)
	defer close(e.ready)
	l := e.loader
	for index := start; index < l.NumBatches(); index++ {
		var b *Batch
		select {
		case b = <-l.free:
		case <-e.stop:
			return
		case <-e.ctx.Done():
			return
		}
		l.fill(b, e.number, index)
		select {
		case e.ready <- b:
		case <-e.stop:
			l.free <- b
			return
		case <-e.ctx.Done():
			l.free <- b
			return
		}
	}
}

// fill assembles batch index of the epoch into b's buffers, its images
// shared out among the workers.
func (l *Loader) fill(b *Batch, epoch, index int) {
	first := index * l.cfg.BatchSize
	n := min(l.cfg.BatchSize, l.n-first)
	b.N, b.Index, b.Epoch = n, index, epoch
	b.X = b.X[:n*l.size]
	b.Y = b.Y[:n]
	l.fillRange(l.workers, b, epoch, first, 0, n)
}
