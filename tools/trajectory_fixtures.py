#!/usr/bin/env python3
"""Trajectory fixtures: the loss PyTorch 1.13 computes at each of a few dozen SGD steps,
starting from netc's initial weights, for runner/trajectory_test.go to follow.

The parity fixtures check one forward and backward pass; these check that the steps
compound the same way: the updated weights of step k are the starting point of step k+1,
so a wrong update rule, a stale cached tensor (such as a folded batchnorm) or a gradient
that accumulates where it should overwrite shows up as a loss that drifts away.

For each configuration it runs `netc init SPEC --input ... --seed 0`, loads the weights into
the book's PyTorch definition (tools/book_nets.py, matched as
tools/parity_fixtures.py does), takes images of the training subset embedded in netc
(internal/data/subset, so CI needs no dataset) in a fixed random order, resized with
F.interpolate(bilinear, align_corners=False), and runs plain SGD, in
float64 (the reference) and in float32 (to record how far float32 rounding alone drifts
from it). Dropout is on where the configuration gives a seed: netc's masks, replayed from
its generator by tools/trajectory_vs_torch.py's PCG. Output: runner/testdata/trajectory/<net>.json. Run from the repository root
with /usr/bin/python3 (needs python3-torch); CI only reads the files.
"""
import hashlib
import json
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import parity_fixtures as pf  # noqa: E402  (also imports book_nets)
import trajectory_vs_torch as tv  # noqa: E402
from train_subset_reference import idx as subset_idx  # noqa: E402  (reads internal/data/subset)

OUT = os.path.join(ROOT, "runner", "testdata", "trajectory")
SEED = 0
CONFIGS = [  # net, input size, batch, steps, lr, dropout seed (None: dropout off)
    ("lenet-bn", 28, 64, 40, 1.0, None),  # the chapter's lr; batchnorm statistics move every step
    ("nin", 67, 16, 30, 0.1, 3),          # the chapter's lr; the smallest input NiN's shapes allow
]


def trajectory(ctor, size, order, weights, x, y, batch, steps, lr, dropout_seed, dtype):
    net = ctor()
    tv.load_netc_weights(net, size, order, weights)
    net = net.to(dtype)
    net.train()
    tv.set_dropout(net, tv.PCG(dropout_seed) if dropout_seed is not None else None)
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    losses = []
    for k in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(net(x[k * batch:(k + 1) * batch].to(dtype)), y[k * batch:(k + 1) * batch])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def main():
    torch.set_num_threads(2)
    netc = "/tmp/netc-trajectory"
    subprocess.run(["go", "build", "-o", netc, "./cmd/netc"], cwd=ROOT, check=True)
    images = subset_idx("train-images-idx3-ubyte.gz")
    labels = subset_idx("train-labels-idx1-ubyte.gz")
    os.makedirs(OUT, exist_ok=True)
    for name, size, batch, steps, lr, dropout_seed in CONFIGS:
        ctor = pf.NETS[name][0]
        spec, shape = os.path.join("specs", name + ".toml"), f"1x{size}x{size}"
        wfile = f"/tmp/trajectory-{name}.safetensors"
        subprocess.run([netc, "init", spec, "--input", shape, "--seed", str(SEED), "--out", wfile], cwd=ROOT, check=True, capture_output=True)
        plan = json.loads(subprocess.run([netc, "plan", spec, "--input", shape, "--batch", "1", "--json"], cwd=ROOT, check=True, capture_output=True).stdout)
        order = [q["name"] for q in plan["params"]]
        weights, sha = pf.read_safetensors(wfile)

        pick = np.random.default_rng(0).permutation(len(labels))[:steps * batch]
        x = torch.from_numpy(images[pick].astype(np.float32) / 255).unsqueeze(1)
        if size != 28:
            x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
        y = torch.from_numpy(labels[pick].astype(np.int64))
        ref = trajectory(ctor, size, order, weights, x, y, batch, steps, lr, dropout_seed, torch.float64)
        f32 = trajectory(ctor, size, order, weights, x, y, batch, steps, lr, dropout_seed, torch.float32)
        drift = max(abs(a - b) / abs(a) for a, b in zip(ref, f32))
        fixture = {"net": name, "input": shape, "seed": SEED, "weights_sha256": sha, "batch": batch, "lr": lr,
                   "dropout_seed": dropout_seed,
                   "indices": pick.tolist(), "loss": ref, "torch32_loss": f32}
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(fixture, f)
        print(f"{name} @{size}: {steps} steps of {batch}, lr {lr}: loss {ref[0]:.4f} -> {ref[-1]:.4f}; "
              f"PyTorch float32 drifts at most {drift:.1e} (relative) from float64")


if __name__ == "__main__":
    main()
