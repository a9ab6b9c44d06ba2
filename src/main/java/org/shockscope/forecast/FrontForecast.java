package org.shockscope.forecast;

import org.shockscope.LeastSquaresLine;

/**
 * Where a forming front will break, from its prefix only. A rising series on its way from a small
 * level to a new one follows, in the simplest case, the logistic
 * {@code u(t) = J / (1 + e^{−r(t − t_s)})}, i.e. the viscous-shock profile
 * {@code m + (J/2)·tanh((t − t_s)/w)} with {@code m = J/2} and {@code w = 2/r}: a deep linear
 * network's mode k under gradient descent with r = 2 s_k η (Saxe, McClelland &amp; Ganguli, 2014,
 * eq. 7; SPEC §8). Its log-growth rate falls linearly with the level,
 * {@code d ln u / dt = r − (r/J)·u}, so the level J it saturates at is visible long before the
 * midpoint, as soon as the growth starts to slow: the least-squares line of the local rates
 * {@code g_i = Δ ln u / Δt} against the levels gives r (intercept) and J = −r / slope, and the
 * centre follows from the last sample, {@code t_s = t + ln(J/u(t) − 1) / r}.
 *
 * <p>Stateless static operations; arrays are inputs and are never modified. Only samples at or
 * before the given index are read.
 */
public final class FrontForecast {
  /** Fewest rising samples before a forecast (four local rates). */
  public static final int MIN_RISING = 5;
  /** Most recent rising samples used. */
  public static final int MAX_POINTS = 16;
  /** How negative, in standard errors, the slope of the rates must be (growth visibly slowing). */
  public static final double MIN_SLOWING_T = 2.0;

  private FrontForecast() {}

  /**
   * A forming front.
   *
   * @param centre   predicted step of the midpoint t_s (&gt; the forecast's step)
   * @param width    predicted tanh width w = 2/r in steps
   * @param level    predicted level J the series rises to
   * @param slowingT t-statistic of the slope of the local rates (negative)
   */
  public record Front(double centre, double width, double level, double slowingT) {}

  /**
   * The front forming at the end of the prefix {@code [0, end]}, or null when none is visible:
   * fewer than {@link #MIN_RISING} consecutive rising positive samples end at {@code end}, the
   * growth is not yet visibly slowing, or the midpoint is already passed.
   *
   * @param steps  input, strictly increasing steps
   * @param values input, values
   * @param end    index of the last sample that may be read
   * @throws IllegalArgumentException on an index out of range or arrays of different lengths
   */
  public static Front at(long[] steps, double[] values, int end) {
    if (end < 0 || end >= steps.length || steps.length != values.length) {
      throw new IllegalArgumentException("index " + end + " out of range for " + steps.length
          + " steps and " + values.length + " values");
    }
    int start = end;
    while (start > 0 && end - start + 1 < MAX_POINTS && values[start - 1] > 0
        && Double.isFinite(values[start - 1]) && values[start] > values[start - 1]) {
      start--;
    }
    int n = end - start + 1;
    if (n < MIN_RISING || !(values[start] > 0) || !Double.isFinite(values[end])) {
      return null;
    }
    int m = n - 1;
    double[] g = new double[m];
    double[] x = new double[m];
    for (int i = 0; i < m; i++) {
      int k = start + i;
      g[i] = (Math.log(values[k + 1]) - Math.log(values[k])) / (steps[k + 1] - steps[k]);
      x[i] = Math.sqrt(values[k] * values[k + 1]);
    }
    // The levels of a rising run never decrease, so they are all equal (no line, no front) only
    // when the first and the last are: products underflowing to 0 in a series below 1e-160.
    if (x[m - 1] == x[0]) {
      return null;
    }
    LeastSquaresLine line = LeastSquaresLine.fit(x, 0, g, 0, m);
    double slope = line.slope();
    double r = line.intercept();
    double se = line.slopeStandardError();
    double t = se > 0 ? slope / se : Double.NEGATIVE_INFINITY;
    if (!(slope < 0) || !(r > 0) || t > -MIN_SLOWING_T) {
      return null;
    }
    double level = -r / slope;
    double u = values[end];
    if (!(level > 2 * u)) {
      return null;
    }
    double centre = steps[end] + Math.log(level / u - 1) / r;
    return new Front(centre, 2 / r, level, t);
  }
}
