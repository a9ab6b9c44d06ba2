package org.shockscope.shock;

import java.util.Arrays;

/**
 * Exact penalised change-point segmentation by PELT (Killick, Fearnhead &amp; Eckley, "Optimal
 * detection of changepoints with a linear computational cost", JASA 107(500), 2012) with the
 * l2 (squared-error) segment cost, the generic method a numpy user reaches for (ruptures'
 * {@code Pelt(model="l2")}).
 *
 * <p>For points y_0 … y_{n−1} in R^d it finds change points 0 &lt; τ_1 &lt; … &lt; τ_m &lt; n
 * minimising Σ_{segments} C(y_{τ_i} … y_{τ_{i+1}−1}) + β·m, with C the sum of squared
 * deviations from the segment's mean (summed over the d dimensions) and every segment at least
 * {@code minSize} points long. Optimal partitioning (Jackson et al. 2005):
 * F(t) = min_τ [F(τ) + C(τ, t) + β], F(0) = −β; PELT drops a candidate τ once
 * F(τ) + C(τ, t) &gt; F(t), which never loses the optimum because the l2 cost is additive
 * under splitting (C(a, c) ≥ C(a, b) + C(b, c), their K = 0). With a minimum segment length the
 * test is made at t = s − minSize when processing s, so that t is a feasible last change before
 * every later end point. Segment costs come from prefix sums in O(d).
 *
 * <p>Stateful: owns its prefix-sum and DP workspaces, grown when too small; not thread-safe.
 */
public final class PeltChangePoints {
  private double[] sum = new double[0];
  private double[] sumSq = new double[0];
  private double[] best = new double[0];
  private int[] last = new int[0];
  private int[] candidates = new int[0];

  /**
   * The optimal segmentation.
   *
   * @param changePoints indices τ where a new segment starts, increasing
   * @param objective    Σ segment costs + β × number of change points
   */
  public record Segmentation(int[] changePoints, double objective) {}

  /**
   * Segments {@code n} points of {@code d} dimensions.
   *
   * @param values  input, row-major n × d (point i's coordinates at [i·d, i·d + d)); not
   *                modified; must be finite
   * @param n       number of points ≥ 0
   * @param d       dimensions ≥ 1
   * @param penalty β ≥ 0, the price of one change point
   * @param minSize shortest segment, ≥ 1
   * @throws IllegalArgumentException on a caller's mistake (sizes, penalty, non-finite values)
   */
  public Segmentation segment(double[] values, int n, int d, double penalty, int minSize) {
    if (n < 0 || d < 1 || minSize < 1 || values.length < (long) n * d) {
      throw new IllegalArgumentException("PELT: need n >= 0, d >= 1, minSize >= 1 and n*d <= "
          + values.length + " values, got n = " + n + ", d = " + d + ", minSize = " + minSize);
    }
    if (!(penalty >= 0) || !Double.isFinite(penalty)) {
      throw new IllegalArgumentException("PELT: penalty must be finite and >= 0, got "
          + penalty);
    }
    if (n == 0) {
      return new Segmentation(new int[0], 0.0);
    }
    grow(n, d);
    for (int i = 0; i < n; i++) {
      double sq = 0;
      for (int k = 0; k < d; k++) {
        double v = values[i * d + k];
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("PELT: value " + v + " at point " + i
              + ", dimension " + k + " is not finite");
        }
        sum[(i + 1) * d + k] = sum[i * d + k] + v;
        sq += v * v;
      }
      sumSq[i + 1] = sumSq[i] + sq;
    }
    if (n < 2 * minSize) {
      return new Segmentation(new int[0], cost(0, n, d));
    }
    best[0] = -penalty;
    last[0] = 0;
    int count = 0;
    for (int s = minSize; s <= n; s++) {
      // admit τ = s − minSize when it is the start or itself a feasible segment end
      int admit = s - minSize;
      if (admit == 0 || admit >= minSize) {
        candidates[count++] = admit;
      }
      // prune with the test at t = s − minSize (feasible before every later end point)
      int t = s - minSize;
      if (t >= minSize) {
        int kept = 0;
        for (int c = 0; c < count; c++) {
          int tau = candidates[c];
          if (t - tau < minSize || best[tau] + cost(tau, t, d) <= best[t]) {
            candidates[kept++] = tau;
          }
        }
        count = kept;
      }
      double f = Double.POSITIVE_INFINITY;
      int arg = -1;
      for (int c = 0; c < count; c++) {
        int tau = candidates[c];
        double v = best[tau] + cost(tau, s, d) + penalty;
        if (v < f) {
          f = v;
          arg = tau;
        }
      }
      best[s] = f;
      last[s] = arg;
    }
    int m = 0;
    for (int s = last[n]; s > 0; s = last[s]) {
      m++;
    }
    int[] cps = new int[m];
    for (int s = last[n], i = m - 1; s > 0; s = last[s], i--) {
      cps[i] = s;
    }
    return new Segmentation(cps, best[n]);
  }

  /**
   * Σ segment costs + β × change points of a given segmentation of the same kind of input (for
   * checking one against another).
   */
  public static double objective(double[] values, int n, int d, double penalty,
                                 int[] changePoints) {
    double total = penalty * changePoints.length;
    int from = 0;
    for (int i = 0; i <= changePoints.length; i++) {
      int to = i < changePoints.length ? changePoints[i] : n;
      double[] mean = new double[d];
      for (int j = from; j < to; j++) {
        for (int k = 0; k < d; k++) {
          mean[k] += values[j * d + k] / (to - from);
        }
      }
      for (int j = from; j < to; j++) {
        for (int k = 0; k < d; k++) {
          double e = values[j * d + k] - mean[k];
          total += e * e;
        }
      }
      from = to;
    }
    return total;
  }

  /** l2 cost of points [a, b): Σ‖y‖² − Σ_k (Σ y_k)² / (b − a). */
  private double cost(int a, int b, int d) {
    double c = sumSq[b] - sumSq[a];
    double len = b - a;
    for (int k = 0; k < d; k++) {
      double s = sum[b * d + k] - sum[a * d + k];
      c -= s * s / len;
    }
    return Math.max(c, 0.0);
  }

  private void grow(int n, int d) {
    if (sum.length < (n + 1) * d) {
      sum = new double[(n + 1) * d];
    }
    if (sumSq.length < n + 1) {
      sumSq = new double[n + 1];
      best = new double[n + 1];
      last = new int[n + 1];
      candidates = new int[n + 1];
    }
    Arrays.fill(sum, 0, d, 0.0);
    sumSq[0] = 0;
  }
}
