#!/usr/bin/python3
"""Fixtures for tensorio, made with NumPy and by hand to the safetensors spec.

    /usr/bin/python3 tools/tensorio_fixture.py          # write tensorio/testdata/
    NETC_TENSORIO_PYCHECK_DIR=/tmp/tio go test ./tensorio -run TestWriteForPython
    /usr/bin/python3 tools/tensorio_fixture.py check /tmp/tio   # read what Go wrote

PyTorch 1.13 ships no safetensors package, so the safetensors file is built with
struct + json as the format and the reference writer define it: an 8-byte little-endian
header length, a compact JSON header ("__metadata__" first, then tensors sorted by name
with contiguous data_offsets), padded with spaces to a multiple of 8, then the raw
little-endian data in the same order. CI needs only the committed files.
"""
import hashlib
import json
import os
import struct
import sys

import numpy as np

OUT = "tensorio/testdata"
CHECKSUM_KEY = "netc.sha256"  # tensorio.ChecksumKey

# Tensors named as netc names parameters; values follow pattern() so Go can recompute them.
TENSORS = {
    "b3.inception1.p2.conv2.weight": (4, 3, 1, 1),
    "b3.inception1.p2.conv2.bias": (4,),
    "fc.weight": (2, 5),
    "scalar": (),
    "empty": (0, 3),
}
METADATA = {"format": "pt", "netc.spec": "googlenet", "note": "Zürich \"quoted\"\tand tabbed"}


def pattern(shape):
    """Exactly representable values: ((i*37) mod 101 - 50) / 8."""
    n = int(np.prod(shape)) if shape else 1
    i = np.arange(n, dtype=np.int64)
    return (((i * 37) % 101 - 50).astype(np.float32) / np.float32(8)).reshape(shape)


def special():
    """Float32 edge values for the .npy round trip, in a 2x3x4 array."""
    v = np.arange(24, dtype=np.float32) * np.float32(0.1) - np.float32(1)
    v[:6] = [np.inf, -np.inf, -0.0, np.float32(1e-45), np.finfo(np.float32).max, np.nan]
    return v.reshape(2, 3, 4)


def build_safetensors(tensors, metadata, dtype="F32"):
    header = {}
    if metadata:
        header["__metadata__"] = dict(sorted(metadata.items()))
    blobs, offset = [], 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype="<f4" if dtype == "F32" else "<f2").tobytes()
        header[name] = {"dtype": dtype, "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def parse_safetensors(raw):
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0, "header not padded to 8 bytes"
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", None)
    data = raw[8 + n:]
    out, ends = {}, []
    for name, info in header.items():
        assert info["dtype"] == "F32", name
        begin, end = info["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(info["shape"])
        ends.append(end)
    assert max(ends, default=0) == len(data), "data section length"
    assert list(header) == sorted(header), "tensors not sorted by name"
    return out, meta


def write():
    os.makedirs(OUT, exist_ok=True)
    tensors = {name: pattern(shape) for name, shape in TENSORS.items()}
    files = {
        "numpy.safetensors": build_safetensors(tensors, METADATA),
        "numpy_nometa.safetensors": build_safetensors({"w": pattern((3,))}, None),
        "f16.safetensors": build_safetensors({"half.weight": pattern((2, 2))}, None, dtype="F16"),
    }
    for name, raw in files.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(raw)
    np.save(os.path.join(OUT, "special_f32.npy"), special())
    np.save(os.path.join(OUT, "pattern_f32.npy"), pattern((2, 3, 4)))
    np.save(os.path.join(OUT, "vector_f32.npy"), pattern((5,)))
    np.save(os.path.join(OUT, "scalar_f32.npy"), pattern(()))
    np.save(os.path.join(OUT, "empty_f32.npy"), pattern((0, 3)))
    np.save(os.path.join(OUT, "labels_i8.npy"), np.array([9, 2, 1, 1, 6, 1, 4, 6, 5, 7], dtype="<i8"))
    np.save(os.path.join(OUT, "labels_i4.npy"), np.array([[0, 1, 2], [7, 8, 9]], dtype="<i4"))
    np.save(os.path.join(OUT, "double_f8.npy"), pattern((2,)).astype(np.float64))
    np.save(os.path.join(OUT, "fortran_f32.npy"), np.asfortranarray(pattern((2, 3))))
    print("wrote", ", ".join(sorted(os.listdir(OUT))))


def check(directory):
    """Read the files TestWriteForPython wrote and compare with what they should hold."""
    with open(os.path.join(directory, "go.safetensors"), "rb") as f:
        raw = f.read()
    got, meta = parse_safetensors(raw)
    want = {name: pattern(shape) for name, shape in TENSORS.items()}
    # WriteFile adds netc.sha256: the SHA-256 of the file with its own 64 digits as zeros.
    digest = meta.pop(CHECKSUM_KEY)
    entry = ('"%s":"%s"' % (CHECKSUM_KEY, digest)).encode()
    assert raw.count(entry) == 1, "checksum entry"
    zeroed = raw.replace(entry, ('"%s":"%s"' % (CHECKSUM_KEY, "0" * 64)).encode())
    assert hashlib.sha256(zeroed).hexdigest() == digest, "netc.sha256 does not match hashlib's"
    assert meta == METADATA, meta
    assert set(got) == set(want), sorted(got)
    for name in want:
        assert got[name].shape == want[name].shape and np.array_equal(got[name], want[name]), name
    assert zeroed == build_safetensors(want, dict(METADATA, **{CHECKSUM_KEY: "0" * 64})), "Go's bytes differ from the reference layout"
    for name, expect in [("go_pattern.npy", pattern((2, 3, 4))), ("go_special.npy", special()),
                         ("go_scalar.npy", pattern(())), ("go_empty.npy", pattern((0, 3)))]:
        arr = np.load(os.path.join(directory, name))
        assert arr.dtype == np.float32 and arr.shape == expect.shape, name
        assert np.array_equal(arr.view(np.uint32), expect.view(np.uint32)), name
    print("OK: numpy and the safetensors layout read back everything Go wrote")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        write()
