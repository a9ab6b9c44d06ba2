package org.shockscope.report;

import java.util.Comparator;
import java.util.List;

/**
 * The order of hyperparameter levels on axes and of cells in lists: numbers by value before
 * text, text alphabetically, {@link ReportData#MISSING} last; cells (lists of levels)
 * lexicographically by that order.
 */
final class LevelOrder {
  private LevelOrder() {}

  /** Order of single levels. */
  static final Comparator<String> LEVEL = LevelOrder::compareLevels;

  /** Order of cells: level by level. */
  static final Comparator<List<String>> CELL = (a, b) -> {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = compareLevels(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  };

  private static int compareLevels(String a, String b) {
    boolean ma = ReportData.MISSING.equals(a);
    boolean mb = ReportData.MISSING.equals(b);
    if (ma || mb) {
      return Boolean.compare(ma, mb);
    }
    double x = number(a);
    double y = number(b);
    boolean na = !Double.isNaN(x);
    boolean nb = !Double.isNaN(y);
    if (na && nb) {
      int c = Double.compare(x, y);
      return c != 0 ? c : a.compareTo(b);
    }
    if (na != nb) {
      return na ? -1 : 1;
    }
    return a.compareTo(b);
  }

  /** The level as a number, or NaN when it is not one. */
  static double number(String s) {
    if (s == null || s.isEmpty()) {
      return Double.NaN;
    }
    char c = s.charAt(0);
    if (!(Character.isDigit(c) || c == '-' || c == '+' || c == '.')) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
