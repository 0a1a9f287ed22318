// Package memplan assigns arena offsets to the buffers of a fixed schedule.
//
// It knows nothing about specs, ops or kernels. The caller describes a schedule as a list
// of Steps, each naming the buffer ids it reads, writes and uses as scratch (Temps), and
// gives every buffer a size in bytes. The planner returns one offset per buffer inside a
// single arena such that two buffers that are live at the same step never share a byte.
//
// # Liveness
//
// A buffer is live from the first step that touches it to the last (inclusive). Because
// intervals are inclusive, an op's inputs and outputs always conflict: the planner never
// makes an op write over its own input. In-place execution is the caller's decision, not
// ours: to run an op in place, give its input and output the same buffer id before calling
// (the planner plans buffers; the caller decides aliasing). The same goes for concat in
// place: one buffer, with the branches writing into sub-views the caller tracks.
// Temps live exactly their own step. Pinned buffers (graph inputs, outputs the caller
// keeps, parameters) are live for the whole schedule and are never reused.
//
// # Offsets
//
// Offset calculation in one arena is NP-complete (it is 2D strip packing with fixed x
// positions), so we use the greedy heuristics of TFLite and Pisarchyk & Lee, "Efficient
// Memory Management for Deep Neural Net Inference", arXiv 2001.03288 (2020):
//
//   - Sizes are rounded up to Align (default 64 bytes, one AVX-512 cache line), so every
//     offset is a multiple of Align.
//   - Buffers are visited pinned first, then by non-increasing size, ties broken by first
//     use and then id, so the plan is a pure function of the input (TFLite's ArenaPlanner
//     order, tensorflow/lite/arena_planner.cc).
//   - Each buffer goes into the smallest gap that fits between already placed buffers whose
//     intervals overlap its own, counting the gap below the lowest one (the gap that
//     XNNPACK's planner missed, google/XNNPACK#10800), else on top of the highest one
//     (best fit, as TFLite's SimpleMemoryArena::Allocate and GPU GreedyBySizeAssignment).
//
// PlanBest also runs two other visiting orders, longest lifetime first (XLA's kTemporal
// strategy of GlobalDecreasingSizeBestFitHeap) and greedy by breadth (the most crowded
// step's buffers first, Pisarchyk & Lee), and keeps the smallest arena, as XLA's
// ChooseBestHeapAlgorithm does; it is what callers normally want. The gap search does not
// scan the buffers already placed: an interval tree over the steps hands it the byte
// unions of the buffers that share a step with the one being placed (fitIndex), so a
// training plan of 40k layers costs O(n log² n), not O(n²).
//
// # Bounds
//
// Every plan reports Naive (each buffer its own region) and LowerBound, the largest sum of
// sizes live at one step: no placement can beat it for this schedule. On chain-like CNNs
// greedy by size lands exactly on the bound; a ratio above about 1.1 deserves a look.
// Verify checks a plan against the problem independently of how it was made.
package memplan

// DefaultAlign is the alignment used when Problem.Align is zero: one AVX-512 cache line.
const DefaultAlign = 64

// A Step is one scheduled operation: the buffers it reads, writes and uses as scratch.
// Ids index Problem.Sizes. A buffer may appear in Reads and Writes of the same step
// (an in-place update of a buffer written earlier); a scratch buffer must belong to one
// step only.
type Step struct {
	Name   string
	Reads  []int
	Writes []int
	Temps  []int
}

// A Problem is a schedule plus buffer sizes.
type Problem struct {
	Steps []Step
	// Sizes in bytes, indexed by buffer id.
	Sizes []int64
	// Pinned, if not nil, has one entry per buffer; a pinned buffer is live for the whole
	// schedule, may be read before any step writes it, and is never shared.
	Pinned []bool
	// Align is the offset alignment in bytes; 0 means DefaultAlign.
	Align int64
}

// An Interval is an inclusive range of step indices. Unused buffers have {-1, -1}.
type Interval struct{ First, Last int }

// Contains reports whether step s lies in the interval.
func (iv Interval) Contains(s int) bool { return iv.First <= s && s <= iv.Last }

// Overlaps reports whether two intervals share a step. Unused intervals overlap nothing.
func (iv Interval) Overlaps(o Interval) bool {
	if iv.First < 0 || o.First < 0 {
		return false
	}
	return iv.First <= o.Last && o.First <= iv.Last
}

// An Event is an allocation (before Step runs) or a release (after Step ran) of Buffer.
type Event struct {
	Step   int
	Buffer int
	Alloc  bool
}

// A Plan gives every buffer its place in one arena.
type Plan struct {
	Strategy   string     // which visiting order produced the offsets
	Align      int64      // alignment actually used
	Sizes      []int64    // per buffer, rounded up to Align
	Offsets    []int64    // per buffer; -1 for buffers never used
	Live       []Interval // per buffer
	ArenaSize  int64      // bytes: the highest offset+size, a multiple of Align
	Naive      int64      // every used buffer its own region: sum of aligned sizes
	LowerBound int64      // max over steps of the sum of live aligned sizes
	Order      []Event    // per step: allocs then frees, each by ascending buffer id
}
