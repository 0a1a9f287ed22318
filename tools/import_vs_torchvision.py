#!/usr/bin/env python3
"""The full-size check of `netc import --from pytorch` against torchvision 0.14.

For every spec in specs/ that is a torchvision family, it builds torchvision's own model
(random initialisation, every BatchNorm's statistics and affine parameters and ConvNeXt's
layer scale drawn at random, as tools/statedict_fixtures.py does for the small CI
fixtures), saves its state dict unrenamed both with torch.save and as safetensors, runs
`netc import` and `netc infer` on two random 3x224x224 images, and prints the relative
error of netc's eval logits against torchvision's computed in float64 (max |a-b| / max |b|).
No file is given a --map: safetensors files keep no module order, and names, shapes and
the module tree must settle every pairing (ResNet-50's first block, whose third conv and
projection have one shape, by the tree: downsample is netc's shortcut branch).

Run from the repository root (builds netc to a temporary directory):
  PYTHONPATH=tools /usr/bin/python3 tools/import_vs_torchvision.py [family ...]
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torchvision

import statedict_fixtures as sf

ROOT = sf.ROOT
FAMILIES = {
    "resnet50": torchvision.models.resnet50,
    "mobilenet_v2": torchvision.models.mobilenet_v2,
    "efficientnet_b0": torchvision.models.efficientnet_b0,
    "convnext_tiny": torchvision.models.convnext_tiny,
    "shufflenet_v2": torchvision.models.shufflenet_v2_x1_0,
    "mobilenet_v3_large": torchvision.models.mobilenet_v3_large,
}


def run(*args):
    p = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def main():
    names = sys.argv[1:] or list(FAMILIES)
    tmp = tempfile.mkdtemp(prefix="netc-import-")
    netc = os.path.join(tmp, "netc")
    code, out = run("go", "build", "-o", netc, "./cmd/netc")
    if code:
        sys.exit(out)
    gen = torch.Generator().manual_seed(5)
    x = torch.rand((2, 3, 224, 224), generator=gen)
    xpath = os.path.join(tmp, "x.npy")
    np.save(xpath, x.numpy())
    failed = False
    print("%-20s %-12s %-10s %s" % ("family", "file", "pairing", "netc vs torchvision (eval logits, relative)"))
    for name in names:
        torch.manual_seed(0)
        model = FAMILIES[name]().eval()
        sf.randomise(model, gen)
        state = model.state_dict()
        with torch.no_grad():
            want = model.double()(x.double()).numpy()
        files = {".pt": os.path.join(tmp, name + ".pt"), ".safetensors": os.path.join(tmp, name + ".safetensors")}
        torch.save(state, files[".pt"])
        sf.save_safetensors(files[".safetensors"], state)
        for ext, path in files.items():
            spec = os.path.join("specs", name + ".toml")
            w = os.path.join(tmp, name + ext + ".netc.safetensors")
            code, out = run(netc, "import", "--from", "pytorch", path, "--spec", spec, "--out", w)
            if code:
                print("%-20s %-12s import failed: %s" % (name, ext, out.strip()))
                failed = True
                continue
            y = os.path.join(tmp, name + ext + ".y.npy")
            code, out = run(netc, "infer", spec, "--weights", w, "--input", xpath, "--out", y)
            if code:
                print("%-20s %-12s infer failed: %s" % (name, ext, out.strip()))
                failed = True
                continue
            got = np.load(y).astype(np.float64)
            rel = np.abs(got - want).max() / np.abs(want).max()
            print("%-20s %-12s %-10s %.2e" % (name, ext, "structure", rel))
            failed |= not rel <= 1e-5
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
