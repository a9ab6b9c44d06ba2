package org.shockscope.forecast;

import org.shockscope.LeastSquaresLine;

/**
 * Exponential growth of a series at the end of a prefix: the least-squares line through
 * {@code (step, ln y)} of the last {@code window} samples up to an index, y = e^{a + r·t}. Its
 * rate r (per step) gives the doubling time {@code ln 2 / r} in steps. This is the signature of a
 * catapult or of a divergence: beyond 2/λ₀ the top mode of gradient descent is multiplied by
 * |1 − ηλ| at every step, so the loss grows as |1 − ηλ|^{2t} until the curvature gives way
 * (Lewkowycz et al., "The large learning rate phase of deep learning: the catapult mechanism",
 * 2020, §2).
 *
 * <p>Stateless static operations; arrays are inputs and are never modified.
 */
public final class GrowthFit {
  /** Smallest number of samples a fit uses. */
  public static final int MIN_POINTS = 3;

  private GrowthFit() {}

  /**
   * The fitted growth at the end of a prefix.
   *
   * @param rate         r, growth rate of ln y per step (&gt; 0 grows)
   * @param rateSe       standard error of r (0 when the line is exact or only 3 points... see fit)
   * @param logLast      fitted ln y at the last sample of the window
   * @param lastStep     step of the last sample
   * @param rising       whether every consecutive sample of the window rises
   * @param points       samples in the window
   */
  public record Growth(double rate, double rateSe, double logLast, long lastStep, boolean rising,
                       int points) {
    /** Doubling time in steps, {@code ln 2 / r}; +∞ when the series does not grow. */
    public double doublingTime() {
      return rate > 0 ? Math.log(2.0) / rate : Double.POSITIVE_INFINITY;
    }
  }

  /**
   * Fits ln|y| over the last {@code window} samples with index ≤ {@code end}. Only data at or
   * before {@code end} is read.
   *
   * @param steps  input, strictly increasing steps
   * @param values input, values; the window must be finite and non-zero
   * @param end    index of the last sample used
   * @param window samples in the fit, ≥ {@link #MIN_POINTS}
   * @return the growth, or null when fewer than {@code window} usable samples end at {@code end}
   *     (a non-finite or zero value in the window)
   * @throws IllegalArgumentException on a window below {@link #MIN_POINTS} or an index out of
   *     range
   */
  public static Growth fit(long[] steps, double[] values, int end, int window) {
    if (window < MIN_POINTS) {
      throw new IllegalArgumentException("growth window must be >= " + MIN_POINTS + ", got "
          + window);
    }
    if (end < 0 || end >= steps.length || steps.length != values.length) {
      throw new IllegalArgumentException("index " + end + " out of range for " + steps.length
          + " steps and " + values.length + " values");
    }
    int start = end - window + 1;
    if (start < 0) {
      return null;
    }
    double[] logs = new double[window];
    boolean rising = true;
    for (int i = start; i <= end; i++) {
      double v = Math.abs(values[i]);
      if (!(v > 0) || !Double.isFinite(v)) {
        return null;
      }
      if (i > start && !(v > Math.abs(values[i - 1]))) {
        rising = false;
      }
      logs[i - start] = Math.log(v);
    }
    // steps from the last one, so that the intercept is the fitted ln y there
    LeastSquaresLine line = LeastSquaresLine.fit(steps, start, steps[end], logs, 0, window);
    return new Growth(line.slope(), line.slopeStandardError(), line.intercept(), steps[end],
        rising, window);
  }
}
