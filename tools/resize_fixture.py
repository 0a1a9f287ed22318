#!/usr/bin/python3
"""Write internal/data/testdata/resize_pytorch.json: PyTorch's bilinear resize of real
Fashion-MNIST images, the oracle for internal/data's Resizer, plus PIL's grayscale
conversion of a colour image built from a real one, the oracle for Grayscale.

Run from the repository root with Debian's python3-torch (PyTorch 1.13) and
dataset-fashion-mnist installed:

    /usr/bin/python3 tools/resize_fixture.py

Each image is named by split and index; the index is the same in the full set and in
the embedded subset (the first images of every class are in both), and the Go test
checks the pixels' SHA-256 before comparing. Large outputs are sampled (all edge rows
and columns plus 500 fixed random pixels) with the sum of all pixels, to keep the file
small; outputs of at most 40x40 are stored whole.
"""
import gzip
import hashlib
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

SRC = "/usr/share/datasets/fashion-mnist"
OUT = "internal/data/testdata/resize_pytorch.json"
IMAGES = [("test", 0), ("test", 1), ("train", 0)]
SIZES = [(96, 96), (224, 224), (32, 32), (20, 20), (28, 28), (40, 17)]
WHOLE_LIMIT = 40 * 40
RANDOM_SAMPLES = 500
SUBSET_PER_CLASS = {"train": 1000, "test": 200}
FILES = {"train": "train", "test": "t10k"}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def subset_index(labels, index, per_class):
    """Position of full-set image `index` in the balanced subset (first per_class of each class)."""
    taken = np.zeros(10, dtype=int)
    pos = 0
    for i, label in enumerate(labels[: index + 1]):
        if taken[label] < per_class:
            taken[label] += 1
            if i == index:
                return pos
            pos += 1
    raise SystemExit(f"image {index} is not in the subset")


def f32(v):
    # Shortest decimal that round-trips to the same float32.
    return np.format_float_positional(np.float32(v), unique=True, trim="-")


def sample_positions(h, w):
    if h * w <= WHOLE_LIMIT:
        return list(range(h * w))
    edges = {y * w + x for y in range(h) for x in range(w) if y in (0, h - 1) or x in (0, w - 1)}
    rng = np.random.RandomState(0)
    rand = set(rng.choice(h * w, RANDOM_SAMPLES, replace=False).tolist())
    return sorted(edges | rand)


def main():
    torch.set_num_threads(1)
    fixture = {"torch": torch.__version__, "pil": Image.__version__, "images": [], "grayscale": None}
    for split, index in IMAGES:
        images = read_idx(os.path.join(SRC, f"{FILES[split]}-images-idx3-ubyte.gz"))
        labels = read_idx(os.path.join(SRC, f"{FILES[split]}-labels-idx1-ubyte.gz"))
        if subset_index(labels, index, SUBSET_PER_CLASS[split]) != index:
            raise SystemExit(f"{split} image {index} has another index in the subset")
        pix = images[index]
        x = torch.from_numpy(pix.copy()).float().div(255).reshape(1, 1, 28, 28)
        entry = {"split": split, "index": index, "label": int(labels[index]),
                 "sha256": hashlib.sha256(pix.tobytes()).hexdigest(), "outputs": []}
        for h, w in SIZES:
            y = F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False)
            flat = y.reshape(-1).numpy()
            pos = sample_positions(h, w)
            entry["outputs"].append({
                "height": h, "width": w,
                "sum": float(flat.astype(np.float64).sum()),
                "positions": pos if len(pos) < h * w else None,
                "values": [f32(flat[p]) for p in pos],
            })
        fixture["images"].append(entry)

    # Grayscale oracle: a colour image whose channels are fixed functions of a real image.
    split, index = IMAGES[0]
    pix = read_idx(os.path.join(SRC, f"{FILES[split]}-images-idx3-ubyte.gz"))[index].astype(np.int64)
    rgb = np.stack([pix, 255 - pix, (pix * 7) % 256], axis=-1).astype(np.uint8)
    gray = np.asarray(Image.fromarray(rgb, "RGB").convert("L"))
    fixture["grayscale"] = {"split": split, "index": index,
                            "channels": "R = x, G = 255 - x, B = (7x) mod 256",
                            "luma": gray.reshape(-1).tolist()}

    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
