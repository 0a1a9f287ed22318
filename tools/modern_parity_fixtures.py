#!/usr/bin/env python3
"""Parity fixtures for the networks that came after the book: what PyTorch 1.13 and
torchvision 0.14 compute for EfficientNet-B0, ConvNeXt-T, ShuffleNetV2 x1.0 and
MobileNetV3-Large with netc's own initial weights, and for a small network of every new
op written by hand with PyTorch's modules and functions (OpsNet, the same network as
runner/testdata/specs/modern_ops.toml), for runner/parity_test.go.

As tools/parity_fixtures.py does for the chapter's networks, for each network it
  1. runs `netc init SPEC --seed 42` (the Go test reproduces the file's SHA-256 before
     comparing anything) and `netc plan --json` for the parameter names in execution order;
  2. sets every constant-initialised tensor (batchnorm and layernorm weights, biases and
     running statistics, ConvNeXt's layer scale) to values from a fixed formula that the
     Go test applies too (perturb below): at netc's initialisation every batchnorm is the
     identity and the layer scale is 1e-6, so a mis-mapped one would go unnoticed;
  3. loads the weights into torchvision's own definition (or OpsNet), pairing tensors by the order in
     which the forward pass uses them and checking every shape (a torchvision Linear
     applied to channels-last ConvNeXt features takes a 1x1 conv's weight reshaped);
  4. feeds the first test images of Fashion-MNIST, scaled to [0, 1], resized to 64x64
     (bilinear; 16x16 for OpsNet) and repeated over three channels, plus a dither from the first seed that
     leaves every input of a piecewise activation (ReLU, ReLU6, hard-swish,
     hard-sigmoid) away from a join (5e-6 from 0 and 6, 2e-5 from -3 and 3, several
     times float32's error at those magnitudes): there the derivative jumps,
     and float32 rounding (netc's, or PyTorch's own) could put a value on the other side
     than the float64 reference does, which would compare two different, equally valid
     gradients;
  5. records eval and train-mode logits (dropout and stochastic depth off), the loss, and
     each parameter gradient's norm and sampled entries, computed in float64, with
     PyTorch's own float32 errors against that (as parity_fixtures.py explains).
Output: runner/testdata/parity/<net>.json and <net>.input.npy. Run from the repository
root with /usr/bin/python3 (needs python3-torch and python3-torchvision); CI only reads
the files.
"""
import json
import os
import subprocess

import numpy as np
import torch
import torch.nn.functional as F
import torchvision

import parity_fixtures as pf  # reading safetensors and Fashion-MNIST, the float32 runs

ROOT = pf.ROOT
OUT = pf.OUT
SEED = 42
SIZE = 64
BATCH = 2
SAMPLES = 16  # sampled entries per large gradient tensor
# Joins of the piecewise activations, with the least distance an input must keep from each.
JOINS = {"ReLU": ((0.0, 5e-6),), "LeakyReLU": ((0.0, 5e-6),), "ReLU6": ((0.0, 5e-6), (6.0, 2e-5)),
         "Hardswish": ((-3.0, 2e-5), (3.0, 2e-5)), "Hardsigmoid": ((-3.0, 2e-5), (3.0, 2e-5))}

class LayerNorm2d(torch.nn.LayerNorm):
    """LayerNorm over the channels at each position, as torchvision's ConvNeXt has it."""

    def forward(self, x):
        return F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias, self.eps).permute(0, 3, 1, 2)


class Scale(torch.nn.Module):
    def __init__(self, shape, init):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.full(shape, init))

    def forward(self, x):
        return x * self.weight


def channel_shuffle(x, groups):
    """torchvision's (shufflenetv2.py): torch 1.13's F.channel_shuffle has no backward."""
    n, c, h, w = x.shape
    return x.view(n, groups, c // groups, h, w).transpose(1, 2).contiguous().view(n, c, h, w)


class OpsNet(torch.nn.Module):
    """runner/testdata/specs/modern_ops.toml, written by hand with PyTorch's own modules and
    functions: every op that came after the book."""

    def __init__(self):
        super().__init__()
        nn = torch.nn
        self.conv1, self.bn, self.leaky1 = nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.LeakyReLU(0.2)
        self.hardswish, self.hardsigmoid, self.leaky2 = nn.Hardswish(), nn.Hardsigmoid(), nn.LeakyReLU()
        self.gate_conv = nn.Conv2d(8, 8, 1)
        self.split_conv = nn.Conv2d(4, 4, 3, padding=1)
        self.ln1 = LayerNorm2d(8, eps=1e-6)
        self.conv2 = nn.Conv2d(8, 16, 3, stride=2, padding=1)
        self.se1, self.se2 = nn.Conv2d(16, 4, 1), nn.Conv2d(4, 16, 1)
        self.res_conv, self.res_scale = nn.Conv2d(16, 16, 1), Scale((16, 1, 1), 0.5)
        self.drop_path = torchvision.ops.StochasticDepth(0.1, "row")
        self.linear1, self.ln2 = nn.Linear(16, 32), nn.LayerNorm(32, eps=1e-5)
        self.scale, self.linear2 = Scale((32,), 0.5), nn.Linear(32, 10)

    def forward(self, x):
        x = self.leaky1(self.bn(self.conv1(x)))
        x = x + self.gate_conv(F.adaptive_avg_pool2d(x, 1))
        a, b = x.chunk(2, dim=1)
        x = channel_shuffle(torch.cat([a, self.hardswish(self.split_conv(b))], dim=1), 2)
        x = F.gelu(self.conv2(self.ln1(x)))
        x = x * self.hardsigmoid(self.se2(F.silu(self.se1(F.adaptive_avg_pool2d(x, 1)))))
        x = x + self.drop_path(self.res_scale(self.res_conv(x)))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        x = self.scale(self.leaky2(self.ln2(self.linear1(x))))
        return self.linear2(x)


# name -> (torchvision constructor or hand-written module, spec path, input size)
NETS = {
    "modern_ops": (OpsNet, "runner/testdata/specs/modern_ops.toml", 16),
    "efficientnet_b0": torchvision.models.efficientnet_b0,
    "convnext_tiny": torchvision.models.convnext_tiny,
    "shufflenet_v2": torchvision.models.shufflenet_v2_x1_0,
    "mobilenet_v3_large": torchvision.models.mobilenet_v3_large,
}
for _name, _ctor in list(NETS.items()):
    if not isinstance(_ctor, tuple):
        NETS[_name] = (_ctor, os.path.join("specs", _name + ".toml"), SIZE)


def perturb(order, weights, constant):
    """Replaces each constant-initialised tensor with values from a fixed formula of its
    element index j and its position t in the plan's parameter order. The formulas are
    exact in float64 and rounded once to float32, so Go and numpy agree bit for bit."""
    for t, name in enumerate(order):
        if name not in constant:
            continue
        w = weights[name]
        j = np.arange(w.size, dtype=np.float64)
        if name.endswith(".running_mean"):
            v = ((j * 37 + t * 11) % 101) / 101 - 0.5
        elif name.endswith(".running_var"):
            v = 0.5 + ((j * 53 + t * 7) % 97) / 97
        elif name.endswith(".bias"):
            v = ((j * 31 + t * 17) % 83) / 83 - 0.5
        else:
            v = 0.75 + ((j * 29 + t * 13) % 89) / 178
        weights[name] = v.astype(np.float32).reshape(w.shape)


def forward_order(net, size):
    """Parameter and buffer tensors in the order the forward pass uses them: each leaf
    module's (weight, bias, running statistics) when it runs, and a ConvNeXt block's layer
    scale after its block."""
    order = []

    def leaf(m, i, o):
        if m not in [x for x, _ in order]:
            order.append((m, pf.state_tensors(m)))

    def cnblock(m, i, o):
        order.append((m, [("layer_scale", m.layer_scale)]))

    hooks = []
    for m in net.modules():
        has = len(list(m.parameters(recurse=False))) + len(list(m.buffers(recurse=False))) > 0
        if len(list(m.children())) == 0 and has:
            hooks.append(m.register_forward_hook(leaf))
        elif type(m).__name__ == "CNBlock":
            hooks.append(m.register_forward_hook(cnblock))
    with torch.no_grad():
        net.eval()(torch.zeros(1, 3, size, size))
    for h in hooks:
        h.remove()
    return [t for _, ts in order for t in ts]


def build(ctor, order, weights, dtype, size):
    """torchvision's network with netc's weights, by forward order; returns it and its
    parameters by netc name."""
    torch.manual_seed(0)
    net = ctor()
    pairs = forward_order(net, size)
    assert len(pairs) == len(order), f"{len(pairs)} PyTorch tensors, netc has {len(order)}"
    params = {}
    with torch.no_grad():
        for ours, (_, theirs) in zip(order, pairs):
            w = torch.from_numpy(weights[ours])
            assert w.numel() == theirs.numel(), f"{ours} {tuple(w.shape)} vs {tuple(theirs.shape)}"
            theirs.copy_(w.reshape(theirs.shape))
            if isinstance(theirs, torch.nn.Parameter):
                params[ours] = theirs
    net = net.to(dtype)
    return net, params


def train_mode(net):
    """Training mode with dropout and stochastic depth off, as netc's DropoutOff."""
    net.train()
    for m in net.modules():
        if isinstance(m, torch.nn.Dropout) or type(m).__name__ == "StochasticDepth":
            m.eval()


def grads_of(net, params, x, y):
    train_mode(net)
    F.cross_entropy(net(x), y).backward()
    return {k: p.grad.detach().double().numpy().ravel() for k, p in params.items()}


def clear_of_joins(ctor, order, weights, x, size):
    """Whether every piecewise activation's input keeps its margin from the joins, in a
    float64 training-mode forward pass (of a network of its own: training mode updates
    batchnorm's running statistics)."""
    net, _ = build(ctor, order, weights, torch.float64, size)
    clear = [True]

    def hook(m, inputs):  # before the module runs: torchvision's ReLUs work in place
        v = inputs[0].detach()
        for join, margin in JOINS[type(m).__name__]:
            if float((v - join).abs().min()) < margin:
                clear[0] = False

    for m in net.modules():
        if type(m).__name__ in JOINS:
            m.register_forward_pre_hook(hook)
    train_mode(net)
    with torch.no_grad():
        net(x.double())
    return clear[0]


def main():
    netc = "/tmp/netc-parity"
    subprocess.run(["go", "build", "-o", netc, "./cmd/netc"], cwd=ROOT, check=True)
    data = "/usr/share/datasets/fashion-mnist"
    images = pf.idx_images(os.path.join(data, "t10k-images-idx3-ubyte.gz"))[:BATCH]
    labels = pf.idx_labels(os.path.join(data, "t10k-labels-idx1-ubyte.gz"))[:BATCH]
    y = torch.from_numpy(labels.astype(np.int64))
    os.makedirs(OUT, exist_ok=True)
    for name, (ctor, spec, size) in NETS.items():
        clean = torch.from_numpy(images.astype(np.float32) / 255).unsqueeze(1)
        clean = F.interpolate(clean, size=(size, size), mode="bilinear", align_corners=False).repeat(1, 3, 1, 1)
        wfile = f"/tmp/parity-{name}.safetensors"
        subprocess.run([netc, "init", spec, "--seed", str(SEED), "--out", wfile, "--input", f"3x{size}x{size}"], cwd=ROOT, check=True, capture_output=True)
        plan = json.loads(subprocess.run([netc, "plan", spec, "--batch", "1", "--json", "--input", f"3x{size}x{size}"], cwd=ROOT, check=True, capture_output=True).stdout)
        order = [p["name"] for p in plan["params"]]
        constant = {p["name"] for p in plan["params"] if p.get("init") == "const"}
        weights, sha = pf.read_safetensors(wfile)
        perturb(order, weights, constant)

        for dither_seed in range(100):
            x = clean + pf.DITHER * torch.rand(clean.shape, generator=torch.Generator().manual_seed(dither_seed))
            if clear_of_joins(ctor, order, weights, x, size):
                break
        else:
            raise SystemExit(f"{name}: no dither seed below 100 keeps the activations clear of their joins")
        net, params = build(ctor, order, weights, torch.float64, size)
        net.eval()
        with torch.no_grad():
            eval_logits = net(x.double())
        train_mode(net)
        train_logits = net(x.double())
        loss = F.cross_entropy(train_logits, y)
        loss.backward()
        runs32 = []
        for variant in ("default", "channels_last", "no_mkldnn"):
            net32, params32 = build(ctor, order, weights, torch.float32, size)
            xin = x
            if variant == "channels_last":
                net32 = net32.to(memory_format=torch.channels_last)
                xin = x.contiguous(memory_format=torch.channels_last)
            with torch.backends.mkldnn.flags(enabled=(variant != "no_mkldnn")):
                runs32.append(grads_of(net32, params32, xin, y))

        rng = np.random.default_rng(0)
        grads = {}
        for pname, p in params.items():
            g = p.grad.detach().double().numpy().ravel()
            idx = np.arange(g.size) if g.size <= SAMPLES else np.sort(rng.choice(g.size, SAMPLES, replace=False))
            ref, gn = np.linalg.norm(g[idx]), np.linalg.norm(g)
            entry = {"norm": float(gn), "index": idx.tolist(), "value": g[idx].tolist(),
                     "torch32_norm": 0.0, "torch32_sample_err": 0.0, "torch32_norm_err": 0.0}
            for run in runs32:
                g32 = run[pname]
                entry["torch32_norm"] = max(entry["torch32_norm"], float(np.linalg.norm(g32)))
                if ref > 0:
                    entry["torch32_sample_err"] = max(entry["torch32_sample_err"], float(np.linalg.norm(g32[idx] - g[idx]) / ref))
                if gn > 0:
                    entry["torch32_norm_err"] = max(entry["torch32_norm_err"], float(abs(np.linalg.norm(g32) - gn) / gn))
            grads[pname] = entry
        np.save(os.path.join(OUT, name + ".input.npy"), x.float().numpy())
        fixture = {
            "net": name, "spec": spec, "seed": SEED, "weights_sha256": sha, "input": [3, size, size],
            "dither_seed": dither_seed,
            "perturbed": "tools/modern_parity_fixtures.py perturb",
            "labels": labels.tolist(),
            "eval_logits": eval_logits.double().numpy().ravel().tolist(),
            "train_logits": train_logits.detach().double().numpy().ravel().tolist(),
            "loss": float(loss),
            "grads": grads,
        }
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(fixture, f)
        print(f"{name:20s} loss {float(loss):.5f}  {len(grads)} gradient tensors  weights {sha[:12]}  dither seed {dither_seed}")


if __name__ == "__main__":
    main()
