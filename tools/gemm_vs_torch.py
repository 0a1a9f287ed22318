#!/usr/bin/python3
"""Side-by-side SGEMM: netc's kernels/internal/gemm against torch.mm, paired shape by shape.

Usage:
    /usr/bin/python3 tools/gemm_vs_torch.py [--rounds 7] [--threads 2] [--min-time 0.5]
        [--shapes 512x512x512,1024x1024x1024,2048x2048x2048]

Each round measures, for every shape, netc (the Go benchmark BenchmarkSgemm,
run from a test binary built once) and then torch.mm in this process, one
right after the other, so both see the same state of a shared, noisy machine.
It prints each round's pair and, per shape, the medians and the median of the
per-round ratios:

    2048x2048x2048 threads=2  netc 131.2  torch 133.0  GFLOP/s  ratio 0.99 (median of 7 rounds)

Run from the repository root. torch.mm runs on whatever BLAS torch is linked
against (printed first); Debian's python3-torch uses the netlib reference BLAS
unless an optimised one is found, so compare against OpenBLAS with
    LD_LIBRARY_PATH=<dir with libblas.so.3 from libopenblas0-pthread> /usr/bin/python3 tools/gemm_vs_torch.py
(see tools/gemm_torch.py for how to get it without installing it system-wide).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gemm_torch import blas_libraries, gflops, openblas_setter  # noqa: E402

DEFAULT_SHAPES = "512x512x512,1024x1024x1024,2048x2048x2048"


def netc_gflops(binary, shape, threads, min_time):
    """GFLOP/s of one BenchmarkSgemm run of the shape on the thread count."""
    pattern = f"^BenchmarkSgemm$/^{shape}$/^threads={threads}$"
    out = subprocess.run([binary, "-test.run", "^$", "-test.bench", pattern,
                          "-test.benchtime", f"{min_time}s"],
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"([0-9.]+) GFLOP/s", out)
    if not m:
        sys.exit(f"no GFLOP/s in the benchmark output:\n{out}")
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--min-time", type=float, default=0.5, help="seconds per timed run, each side")
    ap.add_argument("--shapes", default=DEFAULT_SHAPES, help="comma-separated MxNxK")
    args = ap.parse_args()
    shapes = args.shapes.split(",")

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    set_ob = openblas_setter()
    if set_ob is not None:
        set_ob(args.threads)
    print("torch", torch.__version__, "BLAS:", ", ".join(blas_libraries()) or "unknown", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        binary = os.path.join(tmp, "gemm.test")
        subprocess.run(["go", "test", "-c", "-o", binary, "./kernels/internal/gemm"], check=True)
        pairs = {s: [] for s in shapes}
        for r in range(args.rounds):
            for s in shapes:
                m, n, k = (int(x) for x in s.split("x"))
                ours = netc_gflops(binary, s, args.threads, args.min_time)
                theirs = gflops(m, n, k, args.min_time)
                pairs[s].append((ours, theirs))
                print(f"round {r + 1} {s} threads={args.threads}  netc {ours:.1f}  torch {theirs:.1f}",
                      flush=True)
    print()
    for s in shapes:
        ours = [p[0] for p in pairs[s]]
        theirs = [p[1] for p in pairs[s]]
        ratio = statistics.median(o / t for o, t in pairs[s])
        print(f"{s} threads={args.threads}  netc {statistics.median(ours):.1f}  "
              f"torch {statistics.median(theirs):.1f}  GFLOP/s  ratio {ratio:.2f} "
              f"(median of {len(ours)} rounds)")


if __name__ == "__main__":
    main()
