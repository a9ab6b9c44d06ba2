package org.shockscope.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A numeric axis: a domain, a linear or base-10 logarithmic scale mapping it onto [0, 1], and
 * "nice" ticks.
 *
 * <p>Linear ticks follow Heckbert's nice-numbers rule ("Nice numbers for graph labels",
 * Graphics Gems, 1990): the step is 1, 2 or 5 × 10ᵏ, the one nearest to range / 5 so that
 * about {@value #TARGET_TICKS} ticks cover the data, and the domain is widened to whole steps.
 * Log ticks sit on decades, with 2× and 5× (then every integer multiple) added when fewer
 * than three decades are visible, and every n-th decade when more than
 * {@value #MAX_LOG_TICKS} are.
 */
final class Axis {
  /** How values map onto the axis. */
  public enum Scale { LINEAR, LOG }

  /** A tick mark: its value and label. */
  public record Tick(double value, String label) {}

  static final int TARGET_TICKS = 6;
  static final int MAX_LOG_TICKS = 9;
  /** Positive data spanning at least this ratio (two decades) get a log axis from {@link #auto}. */
  static final double LOG_SPAN = 100;

  private final Scale scale;
  private final double lo;
  private final double hi;
  private final List<Tick> ticks;

  private Axis(Scale scale, double lo, double hi, List<Tick> ticks) {
    this.scale = scale;
    this.lo = lo;
    this.hi = hi;
    this.ticks = List.copyOf(ticks);
  }

  /**
   * A linear axis covering [min, max], widened to whole tick steps. A zero-width or
   * non-finite range is widened around its value (to [0, 1] when nothing is finite).
   */
  public static Axis linear(double min, double max) {
    if (!Double.isFinite(min) || !Double.isFinite(max)) {
      min = 0;
      max = 1;
    }
    if (min > max) {
      double t = min;
      min = max;
      max = t;
    }
    if (max - min <= Math.max(Math.abs(max), Math.abs(min)) * 1e-12) {
      double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
      min -= pad;
      max += pad;
    }
    BigDecimal step = niceStep((max - min) / (TARGET_TICKS - 1));
    double s = step.doubleValue();
    long first = (long) Math.floor(min / s + 1e-9);
    long last = (long) Math.ceil(max / s - 1e-9);
    List<Tick> ticks = new ArrayList<>();
    for (long k = first; k <= last; k++) {
      BigDecimal v = step.multiply(BigDecimal.valueOf(k));
      ticks.add(new Tick(v.doubleValue(), NumberLabels.compact(v.doubleValue(), 6)));
    }
    return new Axis(Scale.LINEAR, first * s, last * s, ticks);
  }

  /**
   * A base-10 log axis covering [min, max] (both &gt; 0), widened to whole decades when the
   * data span two decades or more and by 10% (in log) otherwise. Non-positive or non-finite
   * bounds fall back to a linear axis.
   */
  public static Axis log(double min, double max) {
    if (!(min > 0) || !(max > 0) || !Double.isFinite(min) || !Double.isFinite(max)) {
      return linear(min, max);
    }
    if (min > max) {
      double t = min;
      min = max;
      max = t;
    }
    double a = Math.log10(min);
    double b = Math.log10(max);
    if (b - a >= 2) {
      a = Math.floor(a + 1e-9);
      b = Math.ceil(b - 1e-9);
    } else {
      double pad = Math.max(0.1 * (b - a), 0.05);
      a -= pad;
      b += pad;
    }
    return new Axis(Scale.LOG, Math.pow(10, a), Math.pow(10, b), logTicks(a, b));
  }

  /** A log axis when the positive data span {@value #LOG_SPAN}× or more, else a linear one. */
  public static Axis auto(double min, double max) {
    return min > 0 && max / min >= LOG_SPAN ? log(min, max) : linear(min, max);
  }

  /** {@link #auto} over the finite values of the arrays (a log axis ignores values ≤ 0). */
  public static Axis fit(double[]... values) {
    double[] r = range(values);
    return auto(r[0], r[1]);
  }

  /** [min, max] of the finite values of the arrays, or NaNs when there are none. */
  public static double[] range(double[]... values) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double[] vs : values) {
      for (double v : vs) {
        if (Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    return min > max ? new double[] {Double.NaN, Double.NaN} : new double[] {min, max};
  }

  /** [min, max] of the finite positive values of the arrays, or NaNs when there are none. */
  public static double[] positiveRange(double[]... values) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double[] vs : values) {
      for (double v : vs) {
        if (v > 0 && Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    return min > max ? new double[] {Double.NaN, Double.NaN} : new double[] {min, max};
  }

  public Scale scale() {
    return scale;
  }

  public boolean isLog() {
    return scale == Scale.LOG;
  }

  /** Lower end of the (widened) domain. */
  public double lo() {
    return lo;
  }

  /** Upper end of the (widened) domain. */
  public double hi() {
    return hi;
  }

  public List<Tick> ticks() {
    return ticks;
  }

  /**
   * Position of {@code v} on the axis: 0 at {@link #lo()}, 1 at {@link #hi()}, outside [0, 1]
   * beyond them; NaN when {@code v} is not finite or not positive on a log axis.
   */
  public double fraction(double v) {
    if (!Double.isFinite(v)) {
      return Double.NaN;
    }
    if (scale == Scale.LOG) {
      if (v <= 0) {
        return Double.NaN;
      }
      return (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
    }
    return (v - lo) / (hi - lo);
  }

  /** Whether {@code v} can be drawn on this axis at all (finite, and positive on a log axis). */
  public boolean accepts(double v) {
    return Double.isFinite(v) && (scale == Scale.LINEAR || v > 0);
  }

  /** The value at position {@code f} (inverse of {@link #fraction}). */
  public double value(double f) {
    if (scale == Scale.LOG) {
      return Math.pow(10, Math.log10(lo) + f * (Math.log10(hi) - Math.log10(lo)));
    }
    return lo + f * (hi - lo);
  }

  /**
   * The nice step 1, 2 or 5 × 10ᵏ nearest to {@code raw} (exact decimal), with Heckbert's
   * rounding thresholds 1.5, 3 and 7 on the mantissa.
   */
  static BigDecimal niceStep(double raw) {
    int e = (int) Math.floor(Math.log10(raw));
    double f = raw / Math.pow(10, e);
    int m;
    if (f < 1.5) {
      m = 1;
    } else if (f < 3) {
      m = 2;
    } else if (f < 7) {
      m = 5;
    } else {
      m = 10;
    }
    return BigDecimal.valueOf(m).scaleByPowerOfTen(e);
  }

  private static List<Tick> logTicks(double a, double b) {
    int d0 = (int) Math.floor(a + 1e-9);
    int d1 = (int) Math.ceil(b - 1e-9);
    int[][] mantissas = {{1}, {1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};
    List<Tick> ticks = new ArrayList<>();
    for (int[] ms : mantissas) {
      ticks.clear();
      int stride = ms.length == 1 ? Math.max(1, (int) Math.ceil((d1 - d0 + 1) / (double) MAX_LOG_TICKS)) : 1;
      for (int d = d0; d <= d1; d++) {
        if (ms.length == 1 && Math.floorMod(d, stride) != 0) {
          continue;
        }
        for (int m : ms) {
          BigDecimal v = BigDecimal.valueOf(m).scaleByPowerOfTen(d);
          double lv = Math.log10(v.doubleValue());
          if (lv >= a - 1e-9 && lv <= b + 1e-9) {
            ticks.add(new Tick(v.doubleValue(), NumberLabels.compact(v.doubleValue(), 3)));
          }
        }
      }
      if (ticks.size() >= 3) {
        return ticks;
      }
    }
    // a sliver of one decade: plain nice steps read better than sparse multiples
    double lo = Math.pow(10, a);
    double hi = Math.pow(10, b);
    BigDecimal step = niceStep((hi - lo) / (TARGET_TICKS - 1));
    ticks.clear();
    for (long k = (long) Math.ceil(lo / step.doubleValue()); k * step.doubleValue() <= hi; k++) {
      double v = step.multiply(BigDecimal.valueOf(k)).doubleValue();
      ticks.add(new Tick(v, NumberLabels.compact(v, 6)));
    }
    return ticks;
  }
}
