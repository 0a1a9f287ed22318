#!/usr/bin/env python3
"""Parity fixtures: what PyTorch 1.13 computes for the chapter's seven networks with
netc's own initial weights, for runner/parity_test.go to compare against.

For each network it
  1. builds netc and runs `netc init SPEC --seed 42` (the weights, and their SHA-256,
     which the Go test reproduces before comparing anything), and `netc plan --json`
     for the parameter names in execution order;
  2. loads those weights into the book's PyTorch definition (tools/book_nets.py),
     matching tensors by execution order
     and checking every shape;
  3. feeds the first test images of Fashion-MNIST (/usr/share/datasets/fashion-mnist,
     Debian's dataset-fashion-mnist: two, or eight for LeNet, whose BatchNorm1d layers are
     degenerate on two samples), scaled to [0, 1], resized with
     F.interpolate(bilinear, align_corners=False), plus a fixed dither of at most 1e-3.
     The dither breaks exact ties: the images' black background makes max-pooling
     windows of equal values, and where one implementation sees a tie and the other a
     last-bit difference, each routes the gradient to a different (equally valid)
     element. The input actually used is saved beside the fixture;
  4. records the logits in eval mode and in train mode with dropout off, the
     cross-entropy loss, and for every parameter's gradient its norm and a fixed sample
     of entries (all entries of small tensors). PyTorch computes in float64 from the
     same float32 weights and input, so the reference carries no rounding of its own:
     what the test measures is netc's float32 error. PyTorch also runs in float32, three
     ways (its default oneDNN path, channels-last memory, and oneDNN off), and for each
     gradient the fixture keeps the largest distance of those runs from float64. Two
     effects make float32 itself miss 1e-3 on some tensors: long, cancelling reductions
     (a bias summed over 2x224x224 positions, a batchnorm weight), and max-pooling
     windows whose two largest values agree to float32 precision, where the rounding
     decides which element receives the gradient. The test allows netc twice the worst
     of PyTorch's float32 runs where that exceeds 1e-3.
Output: runner/testdata/parity/<net>.json and <net>.input.npy. Run from the repository
root with /usr/bin/python3 (needs python3-torch); CI only reads the files.
"""
import gzip
import hashlib
import json
import os
import struct
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import book_nets  # noqa: E402

OUT = os.path.join(ROOT, "runner", "testdata", "parity")
SEED = 42
DITHER = 0.05
SAMPLES = 64  # sampled entries per large gradient tensor
NETS = {  # netc spec -> (PyTorch constructor, input size, batch)
    "alexnet": (book_nets.alexnet, 224, 2),
    "vgg11": (lambda: book_nets.vgg(1), 224, 2),
    "nin": (book_nets.nin, 224, 2),
    "googlenet": (book_nets.googlenet, 96, 2),
    "lenet-bn": (book_nets.lenet_bn, 28, 8),
    "resnet18": (book_nets.resnet18, 96, 2),
    "densenet": (book_nets.densenet, 96, 2),
}


def read_safetensors(path):
    """The tensors of a netc weights file and the SHA-256 that identifies them: of the file
    laid out without the netc.sha256 entry (the file's own checksum, which netc adds when it
    writes a file), i.e. the reference safetensors layout of the same tensors and metadata."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        b, e = t["data_offsets"]
        out[name] = np.frombuffer(data[b:e], dtype="<f4").reshape(t["shape"]).copy()
    if header.get("__metadata__", {}).pop("netc.sha256", None) is not None:
        text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        text += b" " * ((8 - len(text) % 8) % 8)
        raw = struct.pack("<Q", len(text)) + text + data
    return out, hashlib.sha256(raw).hexdigest()


def idx_images(path):
    with gzip.open(path) as f:
        raw = f.read()
    n, h, w = struct.unpack(">III", raw[4:16])
    return np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, h, w)


def idx_labels(path):
    with gzip.open(path) as f:
        raw = f.read()
    return np.frombuffer(raw[8:], dtype=np.uint8)


def exec_order_modules(net, size):
    """Leaf modules with parameters or buffers, in the order forward runs them."""
    order = []
    hooks = [m.register_forward_hook(lambda m, i, o: order.append(m) if m not in order else None)
             for m in net.modules() if len(list(m.children())) == 0]
    with torch.no_grad():
        net.eval()(torch.zeros(1, 1, size, size))
    for h in hooks:
        h.remove()
    return [m for m in order if len(list(m.parameters(recurse=False))) + len(list(m.buffers(recurse=False))) > 0]


def state_tensors(m):
    """A module's tensors in netc's order: weight, bias, running_mean, running_var."""
    out = [("weight", m.weight)]
    if getattr(m, "bias", None) is not None:
        out.append(("bias", m.bias))
    if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
        out += [("running_mean", m.running_mean), ("running_var", m.running_var)]
    return out


def float32_grads(ctor, size, order, weights, x, y, variant):
    """Parameter gradients of one float32 PyTorch run, by netc name."""
    torch.manual_seed(0)
    net = ctor()
    pairs = [t for m in exec_order_modules(net, size) for t in state_tensors(m)]
    params = {}
    with torch.no_grad():
        for ours, (_, theirs) in zip(order, pairs):
            theirs.copy_(torch.from_numpy(weights[ours]))
            if isinstance(theirs, torch.nn.Parameter):
                params[ours] = theirs
    net.train()
    for m in net.modules():
        if isinstance(m, torch.nn.Dropout):
            m.eval()
    xin = x
    if variant == "channels_last":
        net = net.to(memory_format=torch.channels_last)
        xin = x.contiguous(memory_format=torch.channels_last)
    with torch.backends.mkldnn.flags(enabled=(variant != "no_mkldnn")):
        F.cross_entropy(net(xin), y).backward()
    return {k: p.grad.detach().double().numpy().ravel() for k, p in params.items()}


def main():
    netc = "/tmp/netc-parity"
    subprocess.run(["go", "build", "-o", netc, "./cmd/netc"], cwd=ROOT, check=True)
    data = "/usr/share/datasets/fashion-mnist"
    all_images = idx_images(os.path.join(data, "t10k-images-idx3-ubyte.gz"))
    all_labels = idx_labels(os.path.join(data, "t10k-labels-idx1-ubyte.gz"))
    os.makedirs(OUT, exist_ok=True)
    for name, (ctor, size, batch) in NETS.items():
        images, labels = all_images[:batch], all_labels[:batch]
        spec = os.path.join("specs", name + ".toml")
        wfile = f"/tmp/parity-{name}.safetensors"
        subprocess.run([netc, "init", spec, "--seed", str(SEED), "--out", wfile], cwd=ROOT, check=True, capture_output=True)
        plan = json.loads(subprocess.run([netc, "plan", spec, "--batch", "1", "--json"], cwd=ROOT, check=True, capture_output=True).stdout)
        order = [p["name"] for p in plan["params"]]
        weights, sha = read_safetensors(wfile)

        torch.manual_seed(0)
        net = ctor()
        pairs = [t for m in exec_order_modules(net, size) for t in state_tensors(m)]
        assert len(pairs) == len(order), f"{name}: {len(pairs)} PyTorch tensors, netc has {len(order)}"
        torch_params = {}
        with torch.no_grad():
            for ours, (_, theirs) in zip(order, pairs):
                w = torch.from_numpy(weights[ours])
                assert tuple(w.shape) == tuple(theirs.shape), f"{name}: {ours} {tuple(w.shape)} vs {tuple(theirs.shape)}"
                theirs.copy_(w)
                if isinstance(theirs, torch.nn.Parameter):
                    torch_params[ours] = theirs

        x = torch.from_numpy(images.astype(np.float32) / 255).unsqueeze(1)
        if size != 28:
            x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
        x = x + DITHER * torch.rand(x.shape, generator=torch.Generator().manual_seed(0))
        net = net.double()  # float32 values converted exactly
        torch_params = {k: v for k, v in zip(order, [t for _, t in pairs])
                        if isinstance(v, torch.nn.Parameter)}
        y = torch.from_numpy(labels.astype(np.int64))
        net.eval()
        with torch.no_grad():
            eval_logits = net(x.double())
        net.train()
        for m in net.modules():
            if isinstance(m, torch.nn.Dropout):
                m.eval()
        train_logits = net(x.double())
        loss = F.cross_entropy(train_logits, y)
        loss.backward()
        runs32 = [float32_grads(ctor, size, order, weights, x, y, variant) for variant in ("default", "channels_last", "no_mkldnn")]

        rng = np.random.default_rng(0)
        grads = {}
        for pname, p in torch_params.items():
            g = p.grad.detach().double().numpy().ravel()
            if g.size <= SAMPLES:
                idx = np.arange(g.size)
            else:
                idx = np.sort(rng.choice(g.size, SAMPLES, replace=False))
            ref, gn = np.linalg.norm(g[idx]), np.linalg.norm(g)
            entry = {"norm": float(gn), "index": idx.tolist(), "value": g[idx].tolist(),
                     "torch32_norm": 0.0, "torch32_sample_err": 0.0, "torch32_norm_err": 0.0}
            for run in runs32:  # the worst of PyTorch's float32 runs against this reference
                g32 = run[pname]
                entry["torch32_norm"] = max(entry["torch32_norm"], float(np.linalg.norm(g32)))
                if ref > 0:
                    entry["torch32_sample_err"] = max(entry["torch32_sample_err"], float(np.linalg.norm(g32[idx] - g[idx]) / ref))
                if gn > 0:
                    entry["torch32_norm_err"] = max(entry["torch32_norm_err"], float(abs(np.linalg.norm(g32) - gn) / gn))
            grads[pname] = entry
        np.save(os.path.join(OUT, name + ".input.npy"), x.float().numpy())
        fixture = {
            "net": name, "spec": spec, "seed": SEED, "weights_sha256": sha,
            "labels": labels.tolist(),
            "eval_logits": eval_logits.double().numpy().ravel().tolist(),
            "train_logits": train_logits.detach().double().numpy().ravel().tolist(),
            "loss": float(loss),
            "grads": grads,
        }
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(fixture, f)
        print(f"{name:10s} loss {float(loss):.5f}  {len(grads)} gradient tensors  weights {sha[:12]}")


if __name__ == "__main__":
    main()
