#!/usr/bin/env python3
"""Optimizer trajectory fixtures: the loss PyTorch 1.13 computes at each of 36 training
steps of LeNet-BN under each optimizer, learning-rate schedule, label smoothing and
gradient clipping netc offers, for runner/optim_trajectory_test.go to follow.

Like tools/trajectory_fixtures.py (whose machinery it reuses): netc's initial weights
(`netc init specs/lenet-bn.toml --seed 0`) are loaded into the book's PyTorch LeNet-BN,
which then trains on images of the embedded training subset in a fixed random order, in
float64 (the reference) and float32 (how far float32 rounding alone drifts). The recipe is
built from torch.optim and torch.optim.lr_scheduler themselves:

  optimizer   SGD(lr, momentum, weight_decay, nesterov) or AdamW(lr, betas, eps, weight_decay)
  schedule    StepLR, MultiStepLR, SequentialLR(LinearLR, CosineAnnealingLR) stepped after every
              epoch of STEPS_PER_EPOCH batches; OneCycleLR stepped after every batch
  loss        nn.CrossEntropyLoss(label_smoothing=...)
  clipping    nn.utils.clip_grad_norm_(parameters, max_norm) between backward and step

Each case also records the learning rate (and momentum or beta1) every step used, read
from the optimizer's param group, and the gradient norm clip_grad_norm_ returned.
Each case's "optimizer" and "schedule" objects are written with the field names of
netc's runner.OptimizerConfig and runner.Schedule. Output:
runner/testdata/trajectory/optim.json. Run from the repository root with /usr/bin/python3.
"""
import json
import os
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import parity_fixtures as pf  # noqa: E402
import trajectory_vs_torch as tv  # noqa: E402
from train_subset_reference import idx as subset_idx  # noqa: E402

OUT = os.path.join(ROOT, "runner", "testdata", "trajectory", "optim.json")
NET, SIZE, SEED = "lenet-bn", 28, 0
BATCH, STEPS, STEPS_PER_EPOCH = 32, 36, 4
EPOCHS = STEPS // STEPS_PER_EPOCH

SGD, ADAMW = "sgd", "adamw"
CASES = [  # name, optimizer config, schedule config, label smoothing, clip max norm
    ("sgd-nesterov", {"Name": SGD, "LR": 0.1, "Momentum": 0.9, "Nesterov": True, "WeightDecay": 5e-4}, {}, 0, 0),
    ("adamw", {"Name": ADAMW, "LR": 1e-3, "WeightDecay": 0.01}, {}, 0, 0),
    ("adamw-betas", {"Name": ADAMW, "LR": 2e-3, "Betas": [0.8, 0.99], "Eps": 1e-6, "WeightDecay": 0.1}, {}, 0, 0),
    ("step", {"Name": SGD, "LR": 0.3, "Momentum": 0.9}, {"Type": "step", "StepSize": 2, "Gamma": 0.5}, 0, 0),
    ("multistep", {"Name": SGD, "LR": 0.5}, {"Type": "multistep", "Milestones": [2, 5], "Gamma": 0.2}, 0, 0),
    ("cosine-warmup", {"Name": ADAMW, "LR": 3e-3, "WeightDecay": 0.01}, {"Type": "cosine", "Warmup": 3, "MinLR": 1e-5}, 0, 0),
    ("cosine", {"Name": SGD, "LR": 0.5, "Momentum": 0.9}, {"Type": "cosine"}, 0, 0),
    ("onecycle-sgd", {"Name": SGD, "LR": 1.0, "Momentum": 0.9, "MomentumBuffers": True}, {"Type": "onecycle"}, 0, 0),
    ("onecycle-adamw", {"Name": ADAMW, "LR": 1e-2, "WeightDecay": 0.01},
     {"Type": "onecycle", "ThreePhase": True, "Anneal": "linear", "PctStart": 0.25}, 0, 0),
    ("label-smoothing", {"Name": SGD, "LR": 1.0}, {}, 0.1, 0),
    ("clip", {"Name": SGD, "LR": 1.0, "Momentum": 0.5}, {}, 0, 0.5),
]


def optimizer(params, o):
    if o["Name"] == SGD:
        return torch.optim.SGD(params, lr=o["LR"], momentum=o.get("Momentum", 0), nesterov=o.get("Nesterov", False),
                               weight_decay=o.get("WeightDecay", 0))
    return torch.optim.AdamW(params, lr=o["LR"], betas=tuple(o.get("Betas", (0.9, 0.999))), eps=o.get("Eps", 1e-8),
                             weight_decay=o.get("WeightDecay", 0.01))


def scheduler(opt, s):
    """The torch scheduler for netc's schedule s, and whether it steps after every batch."""
    t = s.get("Type", "constant")
    lrs = torch.optim.lr_scheduler
    if t == "step":
        return lrs.StepLR(opt, step_size=s["StepSize"], gamma=s.get("Gamma", 0.1)), False
    if t == "multistep":
        return lrs.MultiStepLR(opt, milestones=s["Milestones"], gamma=s.get("Gamma", 0.1)), False
    if t == "cosine":
        w = s.get("Warmup", 0)
        if w == 0:
            return lrs.CosineAnnealingLR(opt, T_max=EPOCHS, eta_min=s.get("MinLR", 0)), False
        warm = lrs.LinearLR(opt, start_factor=s.get("WarmupFactor", 1 / 3), total_iters=w)
        cos = lrs.CosineAnnealingLR(opt, T_max=EPOCHS - w, eta_min=s.get("MinLR", 0))
        return lrs.SequentialLR(opt, [warm, cos], milestones=[w]), False
    if t == "onecycle":
        return lrs.OneCycleLR(opt, max_lr=opt.param_groups[0]["lr"], total_steps=STEPS, pct_start=s.get("PctStart", 0.3),
                              anneal_strategy=s.get("Anneal", "cos"), three_phase=s.get("ThreePhase", False)), True
    return None, False


def trajectory(ctor, order, weights, x, y, case, dtype):
    _, o, s, smoothing, clip = case
    net = ctor()
    tv.load_netc_weights(net, SIZE, order, weights)
    net = net.to(dtype)
    net.train()
    opt = optimizer(net.parameters(), o)
    sched, per_step = scheduler(opt, s)
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=smoothing)
    losses, lrs, moms, norms = [], [], [], []
    for k in range(STEPS):
        opt.zero_grad()
        loss = loss_fn(net(x[k * BATCH:(k + 1) * BATCH].to(dtype)), y[k * BATCH:(k + 1) * BATCH])
        loss.backward()
        if clip:
            norms.append(float(torch.nn.utils.clip_grad_norm_(net.parameters(), clip)))
        g = opt.param_groups[0]
        lrs.append(g["lr"])
        moms.append(g["betas"][0] if "betas" in g else g["momentum"])
        opt.step()
        losses.append(loss.item())
        if sched is not None and (per_step or (k + 1) % STEPS_PER_EPOCH == 0):
            sched.step()
    return losses, lrs, moms, norms


def main():
    torch.set_num_threads(2)
    netc = "/tmp/netc-trajectory"
    subprocess.run(["go", "build", "-o", netc, "./cmd/netc"], cwd=ROOT, check=True)
    images = subset_idx("train-images-idx3-ubyte.gz")
    labels = subset_idx("train-labels-idx1-ubyte.gz")
    spec, shape = os.path.join("specs", NET + ".toml"), f"1x{SIZE}x{SIZE}"
    wfile = f"/tmp/trajectory-optim-{NET}.safetensors"
    subprocess.run([netc, "init", spec, "--input", shape, "--seed", str(SEED), "--out", wfile], cwd=ROOT, check=True, capture_output=True)
    plan = json.loads(subprocess.run([netc, "plan", spec, "--input", shape, "--batch", "1", "--json"], cwd=ROOT, check=True, capture_output=True).stdout)
    order = [q["name"] for q in plan["params"]]
    weights, sha = pf.read_safetensors(wfile)
    pick = np.random.default_rng(1).permutation(len(labels))[:STEPS * BATCH]
    x = torch.from_numpy(images[pick].astype(np.float32) / 255).unsqueeze(1)
    y = torch.from_numpy(labels[pick].astype(np.int64))
    ctor = pf.NETS[NET][0]
    cases = []
    for case in CASES:
        ref, lrs, moms, norms = trajectory(ctor, order, weights, x, y, case, torch.float64)
        f32, _, _, _ = trajectory(ctor, order, weights, x, y, case, torch.float32)
        drift = max(abs(a - b) / abs(a) for a, b in zip(ref, f32))
        name, o, s, smoothing, clip = case
        cases.append({"name": name, "optimizer": o, "schedule": s, "label_smoothing": smoothing, "clip_grad_norm": clip,
                      "loss": ref, "torch32_loss": f32, "lr": lrs, "momentum": moms, "grad_norm": norms})
        clipped = sum(n > clip for n in norms)
        print(f"{name}: loss {ref[0]:.4f} -> {ref[-1]:.4f}; lr {lrs[0]:.3g} .. {lrs[-1]:.3g}; float32 drift {drift:.1e}"
              + (f"; clipped {clipped}/{STEPS} steps" if clip else ""))
    fixture = {"net": NET, "input": shape, "seed": SEED, "weights_sha256": sha, "batch": BATCH,
               "steps_per_epoch": STEPS_PER_EPOCH, "epochs": EPOCHS, "indices": pick.tolist(), "cases": cases}
    with open(OUT, "w") as f:
        json.dump(fixture, f)


if __name__ == "__main__":
    main()
