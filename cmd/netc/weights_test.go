package main

import (
	le "encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/tensorio"
)

// TestDamagedWeightsRefused: weights netc wrote with one bit flipped in their data, and
// weights holding a NaN (written by a tool that records no checksum), are refused by
// infer with exit 1, naming the file and what is wrong, instead of giving wrong logits.
func TestDamagedWeightsRefused(t *testing.T) {
	dir := t.TempDir()
	w := filepath.Join(dir, "w.safetensors")
	mustRun(t, "init", "specs/lenet-bn.toml", "--out", w)
	x := filepath.Join(dir, "x.npy")
	if err := tensorio.WriteNPY(x, []int{1, 1, 28, 28}, make([]float32, 28*28)); err != nil {
		t.Fatal(err)
	}
	infer := func(weights string) (string, int) {
		_, stderr, code := netc(t, "infer", "specs/lenet-bn.toml", "--weights", weights, "--input", x, "--out", filepath.Join(dir, "y.npy"))
		return stderr, code
	}
	if stderr, code := infer(w); code != 0 {
		t.Fatalf("undamaged weights: exit %d %s", code, stderr)
	}

	raw, _ := os.ReadFile(w)
	dataStart := 8 + int(le.LittleEndian.Uint64(raw))
	raw[dataStart+1001] ^= 0x40 // an exponent bit of the 251st float
	flipped := filepath.Join(dir, "flipped.safetensors")
	os.WriteFile(flipped, raw, 0o644)
	if stderr, code := infer(flipped); code != 1 || !strings.Contains(stderr, flipped+": checksum does not match") {
		t.Errorf("flipped bit: exit %d %s", code, stderr)
	}

	ts, _, err := tensorio.ReadFile(w)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ts {
		if ts[i].Name == "linear2.weight" {
			ts[i].Data[100] = float32(math.Inf(1))
		}
	}
	f, _ := os.Create(filepath.Join(dir, "inf.safetensors"))
	tensorio.Write(f, ts, nil)
	f.Close()
	if stderr, code := infer(f.Name()); code != 1 || !strings.Contains(stderr, "linear2.weight holds +Inf at index 100, [0 100] of shape [84 120]") {
		t.Errorf("infinite weight: exit %d %s", code, stderr)
	}
}
