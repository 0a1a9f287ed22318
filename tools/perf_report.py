#!/usr/bin/env python3
"""The tables of docs/performance.md from one run: netc against PyTorch (training and
inference) and ONNX Runtime (inference) on the chapter's seven networks, on 1 and 2
threads, with the fraction of the machine's SGEMM peak each netc figure reaches.

    NODE_PATH=/tmp/netc-ort/node_modules /usr/bin/python3 tools/perf_report.py \\
        [--rounds 3] [--steps 3] [--threads 1,2] [net ...]

Each round runs, for every net and thread count, `netc bench` (training and inference),
tools/torch_timing.py and tools/ort_speed.js on `netc export --format onnx` of the same
spec, one after the other, and then netc's SGEMM benchmark (1024³) on each thread count;
the tables give medians over the rounds. A netc figure's GFLOP/s counts the spec's MACs
(`netc check --json`) twice per image for inference and six times for training (forward,
backward data, backward weights); "of peak" divides it by the median SGEMM rate on the
same number of threads. Run from the repository root (it builds netc and needs the Go
toolchain for the SGEMM benchmark); needs python3-torch, node and onnxruntime-node. The
machine is shared and noisy: read the load average it prints beside the tables.
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_vs_onnxruntime import export, isa, ort_bench  # noqa: E402
from bench_vs_torch import CASES, netc_bench, torch_bench  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))


def sgemm_gflops(threads):
    out = subprocess.run(["go", "test", "./kernels/internal/gemm", "-run", "^$", "-bench", f"^BenchmarkSgemm$/^1024x1024x1024$/^threads={threads}$",
                          "-benchtime", "10x"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=600).stdout
    rates = re.findall(r"([0-9.]+) GFLOP/s", out)
    if not rates:
        raise RuntimeError("no GFLOP/s in the SGEMM benchmark's output:\n" + out)
    return float(rates[-1])


def flops_per_image(binary, spec, extra):
    out = subprocess.run([binary, "check", f"specs/{spec}.toml", *extra, "--json"], cwd=ROOT, capture_output=True, check=True,
                         timeout=600).stdout
    return 2 * json.loads(out)["macs"]


def load():
    return "%.1f" % os.getloadavg()[0]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--threads", default="1,2")
    p.add_argument("nets", nargs="*")
    a = p.parse_args()
    threads = [int(t) for t in a.threads.split(",")]
    binary = os.path.join(tempfile.gettempdir(), "netc-perf-report")
    subprocess.run(["go", "build", "-o", binary, "./cmd/netc"], cwd=ROOT, check=True)
    cases = [c for c in CASES if not a.nets or c[0] in a.nets]
    m = statistics.median
    loads = [load()]
    # r[(spec, threads, what)] = [one figure per round]
    r = {}

    def add(key, value):
        r.setdefault(key, []).append(value)

    with tempfile.TemporaryDirectory() as tmp:
        models, flops = {}, {}
        for spec, extra, _, _ in cases:
            models[spec] = os.path.join(tmp, spec + ".onnx")
            export(binary, spec, extra, models[spec])
            flops[spec] = flops_per_image(binary, spec, extra)
        for _ in range(a.rounds):
            for spec, extra, model, batch in cases:
                for t in threads:
                    nt, ni = netc_bench(binary, spec, extra, batch, a.steps, t)
                    add((spec, t, "netc train"), nt)
                    add((spec, t, "netc infer"), ni)
                    tt, ti = torch_bench(model, batch, a.steps, t)
                    add((spec, t, "torch train"), tt)
                    add((spec, t, "torch infer"), ti)
                    add((spec, t, "ort infer"), ort_bench(models[spec], batch, t, a.steps))
            for t in threads:
                add(("sgemm", t), sgemm_gflops(t))
            loads.append(load())

    md = {k: m(v) for k, v in r.items()}
    print(f"# netc, PyTorch {torch_version()} and ONNX Runtime, {datetime.datetime.now():%Y-%m-%d %H:%M}, {platform.node()}, "
          f"{os.cpu_count()} CPUs, {isa()}, medians of {a.rounds} rounds of {a.steps} timed steps, "
          f"load average {' → '.join(loads)}\n")
    print("netc SGEMM 1024³: " + ", ".join(f"{md[('sgemm', t)]:.1f} GFLOP/s on {t} thread{'s' if t > 1 else ''}" for t in threads) + "\n")
    for t in threads:
        print(f"## {t} thread{'s' if t > 1 else ''}\n")
        print("| net | batch | netc train img/s | PyTorch train | netc ÷ PyTorch | netc infer img/s | ONNX Runtime | netc ÷ ORT "
              "| PyTorch infer | netc ÷ PyTorch | netc train GFLOP/s (of SGEMM peak) | netc infer GFLOP/s (of peak) |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        peak = md[("sgemm", t)]
        for spec, extra, _, batch in cases:
            g = lambda what: md[(spec, t, what)]  # noqa: E731
            trg = 3 * flops[spec] * g("netc train") / 1e9
            ing = flops[spec] * g("netc infer") / 1e9
            name = spec + (" " + " ".join(extra) if extra else "")
            print(f"| {name} | {batch} | {g('netc train'):,.1f} | {g('torch train'):,.1f} | {g('netc train') / g('torch train'):.2f} "
                  f"| {g('netc infer'):,.1f} | {g('ort infer'):,.1f} | {g('netc infer') / g('ort infer'):.2f} "
                  f"| {g('torch infer'):,.1f} | {g('netc infer') / g('torch infer'):.2f} "
                  f"| {trg:.1f} ({trg / peak:.0%}) | {ing:.1f} ({ing / peak:.0%}) |")
        print()
    if len(threads) < 2:
        return
    lo, hi = threads[0], threads[-1]
    print(f"## Speed-up from {lo} to {hi} threads\n")
    print("| net | netc train | PyTorch train | netc infer | ONNX Runtime infer | PyTorch infer | netc infer ÷ ORT's | netc train ÷ ORT's |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for spec, _, _, _ in cases:
        s = {w: md[(spec, hi, w)] / md[(spec, lo, w)] for w in ("netc train", "torch train", "netc infer", "ort infer", "torch infer")}
        print(f"| {spec} | {s['netc train']:.2f}x | {s['torch train']:.2f}x | {s['netc infer']:.2f}x | {s['ort infer']:.2f}x "
              f"| {s['torch infer']:.2f}x | {s['netc infer'] / s['ort infer']:.2f} | {s['netc train'] / s['ort infer']:.2f} |")


def torch_version():
    out = subprocess.run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"], capture_output=True, text=True)
    return out.stdout.strip() or "?"


if __name__ == "__main__":
    main()
