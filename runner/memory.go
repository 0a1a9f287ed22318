package runner

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/netc/netc/compiler/plan"
	"github.com/netc/netc/internal/units"
	"github.com/netc/netc/kernels"
)

// MemoryLimitEnv overrides the available memory netc compares its allocations with, in
// bytes or with a K, M, G or T suffix (powers of 1024): tests use it to be the same on
// every machine, and a user can use it to keep netc within a budget.
const MemoryLimitEnv = "NETC_MEMORY_LIMIT"

// meminfoPath is where Linux reports the memory a new allocation can get without swapping.
const meminfoPath = "/proc/meminfo"

// MemoryError refuses an allocation larger than the memory available: Go cannot recover
// from running out of memory (it ends the process with "fatal error"), so netc estimates
// every large allocation before it makes it.
type MemoryError struct {
	What      string // what needs the memory: "the parameters of lenet", "the training arena at batch 256"
	Need      int64  // bytes
	Available int64  // bytes
	Source    string // where Available comes from
}

func (e *MemoryError) Error() string {
	return fmt.Sprintf("not enough memory for %s: it needs %s, and %s is available (%s); use a smaller batch, input or network",
		e.What, units.Bytes(e.Need), units.Bytes(e.Available), e.Source)
}

// AvailableMemory is the memory netc may allocate: $NETC_MEMORY_LIMIT when set, else
// MemAvailable from /proc/meminfo. ok is false when neither is known (then netc does not
// refuse anything); err reports a malformed $NETC_MEMORY_LIMIT.
func AvailableMemory() (bytes int64, source string, ok bool, err error) {
	if v := os.Getenv(MemoryLimitEnv); v != "" {
		n, err := parseBytes(v)
		if err != nil {
			return 0, "", false, fmt.Errorf("$%s=%q: %w", MemoryLimitEnv, v, err)
		}
		return n, "$" + MemoryLimitEnv, true, nil
	}
	f, err := os.Open(meminfoPath)
	if err != nil {
		return 0, "", false, nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, found := strings.CutPrefix(sc.Text(), "MemAvailable:")
		if !found {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil || kb < 0 {
			return 0, "", false, nil
		}
		return kb << 10, "MemAvailable in " + meminfoPath, true, nil
	}
	return 0, "", false, nil
}

// parseBytes reads "1073741824", "512M" or "2G" (binary units).
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	shift := 0
	if s != "" {
		switch strings.ToUpper(s[len(s)-1:]) {
		case "K":
			shift = 10
		case "M":
			shift = 20
		case "G":
			shift = 30
		case "T":
			shift = 40
		}
		if shift > 0 {
			s = s[:len(s)-1]
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64>>shift {
		return 0, fmt.Errorf("expected a byte count such as 1073741824, 512M or 2G")
	}
	return n << shift, nil
}

// CheckMemory refuses need bytes for what when more than the available memory.
func CheckMemory(what string, need int64) error {
	avail, source, ok, err := AvailableMemory()
	if err != nil {
		return err
	}
	if ok && need > avail {
		return &MemoryError{What: what, Need: need, Available: avail, Source: source}
	}
	return nil
}

// ParamBytes is the memory parameters take: their values, and a gradient for each
// trainable one. Sizes saturate instead of overflowing.
func ParamBytes(ps []plan.Param) int64 {
	seen := map[string]bool{}
	var total int64
	for _, t := range ps {
		if seen[t.Name] {
			continue
		}
		seen[t.Name] = true
		n := int64(4)
		for _, d := range t.Shape {
			n = satMul(n, int64(d))
		}
		if t.Trainable {
			n = satMul(n, 2)
		}
		total = satAdd(total, n)
	}
	return total
}

// NetBytes is the memory New allocates to run p: its arena, its labels, and what runs
// outside the arena on the kernels' threads (OutsideArena).
func NetBytes(p *plan.Plan) int64 {
	return satAdd(satAdd(p.ArenaBytes, satMul(int64(p.Batch), 4)), OutsideArenaOf(p).Total(kernels.Threads()))
}

// PlanBytes is what running p needs: its parameters with their gradients, and its arena.
func PlanBytes(p *plan.Plan) int64 { return satAdd(ParamBytes(p.Params), NetBytes(p)) }

func satMul(a, b int64) int64 {
	if a < 0 || b < 0 {
		return math.MaxInt64
	}
	if b != 0 && a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
