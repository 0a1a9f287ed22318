#!/usr/bin/python3
"""Baseline for kernels/internal/gemm: torch.mm GFLOP/s on the shapes of its benchmarks.

Usage:
    /usr/bin/python3 tools/gemm_torch.py [--runs 5] [--min-time 0.3] [--threads 1,2] [--shapes 512x512x512,...]

Prints one line per shape and thread count:
    torch.mm 512x512x512 threads=2 GFLOP/s 117.9 (median of 5)

Compare with the Go side, alternating to spread the machine's noise:
    for i in 1 2 3; do
        go test -run '^$' -bench 'Sgemm/' -benchtime 1s ./kernels/internal/gemm
        /usr/bin/python3 tools/gemm_torch.py
    done

torch.mm runs on whatever BLAS torch was linked against; the script prints
which one it found. Debian's python3-torch uses the libblas.so.3 alternative,
which is the netlib reference BLAS unless an optimised one (OpenBLAS, BLIS)
is installed. To measure against OpenBLAS without installing it system-wide:
    apt-get download libopenblas0-pthread && dpkg -x libopenblas0-pthread_*.deb ob
    LD_LIBRARY_PATH=$PWD/ob/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 tools/gemm_torch.py
OpenBLAS keeps its own thread pool that torch.set_num_threads does not
control, so the script also sets it through openblas_set_num_threads.
"""

import argparse
import ctypes
import statistics
import time

import torch

# M x N x K, as in kernels/internal/gemm/bench_test.go: square sizes, then im2col conv
# layers (M = output channels, N = OH*OW, K = Cin*kh*kw).
SHAPES = [
    (512, 512, 512), (1024, 1024, 1024), (2048, 2048, 2048),
    (96, 3136, 363), (64, 9216, 576), (128, 2304, 1152), (16, 128, 150), (256, 576, 2304),
]


def blas_libraries():
    """Shared objects mapped into this process whose name mentions BLAS."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if "blas" in path.lower() or "blis" in path.lower() or "mkl" in path.lower():
                libs.add(path)
    return sorted(libs)


def openblas_setter():
    for path in blas_libraries():
        if "openblas" in path:
            lib = ctypes.CDLL(path)
            if hasattr(lib, "openblas_set_num_threads"):
                return lib.openblas_set_num_threads
    return None


def gflops(m, n, k, min_time):
    a = torch.randn(m, k)
    b = torch.randn(k, n)
    out = torch.empty(m, n)
    torch.mm(a, b, out=out)  # warm up: thread pool, page faults
    reps = 1
    while True:
        t = time.perf_counter()
        for _ in range(reps):
            torch.mm(a, b, out=out)
        el = time.perf_counter() - t
        if el >= min_time:
            return 2.0 * m * n * k * reps / el / 1e9
        reps *= 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5, help="timed runs per shape; the median is printed")
    ap.add_argument("--min-time", type=float, default=0.3, help="seconds per timed run")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--shapes", default="", help="comma-separated MxNxK subset, default all")
    args = ap.parse_args()
    shapes = SHAPES
    if args.shapes:
        shapes = [tuple(int(x) for x in s.split("x")) for s in args.shapes.split(",")]
    torch.manual_seed(0)
    set_ob = openblas_setter()
    print("torch", torch.__version__, "BLAS:", ", ".join(blas_libraries()) or "unknown")
    for th in [int(x) for x in args.threads.split(",")]:
        torch.set_num_threads(th)
        if set_ob is not None:
            set_ob(th)
        for m, n, k in shapes:
            runs = [gflops(m, n, k, args.min_time) for _ in range(args.runs)]
            print(f"torch.mm {m}x{n}x{k} threads={th} GFLOP/s {statistics.median(runs):.1f} "
                  f"(median of {len(runs)}, max {max(runs):.1f})", flush=True)


if __name__ == "__main__":
    main()
