package org.shockscope;

import java.util.Arrays;

/**
 * Sample quantiles by linear interpolation between order statistics (Hyndman &amp; Fan 1996,
 * definition 7, the default of R and numpy): q(p) = x₍ₖ₎ + (h − k)(x₍ₖ₊₁₎ − x₍ₖ₎) with
 * h = (n − 1)p, k = ⌊h⌋, over the sorted finite values. Used by the report's summaries and
 * the evaluation's bootstrap intervals.
 */
public final class Quantiles {
  private final double[] sorted;

  private Quantiles(double[] sorted) {
    this.sorted = sorted;
  }

  /** Quantiles of the finite values of {@code values} (not modified). */
  public static Quantiles of(double[] values) {
    double[] s = Arrays.stream(values).filter(Double::isFinite).toArray();
    Arrays.sort(s);
    return new Quantiles(s);
  }

  /** Number of finite values. */
  public int size() {
    return sorted.length;
  }

  /** The p-quantile, p ∈ [0, 1]; NaN when there are no values. */
  public double at(double p) {
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    double h = (n - 1) * Math.max(0, Math.min(1, p));
    int k = (int) Math.floor(h);
    if (k + 1 >= n) {
      return sorted[n - 1];
    }
    return sorted[k] + (h - k) * (sorted[k + 1] - sorted[k]);
  }
}
