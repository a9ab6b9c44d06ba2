package org.shockscope.spark.sql;

import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * Reads the array arguments of the SQL functions (already cast to {@code array<double>} by the
 * analyzer) into plain arrays. A value that cannot be used makes the whole argument unusable,
 * which the functions report as NULL.
 */
final class SqlArrays {
  private SqlArrays() {}

  /**
   * The elements of a {@code array<double>} value, or null when it is null, empty, or holds a
   * NULL, NaN or infinite element.
   */
  static double[] finite(ArrayData a) {
    if (a == null || a.numElements() == 0) {
      return null;
    }
    int n = a.numElements();
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      if (a.isNullAt(i)) {
        return null;
      }
      double v = a.getDouble(i);
      if (!Double.isFinite(v)) {
        return null;
      }
      out[i] = v;
    }
    return out;
  }

  /** A NaN becomes SQL NULL (the kernels mark undefined values with NaN). */
  static Double orNull(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
