#!/usr/bin/env python3
"""numpy's singular values on the shapes of SpectralKernelBenchmark, against its JMH results.

Usage: python3 src/bench/numpy_svd.py target/jmh-result.json
Times np.linalg.svd(W, compute_uv=False) on float64 Gaussian matrices of every shape found in
the JMH JSON (median over repeats) and prints, per shape, the JMH medians of
SpectralKernelBenchmark.singularValues / .observe / .singularValuesEjml and the ratios
numpy_time / our_time (> 1: shockscope is faster).
"""
import json
import sys
import time

import numpy as np


def numpy_median_ms(rows, cols, min_repeats=5, min_seconds=1.0):
    w = np.random.default_rng(rows * 31 + cols).standard_normal((rows, cols))
    np.linalg.svd(w, compute_uv=False)  # warm-up
    times = []
    start = time.perf_counter()
    while len(times) < min_repeats or time.perf_counter() - start < min_seconds:
        t = time.perf_counter()
        np.linalg.svd(w, compute_uv=False)
        times.append((time.perf_counter() - t) * 1e3)
    return float(np.median(times))


def jmh_medians(path):
    out = {}
    for entry in json.load(open(path)):
        name = entry["benchmark"].rsplit(".", 1)[-1]
        if "SpectralKernelBenchmark" not in entry["benchmark"]:
            continue
        metric = entry["primaryMetric"]
        median = metric.get("scorePercentiles", {}).get("50.0", metric["score"])
        out.setdefault(entry["params"]["shape"], {})[name] = median
    return out


def main():
    results = jmh_medians(sys.argv[1])
    order = sorted(results, key=lambda s: (int(s.split("x")[1]) != int(s.split("x")[0]),
                                           int(s.split("x")[0])))
    print("numpy %s, ms (medians)" % np.__version__)
    print("%-10s %10s %10s %10s %10s %12s %12s" % ("shape", "numpy", "ours_sv", "ours_obs",
                                                   "ejml_sv", "numpy/ours", "numpy/ejml"))
    for shape in order:
        rows, cols = (int(x) for x in shape.split("x"))
        ours = results[shape]
        numpy_ms = numpy_median_ms(rows, cols)
        print("%-10s %10.3f %10.3f %10.3f %10.3f %12.2f %12.2f" % (
            shape, numpy_ms, ours["singularValues"], ours["observe"], ours["singularValuesEjml"],
            numpy_ms / ours["singularValues"], numpy_ms / ours["singularValuesEjml"]))


if __name__ == "__main__":
    main()
