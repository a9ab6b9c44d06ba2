package org.shockscope.shock;

/**
 * Centred rolling median: {@code out[i]} = median of {@code x[i−h, i+h]} with
 * h = min(r, i, n−1−i), the window shrinking symmetrically at the ends so that it stays
 * centred. A centred median reproduces any monotone run of values exactly (its middle element is
 * the value at i), follows steps without delay, and ignores excursions shorter than h samples,
 * which makes it the baseline of a spike (Tukey 1977); a window truncated on one side only would
 * lag behind a trend near the ends. A sorted copy of the window is updated by binary-search
 * insertion and deletion as both ends advance, O(n·r) element moves in total, no allocation once
 * the workspace has grown.
 *
 * <p>Stateful (owns the sorted window); not thread-safe.
 */
final class RollingMedian {
  private double[] window = new double[0];

  /**
   * @param x   input, finite values; not modified
   * @param n   number of values
   * @param r   largest half-window, ≥ 0
   * @param out output, length ≥ n
   */
  void apply(double[] x, int n, int r, double[] out) {
    if (window.length < 2 * r + 1) {
      window = new double[2 * r + 1];
    }
    int size = 0;
    int lo = 0;
    int hi = 0;
    for (int i = 0; i < n; i++) {
      int h = Math.min(r, Math.min(i, n - 1 - i));
      // Both ends only move forward: drop [lo, i−h), add [hi, i+h].
      while (lo < i - h) {
        if (lo < hi) {
          size = remove(x[lo], size);
        }
        lo++;
      }
      if (hi < lo) {
        hi = lo;
      }
      while (hi <= i + h) {
        size = insert(x[hi], size);
        hi++;
      }
      out[i] = (size & 1) == 1 ? window[size / 2]
          : 0.5 * (window[size / 2 - 1] + window[size / 2]);
    }
  }

  private int insert(double v, int size) {
    int pos = lowerBound(v, size);
    System.arraycopy(window, pos, window, pos + 1, size - pos);
    window[pos] = v;
    return size + 1;
  }

  private int remove(double v, int size) {
    int pos = lowerBound(v, size);
    System.arraycopy(window, pos + 1, window, pos, size - pos - 1);
    return size - 1;
  }

  /** First position whose value is ≥ v (branch-free halving: the comparisons are unpredictable). */
  private int lowerBound(double v, int size) {
    int base = 0;
    int len = size;
    while (len > 1) {
      int half = len >>> 1;
      base = window[base + half - 1] < v ? base + half : base;
      len -= half;
    }
    return len == 1 && window[base] < v ? base + 1 : base;
  }
}
