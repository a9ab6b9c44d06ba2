package org.shockscope.lab;

/**
 * Level crossings of a sampled trajectory, for measuring when a transition happened and how
 * wide it was. A tanh front y = m + (J/2)·tanh((t − t_s)/w) passes 25% and 75% of its jump at
 * t_s ∓ w·atanh(1/2), so w = (t₇₅ − t₂₅) / (2·atanh(1/2)).
 */
final class Crossings {
  /** 2·atanh(1/2) = ln 3. */
  private static final double QUARTILE_SPAN = Math.log(3);

  private Crossings() {}

  /** The first index ≥ {@code from} whose value is ≥ {@code level}, or -1. */
  static int firstAtOrAbove(double[] v, int from, double level) {
    for (int i = Math.max(from, 0); i < v.length; i++) {
      if (v[i] >= level) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The first index after which every value stays ≥ {@code level} to the end, or -1 when the
   * last value is below it.
   */
  static int settledAtOrAbove(double[] v, double level) {
    int i = v.length;
    while (i > 0 && v[i - 1] >= level) {
      i--;
    }
    return i == v.length ? -1 : i;
  }

  /**
   * The step at which the straight line between samples {@code i − 1} and {@code i} reaches
   * {@code level}; {@code steps[i]} when {@code i} is 0.
   */
  static double interpolatedStep(int[] steps, double[] v, int i, double level) {
    if (i <= 0) {
      return steps[Math.max(i, 0)];
    }
    double a = v[i - 1];
    double b = v[i];
    double f = b == a ? 1 : (level - a) / (b - a);
    f = Math.max(0, Math.min(1, f));
    return steps[i - 1] + f * (steps[i] - steps[i - 1]);
  }

  /** The tanh width from the times a rising front passes 25% and 75% of its jump. */
  static double tanhWidth(double t25, double t75) {
    return (t75 - t25) / QUARTILE_SPAN;
  }
}
