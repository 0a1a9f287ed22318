#!/usr/bin/env python3
"""Record PyTorch's per-layer output shapes and parameter counts, the oracle for netc's
shape inference.

For each network it runs one forward pass on a zero batch of one sample with forward hooks
on every leaf module, and writes golden/torch/<name>.json:
  {"model", "input": [C, H, W], "params", "macs",
   "layers": [{"type", "shape", "params", "macs"}, ...]}
with layers in execution order. MACs are those of Conv2d and Linear layers for one
sample, bias excluded: output elements times (input channels / groups) times the kernel
area, or times the input features.

ConvNeXt applies its block's LayerNorm and Linear layers to a channels-last tensor; the
recorder reports those in netc's channels-first terms (shape C x H x W; a Linear over the
channels of an N x H x W x C tensor is the 1x1 convolution it computes, with the same
parameters and MACs), so that they compare with netc's layernorm and 1x1 conv. netc's golden test compares its own graph against these
files, so CI never needs PyTorch; rerun this script (it needs python3-torch and
python3-torchvision) only when a reference definition changes:

    /usr/bin/python3 tools/torch_shapes.py            # from the repository root

The chapter's definitions come from tools/book_nets.py; resnet50, mobilenet_v2, efficientnet_b0, convnext_tiny,
shufflenet_v2 and mobilenet_v3_large from torchvision 0.14.
"""
import json
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import book_nets  # noqa: E402

# name -> (constructor, input C, H, W)
NETS = {
    "alexnet": (book_nets.alexnet, (1, 224, 224)),
    "vgg11": (lambda: book_nets.vgg(1), (1, 224, 224)),
    "vgg11-ratio4": (lambda: book_nets.vgg(4), (1, 224, 224)),
    "nin": (book_nets.nin, (1, 224, 224)),
    "googlenet": (book_nets.googlenet, (1, 96, 96)),
    "lenet-bn": (book_nets.lenet_bn, (1, 28, 28)),
    "resnet18": (book_nets.resnet18, (1, 96, 96)),
    "resnet18-224": (book_nets.resnet18, (1, 224, 224)),
    "densenet": (book_nets.densenet, (1, 96, 96)),
    "resnet50": (lambda: torchvision.models.resnet50(), (3, 224, 224)),
    "mobilenet_v2": (lambda: mobilenet_v2_modules(), (3, 224, 224)),
    "efficientnet_b0": (lambda: torchvision.models.efficientnet_b0(), (3, 224, 224)),
    "convnext_tiny": (lambda: torchvision.models.convnext_tiny(), (3, 224, 224)),
    "shufflenet_v2": (lambda: shufflenet_v2_modules(), (3, 224, 224)),
    "mobilenet_v3_large": (lambda: torchvision.models.mobilenet_v3_large(), (3, 224, 224)),
}


def mobilenet_v2_modules():
    """torchvision's MobileNetV2 with its forward's functional pooling and flatten as
    modules, so hooks see them; the computation is MobileNetV2.forward's."""
    m = torchvision.models.mobilenet_v2()
    return torch.nn.Sequential(m.features, torch.nn.AdaptiveAvgPool2d((1, 1)), torch.nn.Flatten(), m.classifier)


def shufflenet_v2_modules():
    """torchvision's ShuffleNetV2 x1.0 with its forward's x.mean([2, 3]) as the module that
    computes it (a global average pool and a flatten)."""
    m = torchvision.models.shufflenet_v2_x1_0()
    return torch.nn.Sequential(m.conv1, m.maxpool, m.stage2, m.stage3, m.stage4, m.conv5,
                               torch.nn.AdaptiveAvgPool2d((1, 1)), torch.nn.Flatten(), m.fc)


def macs(module, inputs, output):
    """Multiply-accumulates of a Conv2d or Linear for one sample, bias excluded."""
    per_out = 0
    if isinstance(module, torch.nn.Conv2d):
        per_out = module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
    elif isinstance(module, torch.nn.Linear):
        per_out = module.in_features
    return output[0].numel() * per_out


def channels_first(module, inputs, output):
    """The layer's type and per-sample shape in netc's channels-first terms."""
    typ, shape = type(module).__name__, list(output.shape[1:])
    channels_last = inputs[0].dim() == 4 and typ in ("Linear", "LayerNorm")
    if channels_last:  # ConvNeXt's block: N x H x W x C
        shape = [shape[2], shape[0], shape[1]]
        typ = "Conv2d" if typ == "Linear" else typ
    return typ, shape


def record(name, ctor, chw):
    torch.manual_seed(0)
    net = ctor().eval()
    layers = []

    def hook(module, inputs, output):
        typ, shape = channels_first(module, inputs, output)
        layers.append({
            "type": typ,
            "shape": shape,
            "params": sum(p.numel() for p in module.parameters(recurse=False)),
            "macs": macs(module, inputs, output),
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
        "macs": sum(l["macs"] for l in layers),
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
