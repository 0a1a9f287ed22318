package main

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestBenchJSON checks the contract tools/bench_vs_torch.py relies on: one JSON
// object with both rates, and with --layers every plan step once, shares that sum
// to one, and a conv+linear summary consistent with the rows.
func TestBenchJSON(t *testing.T) {
	out, errOut, code := netc(t, "bench", "specs/lenet-bn.toml", "--batch", "8", "--steps", "1", "--threads", "1", "--layers", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r benchResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if r.TrainImagesPerS <= 0 || r.InferImagesPerS <= 0 || r.Batch != 8 || r.Threads != 1 {
		t.Fatalf("rates or settings wrong: %+v", r)
	}
	var share, convShare float64
	names := map[string]bool{}
	for _, l := range r.Layers {
		if names[l.Name] {
			t.Errorf("step %s listed twice", l.Name)
		}
		names[l.Name] = true
		share += l.Share
		if l.GFLOPPerSec > 0 {
			convShare += l.Share
			if !strings.HasPrefix(l.Op, "conv") && !strings.HasPrefix(l.Op, "linear") {
				t.Errorf("%s (%s) has GFLOP/s but is not a conv or linear step", l.Name, l.Op)
			}
		}
	}
	// LeNet-BN's training plan: 2 convs and 3 linears (batchnorm is not folded in training).
	var convLinear int
	for _, l := range r.Layers {
		if strings.HasPrefix(l.Op, "conv") || strings.HasPrefix(l.Op, "linear") {
			convLinear++
		}
	}
	if convLinear != 5 {
		t.Errorf("%d conv and linear steps, want 5: %+v", convLinear, r.Layers)
	}
	if math.Abs(share-1) > 1e-6 || math.Abs(convShare-r.ConvLinearShare) > 1e-9 || r.ConvLinearGFLOPPerSec <= 0 {
		t.Errorf("shares sum to %v, conv+linear %v vs summary %v, %v GFLOP/s", share, convShare, r.ConvLinearShare, r.ConvLinearGFLOPPerSec)
	}
}

// TestBenchLayersSpeedUp: on two threads --layers also times every step on one thread,
// so each row carries its speed-up and the summary the whole run's.
func TestBenchLayersSpeedUp(t *testing.T) {
	out, errOut, code := netc(t, "bench", "specs/lenet-bn.toml", "--batch", "8", "--steps", "1", "--threads", "2", "--layers", "--infer", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r benchResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if r.Threads != 2 || len(r.Layers) == 0 {
		t.Fatalf("threads %d, %d layers", r.Threads, len(r.Layers))
	}
	for _, l := range r.Layers {
		if !(l.SpeedUp > 0) || math.IsInf(l.SpeedUp, 0) {
			t.Errorf("%s: speed-up %v", l.Name, l.SpeedUp)
		}
	}
	if !(r.LayersSpeedUp > 0) {
		t.Errorf("layers_speedup_over_1_thread = %v", r.LayersSpeedUp)
	}
	text, _, code := netc(t, "bench", "specs/lenet-bn.toml", "--batch", "8", "--steps", "1", "--threads", "2", "--layers", "--infer")
	if code != 0 || !strings.Contains(text, "speed-up (1→2 threads)") || !strings.Contains(text, "parallel efficiency") {
		t.Errorf("text table lacks the speed-up column or summary:\n%s", text)
	}
}
