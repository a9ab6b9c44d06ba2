package org.shockscope.sweep;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gathers logged (step, value) points per metric in logging order, then builds sorted
 * {@link MetricSeries} in which the last point logged for a step wins.
 */
final class SeriesAccumulator {
  private final Map<String, Column> columns = new TreeMap<>();

  /** The growable column of metric {@code name}; hold on to it to append without lookups. */
  Column column(String name) {
    return columns.computeIfAbsent(name, k -> new Column());
  }

  void add(String name, long step, double value) {
    column(name).add(step, value);
  }

  /** Appends every point of {@code other} after the points already held. */
  void addAll(SeriesAccumulator other) {
    other.columns.forEach((name, c) -> c.copyTo(column(name)));
  }

  boolean isEmpty() {
    return columns.values().stream().allMatch(c -> c.n == 0);
  }

  /** The series, sorted by step, the last value logged for each step kept; empty ones omitted. */
  Map<String, MetricSeries> build() {
    Map<String, MetricSeries> out = new TreeMap<>();
    columns.forEach((name, c) -> {
      if (c.n > 0) {
        out.put(name, c.toSeries(name));
      }
    });
    return out;
  }

  /** The points of one metric in logging order. */
  static final class Column {
    private long[] steps = new long[16];
    private double[] values = new double[16];
    private int n;

    void add(long step, double value) {
      if (n == steps.length) {
        steps = Arrays.copyOf(steps, 2 * n);
        values = Arrays.copyOf(values, 2 * n);
      }
      steps[n] = step;
      values[n] = value;
      n++;
    }

    /** Appends this column's points to {@code into}. */
    void copyTo(Column into) {
      for (int i = 0; i < n; i++) {
        into.add(steps[i], values[i]);
      }
    }

    private MetricSeries toSeries(String name) {
      boolean increasing = true;
      for (int i = 1; i < n && increasing; i++) {
        increasing = steps[i] > steps[i - 1];
      }
      if (increasing) {
        return new MetricSeries(name, Arrays.copyOf(steps, n), Arrays.copyOf(values, n));
      }
      long[] sorted = Arrays.copyOf(steps, n);
      Arrays.sort(sorted);
      int m = 0;
      for (int i = 0; i < n; i++) {
        if (m == 0 || sorted[i] != sorted[m - 1]) {
          sorted[m++] = sorted[i];
        }
      }
      long[] unique = Arrays.copyOf(sorted, m);
      double[] vals = new double[m];
      // Visiting points in logging order makes a later point overwrite an earlier one.
      for (int i = 0; i < n; i++) {
        vals[Arrays.binarySearch(unique, steps[i])] = values[i];
      }
      return new MetricSeries(name, unique, vals);
    }
  }
}
