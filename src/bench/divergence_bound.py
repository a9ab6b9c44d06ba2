#!/usr/bin/env python3
"""What a lab's logged data can say before a divergence (issue 16's divergence point).

For each diverging run of one or more lab sweeps (native layout and truth.csv, as written by
`lab --randomize`), and for the runs that do not diverge, this reads:

1. the logged loss: every sample that rose above twice its lowest value so far, with its
   per-step log-growth rate over the last interval, its level against the loss's first value and
   against that low. A rule "alarm when rate >= R, level >= L x first, >= K x low" is scored on
   a grid: diverging runs warned (some such sample before the first bad step) against runs that
   do not diverge alarmed (some such sample anywhere), the best trade-offs printed;
2. the checkpoints (safetensors): the growth of the weights' squared Frobenius norm (sum over the
   *.weight tensors) over the last checkpoint interval before the bad step. In the catapult
   mechanism (Lewkowycz et al. 2020) the curvature, which scales with that norm, falls while a
   catapult recovers and grows while a run diverges.

Usage: src/bench/divergence_bound.py LABSWEEP [LABSWEEP ...]   (e.g. /tmp/randlab-0/sweep)
numpy only; reads, never writes.
"""
import csv
import glob
import json
import math
import os
import struct
import sys

import numpy as np


def truth_rows(lab):
    rows = {}
    with open(os.path.join(lab, "truth.csv")) as f:
        for r in csv.DictReader(f):
            rows.setdefault(r["run_id"], []).append(r)
    return rows


def loss_series(run_dir):
    path = os.path.join(run_dir, "metrics.csv")
    if not os.path.exists(path):
        return [], []
    steps, values = [], []
    with open(path) as f:
        for r in csv.DictReader(f):
            try:
                steps.append(int(r["step"]))
                values.append(float(r["loss"]))
            except (KeyError, ValueError):
                continue
    return steps, values


def rises(steps, values, bad):
    """(rate per step, level / first, level / low) of each sample above twice its low."""
    out = []
    if not values or values[0] == 0:
        return out
    first = abs(values[0])
    for i in range(2, len(values)):
        if bad is not None and steps[i] >= bad:
            break
        low = min(values[:i])
        if low > 0 and values[i] > 2 * low and values[i] > values[i - 1] > 0:
            rate = math.log(values[i] / values[i - 1]) / (steps[i] - steps[i - 1])
            out.append((rate, values[i] / first, values[i] / low))
    return out


def weight_norm(path):
    with open(path, "rb") as f:
        header = f.read(8)
        n = struct.unpack("<Q", header)[0]
        if n > 100_000_000:
            raise ValueError(path + ": header too large")
        meta = json.loads(f.read(n))
        data = f.read()
    total = 0.0
    for name, t in meta.items():
        if name == "__metadata__" or not name.endswith("weight"):
            continue
        dtype = {"F32": np.float32, "F64": np.float64}.get(t["dtype"])
        if dtype is None:
            continue
        a, b = t["data_offsets"]
        x = np.frombuffer(data[a:b], dtype=dtype).astype(np.float64)
        if not np.all(np.isfinite(x)):
            return float("nan")
        total += float(np.dot(x, x))
    return total


def last_norm_growth(run_dir, bad):
    points = []
    for p in glob.glob(os.path.join(run_dir, "checkpoints", "step_*.safetensors")):
        step = int(os.path.basename(p)[len("step_"):-len(".safetensors")])
        if step < bad:
            points.append((step, p))
    points.sort()
    if len(points) < 2:
        return None
    a, b = weight_norm(points[-2][1]), weight_norm(points[-1][1])
    return b / a if a > 0 and math.isfinite(b) else None


def main(labs):
    diverging, quiet, growth = {}, {}, []
    for lab in labs:
        truth = truth_rows(lab)
        for run_dir in sorted(glob.glob(os.path.join(lab, "native", "*"))):
            run = os.path.basename(run_dir)
            div = [int(r["step"]) for r in truth.get(run, []) if r["kind"] == "divergence"]
            bad = div[0] if div else None
            steps, values = loss_series(run_dir)
            key = (lab, run)
            if bad is None:
                quiet[key] = rises(steps, values, None)
            else:
                diverging[key] = rises(steps, values, bad)
                g = last_norm_growth(run_dir, bad)
                growth.append(g)
    print(f"{len(diverging)} diverging runs, {len(quiet)} runs that do not diverge")
    shown = sum(1 for v in diverging.values() if v)
    print(f"loss: {shown} of {len(diverging)} diverging runs have a sample above twice its low "
          "before the bad step (the bound on any loss-only alarm)")
    grid = []
    for r_min in (0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5):
        for l_min in (0.1, 0.3, 1, 2, 4, 8):
            for k_min in (10, 30, 100, 300, 1000):
                def hit(samples):
                    return any(r >= r_min and l >= l_min and k >= k_min for r, l, k in samples)
                warned = sum(1 for v in diverging.values() if hit(v))
                alarmed = sum(1 for v in quiet.values() if hit(v))
                grid.append((warned, alarmed, r_min, l_min, k_min))
    print("loss-only rules on the Pareto front (warned, alarmed quiet, rate/step, x first, x low):")
    best = {}
    for w, a, r, l, k in grid:
        if w not in best or a < best[w][0]:
            best[w] = (a, r, l, k)
    floor = None
    for w in sorted(best, reverse=True):
        a, r, l, k = best[w]
        if floor is None or a < floor:
            floor = a
            print(f"  warned {w}/{len(diverging)} ({w / max(1, len(diverging)):.0%}), alarmed "
                  f"{a}/{len(quiet)} ({a / max(1, len(quiet)):.1%}): rate >= {r}, "
                  f">= {l} x first, >= {k} x low")
    known = [g for g in growth if g is not None]
    print(f"weights: {len(known)} of {len(diverging)} diverging runs have two checkpoints before "
          "the bad step; growth of the squared weight norm over the last interval:")
    for bound in (1.01, 1.05, 1.2):
        print(f"  above x{bound}: {sum(1 for g in known if g > bound)}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
