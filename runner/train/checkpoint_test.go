package train

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netc/netc/tensorio"
)

// TestResumeRefusesDamagedCheckpoint: a checkpoint with one flipped bit in its data, or
// one holding a NaN in a parameter or a momentum buffer (written by a tool that records
// no checksum), is refused on resume, naming the file and what is wrong.
func TestResumeRefusesDamagedCheckpoint(t *testing.T) {
	dir := t.TempDir()
	c := lenetConfig(t, dir)
	c.Epochs, c.TrainLimit, c.TestLimit, c.Momentum = 1, 256, 64, 0.9 // momentum: buffers in the checkpoint
	r, err := newRun(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Train(context.Background()); err != nil {
		t.Fatal(err)
	}
	ck := filepath.Join(dir, CheckpointFile)
	good, err := os.ReadFile(ck)
	if err != nil {
		t.Fatal(err)
	}
	ts, meta, err := tensorio.ReadFile(ck)
	if err != nil {
		t.Fatal(err)
	}
	restore := func() { os.WriteFile(ck, good, 0o644) }

	// One bit, in the middle of the data section.
	flipped := append([]byte(nil), good...)
	dataStart := 8 + int(binary.LittleEndian.Uint64(good))
	flipped[(dataStart+len(good))/2] ^= 0x04
	os.WriteFile(ck, flipped, 0o644)
	if _, err := Resume(dir, 2, compileSpec, nil); err == nil || !strings.Contains(err.Error(), ck+": checksum does not match") {
		t.Errorf("flipped bit: %v", err)
	}
	restore()

	for _, tc := range []struct{ tensor, want string }{
		{"conv1.weight", ck + ": conv1.weight holds NaN at index 3, [0 0 0 3] of shape [6 1 5 5]"},
		{"optimizer.momentum.linear1.bias", ck + ": momentum for linear1.bias holds NaN at index 3, [3] of shape [120]"},
	} {
		damaged := make([]tensorio.Tensor, len(ts))
		found := false
		for i, x := range ts {
			damaged[i] = tensorio.Tensor{Name: x.Name, Shape: x.Shape, Data: append([]float32(nil), x.Data...)}
			if x.Name == tc.tensor {
				damaged[i].Data[3] = float32(math.NaN())
				found = true
			}
		}
		if !found {
			t.Fatalf("the checkpoint has no %s", tc.tensor)
		}
		f, err := os.Create(ck)
		if err != nil {
			t.Fatal(err)
		}
		if err := tensorio.Write(f, damaged, meta); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if _, err := Resume(dir, 2, compileSpec, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NaN in %s: %v\nwant %q", tc.tensor, err, tc.want)
		}
		restore()
	}
	if _, err := Resume(dir, 2, compileSpec, nil); err != nil {
		t.Errorf("the undamaged checkpoint: %v", err)
	}
}
