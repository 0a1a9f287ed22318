"""State dicts of the book's own PyTorch definitions (tools/book_nets.py), for internal/export/statedict's tests: the outside oracle for matching by
structure. Names are PyTorch's (0.weight, 3.0.p2_2.bias), num_batches_tracked counters
are kept as int64, as safetensors.torch.save_file keeps them.

    /usr/bin/python3 d2l_state.py OUT_DIR NAME:SIZE...

For each net: random weights and batchnorm statistics (seeded), OUT_DIR/NAME.safetensors,
a batch OUT_DIR/NAME.x.npy and the logits in eval mode OUT_DIR/NAME.y.npy.
"""
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "tools"))
import book_nets  # noqa: E402

CTORS = {"lenet-bn": book_nets.lenet_bn, "alexnet": book_nets.alexnet, "vgg11": lambda: book_nets.vgg(1),
         "nin": book_nets.nin, "googlenet": book_nets.googlenet, "resnet18": book_nets.resnet18,
         "densenet": book_nets.densenet}


def save(path, state):
    header, offset, blobs = {}, 0, []
    for name, t in state.items():  # PyTorch's order, not sorted: the importer must not care
        a = t.detach().cpu().contiguous().numpy()
        dtype = {"float32": "F32", "int64": "I64"}[str(a.dtype)]
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        blobs.append(a.tobytes())
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))


def main():
    out = sys.argv[1]
    for arg in sys.argv[2:]:
        name, size = arg.split(":")
        torch.manual_seed(7)
        net = CTORS[name]()
        with torch.no_grad():
            for m in net.modules():
                if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                    m.running_mean.uniform_(-0.3, 0.3)
                    m.running_var.uniform_(0.5, 1.5)
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.3, 0.3)
                    m.num_batches_tracked.fill_(100)
        net.eval()
        x = torch.rand(2, 1, int(size), int(size))
        with torch.no_grad():
            y = net(x)
        save(os.path.join(out, name + ".safetensors"), net.state_dict())
        np.save(os.path.join(out, name + ".x.npy"), x.numpy())
        np.save(os.path.join(out, name + ".y.npy"), y.numpy())
        print(name, flush=True)


if __name__ == "__main__":
    main()
