#!/usr/bin/env python3
"""PyTorch's accuracy for the configuration of netc's CI training test, so that the test's
threshold comes from an outside run rather than from netc itself.

It trains the book's LeNet with batch normalization (tools/book_nets.py)
with the train_ch6 recipe (Xavier-uniform weights, SGD, cross-entropy) on the class-balanced
subset embedded in netc (internal/data/subset: 10,000 training and 2,000 test images of the
real Fashion-MNIST), for several seeds, and prints the test accuracy after each epoch.

    /usr/bin/python3 tools/train_subset_reference.py --epochs 3 --batch 256 --lr 1.0

--train-limit N trains on the first N training images only, as netc's --train-limit does
(the short test's configuration).
"""
import argparse
import gzip
import os
import sys

import numpy as np
import torch
from torch import nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import book_nets  # noqa: E402

SUBSET = os.path.join(ROOT, "internal", "data", "subset")


def idx(name):
    with gzip.open(os.path.join(SUBSET, name)) as f:
        raw = f.read()
    nd = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * nd).reshape(dims)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=1.0)
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--train-limit", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(2)
    xtr = torch.tensor(idx("train-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255
    ytr = torch.tensor(idx("train-labels-idx1-ubyte.gz"), dtype=torch.long)
    if a.train_limit > 0:
        xtr, ytr = xtr[:a.train_limit], ytr[:a.train_limit]
    xte = torch.tensor(idx("t10k-images-idx3-ubyte.gz"), dtype=torch.float32).unsqueeze(1) / 255
    yte = torch.tensor(idx("t10k-labels-idx1-ubyte.gz"), dtype=torch.long)
    finals = []
    for seed in range(a.seeds):
        torch.manual_seed(seed)
        net = book_nets.lenet_bn()
        net.apply(lambda m: nn.init.xavier_uniform_(m.weight) if type(m) in (nn.Linear, nn.Conv2d) else None)
        opt = torch.optim.SGD(net.parameters(), lr=a.lr)
        accs = []
        for _ in range(a.epochs):
            net.train()
            perm = torch.randperm(len(ytr))
            for i in range(0, len(ytr), a.batch):
                j = perm[i:i + a.batch]
                opt.zero_grad()
                nn.functional.cross_entropy(net(xtr[j]), ytr[j]).backward()
                opt.step()
            net.eval()
            with torch.no_grad():
                accs.append((net(xte).argmax(1) == yte).float().mean().item())
        finals.append(accs[-1])
        print(f"seed {seed}: test acc per epoch " + " ".join(f"{x:.3f}" for x in accs))
    print(f"final test acc: min {min(finals):.3f}, mean {np.mean(finals):.3f}, max {max(finals):.3f}")


if __name__ == "__main__":
    main()
