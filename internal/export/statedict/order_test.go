package statedict

import "testing"

// TestNameOrder: names that differ first in a number are ordered by it, as nn.Sequential
// indices and conv1, conv2 are; names that differ in a word or a letter say nothing.
func TestNameOrder(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"9", "10", -1}, {"conv2", "conv1", 1}, {"branch1", "branch2", -1}, {"Mixed_5b", "Mixed_6a", -1}, {"Mixed_5b", "Mixed_5c", 0}, {"block_x", "block_y", 0},
		{"bn1", "layer1", 0}, {"conv3", "downsample", 0}, {"a", "b", 0}, {"", "block", 0}, {"fc1", "fc1x", 0},
	} {
		if got := nameOrder(c.a, c.b); got != c.want {
			t.Errorf("nameOrder(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
