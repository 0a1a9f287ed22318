package expr

// MapEnv is an Env over a map, for tests.
type MapEnv map[string]Value

func (m MapEnv) Lookup(name string) (Value, bool) { v, ok := m[name]; return v, ok }

func (m MapEnv) Names() []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
