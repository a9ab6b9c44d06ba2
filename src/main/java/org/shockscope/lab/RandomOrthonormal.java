package org.shockscope.lab;

import java.util.Random;

/**
 * Random matrices with orthonormal columns: a Gaussian matrix orthonormalised column by column
 * by modified Gram–Schmidt (twice, for accuracy to rounding), which draws uniformly (Haar) from
 * the Stiefel manifold because the Gaussian is rotation invariant and Gram–Schmidt fixes the
 * signs of R's diagonal positive.
 */
final class RandomOrthonormal {
  private RandomOrthonormal() {}

  /**
   * A {@code rows × cols} row-major matrix Q with QᵀQ = I.
   *
   * @throws LabException when {@code cols > rows}
   */
  static double[] columns(Random rng, int rows, int cols) {
    if (cols > rows) {
      throw new LabException("cannot draw " + cols + " orthonormal columns in dimension " + rows);
    }
    double[] q = SeedStreams.gaussian(rng, rows * cols, 1.0);
    for (int c = 0; c < cols; c++) {
      for (int pass = 0; pass < 2; pass++) {
        for (int p = 0; p < c; p++) {
          double dot = 0;
          for (int r = 0; r < rows; r++) {
            dot += q[r * cols + c] * q[r * cols + p];
          }
          for (int r = 0; r < rows; r++) {
            q[r * cols + c] -= dot * q[r * cols + p];
          }
        }
      }
      double norm = 0;
      for (int r = 0; r < rows; r++) {
        norm += q[r * cols + c] * q[r * cols + c];
      }
      norm = Math.sqrt(norm);
      for (int r = 0; r < rows; r++) {
        q[r * cols + c] /= norm;
      }
    }
    return q;
  }
}
