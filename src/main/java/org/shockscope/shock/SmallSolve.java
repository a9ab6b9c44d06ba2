package org.shockscope.shock;

/**
 * Dense solves of the tiny linear systems (at most 5×5) of the least-squares fits, by Gaussian
 * elimination with partial pivoting, in place and without allocation. A matrix is stored
 * row-major in a {@code double[n*n]}.
 */
final class SmallSolve {
  /** A pivot smaller than this fraction of the largest diagonal entry means singular. */
  private static final double SINGULAR = 1e-13;

  private SmallSolve() {}

  /**
   * Solves {@code a·x = b} for x, overwriting {@code a} (destroyed) and {@code b} (output: x).
   *
   * @return false when the matrix is singular to working precision (b is then undefined)
   */
  static boolean solve(double[] a, double[] b, int n) {
    double scale = 0.0;
    for (int i = 0; i < n; i++) {
      scale = Math.max(scale, Math.abs(a[i * n + i]));
    }
    if (!(scale > 0.0) || !Double.isFinite(scale)) {
      return false;
    }
    for (int col = 0; col < n; col++) {
      int piv = col;
      double best = Math.abs(a[col * n + col]);
      for (int r = col + 1; r < n; r++) {
        double v = Math.abs(a[r * n + col]);
        if (v > best) {
          best = v;
          piv = r;
        }
      }
      if (best <= SINGULAR * scale) {
        return false;
      }
      if (piv != col) {
        for (int c = 0; c < n; c++) {
          double x = a[col * n + c];
          a[col * n + c] = a[piv * n + c];
          a[piv * n + c] = x;
        }
        double x = b[col];
        b[col] = b[piv];
        b[piv] = x;
      }
      double d = a[col * n + col];
      for (int r = col + 1; r < n; r++) {
        double f = a[r * n + col] / d;
        if (f != 0.0) {
          for (int c = col; c < n; c++) {
            a[r * n + c] -= f * a[col * n + c];
          }
          b[r] -= f * b[col];
        }
      }
    }
    for (int r = n - 1; r >= 0; r--) {
      double s = b[r];
      for (int c = r + 1; c < n; c++) {
        s -= a[r * n + c] * b[c];
      }
      b[r] = s / a[r * n + r];
    }
    return true;
  }

  /**
   * Diagonal element {@code k} of the inverse of the symmetric matrix {@code a} (n×n), i.e. the
   * variance factor of parameter k in a least-squares covariance (JᵀJ)⁻¹.
   *
   * @param a          input, not modified
   * @param workMatrix scratch of length at least n*n
   * @param workVector scratch of length at least n
   * @return the element, or NaN when the matrix is singular
   */
  static double inverseDiagonal(double[] a, int n, int k, double[] workMatrix,
                                double[] workVector) {
    System.arraycopy(a, 0, workMatrix, 0, n * n);
    java.util.Arrays.fill(workVector, 0, n, 0.0);
    workVector[k] = 1.0;
    if (!solve(workMatrix, workVector, n)) {
      return Double.NaN;
    }
    return workVector[k];
  }
}
