package org.shockscope.lab;

import java.math.BigDecimal;

/**
 * How the lab writes numbers to text files, as training scripts log them (the sweep reader's
 * {@code LogNumberParser} reads them back). Non-finite values are written as Python writes them
 * ({@code nan}, {@code inf}, {@code -inf}: what MLflow's file store and Python's csv module put
 * in files), so that readers meet the spellings real sweeps contain. Hyperparameters are written
 * in plain decimal ({@code 0.0001}, not {@code 1.0E-4}) unless their magnitude is outside
 * [{@value #PLAIN_MIN}, {@value #PLAIN_MAX}).
 */
final class LogNumberFormat {
  /** Magnitudes written in plain decimal; others keep Java's exponent form. */
  static final double PLAIN_MIN = 1e-9;
  static final double PLAIN_MAX = 1e15;

  private LogNumberFormat() {}

  /** A metric value: Java's shortest round-trip form, or nan / inf / -inf. */
  static String metric(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return Double.toString(v);
  }

  /** A hyperparameter value: integers and strings as they are, doubles in plain decimal. */
  static String param(Object v) {
    if (v instanceof Double d) {
      double a = Math.abs(d);
      if (!Double.isFinite(d) || (a != 0 && (a < PLAIN_MIN || a >= PLAIN_MAX))) {
        return metric(d);
      }
      String plain = new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
      return plain.contains(".") ? plain : plain + ".0";
    }
    return String.valueOf(v);
  }

  /** A short label for run ids: plain decimal without a trailing ".0". */
  static String label(double v) {
    String s = param(v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }
}
