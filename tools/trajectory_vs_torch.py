#!/usr/bin/env python3
"""Do netc and PyTorch follow the same training trajectory from the same start?

Two full training runs differ in their random draws (initial weights, the order of the
images, dropout masks), so their accuracies differ even when the arithmetic is the same.
This script removes the randomness: it loads one set of weights into netc
(tools/sgdsteps) and into the book's PyTorch definition (tools/book_nets.py,
as tools/parity_fixtures.py does), feeds both the same batches of real Fashion-MNIST
training images (a fixed random sample, resized with F.interpolate bilinear) with dropout
off, takes plain SGD steps, and prints both losses step by step. With --dropout-seed S
dropout is on: netc draws its masks from its generator seeded with S, and this script
replays that generator (PCG-DXSM as Go's math/rand/v2 has it, one draw per element in
N,C,H,W order, dropped when the draw is below p, kept ones scaled by 1/(1-p)) to apply
the same masks in PyTorch. Float32 rounding differs
between the two, and SGD amplifies it, so the losses part after some steps; what should
hold is that they agree to rounding at first and then keep the same mean.

    /usr/bin/python3 tools/trajectory_vs_torch.py nin --resize 67 --steps 60 --batch 128 \\
        --lr 0.1 --weights runs/nin-.../last.safetensors

Without --weights it starts from `netc init --seed 0`. Run from the repository root with
/usr/bin/python3 (needs python3-torch and /usr/share/datasets/fashion-mnist).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import parity_fixtures as pf  # noqa: E402  (also imports book_nets)

DATA = "/usr/share/datasets/fashion-mnist"
M64 = (1 << 64) - 1


class PCG:
    """Go's math/rand/v2 PCG (128-bit LCG, DXSM output), seeded as netc's kernels.RNG.Seed."""
    MUL = (2549297995355413924 << 64) | 4865540595714422341
    INC = (6364136223846793005 << 64) | 1442695040888963407

    def __init__(self, seed):
        self.state = (seed << 64) | 0x9e3779b97f4a7c15

    def next24(self):
        """The top 24 bits of the next 64-bit output (netc's Float32 is this times 2^-24)."""
        self.state = (self.state * self.MUL + self.INC) & ((1 << 128) - 1)
        h, lo = self.state >> 64, self.state & M64
        v = h ^ (h >> 32)
        v = (v * 0xda942042e4dd58b5) & M64
        v ^= v >> 48
        v = (v * (lo | 1)) & M64
        return v >> 40


class ReplayedDropout(torch.nn.Module):
    """nn.Dropout with netc's masks: the draws come from a shared PCG stream."""

    def __init__(self, p, rng):
        super().__init__()
        self.p, self.rng = p, rng

    def forward(self, x):
        drop = math.ceil(self.p * (1 << 24)) if self.p < 1 else 1 << 24
        scale = 1 / (1 - self.p) if self.p < 1 else 0.0
        keep = [self.rng.next24() >= drop for _ in range(x.numel())]
        mask = torch.tensor(keep, dtype=x.dtype).reshape(x.shape) * torch.tensor(scale, dtype=torch.float32).to(x.dtype)
        return x * mask


def load_netc_weights(net, size, order, tensors):
    """Copies netc's tensors (by name, listed in netc's execution order) into net."""
    pairs = [t for m in pf.exec_order_modules(net, size) for t in pf.state_tensors(m)]
    assert len(pairs) == len(order), f"{len(pairs)} PyTorch tensors, netc has {len(order)}"
    with torch.no_grad():
        for ours, (_, theirs) in zip(order, pairs):
            w = torch.from_numpy(tensors[ours])
            assert tuple(w.shape) == tuple(theirs.shape), f"{ours}: {tuple(w.shape)} vs {tuple(theirs.shape)}"
            theirs.copy_(w)


def set_dropout(net, rng):
    """Dropout off (rng None) or replaying netc's masks from rng (a PCG)."""
    for parent in list(net.modules()):
        for child, m in parent.named_children():
            if isinstance(m, torch.nn.Dropout):
                if rng is None:
                    m.eval()
                else:
                    setattr(parent, child, ReplayedDropout(m.p, rng))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("net", choices=sorted(pf.NETS))
    p.add_argument("--resize", type=int, help="input size (default: the parity fixtures')")
    p.add_argument("--weights", help="starting weights, netc names (default: netc init --seed 0)")
    p.add_argument("--steps", type=int, default=60)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--sample-seed", type=int, default=5, help="which training images")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--dropout-seed", type=int, help="dropout on, with netc's masks from this seed")
    a = p.parse_args()
    ctor, size, _ = pf.NETS[a.net]
    size = a.resize or size
    torch.set_num_threads(a.threads)
    tmp = tempfile.mkdtemp(prefix="trajectory-")
    netc, stepper = os.path.join(tmp, "netc"), os.path.join(tmp, "sgdsteps")
    subprocess.run(["go", "build", "-o", netc, "./cmd/netc"], cwd=ROOT, check=True)
    subprocess.run(["go", "build", "-o", stepper, "./tools/sgdsteps"], cwd=ROOT, check=True)
    spec, shape = os.path.join("specs", a.net + ".toml"), f"1x{size}x{size}"
    weights = a.weights
    if not weights:
        weights = os.path.join(tmp, "init.safetensors")
        subprocess.run([netc, "init", spec, "--input", shape, "--seed", "0", "--out", weights], cwd=ROOT, check=True, capture_output=True)
    plan = json.loads(subprocess.run([netc, "plan", spec, "--input", shape, "--batch", "1", "--json"], cwd=ROOT, check=True, capture_output=True).stdout)
    order = [q["name"] for q in plan["params"]]

    tensors, _ = pf.read_safetensors(weights)
    net = ctor()
    load_netc_weights(net, size, order, tensors)

    images = pf.idx_images(os.path.join(DATA, "train-images-idx3-ubyte.gz"))
    labels = pf.idx_labels(os.path.join(DATA, "train-labels-idx1-ubyte.gz"))
    pick = np.random.default_rng(a.sample_seed).permutation(len(labels))[:a.steps * a.batch]
    x = torch.from_numpy(images[pick].astype(np.float32) / 255).unsqueeze(1)
    if size != 28:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False).contiguous()
    y = torch.from_numpy(labels[pick].astype(np.int64))
    xs, ys = os.path.join(tmp, "x.npy"), os.path.join(tmp, "y.npy")
    np.save(xs, x.numpy())
    np.save(ys, y.numpy())

    net.train()
    rng = PCG(a.dropout_seed) if a.dropout_seed is not None else None
    set_dropout(net, rng)
    opt = torch.optim.SGD(net.parameters(), lr=a.lr)
    theirs = []
    for k in range(a.steps):
        opt.zero_grad()
        loss = F.cross_entropy(net(x[k * a.batch:(k + 1) * a.batch]), y[k * a.batch:(k + 1) * a.batch])
        loss.backward()
        opt.step()
        theirs.append(loss.item())
    out = subprocess.run([stepper, "-spec", spec, "-input", shape, "-weights", weights, "-x", xs, "-y", ys,
                          "-batch", str(a.batch), "-lr", str(a.lr),
                          "-dropout-seed", str(a.dropout_seed if a.dropout_seed is not None else -1)], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    ours = [float(line.split()[1]) for line in out.splitlines()]

    print(f"{a.net} @{size}, {a.steps} SGD steps of {a.batch} images, lr {a.lr}, dropout {'off' if rng is None else 'on (seed %d)' % a.dropout_seed}, from {a.weights or 'netc init --seed 0'}")
    print(f"{'step':>5} {'PyTorch':>9} {'netc':>9} {'netc - PyTorch':>15}")
    for k in range(a.steps):
        if k < 5 or (k + 1) % 10 == 0:
            print(f"{k + 1:5d} {theirs[k]:9.5f} {ours[k]:9.5f} {ours[k] - theirs[k]:+15.2e}")
    agree = next((k for k in range(a.steps) if abs(ours[k] - theirs[k]) > 1e-4 * abs(theirs[k])), a.steps)
    print(f"losses agree within 1e-4 (relative) for the first {agree} steps")
    tail = max(1, a.steps // 3)
    print(f"mean loss over all steps: PyTorch {np.mean(theirs):.5f}, netc {np.mean(ours):.5f}; "
          f"over the last {tail}: {np.mean(theirs[-tail:]):.5f}, {np.mean(ours[-tail:]):.5f}")


if __name__ == "__main__":
    main()
