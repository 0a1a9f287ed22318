package runner

// FirstNonFinite (for the tests) returns the name of the first step (in schedule order) whose output,
// as the arena holds it now, has a NaN or an infinity, or "". Memory reuse may have
// overwritten earlier outputs; ForwardChecked is exact.
func (n *Net) FirstNonFinite() string {
	for _, s := range n.Plan.Steps {
		if !finite(n.value(s.Out)) {
			return s.Name
		}
	}
	return ""
}
