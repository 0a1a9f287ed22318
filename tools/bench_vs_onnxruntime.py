#!/usr/bin/env python3
"""Side-by-side inference speed: `netc bench --infer` and ONNX Runtime (onnxruntime-node, CPU)
on `netc export --format onnx` of the same spec, same batch and threads, in alternating
rounds; prints Markdown tables of the medians (for docs/performance.md):

  1. every net at --threads (default 2): netc and ORT images/s, the ratio of the medians
     and the median of each round's own ratio;
  2. the thread table for the --scaling nets (default resnet18): both engines on 1 and 2
     threads, each one's speed-up, and netc's speed-up over ORT's (ORT's tells what the
     machine's second core can give). netc's training speed-up is listed beside it.

    NODE_PATH=/tmp/netc-ort/node_modules /usr/bin/python3 tools/bench_vs_onnxruntime.py \\
        [--rounds 3] [--steps 5] [--threads 2] [--scaling resnet18] [net ...]

Run from the repository root; it builds netc first. Needs node and onnxruntime-node (as
.ci/run installs it); CI does not run it. The machine is shared and noisy: each round runs
netc and then ORT on the same net and thread count, seconds apart.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))

# netc spec, extra netc args, batch
CASES = [
    ("lenet-bn", [], 256),
    ("resnet18", [], 64),
    ("googlenet", [], 64),
    ("densenet", [], 64),
    ("nin", [], 64),
]


def isa():
    flags = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = line
                    break
    except OSError:
        return "unknown ISA"
    if " avx512f" in flags:
        return "AVX-512"
    if " avx2" in flags:
        return "AVX2"
    return "no AVX2"


def netc_bench(binary, spec, extra, batch, threads, steps, train=False):
    mode = "--train" if train else "--infer"
    out = subprocess.run([binary, "bench", f"specs/{spec}.toml", *extra, mode, "--batch", str(batch), "--steps", str(steps),
                          "--threads", str(threads), "--json"], cwd=ROOT, capture_output=True, check=True, timeout=3600).stdout
    r = json.loads(out)
    return r["train_images_per_sec" if train else "infer_images_per_sec"]


def ort_bench(model, batch, threads, steps):
    out = subprocess.run(["node", os.path.join(ROOT, "tools", "ort_speed.js"), model, str(batch), str(threads), str(steps)],
                         capture_output=True, text=True, check=True, timeout=3600).stdout
    return json.loads(out.strip().splitlines()[-1])["infer_images_per_sec"]


def export(binary, spec, extra, path):
    subprocess.run([binary, "export", f"specs/{spec}.toml", *extra, "--format", "onnx", "--out", path], cwd=ROOT,
                   capture_output=True, check=True, timeout=600)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--scaling", default="resnet18", help="comma-separated nets for the 1-vs-2-thread table ('' for none)")
    p.add_argument("nets", nargs="*")
    a = p.parse_args()
    binary = os.path.join(tempfile.gettempdir(), "netc-bench-ort")
    subprocess.run(["go", "build", "-o", binary, "./cmd/netc"], cwd=ROOT, check=True)
    cases = [c for c in CASES if not a.nets or c[0] in a.nets]
    scaling = [s for s in a.scaling.split(",") if s]
    m = statistics.median
    with tempfile.TemporaryDirectory() as tmp:
        models = {}
        for spec, extra, _ in CASES:
            if any(c[0] == spec for c in cases) or spec in scaling:
                models[spec] = os.path.join(tmp, spec + ".onnx")
                export(binary, spec, extra, models[spec])

        print(f"# netc vs ONNX Runtime (onnxruntime-node, CPU), {datetime.date.today()}, {platform.node()}, "
              f"{os.cpu_count()} CPUs, {isa()}, {a.threads} threads, medians of {a.rounds} alternating rounds "
              f"of {a.steps} timed steps\n")
        print("| net | batch | netc infer img/s | ORT infer img/s | ratio | median paired ratio |")
        print("|---|---:|---:|---:|---:|---:|")
        for spec, extra, batch in cases:
            n, o = [], []
            for _ in range(a.rounds):
                n.append(netc_bench(binary, spec, extra, batch, a.threads, a.steps))
                o.append(ort_bench(models[spec], batch, a.threads, a.steps))
            paired = m(x / y for x, y in zip(n, o))
            print(f"| {spec} | {batch} | {m(n):,.1f} | {m(o):,.1f} | {m(n) / m(o):.2f} | {paired:.2f} |", flush=True)

        if not scaling:
            return
        print("\n## 1 and 2 threads\n")
        print("| net | batch | netc infer 1t | netc infer 2t | netc speed-up | ORT infer 1t | ORT infer 2t | ORT speed-up "
              "| netc / ORT speed-up | netc train 1t | netc train 2t | netc train speed-up | train / ORT speed-up |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for spec, extra, batch in [c for c in CASES if c[0] in scaling]:
            r = {k: [] for k in ("n1", "n2", "o1", "o2", "t1", "t2")}
            for _ in range(a.rounds):
                for t in (1, 2):
                    r[f"n{t}"].append(netc_bench(binary, spec, extra, batch, t, a.steps))
                    r[f"o{t}"].append(ort_bench(models[spec], batch, t, a.steps))
                    r[f"t{t}"].append(netc_bench(binary, spec, extra, batch, t, a.steps, train=True))
            md = {k: m(v) for k, v in r.items()}
            ns, os_, ts = md["n2"] / md["n1"], md["o2"] / md["o1"], md["t2"] / md["t1"]
            print(f"| {spec} | {batch} | {md['n1']:,.1f} | {md['n2']:,.1f} | {ns:.2f}x | {md['o1']:,.1f} | {md['o2']:,.1f} "
                  f"| {os_:.2f}x | {ns / os_:.2f} | {md['t1']:,.1f} | {md['t2']:,.1f} | {ts:.2f}x | {ts / os_:.2f} |", flush=True)


if __name__ == "__main__":
    main()
