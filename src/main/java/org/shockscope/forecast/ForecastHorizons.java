package org.shockscope.forecast;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The forecast horizons H of option {@code --forecast-horizons}: a comma-separated list whose
 * entries are either steps ({@code 500}) or checkpoint intervals of the run ({@code 5ckpt}, five
 * times the run's median step between checkpoints). Checkpoint intervals suit sweeps whose runs
 * differ in length: a forecast one checkpoint ahead is the earliest a user who reads the tables
 * between checkpoints can act on. The {@code forecasts} table always holds H in steps.
 */
public final class ForecastHorizons implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  /** Default: one, five and twenty checkpoint intervals. */
  public static final String DEFAULT = "1ckpt,5ckpt,20ckpt";
  private static final String CKPT = "ckpt";

  private final long[] steps;
  private final long[] intervals;

  private ForecastHorizons(long[] steps, long[] intervals) {
    this.steps = steps;
    this.intervals = intervals;
  }

  /**
   * Parses a horizon list.
   *
   * @throws IllegalArgumentException on an empty list or an entry that is not a positive
   *     integer, optionally followed by "ckpt"
   */
  public static ForecastHorizons parse(String spec) {
    List<Long> s = new ArrayList<>();
    List<Long> c = new ArrayList<>();
    for (String raw : spec.split(",")) {
      String e = raw.trim().toLowerCase(Locale.ROOT);
      if (e.isEmpty()) {
        continue;
      }
      boolean ckpt = e.endsWith(CKPT);
      String num = ckpt ? e.substring(0, e.length() - CKPT.length()).trim() : e;
      long v;
      try {
        v = Long.parseLong(num);
      } catch (NumberFormatException ex) {
        v = -1;
      }
      if (v < 1) {
        throw new IllegalArgumentException("forecast horizon '" + raw.trim() + "' in '" + spec
            + "' is not a positive number of steps or of checkpoint intervals (e.g. 500, 5ckpt)");
      }
      (ckpt ? c : s).add(v);
    }
    if (s.isEmpty() && c.isEmpty()) {
      throw new IllegalArgumentException("forecast horizons '" + spec + "' list no horizon");
    }
    return new ForecastHorizons(s.stream().mapToLong(Long::longValue).toArray(),
        c.stream().mapToLong(Long::longValue).toArray());
  }

  /**
   * The horizons in steps for a run, distinct and ascending.
   *
   * @param checkpointInterval the run's median step between checkpoints (≥ 1 is used)
   */
  public long[] resolve(long checkpointInterval) {
    long ci = Math.max(1, checkpointInterval);
    TreeSet<Long> out = new TreeSet<>();
    for (long v : steps) {
      out.add(v);
    }
    for (long v : intervals) {
      out.add(v * ci);
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  /** The median step between consecutive forecast steps, 1 when there are fewer than two. */
  public static long medianInterval(long[] forecastSteps) {
    if (forecastSteps.length < 2) {
      return 1;
    }
    long[] d = new long[forecastSteps.length - 1];
    for (int i = 0; i < d.length; i++) {
      d[i] = forecastSteps[i + 1] - forecastSteps[i];
    }
    Arrays.sort(d);
    return Math.max(1, d[d.length / 2]);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (long v : steps) {
      b.append(b.length() == 0 ? "" : ",").append(v);
    }
    for (long v : intervals) {
      b.append(b.length() == 0 ? "" : ",").append(v).append(CKPT);
    }
    return b.toString();
  }
}
