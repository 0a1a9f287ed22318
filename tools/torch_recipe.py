#!/usr/bin/env python3
"""The chapter's training recipe in PyTorch on the real Fashion-MNIST, the reference for
netc's training results (tools/train_vs_torch.py runs both): Xavier-uniform weights for
convs and linears, minibatch SGD without momentum, cross-entropy, images scaled to [0, 1]
and resized bilinearly (align_corners=False) to the net's size; one line per epoch.

    /usr/bin/python3 tools/torch_recipe.py NET [--epochs N] [--resize S] [--train-limit N]
        [--test-limit N] [--lr X] [--batch B] [--seed S]     env: FMNIST (data directory)

NET is a name in tools/book_nets.py; unset options take the chapter's recipe. Needs
python3-torch and the Debian dataset-fashion-mnist package.
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from book_nets import NETS  # noqa: E402

DATA = os.environ.get("FMNIST", "/usr/share/datasets/fashion-mnist")


def read_idx(path):
    """An IDX file (gzip-compressed) as a uint8 array of its declared dimensions."""
    with gzip.open(path) as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(split, limit):
    prefix = "train" if split == "train" else "t10k"
    x = torch.tensor(read_idx(f"{DATA}/{prefix}-images-idx3-ubyte.gz")[:limit], dtype=torch.float32).unsqueeze(1) / 255
    y = torch.tensor(read_idx(f"{DATA}/{prefix}-labels-idx1-ubyte.gz")[:limit], dtype=torch.long)
    return x, y


def main():
    p = argparse.ArgumentParser()
    p.add_argument("net")
    p.add_argument("--epochs", type=int)
    p.add_argument("--resize", type=int)
    p.add_argument("--train-limit", type=int, default=60000)
    p.add_argument("--test-limit", type=int, default=10000)
    p.add_argument("--lr", type=float)
    p.add_argument("--batch", type=int)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    recipe = NETS[a.net]
    size, lr = a.resize or recipe.size, a.lr or recipe.lr
    epochs, batch = a.epochs or recipe.epochs, a.batch or recipe.batch
    torch.set_num_threads(2)
    torch.manual_seed(a.seed)
    x_train, y_train = load("train", a.train_limit)
    x_test, y_test = load("test", a.test_limit)

    def resize(x):
        return x if size == 28 else F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)

    net = recipe.build()
    for m in net.modules():
        if type(m) in (nn.Linear, nn.Conv2d):
            nn.init.xavier_uniform_(m.weight)
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    loss = nn.CrossEntropyLoss()
    print(f"{a.net} size={size} lr={lr} epochs={epochs} batch={batch} train={len(y_train)} test={len(y_test)}", flush=True)
    for epoch in range(epochs):
        net.train()
        order = torch.randperm(len(y_train))
        start, total_loss, correct = time.perf_counter(), 0.0, 0
        for i in range(0, len(y_train), batch):
            idx = order[i:i + batch]
            x, y = resize(x_train[idx]), y_train[idx]
            opt.zero_grad()
            logits = net(x)
            l = loss(logits, y)
            l.backward()
            opt.step()
            total_loss += l.item() * len(idx)
            correct += (logits.argmax(1) == y).sum().item()
        seconds = time.perf_counter() - start
        net.eval()
        right = 0
        with torch.no_grad():
            for i in range(0, len(y_test), 512):
                right += (net(resize(x_test[i:i + 512])).argmax(1) == y_test[i:i + 512]).sum().item()
        print(f"epoch {epoch + 1}: loss {total_loss / len(y_train):.3f}, train acc {correct / len(y_train):.3f}, "
              f"test acc {right / len(y_test):.3f}, {len(y_train) / seconds:.1f} examples/sec", flush=True)


if __name__ == "__main__":
    main()
