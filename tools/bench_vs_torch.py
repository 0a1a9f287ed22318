#!/usr/bin/env python3
"""Side-by-side speed: `netc bench` and PyTorch (tools/torch_timing.py)
alternately for the chapter's seven networks, same batch, 2 threads, several rounds;
prints the medians and the ratios as a Markdown table (for docs/performance.md).

    /usr/bin/python3 tools/bench_vs_torch.py [--rounds 3] [--steps 3] [net ...]

Run from the repository root; it builds netc first. Needs python3-torch; CI does not
run it. The machine is shared and noisy: rounds alternate netc and PyTorch so that both
see the same conditions, and the medians are compared.
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))

# netc spec, extra netc args, torch model, batch
CASES = [
    ("lenet-bn", [], "lenet_bn", 256),
    ("resnet18", [], "resnet18", 64),
    ("googlenet", [], "googlenet", 64),
    ("densenet", [], "densenet", 64),
    ("nin", [], "nin", 64),
    ("alexnet", [], "alexnet", 128),
    ("vgg11", ["--set", "ratio=4"], "vgg11_small", 128),
]


def netc_bench(binary, spec, extra, batch, steps, threads=2):
    out = subprocess.run([binary, "bench", f"specs/{spec}.toml", *extra, "--batch", str(batch), "--steps", str(steps),
                          "--threads", str(threads), "--json"], cwd=ROOT, capture_output=True, check=True, timeout=3600).stdout
    r = json.loads(out)
    return r["train_images_per_sec"], r["infer_images_per_sec"]


def torch_bench(model, batch, steps):
    env = dict(os.environ, BATCH=str(batch), STEPS=str(steps), THREADS="2")
    out = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "torch_timing.py"), model], capture_output=True, text=True,
                         env=env, check=True, timeout=3600).stdout
    line = [l for l in out.splitlines() if l.startswith(model + " ")][-1]
    return float(line.split("train=")[1].split()[0]), float(line.split("infer=")[1].split()[0])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("nets", nargs="*")
    a = p.parse_args()
    binary = "/tmp/netc-bench"
    subprocess.run(["go", "build", "-o", binary, "./cmd/netc"], cwd=ROOT, check=True)
    cases = [c for c in CASES if not a.nets or c[0] in a.nets]
    print(f"# netc vs PyTorch, {datetime.date.today()}, {platform.node()}, {os.cpu_count()} CPUs, 2 threads, "
          f"medians of {a.rounds} alternating rounds of {a.steps} timed steps\n")
    print("| net | batch | netc train img/s | PyTorch train img/s | train ratio | netc infer img/s | PyTorch infer img/s | infer ratio | paired ratios (train / infer) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for spec, extra, model, batch in cases:
        nt, ni, tt, ti = [], [], [], []
        for _ in range(a.rounds):
            x, y = netc_bench(binary, spec, extra, batch, a.steps)
            nt.append(x)
            ni.append(y)
            x, y = torch_bench(model, batch, a.steps)
            tt.append(x)
            ti.append(y)
        m = statistics.median
        name = spec + (" " + " ".join(extra) if extra else "")
        # The median of each round's own ratio: netc and PyTorch of one round ran
        # minutes apart at most, so this is less exposed to a slow spell on one side.
        pt = m(x / y for x, y in zip(nt, tt))
        pi = m(x / y for x, y in zip(ni, ti))
        print(f"| {name} | {batch} | {m(nt):,.1f} | {m(tt):,.1f} | {m(nt) / m(tt):.2f} | {m(ni):,.1f} | {m(ti):,.1f} | {m(ni) / m(ti):.2f} "
              f"| {pt:.2f} / {pi:.2f} |", flush=True)


if __name__ == "__main__":
    main()
