#!/usr/bin/env python3
"""Record PyTorch's per-layer output shapes and parameter counts, the oracle for netc's
shape inference.

For each network it runs one forward pass on a zero batch of one sample with forward hooks
on every leaf module, and writes golden/torch/<name>.json:
  {"model", "input": [C, H, W], "params", "layers": [{"type", "shape", "params"}, ...]}
with layers in execution order. netc's golden test compares its own graph against these
files, so CI never needs PyTorch; rerun this script (it needs python3-torch and
python3-torchvision) only when a reference definition changes:

    /usr/bin/python3 tools/torch_shapes.py            # from the repository root

The chapter's definitions come from ../shared/reference/d2l_models.py (override the
directory with NETC_REFERENCE); resnet50 and mobilenet_v2 from torchvision.
"""
import json
import os
import sys

import torch
import torchvision

REF = os.environ.get("NETC_REFERENCE", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "reference"))
sys.path.insert(0, REF)
import d2l_models  # noqa: E402

# name -> (constructor, input C, H, W)
NETS = {
    "alexnet": (d2l_models.alexnet, (1, 224, 224)),
    "vgg11": (lambda: d2l_models.vgg(1), (1, 224, 224)),
    "vgg11-ratio4": (lambda: d2l_models.vgg(4), (1, 224, 224)),
    "nin": (d2l_models.nin, (1, 224, 224)),
    "googlenet": (d2l_models.googlenet, (1, 96, 96)),
    "lenet-bn": (d2l_models.lenet_bn, (1, 28, 28)),
    "resnet18": (d2l_models.resnet18, (1, 96, 96)),
    "resnet18-224": (d2l_models.resnet18, (1, 224, 224)),
    "densenet": (d2l_models.densenet, (1, 96, 96)),
    "resnet50": (lambda: torchvision.models.resnet50(), (3, 224, 224)),
    "mobilenet_v2": (lambda: mobilenet_v2_modules(), (3, 224, 224)),
}


def mobilenet_v2_modules():
    """torchvision's MobileNetV2 with its forward's functional pooling and flatten as
    modules, so hooks see them; the computation is MobileNetV2.forward's."""
    m = torchvision.models.mobilenet_v2()
    return torch.nn.Sequential(m.features, torch.nn.AdaptiveAvgPool2d((1, 1)), torch.nn.Flatten(), m.classifier)


def record(name, ctor, chw):
    torch.manual_seed(0)
    net = ctor().eval()
    layers = []

    def hook(module, inputs, output):
        layers.append({
            "type": type(module).__name__,
            "shape": list(output.shape[1:]),
            "params": sum(p.numel() for p in module.parameters(recurse=False)),
        })

    for m in net.modules():
        if len(list(m.children())) == 0:
            m.register_forward_hook(hook)
    with torch.no_grad():
        net(torch.zeros(1, *chw))
    return {
        "model": name,
        "input": list(chw),
        "params": sum(p.numel() for p in net.parameters()),
        "layers": layers,
    }


def main():
    out = os.path.join(os.path.dirname(__file__), "..", "golden", "torch")
    os.makedirs(out, exist_ok=True)
    for name, (ctor, chw) in NETS.items():
        rec = record(name, ctor, chw)
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(rec, f, indent=1)
            f.write("\n")
        print(f"{name:14s} {rec['params']:>12,d} params, {len(rec['layers'])} leaf layers")


if __name__ == "__main__":
    main()
