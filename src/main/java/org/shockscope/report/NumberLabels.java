package org.shockscope.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Short human-readable forms of numbers for tick labels, cells and tooltips: at most a given
 * number of significant digits, no trailing zeros, scientific notation ({@code 2.5e-5}) only
 * outside [10⁻³, 10⁶). Every form parses back with {@link Double#parseDouble}.
 */
final class NumberLabels {
  /** Significant digits of {@link #compact(double)}. */
  static final int DEFAULT_DIGITS = 4;
  /** Fewest significant digits of a hyperparameter level's axis label. */
  static final int LEVEL_DIGITS = 3;

  private NumberLabels() {}

  /** {@code v} with {@value #DEFAULT_DIGITS} significant digits; "NaN", "inf", "-inf" as such. */
  public static String compact(double v) {
    return compact(v, DEFAULT_DIGITS);
  }

  /** {@code v} with at most {@code digits} significant digits. */
  public static String compact(double v, int digits) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
      return "0";
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(digits, RoundingMode.HALF_EVEN))
        .stripTrailingZeros();
    double a = Math.abs(d.doubleValue());
    if (a >= 1e-3 && a < 1e6) {
      return d.toPlainString();
    }
    int exp = d.precision() - d.scale() - 1;
    BigDecimal mantissa = d.movePointLeft(exp).stripTrailingZeros();
    return mantissa.toPlainString() + "e" + exp;
  }

  /**
   * The exact shortest decimal form of a stored value (a hyperparameter level): integers
   * without ".0", scientific notation only for very small or large magnitudes.
   */
  public static String exact(double v) {
    if (!Double.isFinite(v)) {
      return compact(v);
    }
    if (v == 0) {
      return "0";
    }
    BigDecimal d = BigDecimal.valueOf(v).stripTrailingZeros();
    double a = Math.abs(v);
    if (a >= 1e-6 && a < 1e15) {
      return d.toPlainString();
    }
    int exp = d.precision() - d.scale() - 1;
    return d.movePointLeft(exp).stripTrailingZeros().toPlainString() + "e" + exp;
  }

  /**
   * Labels for the levels of a hyperparameter on an axis: numbers rounded to the fewest
   * significant digits, at least {@value #LEVEL_DIGITS}, that keep distinct values distinct
   * ({@code 0.035631715873272775} → {@code 0.0356}); text unchanged. The exact values belong in
   * tooltips.
   *
   * @param levels the levels as stored (not modified)
   * @return level → label, for every level
   */
  public static Map<String, String> levelLabels(Collection<String> levels) {
    Set<Double> values = new HashSet<>();
    for (String l : levels) {
      double v = LevelOrder.number(l);
      if (!Double.isNaN(v)) {
        values.add(v);
      }
    }
    int digits = LEVEL_DIGITS;
    while (digits < 17 && roundedCount(values, digits) < values.size()) {
      digits++;
    }
    Map<String, String> out = new HashMap<>();
    for (String l : levels) {
      double v = LevelOrder.number(l);
      out.put(l, Double.isNaN(v) ? l : compact(v, digits));
    }
    return out;
  }

  private static int roundedCount(Set<Double> values, int digits) {
    Set<String> labels = new HashSet<>();
    for (double v : values) {
      labels.add(compact(v, digits));
    }
    return labels.size();
  }

  /** A fraction as a percentage with no decimals ("42%"), one below 10% ("4.5%"). */
  public static String percent(double fraction) {
    if (!Double.isFinite(fraction)) {
      return "–";
    }
    double p = 100 * fraction;
    if (p != 0 && Math.abs(p) < 10) {
      return compact(Math.round(p * 10) / 10.0) + "%";
    }
    return Math.round(p) + "%";
  }

  /** A count with thousands separators ("12,345"). */
  public static String count(long n) {
    return String.format(java.util.Locale.ROOT, "%,d", n);
  }
}
