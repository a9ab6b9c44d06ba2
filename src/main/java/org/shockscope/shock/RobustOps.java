package org.shockscope.shock;

/**
 * Robust location and scale of array ranges: median by quickselect and the white-noise scale of
 * a series from the median absolute deviation of its pseudo-residuals.
 *
 * <p>Arrays are inputs and are never modified; {@code work} arrays are scratch space that the
 * caller owns (length at least the range's length) and whose content is overwritten.
 */
final class RobustOps {
  /** 1/Φ⁻¹(3/4): turns a median absolute deviation into a Gaussian standard deviation. */
  static final double MAD_TO_SIGMA = 1.482602218505602;

  private RobustOps() {}

  /** Median of {@code a[from, to)}; NaN for an empty range. */
  static double median(double[] a, int from, int to, double[] work) {
    int n = to - from;
    if (n <= 0) {
      return Double.NaN;
    }
    System.arraycopy(a, from, work, 0, n);
    return medianInPlace(work, n);
  }

  /** Median of {@code w[0, n)}, reordering {@code w}. */
  static double medianInPlace(double[] w, int n) {
    if (n <= 0) {
      return Double.NaN;
    }
    double hi = select(w, n, n / 2);
    if ((n & 1) == 1) {
      return hi;
    }
    // After select, w[0, n/2) holds the lower half: its maximum is the other middle value.
    double lo = w[0];
    for (int i = 1; i < n / 2; i++) {
      lo = Math.max(lo, w[i]);
    }
    return 0.5 * (lo + hi);
  }

  /** The {@code k}-th smallest of {@code w[0, n)} (Hoare's quickselect, median-of-three pivot). */
  static double select(double[] w, int n, int k) {
    int lo = 0;
    int hi = n - 1;
    while (hi > lo) {
      int mid = (lo + hi) >>> 1;
      if (w[mid] < w[lo]) {
        swap(w, mid, lo);
      }
      if (w[hi] < w[lo]) {
        swap(w, hi, lo);
      }
      if (w[hi] < w[mid]) {
        swap(w, hi, mid);
      }
      double pivot = w[mid];
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (w[i] < pivot) {
          i++;
        }
        while (w[j] > pivot) {
          j--;
        }
        if (i <= j) {
          swap(w, i, j);
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return w[k];
      }
    }
    return w[k];
  }

  /**
   * Standard deviation of the white noise on a smooth series with irregular sampling, from the
   * pseudo-residuals of Gasser, Sroka &amp; Jennen-Steinmetz (1986): each interior sample minus
   * the line through its two neighbours, ε_i = a_i·y_{i−1} + b_i·y_{i+1} − y_i with
   * a_i = (t_{i+1} − t_i)/(t_{i+1} − t_{i−1}), b_i = 1 − a_i, normalised by
   * √(a_i² + b_i² + 1) so that each has the noise's variance. A local line cancels, so slopes do
   * not count as noise; the median absolute deviation from their median (×1.4826) also removes
   * a steady curvature (a noise-free decay has pseudo-residuals of one sign and size) and makes
   * jumps and spikes, which touch a few samples, irrelevant. 0 for fewer than 3 samples.
   *
   * @param t    sample times, strictly increasing; input
   * @param y    values; input
   * @param work scratch, length ≥ to − from
   */
  static double noiseScale(double[] t, double[] y, int from, int to, double[] work) {
    int m = 0;
    for (int i = from + 1; i < to - 1; i++) {
      double span = t[i + 1] - t[i - 1];
      double a = (t[i + 1] - t[i]) / span;
      double b = 1.0 - a;
      work[m++] = (a * y[i - 1] + b * y[i + 1] - y[i]) / Math.sqrt(a * a + b * b + 1.0);
    }
    if (m == 0) {
      return 0.0;
    }
    double med = medianInPlace(work, m);
    // medianInPlace reorders work but keeps its content, so the deviations can reuse it.
    for (int i = 0; i < m; i++) {
      work[i] = Math.abs(work[i] - med);
    }
    return MAD_TO_SIGMA * medianInPlace(work, m);
  }

  private static void swap(double[] w, int i, int j) {
    double x = w[i];
    w[i] = w[j];
    w[j] = x;
  }
}
