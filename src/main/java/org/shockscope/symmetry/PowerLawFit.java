package org.shockscope.symmetry;

/**
 * Continuous power-law fit p(x) ∝ x^(−α) for x ≥ x_min, as WeightWatcher fits the tail of an
 * empirical spectral density (CalculatedContent/WeightWatcher, {@code WW_powerlaw.WWFit}):
 * for every candidate x_min among the sorted data (all but the largest value) the maximum
 * likelihood exponent α = 1 + n / Σᵢ ln(xᵢ / x_min) over the n values ≥ x_min (Clauset,
 * Shalizi &amp; Newman, SIAM Review 51, 2009, eq. 3.1), and the Kolmogorov–Smirnov distance
 * D = maxₖ |1 − (xₖ/x_min)^(1−α) − k/n| between the fitted CDF and the empirical CDF of the
 * tail; x_min is the candidate with the smallest D (the first one on ties).
 *
 * <p>O(N²) in the number of values (one exp per pair), O(N) workspace supplied by the caller.
 */
public final class PowerLawFit {

  /**
   * A fit.
   *
   * @param alpha the exponent α of the density (> 1)
   * @param xmin  the lower bound of the power-law tail
   * @param ks    the Kolmogorov–Smirnov distance at that x_min
   * @param tail  the number of values ≥ x_min
   */
  public record Result(double alpha, double xmin, double ks, int tail) {
  }

  private PowerLawFit() {
  }

  /**
   * Fits the values {@code x[0 .. n)}, which must be positive and sorted ascending.
   *
   * @param x    input, ascending positive values; not modified
   * @param n    how many values to use (≥ 2)
   * @param logs workspace of length ≥ n + 1 (overwritten)
   * @return the fit, or {@code null} when no candidate gives α > 1 (e.g. all values equal)
   */
  public static Result fit(double[] x, int n, double[] logs) {
    if (n < 2) {
      throw new IllegalArgumentException("power-law fit needs at least 2 values, got " + n);
    }
    // logs[i] = ln x_i; logs[n] is unused; suffix sums computed on the fly from the total.
    double total = 0;
    for (int i = 0; i < n; i++) {
      if (!(x[i] > 0)) {
        throw new IllegalArgumentException("power-law fit needs positive values, x[" + i + "] = "
            + x[i]);
      }
      logs[i] = Math.log(x[i]);
      total += logs[i];
    }
    double suffix = total;
    int best = -1;
    double bestD = Double.POSITIVE_INFINITY;
    double bestAlpha = Double.NaN;
    for (int i = 0; i < n - 1; i++) {
      int m = n - i;
      double logMin = logs[i];
      double denominator = suffix - m * logMin;
      suffix -= logs[i];
      if (!(denominator > 0)) {
        continue;
      }
      double alpha = 1 + m / denominator;
      double exponent = 1 - alpha;
      double d = 0;
      for (int k = 0; k < m; k++) {
        double theoretical = 1 - Math.exp(exponent * (logs[i + k] - logMin));
        double gap = Math.abs(theoretical - (double) k / m);
        if (gap > d) {
          d = gap;
        }
      }
      if (d < bestD) {
        bestD = d;
        best = i;
        bestAlpha = alpha;
      }
    }
    return best < 0 ? null : new Result(bestAlpha, x[best], bestD, n - best);
  }
}
