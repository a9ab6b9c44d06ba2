package org.shockscope.lab;

import org.shockscope.OrderStatistics;

/**
 * When a measured trajectory made a sigmoidal transition between two levels, as a truth row
 * needs it: the step where the series first reaches halfway from {@code from} to {@code to}
 * (linear interpolation between samples), and the tanh width w of
 * y = m + (J/2)·tanh((t − t_s)/w) from the steps where it first reaches 1/4 and 3/4 of the way
 * ({@link Crossings#tanhWidth}). Falling transitions are measured on the negated series.
 *
 * @param step    halfway crossing t_s, in steps
 * @param quarter 1/4 crossing
 * @param threeQuarter 3/4 crossing
 * @param width   tanh width (t₃/₄ − t₁/₄)/ln 3, in steps, ≥ 0
 * @param from    the level the transition starts from
 * @param to      the level it ends at
 */
record PhaseChange(double step, double quarter, double threeQuarter, double width, double from,
                   double to) {
  /**
   * The transition of {@code values} (at {@code steps}, not modified) from {@code from} to
   * {@code to}, or null when the series never reaches one of the three levels.
   */
  static PhaseChange measure(int[] steps, double[] values, double from, double to) {
    double sign = to >= from ? 1 : -1;
    double[] v = new double[values.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = sign * values[i];
    }
    double lo = sign * from;
    double span = sign * to - lo;
    double[] at = new double[3];
    double[] fractions = {0.25, 0.5, 0.75};
    for (int k = 0; k < 3; k++) {
      double level = lo + fractions[k] * span;
      int i = Crossings.firstAtOrAbove(v, 0, level);
      if (i < 0) {
        return null;
      }
      at[k] = Crossings.interpolatedStep(steps, v, i, level);
    }
    return new PhaseChange(at[1], at[0], at[2],
        Math.max(0, Crossings.tanhWidth(at[0], at[2])), from, to);
  }

  /** The median of the last {@code fraction} of {@code values} (at least one value). */
  static double tailMedian(double[] values, double fraction) {
    int n = Math.max(1, (int) Math.round(values.length * fraction));
    return OrderStatistics.median(
        java.util.Arrays.copyOfRange(values, values.length - n, values.length));
  }
}
