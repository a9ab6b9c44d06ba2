package org.shockscope.shock;

import java.util.Objects;

/**
 * One series of a run as the detector receives it: a name, its group, and its samples sorted by
 * step. The arrays are not copied; the detector never modifies them.
 *
 * @param name   the observable or metric
 * @param group  its group, "" for run-level metrics
 * @param steps  training steps, strictly increasing
 * @param values values at those steps; NaN and ±Infinity allowed (they end the analysis)
 */
public record SeriesData(String name, String group, long[] steps, double[] values) {
  public SeriesData {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(steps, "steps");
    Objects.requireNonNull(values, "values");
  }
}
