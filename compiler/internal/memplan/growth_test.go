package memplan

import "testing"

// Planning a deep network's training step must cost about linearly in its buffers: the
// issue this guards against is 40k layers taking tens of seconds because every placement
// scanned every buffer placed before it. The work counted is the nodes and spans the gap
// search visits (for a scan, it would be the placed buffers it visits). Four times the
// buffers may cost at most eight times the work (n log² n costs about six at these sizes); a quadratic
// search costs sixteen.
func TestPlanningWorkGrowsNearLinearly(t *testing.T) {
	work := func(n int) int {
		q, err := prepare(trainingLike(n))
		if err != nil {
			t.Fatal(err)
		}
		q.bySize()
		q.byLifetime()
		q.byBreadth()
		return q.work
	}
	small, large := work(3000), work(12000)
	t.Logf("work: %d for 3000 buffers, %d for 12000 (x%.2f)", small, large, float64(large)/float64(small))
	if small == 0 || float64(large) > 8*float64(small) {
		t.Errorf("4x the buffers cost %.2fx the work (%d -> %d); want at most 8x", float64(large)/float64(small), small, large)
	}
}
