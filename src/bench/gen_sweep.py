#!/usr/bin/env python3
"""Writes a synthetic sweep in shockscope's native layout (SPEC section 3a) for benchmarks.

    gen_sweep.py OUT --runs 20 --checkpoints 20 --layers 3 --width 256 --dtype f32

Each run is a ReLU MLP of `layers` weight matrices width x width (fc1 .. fcL, each with a bias),
so `layers - 1` hidden layers. Checkpoint 0 is a Gaussian initialisation (std 1/sqrt(width));
each later checkpoint adds a small random step, a low-rank "learned" component that grows
over the run, and a random positive rescaling of the hidden neurons (a symmetry move, which
the quotient observables must see through). The files are safetensors written with numpy
alone (8-byte header length, JSON header, raw little-endian data). Deterministic in --seed.
"""
import argparse
import json
import os
import struct

import numpy as np

DTYPES = {"f32": (np.float32, "F32"), "f64": (np.float64, "F64"), "f16": (np.float16, "F16")}


def write_safetensors(path, tensors, dtype):
    np_dtype, st_dtype = DTYPES[dtype]
    header = {}
    blobs = []
    offset = 0
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype=np_dtype).astype("<" + np.dtype(np_dtype).str[1:]).tobytes()
        header[name] = {"dtype": st_dtype, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--checkpoints", type=int, default=20)
    p.add_argument("--layers", type=int, default=3, help="weight matrices per checkpoint (>= 2)")
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--dtype", choices=sorted(DTYPES), default="f32")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    if a.layers < 2:
        p.error("--layers must be >= 2 (an MLP with at least one hidden layer)")
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "sweep.json"), "w") as f:
        json.dump({"name": f"bench-{a.runs}x{a.checkpoints}x{a.layers}x{a.width}-{a.dtype}",
                   "model": {"preset": "mlp", "activation": "relu"}}, f)
    lrs = [0.01, 0.03, 0.1, 0.3]
    with open(os.path.join(a.out, "runs.csv"), "w") as f:
        f.write("run_id,lr,seed\n")
        for r in range(a.runs):
            f.write(f"run{r:05d},{lrs[r % len(lrs)]},{r // len(lrs)}\n")
    n = a.width
    for r in range(a.runs):
        rng = np.random.default_rng([a.seed, r])
        run = os.path.join(a.out, f"run{r:05d}")
        ckdir = os.path.join(run, "checkpoints")
        os.makedirs(ckdir, exist_ok=True)
        ws = [rng.standard_normal((n, n)) / np.sqrt(n) for _ in range(a.layers)]
        bs = [0.1 * rng.standard_normal(n) for _ in range(a.layers)]
        us = [rng.standard_normal((n, 4)) for _ in range(a.layers)]
        vs = [rng.standard_normal((4, n)) for _ in range(a.layers)]
        steps = [100 * c for c in range(a.checkpoints)]
        losses = []
        for c, step in enumerate(steps):
            if c > 0:
                grow = 0.5 / max(1, a.checkpoints - 1)
                for l in range(a.layers):
                    ws[l] = ws[l] + 0.01 * rng.standard_normal((n, n)) / np.sqrt(n) \
                        + grow * (us[l] @ vs[l]) / n
                    bs[l] = bs[l] + 0.01 * rng.standard_normal(n)
                # a positive rescaling of each hidden layer (the ReLU symmetry)
                for l in range(a.layers - 1):
                    s = np.exp(0.05 * rng.standard_normal(n))
                    ws[l] = ws[l] * s[:, None]
                    bs[l] = bs[l] * s
                    ws[l + 1] = ws[l + 1] / s[None, :]
            tensors = {}
            for l in range(a.layers):
                tensors[f"fc{l + 1}.weight"] = ws[l]
                tensors[f"fc{l + 1}.bias"] = bs[l]
            write_safetensors(os.path.join(ckdir, f"step_{step}.safetensors"), tensors, a.dtype)
            losses.append(2.0 * np.exp(-c / max(1, a.checkpoints / 3)) + 0.01 * rng.random())
        with open(os.path.join(run, "metrics.csv"), "w") as f:
            f.write("step,loss\n")
            for step, loss in zip(steps, losses):
                f.write(f"{step},{loss:.6f}\n")
    print(f"wrote {a.runs} runs x {a.checkpoints} checkpoints x {a.layers} x {n}x{n} {a.dtype} to {a.out}")


if __name__ == "__main__":
    main()
