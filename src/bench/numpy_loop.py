#!/usr/bin/env python3
"""The loop a user would write instead of shockscope's reduction: numpy over every checkpoint of
a native-layout sweep, the spectral set of every weight matrix, one process per core.

    OPENBLAS_NUM_THREADS=1 numpy_loop.py SWEEP [--procs 2] [--precision f64|stored]

Per checkpoint file: parse the safetensors header, map every 2-D tensor (np.frombuffer), and per
matrix W compute its singular values (np.linalg.svd(W, compute_uv=False), LAPACK gesdd) and
fro_norm, spectral_norm, stable_rank, effective_rank (Roy & Vetterli), participation_ratio and
spectral_entropy (normalised by ln of the numerical rank) -- the numpy-comparable part of
shockscope's observable set. --precision f64 (default) computes in float64 as shockscope does;
`stored` keeps the stored dtype (float32 inputs then run sgesdd). The files are split
round-robin over --procs worker processes (fork). Prints one JSON line: seconds (from the
workers' start to the last one's end, file reads included), cpu_seconds (the workers' CPU
time, summed: robust to other load on the machine), checkpoints, matrices, and a checksum of the results so that the work cannot be skipped.
"""
import argparse
import glob
import json
import multiprocessing as mp
import os
import struct
import time

import numpy as np

DTYPES = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "F16": np.dtype("<f2")}


def read_matrices(path):
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    base = 8 + length
    out = []
    for name, info in header.items():
        if name == "__metadata__" or len(info["shape"]) != 2:
            continue
        lo, hi = info["data_offsets"]
        out.append(np.frombuffer(raw, DTYPES[info["dtype"]], (hi - lo) // DTYPES[info["dtype"]].itemsize,
                                 base + lo).reshape(info["shape"]))
    return out


def spectral_set(w):
    s = np.linalg.svd(w, compute_uv=False).astype(np.float64)
    s2 = s * s
    fro2 = s2.sum()
    top = s[0]
    rank = int((s > top * max(w.shape) * np.finfo(w.dtype).eps).sum())
    p = s[s > 0] / s.sum()
    q = s2[s2 > 0] / fro2
    return (np.sqrt(fro2), top, fro2 / top ** 2, np.exp(-(p * np.log(p)).sum()),
            fro2 ** 2 / (s2 * s2).sum(), -(q * np.log(q)).sum() / np.log(rank) if rank > 1 else 0.0)


def work(args):
    files, precision = args
    cpu0 = time.process_time()
    total = 0.0
    matrices = 0
    for path in files:
        for w in read_matrices(path):
            if precision == "f64":
                w = w.astype(np.float64)
            total += sum(spectral_set(w))
            matrices += 1
    return total, matrices, time.process_time() - cpu0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("sweep")
    p.add_argument("--procs", type=int, default=os.cpu_count())
    p.add_argument("--precision", choices=["f64", "stored"], default="f64")
    a = p.parse_args()
    files = sorted(glob.glob(os.path.join(a.sweep, "*", "checkpoints", "step_*.safetensors")))
    if not files:
        raise SystemExit(f"no checkpoints under {a.sweep}/*/checkpoints/")
    chunks = [(files[i::a.procs], a.precision) for i in range(a.procs)]
    ctx = mp.get_context("fork")
    t0 = time.perf_counter()
    with ctx.Pool(a.procs) as pool:
        results = pool.map(work, chunks)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "checkpoints": len(files),
                      "matrices": sum(r[1] for r in results), "procs": a.procs,
                      "cpu_seconds": sum(r[2] for r in results),
                      "precision": a.precision, "checksum": sum(r[0] for r in results)}))


if __name__ == "__main__":
    main()
