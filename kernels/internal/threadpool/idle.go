package threadpool

import (
	"runtime"
	"sync/atomic"
	"time"
)

// spinFor is how long an idle worker, or a caller waiting for the last
// chunk, polls before it parks. The ops of a step fork every few hundred
// microseconds with serial gaps of a few to tens between them, and a parked
// goroutine takes tens of microseconds to be woken and scheduled on a
// thread; polling longer would only burn a core that has nothing to do.
const spinFor = 50 * time.Microsecond

// parker is one goroutine's wait for a condition that other goroutines make
// true: it polls for up to spinFor, then parks until wake. await sets
// sleeping before its last look at the condition and wake is called after
// the condition was made true, so one of the two always sees the other; a
// token left over from an earlier wake only makes await look again.
type parker struct {
	sleeping atomic.Bool
	token    chan struct{} // capacity 1
}

func newParker() parker { return parker{token: make(chan struct{}, 1)} }

// await returns once cond() is true.
func (q *parker) await(cond func() bool) {
	if spinUntil(cond) {
		return
	}
	for {
		q.sleeping.Store(true)
		if cond() {
			q.sleeping.Store(false)
			return
		}
		<-q.token
		q.sleeping.Store(false)
		if cond() {
			return
		}
	}
}

// wake unparks the goroutine if it parked, and reports whether it did.
func (q *parker) wake() bool {
	if !q.sleeping.CompareAndSwap(true, false) {
		return false
	}
	select {
	case q.token <- struct{}{}:
	default: // a token is already waiting
	}
	return true
}

// spinUntil polls cond for up to spinFor and reports whether it became
// true. It yields the thread now and then so that a goroutine queued behind
// this one (one it has just woken) is not held up.
func spinUntil(cond func() bool) bool {
	var start time.Time
	for i := 1; ; i++ {
		if cond() {
			return true
		}
		if i%256 == 0 {
			if start.IsZero() {
				start = time.Now()
			} else if time.Since(start) > spinFor {
				return false
			}
			if i%4096 == 0 {
				runtime.Gosched()
			}
		}
	}
}
