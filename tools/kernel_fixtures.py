#!/usr/bin/python3
"""Pin a few kernel results to PyTorch 1.13 (CPU): writes kernels/testdata/torch_fixtures.json.

Each case holds its inputs, PyTorch's outputs and, for a random upstream gradient dy,
PyTorch's gradients. kernels/fixture_test.go replays them; CI never runs PyTorch.

Run from the repository root:  /usr/bin/python3 tools/kernel_fixtures.py
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(20240607)
torch.set_num_threads(1)


def flat(t):
    # Shortest decimal that rounds back to the same float32 (keeps the file small).
    return [float(repr(v)) for v in t.detach().reshape(-1).numpy().astype(np.float32)]


def tensor(t):
    return {"shape": list(t.shape), "data": flat(t)}


cases = []


def pool_case(name, op, shape, params, integer=False):
    if integer:  # small integers: many ties, to pin the first-maximum rule
        x = torch.randint(0, 4, shape).float()
    else:
        x = torch.randn(shape)
    x.requires_grad_(True)
    if op == "maxpool":
        y = F.max_pool2d(x, params["kernel"], params["stride"], params["padding"], ceil_mode=params["ceil_mode"])
    else:
        y = F.avg_pool2d(x, params["kernel"], params["stride"], params["padding"],
                         ceil_mode=params["ceil_mode"], count_include_pad=params["count_include_pad"])
    dy = torch.randn(y.shape)
    y.backward(dy)
    cases.append({"name": name, "op": op, "params": params,
                  "x": tensor(x), "y": tensor(y), "dy": tensor(dy), "dx": tensor(x.grad)})


pool_case("maxpool k3 s2 p1 ceil", "maxpool", (2, 2, 6, 8),
          {"kernel": [3, 3], "stride": [2, 2], "padding": [1, 1], "ceil_mode": True})
pool_case("maxpool k2 s2 p1 ceil drops window, ties", "maxpool", (1, 2, 5, 5),
          {"kernel": [2, 2], "stride": [2, 2], "padding": [1, 1], "ceil_mode": True}, integer=True)
pool_case("maxpool k3 s1 p1 ties", "maxpool", (1, 2, 5, 6),
          {"kernel": [3, 3], "stride": [1, 1], "padding": [1, 1], "ceil_mode": False}, integer=True)
for inc in (True, False):
    pool_case("avgpool k3 s2 p1 ceil include_pad=%s" % inc, "avgpool", (2, 2, 6, 8),
              {"kernel": [3, 3], "stride": [2, 2], "padding": [1, 1], "ceil_mode": True, "count_include_pad": inc})
    pool_case("avgpool k3x2 s2x3 p1x0 ceil include_pad=%s" % inc, "avgpool", (1, 2, 9, 7),
              {"kernel": [3, 2], "stride": [2, 3], "padding": [1, 0], "ceil_mode": True, "count_include_pad": inc})

for (h, w), (oh, ow) in (((5, 5), (3, 3)), ((7, 5), (3, 2)), ((4, 4), (1, 1))):
    x = torch.randn(2, 3, h, w, requires_grad=True)
    y = F.adaptive_avg_pool2d(x, (oh, ow))
    dy = torch.randn(y.shape)
    y.backward(dy)
    cases.append({"name": "adaptive avgpool %dx%d->%dx%d" % (h, w, oh, ow), "op": "adaptive_avgpool",
                  "params": {"size": [oh, ow]},
                  "x": tensor(x), "y": tensor(y), "dy": tensor(dy), "dx": tensor(x.grad)})


def conv_case(name, xshape, cout, kernel, stride, padding, dilation, groups):
    conv = torch.nn.Conv2d(xshape[1], cout, kernel, stride=stride, padding=padding,
                           dilation=dilation, groups=groups, bias=True)
    x = torch.randn(xshape, requires_grad=True)
    y = conv(x)
    dy = torch.randn(y.shape)
    y.backward(dy)
    cases.append({"name": name, "op": "conv",
                  "params": {"kernel": list(kernel), "stride": list(stride), "padding": list(padding),
                             "dilation": list(dilation), "groups": groups, "out": cout},
                  "x": tensor(x), "w": tensor(conv.weight), "b": tensor(conv.bias),
                  "y": tensor(y), "dy": tensor(dy), "dx": tensor(x.grad),
                  "dw": tensor(conv.weight.grad), "db": tensor(conv.bias.grad)})


conv_case("conv groups 2 dilation 2 stride 2 pad 1", (2, 4, 9, 8), 6, (3, 3), (2, 2), (1, 1), (2, 2), 2)
conv_case("conv asymmetric, groups 2, dilation 1x2", (1, 4, 7, 8), 4, (3, 2), (1, 2), (1, 0), (1, 2), 2)
conv_case("conv depthwise", (2, 3, 6, 5), 3, (3, 3), (1, 1), (1, 1), (1, 1), 3)
conv_case("conv pointwise", (2, 5, 4, 3), 4, (1, 1), (1, 1), (0, 0), (1, 1), 1)


def bn_case(name, xshape, eps, momentum):
    c = xshape[1]
    bn = (torch.nn.BatchNorm1d if len(xshape) == 2 else torch.nn.BatchNorm2d)(c, eps=eps, momentum=momentum)
    with torch.no_grad():
        bn.weight.copy_(torch.randn(c))
        bn.bias.copy_(torch.randn(c))
        bn.running_mean.copy_(torch.randn(c))
        bn.running_var.copy_(torch.rand(c) + 0.5)
    rm0, rv0 = bn.running_mean.clone(), bn.running_var.clone()
    x = (torch.randn(xshape) * 2 + 0.5).requires_grad_(True)
    bn.train()
    y = bn(x)
    dy = torch.randn(y.shape)
    y.backward(dy)
    bn.eval()
    xe = torch.randn(xshape)
    ye = bn(xe)
    cases.append({"name": name, "op": "batchnorm", "params": {"eps": eps, "momentum": momentum},
                  "x": tensor(x), "gamma": tensor(bn.weight), "beta": tensor(bn.bias),
                  "running_mean_before": tensor(rm0), "running_var_before": tensor(rv0),
                  "y": tensor(y), "running_mean": tensor(bn.running_mean), "running_var": tensor(bn.running_var),
                  "dy": tensor(dy), "dx": tensor(x.grad), "dgamma": tensor(bn.weight.grad),
                  "dbeta": tensor(bn.bias.grad), "x_eval": tensor(xe), "y_eval": tensor(ye)})


bn_case("batchnorm2d train step", (3, 4, 3, 5), 1e-5, 0.1)
bn_case("batchnorm1d train step", (6, 5), 1e-5, 0.1)

# Cross-entropy (mean) and its gradient.
logits = (torch.randn(6, 10) * 3).requires_grad_(True)
labels = torch.randint(0, 10, (6,))
loss = F.cross_entropy(logits, labels)
loss.backward()
cases.append({"name": "cross entropy", "op": "cross_entropy", "params": {},
              "x": tensor(logits), "labels": labels.tolist(), "loss": float(loss),
              "correct": int((logits.argmax(1) == labels).sum()), "dx": tensor(logits.grad)})

# Three torch.optim.SGD steps with momentum and weight decay.
p = torch.nn.Parameter(torch.randn(7))
w0 = p.detach().clone()
opt = torch.optim.SGD([p], lr=0.05, momentum=0.9, weight_decay=1e-3)
grads, ws = [], []
for _ in range(3):
    g = torch.randn(7)
    p.grad = g.clone()
    opt.step()
    grads.append(flat(g))
    ws.append(flat(p))
cases.append({"name": "sgd momentum 0.9 wd 1e-3 lr 0.05, 3 steps", "op": "sgd",
              "params": {"lr": 0.05, "momentum": 0.9, "weight_decay": 1e-3},
              "w0": flat(w0), "grads": grads, "ws": ws})

# Activations, backward from their outputs.
x = (torch.randn(40) * 4).requires_grad_(True)
for act in ("relu", "relu6", "sigmoid", "tanh"):
    xa = x.detach().clone().requires_grad_(True)
    y = {"relu": F.relu, "relu6": F.relu6, "sigmoid": torch.sigmoid, "tanh": torch.tanh}[act](xa)
    dy = torch.randn(y.shape)
    y.backward(dy)
    cases.append({"name": act, "op": act, "params": {}, "x": tensor(xa), "y": tensor(y),
                  "dy": tensor(dy), "dx": tensor(xa.grad)})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kernels", "testdata", "torch_fixtures.json")
with open(out, "w") as f:
    json.dump({"generator": "tools/kernel_fixtures.py", "torch": torch.__version__, "cases": cases}, f)
    f.write("\n")
print("wrote %s: %d cases, %d bytes" % (os.path.normpath(out), len(cases), os.path.getsize(out)))
