package org.shockscope;

import java.util.Arrays;

/**
 * Medians and order statistics of double arrays, written once for the detector's kernels, the
 * lab, the forecast scores and the Spark jobs. Two ways, one result for values without NaN:
 * <ul>
 *   <li>{@link #median(double[])} sorts a copy ({@link Arrays#sort(double[])}: NaN values
 *       count and sort last, -0.0 before 0.0); for callers outside hot loops;</li>
 *   <li>{@link #median(double[], int, int, double[])} and {@link #medianInPlace} select in
 *       linear expected time (Hoare's quickselect) in a scratch array the caller owns, without
 *       allocating: for the detector's inner loops. Their comparisons do not order NaN (leave
 *       NaN out first) nor -0.0 and 0.0.</li>
 * </ul>
 * Both give the middle value of an odd count and the mean of the two middle values of an even
 * count, computed as 0.5 × (lower + upper); NaN for no values. Arrays are inputs and are never
 * modified unless a method says so; {@code work} arrays are scratch space whose content is
 * overwritten. Stateless.
 */
public final class OrderStatistics {
  private OrderStatistics() {}

  /** Median of {@code values} (not modified), from a sorted copy; NaN for none. */
  public static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] s = values.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
  }

  /** Median of {@code a[from, to)}; NaN for an empty range. */
  public static double median(double[] a, int from, int to, double[] work) {
    int n = to - from;
    if (n <= 0) {
      return Double.NaN;
    }
    System.arraycopy(a, from, work, 0, n);
    return medianInPlace(work, n);
  }

  /** Median of {@code w[0, n)}, reordering {@code w}. */
  public static double medianInPlace(double[] w, int n) {
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

  /**
   * Median absolute deviation of {@code w[0, n)} about its median, unscaled; leaves
   * {@code w[0, n)} holding the absolute deviations, reordered (callers read their quantiles).
   * NaN for n ≤ 0.
   */
  public static double madInPlace(double[] w, int n) {
    double med = medianInPlace(w, n);
    // medianInPlace reorders w but keeps its content, so the deviations can reuse it
    for (int i = 0; i < n; i++) {
      w[i] = Math.abs(w[i] - med);
    }
    return medianInPlace(w, n);
  }

  /** The {@code k}-th smallest of {@code w[0, n)} (Hoare's quickselect, median-of-three pivot). */
  public static double select(double[] w, int n, int k) {
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

  private static void swap(double[] w, int i, int j) {
    double x = w[i];
    w[i] = w[j];
    w[j] = x;
  }
}
