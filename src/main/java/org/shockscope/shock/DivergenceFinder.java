package org.shockscope.shock;

import org.shockscope.OrderStatistics;

/**
 * Finds where a series stops being analysable: its first non-finite value, or the start of
 * explosive growth, whichever comes first.
 *
 * <p>Explosive growth (on the finite prefix x[0, d), d the first non-finite index): with the
 * initial level ref = median |x| over the first max(3, 5%) samples, the growth starts at the
 * first sample j from which |x| stays above {@code growthFactor}·ref up to d, and it counts
 * only if the series is still growing at its end: over its last max(4, min(10, d/10)) finite
 * samples ln|x| rises by at least ln 2 (the value still doubles) and the last sample is their
 * largest. The last condition keeps saturating growth (a singular value rising from a small
 * initialisation to its target, flat at the end) from counting, while exponential and faster
 * (super-exponential: a catapult far beyond 2/λ₀) blow-ups count; a run that simply ends in the
 * middle of a legitimate exponential rise would still be flagged. A series whose initial level
 * is 0 has no scale and can only diverge by a non-finite value.
 *
 * <p>A run-level metric logged fewer than four times before its run stopped (a catapult far
 * beyond 2/λ₀ blows up within a logging interval or two: 0.12, 0.0054, 1.0e6) diverges at its
 * last finite value when that lies {@code growthFactor} times above every value before it: no
 * metric trained towards a minimum rises three decades in one logged interval and stops. Weight
 * series get no such rule: a mode rising from a tiny initialisation does exactly that.
 *
 * <p>This is the one divergence rule of the product: the training lab labels its diverged
 * runs' truth with it ({@link #firstBadIndex}), so that detector and truth agree on the step.
 */
public final class DivergenceFinder {
  /** Found divergence: the first bad sample and the score. */
  record Divergence(int index, double score) {}

  private static final double MIN_END_RISE = Math.log(2.0);

  private DivergenceFinder() {}

  /**
   * The index of a run-level metric's first bad sample under this rule (the first non-finite
   * value or the start of explosive growth, a metric logged fewer than four times included), or
   * −1 when it never diverges.
   *
   * @param steps        strictly increasing steps
   * @param values       values at the steps
   * @param growthFactor the growth over the initial level that counts as explosive
   *                     ({@link DetectorConfig#growthFactor})
   */
  public static int firstBadIndex(long[] steps, double[] values, double growthFactor) {
    int n = values.length;
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = (double) (steps[i] - steps[0]);
    }
    Divergence d = find(t, values, n, growthFactor, true, new double[n]);
    return d == null ? -1 : d.index();
  }

  /**
   * @param t      sample times; input
   * @param x      sample values; input
   * @param n      number of samples
   * @param work   scratch of length ≥ n
   * @param metric whether the series is a run-level metric (see the class comment on runs
   *               logged fewer than four times)
   * @return the divergence, or null when the series never diverges
   */
  static Divergence find(double[] t, double[] x, int n, double growthFactor, boolean metric,
                         double[] work) {
    int d = 0;
    while (d < n && Double.isFinite(x[d])) {
      d++;
    }
    int growth = d < 4 ? (metric ? briefGrowth(x, d, growthFactor) : -1)
        : growthStart(t, x, d, growthFactor, work);
    if (growth >= 0) {
      double limit = growthFactor * initialLevel(x, d, work);
      double peak = 0.0;
      for (int i = growth; i < d; i++) {
        peak = Math.max(peak, Math.abs(x[i]));
      }
      double decades = Math.log10(peak / limit);
      double score = d < n ? 1.0 : 1.0 / (1.0 + Math.pow(10.0, -decades));
      return new Divergence(growth, score);
    }
    return d < n ? new Divergence(d, 1.0) : null;
  }

  private static double initialLevel(double[] x, int d, double[] work) {
    int k = Math.min(d, Math.max(3, (int) Math.ceil(0.05 * d)));
    for (int i = 0; i < k; i++) {
      work[i] = Math.abs(x[i]);
    }
    return OrderStatistics.medianInPlace(work, k);
  }

  private static int growthStart(double[] t, double[] x, int d, double growthFactor,
                                 double[] work) {
    // four finite samples suffice: a run that blows up 13 decades in 5 steps (a catapult far
    // beyond 2/λ₀) is logged that briefly before its first non-finite value
    double ref = initialLevel(x, d, work);
    if (!(ref > 0.0)) {
      return -1;
    }
    double limit = growthFactor * ref;
    int j = d;
    while (j > 0 && Math.abs(x[j - 1]) > limit) {
      j--;
    }
    if (j == d || !growingAtEnd(x, d)) {
      return -1;
    }
    return j;
  }

  /**
   * The index of the last of a metric's d &lt; 4 finite values when it lies growthFactor times
   * above every value before it, all nonzero, else −1.
   */
  private static int briefGrowth(double[] x, int d, double growthFactor) {
    if (d < 2) {
      return -1;
    }
    double last = Math.abs(x[d - 1]);
    for (int i = 0; i < d - 1; i++) {
      // a value of 0 has no scale (an accuracy starting at 0 rises to 0.9 in two logs)
      if (!(Math.abs(x[i]) > 0.0) || !(last > growthFactor * Math.abs(x[i]))) {
        return -1;
      }
    }
    return d - 1;
  }

  private static boolean growingAtEnd(double[] x, int d) {
    int m = Math.max(4, Math.min(10, d / 10));
    int from = d - m;
    double last = Math.abs(x[d - 1]);
    for (int i = from; i < d; i++) {
      if (x[i] == 0.0 || Math.abs(x[i]) > last) {
        return false;
      }
    }
    return Math.log(last) - Math.log(Math.abs(x[from])) >= MIN_END_RISE;
  }
}
