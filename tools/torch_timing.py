#!/usr/bin/env python3
"""PyTorch's speed on this machine, the reference netc's speed is compared with: SGEMM
GFLOP/s, then training and inference images/s for each named net of tools/book_nets.py at
the chapter's image size, on random input.

    /usr/bin/python3 tools/torch_timing.py [net ...]      env: BATCH, STEPS (3), THREADS (2)

One output line per net: `NAME size=S batch=B train=X img/s  infer=Y img/s`
(tools/bench_vs_torch.py parses it).
"""
import os
import sys
import time

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from book_nets import NETS  # noqa: E402

torch.set_num_threads(int(os.environ.get("THREADS", "2")))
STEPS = int(os.environ.get("STEPS", "3"))


def sgemm_gflops(n=2048, reps=5):
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(2):
        a @ b
    t = time.perf_counter()
    for _ in range(reps):
        a @ b
    return 2 * n ** 3 * reps / (time.perf_counter() - t) / 1e9


def time_net(name):
    recipe = NETS[name]
    batch = int(os.environ.get("BATCH", recipe.batch))
    torch.manual_seed(0)
    net = recipe.build()
    opt = torch.optim.SGD(net.parameters(), lr=recipe.lr)
    loss = nn.CrossEntropyLoss()
    x, y = torch.randn(batch, 1, recipe.size, recipe.size), torch.randint(0, 10, (batch,))

    def train_step():
        opt.zero_grad()
        loss(net(x), y).backward()
        opt.step()

    net.train()
    train_step()  # warm-up: allocations and oneDNN's kernel choice
    t = time.perf_counter()
    for _ in range(STEPS):
        train_step()
    train = batch * STEPS / (time.perf_counter() - t)
    net.eval()
    with torch.no_grad():
        net(x)
        t = time.perf_counter()
        for _ in range(STEPS):
            net(x)
        infer = batch * STEPS / (time.perf_counter() - t)
    print(f"{name:12s} size={recipe.size} batch={batch} train={train:8.1f} img/s  infer={infer:8.1f} img/s", flush=True)


if __name__ == "__main__":
    print(f"torch {torch.__version__} threads={torch.get_num_threads()} sgemm2048={sgemm_gflops():.1f} GFLOP/s")
    for name in sys.argv[1:] or NETS:
        time_net(name)
