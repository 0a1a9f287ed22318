package runner

import (
	"errors"
	"testing"

	"github.com/netc/netc/compiler"
)

// TestNewModelRefusesParametersBeyondMemory: LeNet-BN at 16000x16000 has a first linear
// layer of 120 x (16*3997*3997) weights (conv 5 -> 15996, pool -> 7998, conv 5 -> 7994,
// pool -> 3997), 30,673,937,280 values: with their gradients at least 245,391,498,240
// bytes. NewModel refuses it before allocating, naming the size.
func TestNewModelRefusesParametersBeyondMemory(t *testing.T) {
	t.Setenv(MemoryLimitEnv, "8G")
	g := compileSpec(t, "lenet-bn", compiler.Options{Input: "1x16000x16000"})
	_, err := NewModel(g)
	var mem *MemoryError
	if !errors.As(err, &mem) {
		t.Fatalf("got %v, want a MemoryError", err)
	}
	const linear = 120 * 16 * 3997 * 3997 * 4 * 2
	if mem.Need < linear || mem.Need > linear+1<<20 || mem.Available != 8<<30 {
		t.Errorf("need %d bytes of %d; the first linear layer alone needs %d", mem.Need, mem.Available, linear)
	}
	t.Log(err)
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"1048576": 1 << 20, "512M": 512 << 20, "2G": 2 << 30, "3k": 3 << 10, "1T": 1 << 40} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "G", "-1", "1.5G", "9999999999T", "lots"} {
		if _, err := parseBytes(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	t.Setenv(MemoryLimitEnv, "lots")
	if err := CheckMemory("x", 1); err == nil {
		t.Error("a malformed $NETC_MEMORY_LIMIT was ignored")
	}
}
