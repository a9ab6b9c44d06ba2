package org.shockscope.sweep;

import java.util.Arrays;
import java.util.Objects;

/**
 * One metric of one run along training: the value logged at each step, sorted by strictly
 * increasing step. Non-finite values (NaN, ±Infinity) are kept as they were logged, because a
 * divergence is first visible as one. When a step was logged more than once, the last value
 * logged wins (file order, then source order; see {@link SweepDiscovery}).
 *
 * <p>The arrays are not copied: a series is a value by convention and must not be modified.
 *
 * @param name   the metric's name ({@code loss}, {@code eval_loss}, {@code train/loss}, ...)
 * @param steps  training steps, strictly increasing
 * @param values the metric at each step (same length as {@code steps})
 */
public record MetricSeries(String name, long[] steps, double[] values) {
  public MetricSeries {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(steps, "steps");
    Objects.requireNonNull(values, "values");
    if (steps.length != values.length) {
      throw new IllegalArgumentException("Metric '" + name + "': " + steps.length + " steps but "
          + values.length + " values");
    }
    for (int i = 1; i < steps.length; i++) {
      if (steps[i] <= steps[i - 1]) {
        throw new IllegalArgumentException("Metric '" + name + "': steps not strictly increasing at"
            + " index " + i + " (" + steps[i - 1] + " then " + steps[i] + ")");
      }
    }
  }

  /** Number of logged points. */
  public int size() {
    return steps.length;
  }

  @Override
  public boolean equals(Object o) {
    // Arrays.equals compares doubles bit-wise, so NaN equals NaN here, as a value record should.
    return o instanceof MetricSeries m && name.equals(m.name) && Arrays.equals(steps, m.steps)
        && Arrays.equals(values, m.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, Arrays.hashCode(steps), Arrays.hashCode(values));
  }

  @Override
  public String toString() {
    return "MetricSeries[" + name + ", steps=" + Arrays.toString(steps) + ", values="
        + Arrays.toString(values) + "]";
  }
}
