#!/usr/bin/python3
"""Write internal/data/testdata/augment_torchvision.json: torchvision 0.14's RandomResizedCrop,
RandomCrop (with padding) and RandomHorizontalFlip on real images, with every random draw
they made, the box each chose and a hash of each output: the oracle for internal/data's
augmentations; and hashes of F.interpolate's bilinear resize of a 3-channel image, the
oracle for the loader's resize of RGB images.

Run from the repository root with Debian's python3-torch and python3-torchvision:

    /usr/bin/python3 tools/augment_fixture.py

The test images are float32 tensors of 3 channels built from the first three training
images of the embedded Fashion-MNIST subset (internal/data/subset), scaled by 1/255 as
ToTensor does: 3x28x28, 3x24x28 (the first 24 rows, to make the image non-square), and
1x28x28 (the first channel).
The draws are recorded by wrapping torch.randint, torch.rand and Tensor.uniform_ while the
transforms run; the Go test replays them and must ask for the same kinds of draw with the
same bounds, in the same order. Outputs are identified by the SHA-256 of their float32
little-endian bytes; the first trials of each case with a resized crop also keep every
value (base64 of those bytes).
"""
import base64
import gzip
import hashlib
import json

import numpy as np
import torch
import torchvision
import torchvision.transforms as T

SUBSET = "internal/data/subset/train-images-idx3-ubyte.gz"
OUT = "internal/data/testdata/augment_torchvision.json"
TRIALS = 16
KEEP_VALUES = 2

draws = []


def record():
    real_randint, real_rand, real_uniform = torch.randint, torch.rand, torch.Tensor.uniform_

    def randint(low, high, size, **kw):
        v = real_randint(low, high, size, **kw)
        draws.append({"kind": "randint", "n": int(high - low), "value": int(v.item())})
        return v

    def rand(*size, **kw):
        v = real_rand(*size, **kw)
        draws.append({"kind": "rand", "value": f32(v.item())})
        return v

    def uniform_(self, a=0.0, b=1.0, **kw):
        v = real_uniform(self, a, b, **kw)
        draws.append({"kind": "uniform", "lo": float(a), "hi": float(b), "value": f32(v.item())})
        return v

    torch.randint, torch.rand, torch.Tensor.uniform_ = randint, rand, uniform_


def f32(v):
    return np.format_float_positional(np.float32(v), unique=True, trim="-")


def sha(t):
    return hashlib.sha256(t.contiguous().numpy().astype("<f4").tobytes()).hexdigest()


def images():
    with gzip.open(SUBSET, "rb") as f:
        raw = f.read()
    pix = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 28, 28)
    x = torch.from_numpy(pix[:3].astype(np.float32)) / 255  # ToTensor's division
    return {"1x28x28": x[:1].contiguous(), "3x28x28": x.contiguous(), "3x24x28": x[:, :24, :].contiguous()}


def boxes_of(cls):
    """Wrap cls.get_params to record the box it returns."""
    got = []
    real = cls.get_params

    def wrapped(*a, **kw):
        box = real(*a, **kw)
        got.append([int(v) for v in box])
        return box

    cls.get_params = staticmethod(wrapped)
    return got, lambda: setattr(cls, "get_params", staticmethod(real))


def main():
    torch.set_num_threads(1)
    record()
    cases = []
    for name, img in images().items():
        _, h, w = img.shape
        for label, make in [
            ("resized_crop default", lambda: T.RandomResizedCrop((h, w))),
            ("resized_crop scale 0.9-1 ratio 2-3", lambda: T.RandomResizedCrop((h, w), scale=(0.9, 1.0), ratio=(2.0, 3.0))),
            ("resized_crop scale 0.5-0.6 ratio 0.2-0.3", lambda: T.RandomResizedCrop((h, w), scale=(0.5, 0.6), ratio=(0.2, 0.3))),
            ("crop padding 4", lambda: T.RandomCrop((h, w), padding=4)),
            ("flip 0.5", lambda: T.RandomHorizontalFlip(0.5)),
            ("compose", lambda: T.Compose([T.RandomResizedCrop((h, w)), T.RandomCrop((h, w), padding=3),
                                           T.RandomHorizontalFlip(0.5)])),
        ]:
            torch.manual_seed(len(cases))
            rrc_boxes, undo_rrc = boxes_of(T.RandomResizedCrop)
            crop_boxes, undo_crop = boxes_of(T.RandomCrop)
            transform = make()
            trials = []
            for trial in range(TRIALS):
                draws.clear()
                rrc_boxes.clear()
                crop_boxes.clear()
                out = transform(img.clone())
                t = {"draws": list(draws), "resized_crop_boxes": list(rrc_boxes), "crop_boxes": list(crop_boxes),
                     "sha256": sha(out), "sum": float(out.double().sum())}
                if "resized" in repr(transform).lower() and trial < KEEP_VALUES:
                    t["values"] = base64.b64encode(out.contiguous().numpy().astype("<f4").tobytes()).decode()
                trials.append(t)
            undo_rrc()
            undo_crop()
            cases.append({"image": name, "case": label, "transform": repr(transform), "trials": trials})
    # F.interpolate of the whole 3-channel image (the loader's resize of an RGB image).
    import torch.nn.functional as F
    rgb = images()["3x28x28"]
    resize3 = [{"height": h, "width": w, "sha256": sha(F.interpolate(rgb[None], size=(h, w), mode="bilinear", align_corners=False)[0])}
               for h, w in [(32, 32), (96, 96), (20, 24), (224, 224)]]
    fixture = {"torch": torch.__version__, "torchvision": torchvision.__version__, "cases": cases, "resize3": resize3}
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: {len(cases)} cases of {TRIALS} trials")


if __name__ == "__main__":
    main()
