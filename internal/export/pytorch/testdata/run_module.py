"""Runs generated model.py modules for internal/export/pytorch's tests (an outside oracle: PyTorch
computing the network as the generated code describes it).

    /usr/bin/python3 run_module.py JOBS.json

Each job {"dir", "weights", "x", "y", "saved"}: load(weights) the module in dir, run it in
eval mode on the .npy batch x, write the logits to y, and save() the weights back to saved.
Prints one JSON line per job: the spec and the state dict's keys with their shapes.
"""
import importlib.util
import json
import sys

import numpy as np
import torch


def main():
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    for i, job in enumerate(jobs):
        spec = importlib.util.spec_from_file_location(f"netc_model_{i}", job["dir"] + "/model.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        net = mod.load(job["weights"]).eval()
        with torch.no_grad():
            y = net(torch.from_numpy(np.load(job["x"])))
        np.save(job["y"], y.numpy())
        mod.save(net, job["saved"])
        keys = {k: list(v.shape) for k, v in net.state_dict().items() if not k.endswith(".num_batches_tracked")}
        print(json.dumps({"spec": mod.SPEC, "keys": keys}), flush=True)


if __name__ == "__main__":
    main()
