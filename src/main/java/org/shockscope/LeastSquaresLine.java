package org.shockscope;

/**
 * The ordinary least-squares straight line y ≈ a + b·x through n ≥ 2 points, written once for the
 * forecasts' growth, escape and front fits, the prefix features' slopes and the detector's test
 * that a contraction has settled. Two passes over the points in index order:
 * <ul>
 *   <li>the means x̄ = Σx / n and ȳ = Σy / n;</li>
 *   <li>the centred sums Sxx = Σ(x − x̄)² and Sxy = Σ(x − x̄)(y − ȳ);</li>
 * </ul>
 * giving
 * <ul>
 *   <li>the slope b = Sxy / Sxx;</li>
 *   <li>the intercept a = ȳ − b·x̄, the fitted y at x = 0;</li>
 *   <li>the residual standard error of the slope √(SSR / (n − 2) / Sxx), with the residual sum
 *       of squares SSR = Σ(y − (a + b·x))² from a third pass; NaN for two points, which leave no
 *       degree of freedom.</li>
 * </ul>
 * The order of these operations is part of the contract: the fits it replaced computed them the
 * same way, and their results (forecasts, detector events) are reproduced to the bit.
 *
 * <p>x comes either from a double array or from training steps measured from an origin step,
 * x = step − origin (exact below 2^53): with the origin at the last step, the intercept is the
 * fitted value there, and centring near the points keeps Sxx clear of cancellation. Points are
 * read from index ranges of primitive arrays (inputs, never modified), nothing is allocated per
 * point, and values are not checked: a non-finite one, or a spread too small to square (Sxx
 * underflowing to 0), gives non-finite results rather than an exception. Immutable.
 */
public final class LeastSquaresLine {
  private final double slope;
  private final double intercept;
  private final double slopeStandardError;

  private LeastSquaresLine(double slope, double intercept, double slopeStandardError) {
    this.slope = slope;
    this.intercept = intercept;
    this.slopeStandardError = slopeStandardError;
  }

  /**
   * The line through the points (x[xFrom + k], y[yFrom + k]), k = 0 … n − 1.
   *
   * @throws IllegalArgumentException on fewer than 2 points, a range outside either array, or
   *     x values that are all equal (no line is determined)
   */
  public static LeastSquaresLine fit(double[] x, int xFrom, double[] y, int yFrom, int n) {
    checkRange("x", x.length, xFrom, n);
    return fit(x, null, 0L, xFrom, y, yFrom, n);
  }

  /**
   * The line through the points (steps[from + k] − origin, y[yFrom + k]), k = 0 … n − 1.
   *
   * @throws IllegalArgumentException on fewer than 2 points, a range outside either array, or
   *     steps that are all equal (no line is determined)
   */
  public static LeastSquaresLine fit(long[] steps, int from, long origin, double[] y, int yFrom,
                                     int n) {
    checkRange("steps", steps.length, from, n);
    return fit(null, steps, origin, from, y, yFrom, n);
  }

  /** b, the change of y per unit of x. */
  public double slope() {
    return slope;
  }

  /** a, the fitted y at x = 0 (at the origin step for steps). */
  public double intercept() {
    return intercept;
  }

  /** √(SSR / (n − 2) / Sxx), the residual standard error of the slope; NaN for two points. */
  public double slopeStandardError() {
    return slopeStandardError;
  }

  private static void checkRange(String name, int length, int from, int n) {
    if (n < 2) {
      throw new IllegalArgumentException("a line needs at least 2 points, got " + n);
    }
    if (from < 0 || from > length - n) {
      throw new IllegalArgumentException(name + " points [" + from + ", " + from + " + " + n
          + ") out of range for length " + length);
    }
  }

  /** One of x and steps is null; x_i reads from the other. */
  private static LeastSquaresLine fit(double[] x, long[] steps, long origin, int from, double[] y,
                                      int yFrom, int n) {
    checkRange("y", y.length, yFrom, n);
    double first = at(x, steps, origin, from);
    boolean spread = false;
    double sx = 0;
    double sy = 0;
    for (int k = 0; k < n; k++) {
      double xk = at(x, steps, origin, from + k);
      // != rather than a test on Sxx: NaN counts as spread and gives NaN, as documented
      spread |= xk != first;
      sx += xk;
      sy += y[yFrom + k];
    }
    if (!spread) {
      throw new IllegalArgumentException("a line needs spread in x, but all " + n
          + " x values are " + first);
    }
    double mx = sx / n;
    double my = sy / n;
    double sxx = 0;
    double sxy = 0;
    for (int k = 0; k < n; k++) {
      double dx = at(x, steps, origin, from + k) - mx;
      sxx += dx * dx;
      sxy += dx * (y[yFrom + k] - my);
    }
    double slope = sxy / sxx;
    double intercept = my - slope * mx;
    double ssr = 0;
    for (int k = 0; k < n; k++) {
      double e = y[yFrom + k] - (intercept + slope * at(x, steps, origin, from + k));
      ssr += e * e;
    }
    double se = n > 2 ? Math.sqrt(ssr / (n - 2) / sxx) : Double.NaN;
    return new LeastSquaresLine(slope, intercept, se);
  }

  private static double at(double[] x, long[] steps, long origin, int i) {
    return x != null ? x[i] : steps[i] - origin;
  }
}
