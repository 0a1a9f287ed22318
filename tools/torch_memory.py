#!/usr/bin/env python3
"""PyTorch's peak resident memory over two training steps of a net of tools/book_nets.py,
to set beside `/usr/bin/time -v netc bench ...`.

    /usr/bin/python3 tools/torch_memory.py NET BATCH
"""
import os
import resource
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from book_nets import NETS  # noqa: E402

torch.set_num_threads(2)
name, batch = sys.argv[1], int(sys.argv[2])
recipe = NETS[name]
net = recipe.build()
opt = torch.optim.SGD(net.parameters(), lr=0.01)
loss = nn.CrossEntropyLoss()
x, y = torch.randn(batch, 1, recipe.size, recipe.size), torch.randint(0, 10, (batch,))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for _ in range(2):
    opt.zero_grad()
    loss(net(x), y).backward()
    opt.step()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{name} batch={batch} peak_rss={peak / 1024:.0f} MiB (before model+data: {before / 1024:.0f} MiB)")
