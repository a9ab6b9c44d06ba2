package org.shockscope.sweep;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads numbers written as text by training scripts: decimal numbers ({@code 3}, {@code -0.5},
 * {@code 1e-3}, {@code .5}), the non-finite words Python, numpy, pandas and Java write
 * ({@code nan}, {@code inf}, {@code -inf}, {@code NaN}, {@code Infinity}, ...), and steps.
 * Deliberately stricter than {@link Double#parseDouble}, which also accepts {@code 1f},
 * {@code 0x1p3} and surrounding blanks; none of those is a number in a log.
 */
final class LogNumberParser {
  /** Steps are exact in a double up to 2^53; a step written as {@code 100.0} must stay exact. */
  private static final double MAX_EXACT = 9007199254740992.0;

  private LogNumberParser() {}

  /** True when {@code s} is a plain decimal number: sign, digits, optional fraction and exponent. */
  static boolean isDecimal(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < n && isDigit(s.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int exp = 0;
      while (i < n && isDigit(s.charAt(i))) {
        i++;
        exp++;
      }
      if (exp == 0) {
        return false;
      }
    }
    return i == n;
  }

  /**
   * The value of a hyperparameter when its text (trimmed) is a finite decimal number, else NaN
   * (booleans, words, {@code nan} and {@code inf} stay text only).
   */
  static double finite(String text) {
    String s = text.trim();
    if (!isDecimal(s)) {
      return Double.NaN;
    }
    double v = Double.parseDouble(s);
    return Double.isFinite(v) ? v : Double.NaN;
  }

  /** The hyperparameters of {@code params} whose text is a finite number, parsed. */
  static Map<String, Double> finiteValues(Map<String, String> params) {
    Map<String, Double> out = new TreeMap<>();
    params.forEach((k, v) -> {
      double d = finite(v);
      if (!Double.isNaN(d)) {
        out.put(k, d);
      }
    });
    return out;
  }

  /**
   * A logged metric value: a decimal number, or a non-finite word ({@code nan}, {@code inf},
   * {@code +inf}, {@code -inf}, {@code infinity}, {@code -infinity} in any case, also
   * {@code null} and {@code none}, which loggers write for NaN). Blank text is NaN only when
   * {@code blankIsNaN} (a blank CSV cell is how pandas writes NaN).
   *
   * @throws NumberFormatException when the text is none of these
   */
  static double metric(String text, boolean blankIsNaN) {
    String s = text.trim();
    if (isDecimal(s)) {
      return Double.parseDouble(s);
    }
    if (s.isEmpty()) {
      if (blankIsNaN) {
        return Double.NaN;
      }
      throw new NumberFormatException("blank");
    }
    switch (s.toLowerCase(Locale.ROOT)) {
      case "nan", "+nan", "-nan", "null", "none":
        return Double.NaN;
      case "inf", "+inf", "infinity", "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        throw new NumberFormatException("'" + text + "' is not a number");
    }
  }

  /**
   * A training step: a non-negative integer, also written as an integral decimal
   * ({@code 100.0}, {@code 1e3}, as pandas writes integer columns that hold a blank).
   *
   * @return the step, or -1 when the text is not one
   */
  static long step(String text) {
    String s = text.trim();
    if (!isDecimal(s)) {
      return -1;
    }
    boolean plain = true;
    for (int i = 0; i < s.length(); i++) {
      plain &= isDigit(s.charAt(i));
    }
    if (plain && s.length() <= 18) {
      return Long.parseLong(s);
    }
    return integral(Double.parseDouble(s));
  }

  /** {@code v} as a step when it is a non-negative integer exactly representable, else -1. */
  static long integral(double v) {
    if (v >= 0 && v <= MAX_EXACT && v == Math.rint(v)) {
      return (long) v;
    }
    return -1;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
