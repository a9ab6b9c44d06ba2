package org.shockscope.lab;

/**
 * Values of one quantity at increasing training steps (a run's logged loss, or everything it
 * observed). The arrays are not copied and must not be modified.
 *
 * @param steps  strictly increasing steps
 * @param values one value per step (may be non-finite at a divergence)
 */
public record StepSeries(int[] steps, double[] values) {
  public StepSeries {
    if (steps.length != values.length) {
      throw new IllegalArgumentException("series has " + steps.length + " steps but "
          + values.length + " values");
    }
  }

  public int size() {
    return steps.length;
  }

  /** The last value, or NaN for an empty series. */
  public double last() {
    return values.length == 0 ? Double.NaN : values[values.length - 1];
  }
}
