#!/usr/bin/env python3
"""Paired speed of two netc builds: `netc bench` of build A and build B alternately on
the chapter's seven networks, same batch and threads, several rounds; prints medians and
the median of each round's B/A ratio as a Markdown table. Used to show that a change
costs no speed (a ratio of 1.00 within the spread of the rounds).

    /usr/bin/python3 tools/bench_ab.py --a /tmp/netc-old --b /tmp/netc-new [--rounds 3] [--threads 2] [net ...]

Build the two binaries first (e.g. `git worktree add /tmp/old REV && cd /tmp/old &&
go build -o /tmp/netc-old ./cmd/netc`). Run from the repository root.
"""
import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from bench_vs_torch import CASES, ROOT, netc_bench  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--a", required=True, help="netc binary before the change")
    p.add_argument("--b", required=True, help="netc binary after the change")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--threads", type=int, default=2, help="netc bench --threads for both builds")
    p.add_argument("nets", nargs="*")
    a = p.parse_args()
    cases = [c for c in CASES if not a.nets or c[0] in a.nets]
    print(f"# netc A={a.a} vs B={a.b}, {datetime.date.today()}, {platform.node()}, {os.cpu_count()} CPUs, {a.threads} threads, "
          f"medians of {a.rounds} alternating rounds of {a.steps} timed steps\n")
    print("| net | batch | A train img/s | B train img/s | B/A train | A infer img/s | B infer img/s | B/A infer |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    m = statistics.median
    for spec, extra, _, batch in cases:
        at, ai, bt, bi = [], [], [], []
        for r in range(a.rounds):
            # Alternate which build goes first so a slow spell does not always hit one side.
            order = [(a.a, at, ai), (a.b, bt, bi)]
            if r % 2:
                order.reverse()
            for binary, tr, inf in order:
                x, y = netc_bench(binary, spec, extra, batch, a.steps, a.threads)
                tr.append(x)
                inf.append(y)
        rt = m(y / x for x, y in zip(at, bt))
        ri = m(y / x for x, y in zip(ai, bi))
        name = spec + (" " + " ".join(extra) if extra else "")
        print(f"| {name} | {batch} | {m(at):,.1f} | {m(bt):,.1f} | {rt:.2f} | {m(ai):,.1f} | {m(bi):,.1f} | {ri:.2f} |", flush=True)


if __name__ == "__main__":
    main()
