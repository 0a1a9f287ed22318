#!/usr/bin/env python3
"""Train one network with netc and with PyTorch (tools/torch_recipe.py) on the
same configuration and print both runs' epochs side by side, plus a Markdown table row.

    /usr/bin/python3 tools/train_vs_torch.py resnet18 --resize 32 --epochs 3 --train-limit 20000 --test-limit 2000
    /usr/bin/python3 tools/train_vs_torch.py alexnet --epochs 2 --train-limit 6000 --test-limit 2000 --batch 32 \
        --torch-blas /path/to/openblas-pthread      # see tools/gemm_torch.py for getting OpenBLAS

Same recipe on both sides: the book's train_ch6 (Xavier-uniform conv and linear weights,
plain SGD, cross-entropy), the spec's lr and batch unless given, the first N training and
test images of the real Fashion-MNIST (Debian's dataset-fashion-mnist), resized with
bilinear interpolation. Needs python3-torch; CI does not run it.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
# netc spec -> (torch model, extra netc args)
NETS = {"alexnet": ("alexnet", []), "vgg11": ("vgg11_small", ["--set", "ratio=4"]), "nin": ("nin", []),
        "googlenet": ("googlenet", []), "lenet-bn": ("lenet_bn", []), "resnet18": ("resnet18", []),
        "densenet": ("densenet", [])}
EPOCH = re.compile(r"epoch (\d+)\D.*?loss ([\d.]+),? +train acc ([\d.]+),? +test acc ([\d.]+),? +([\d,.]+) (?:img/s|examples/sec)")


def parse(text):
    rows = []
    for line in text.splitlines():
        m = EPOCH.search(line)
        if m:
            rows.append((int(m[1]), float(m[2]), float(m[3]), float(m[4]), float(m[5].replace(",", ""))))
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("net")
    p.add_argument("--resize", type=int)
    p.add_argument("--epochs", type=int)
    p.add_argument("--train-limit", type=int, default=60000)
    p.add_argument("--test-limit", type=int, default=10000)
    p.add_argument("--lr", type=float)
    p.add_argument("--batch", type=int)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--torch-blas", metavar="DIR",
                   help="run PyTorch with the libblas.so.3 in DIR (e.g. OpenBLAS, one thread): Debian's torch calls "
                        "netlib's reference BLAS for nn.Linear, which keeps AlexNet and VGG at ~6 img/s")
    a = p.parse_args()
    model, extra = NETS[a.net]
    binary = "/tmp/netc-train"
    subprocess.run(["go", "build", "-o", binary, "./cmd/netc"], cwd=ROOT, check=True)

    targs = [model, "--train-limit", str(a.train_limit), "--test-limit", str(a.test_limit), "--seed", str(a.seed)]
    nargs = [binary, "train", f"specs/{a.net}.toml", *extra, "--train-limit", str(a.train_limit),
             "--test-limit", str(a.test_limit), "--seed", str(a.seed), "--out", tempfile.mkdtemp(prefix="netc-run-")]
    for flag, v in (("--epochs", a.epochs), ("--lr", a.lr), ("--batch", a.batch)):
        if v is not None:
            targs += [flag, str(v)]
            nargs += [flag, str(v)]
    if a.resize:
        targs += ["--resize", str(a.resize)]
        nargs += ["--input", f"1x{a.resize}x{a.resize}"]
    print("netc:   ", " ".join(nargs[1:]), flush=True)
    ours = subprocess.run(nargs, cwd=ROOT, capture_output=True, text=True)
    print(ours.stdout, ours.stderr[-2000:] if ours.returncode else "", flush=True)
    print("PyTorch:", " ".join(targs), flush=True)
    env = dict(os.environ)
    if a.torch_blas:
        env.update(LD_LIBRARY_PATH=a.torch_blas, OPENBLAS_NUM_THREADS="1")
    theirs = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tools", "torch_recipe.py"), *targs], capture_output=True, text=True,
                            env=env)
    print(theirs.stdout, theirs.stderr[-2000:] if theirs.returncode else "", flush=True)
    n, t = parse(ours.stdout), parse(theirs.stdout)
    print("epoch | netc loss / train / test | PyTorch loss / train / test")
    for x, y in zip(n, t):
        print(f"{x[0]:5d} | {x[1]:.3f} / {x[2]:.3f} / {x[3]:.3f} ({x[4]:,.0f} img/s) | {y[1]:.3f} / {y[2]:.3f} / {y[3]:.3f} ({y[4]:,.0f} img/s)")
    if len(n) >= 2 and len(t) >= 2:
        mn, mt = (n[-1][3] + n[-2][3]) / 2, (t[-1][3] + t[-2][3]) / 2
        size = a.resize or "spec"
        print(f"\n| {a.net} | {size} | {a.epochs or 'spec'} epochs, {a.train_limit} images | {n[-1][3]:.3f} ({mn:.3f}) | {t[-1][3]:.3f} ({mt:.3f}) | {mn - mt:+.3f} |")


if __name__ == "__main__":
    main()
