package org.shockscope.shock;

/**
 * Centred rolling median: {@code out[i]} = median of {@code x[max(0, i−r), min(n, i+r+1))}, the
 * window truncated at the ends. A sorted copy of the window is updated by binary-search
 * insertion and deletion, O(n·r) element moves in total, no allocation once the workspace has
 * grown. A median follows monotone trends and steps exactly and ignores excursions shorter than
 * r samples, which makes it the baseline of a spike (Tukey 1977).
 *
 * <p>Stateful (owns the sorted window); not thread-safe.
 */
final class RollingMedian {
  private double[] window = new double[0];

  /**
   * @param x   input, finite values; not modified
   * @param n   number of values
   * @param r   half-window, ≥ 0
   * @param out output, length ≥ n
   */
  void apply(double[] x, int n, int r, double[] out) {
    if (window.length < 2 * r + 1) {
      window = new double[2 * r + 1];
    }
    int size = 0;
    int hi = 0;
    for (int i = 0; i < n; i++) {
      int lo = i - r - 1;
      if (lo >= 0) {
        size = remove(x[lo], size);
      }
      int wantHi = Math.min(n, i + r + 1);
      while (hi < wantHi) {
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

  private int lowerBound(double v, int size) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (window[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
