package org.shockscope.symmetry;

import org.ejml.data.DMatrixRMaj;

/**
 * Minimum-norm solutions of the Sylvester equation A·G + H·A = R for symmetric positive
 * semi-definite G (n × n) and H (m × m), the normal equations of the orbit-tangent least-squares
 * problems of GL symmetries. With G = U_g Λ_g U_gᵀ and H = U_h Λ_h U_hᵀ the equation becomes
 * diagonal: Ã_ij (λ_h,i + λ_g,j) = R̃_ij with Ã = U_hᵀ A U_g and R̃ = U_hᵀ R U_g (Bartels &amp;
 * Stewart, CACM 15(9), 1972, specialised to symmetric coefficients). Coefficients with
 * λ_h,i + λ_g,j below {@link #RELATIVE_CUTOFF} times the largest sum are set to zero, which is
 * the pseudo-inverse of the operator A ↦ A·G + H·A.
 *
 * <p>Stateful: {@link #prepare} decomposes G and H once, {@link #solve} can then be called for
 * many right-hand sides. Not thread-safe.
 */
final class SylvesterSolver {
  /** Relative size under which an eigenvalue sum counts as zero. */
  static final double RELATIVE_CUTOFF = 1e-13;

  private final DenseLinearAlgebra la;
  private final DMatrixRMaj ug = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj uh = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj work = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj work2 = new DMatrixRMaj(1, 1);
  private double[] lg = new double[0];
  private double[] lh = new double[0];
  private double cutoff;

  SylvesterSolver(DenseLinearAlgebra la) {
    this.la = la;
  }

  /**
   * Decomposes the coefficients (inputs, not modified).
   *
   * @return false when an eigendecomposition failed
   */
  boolean prepare(DMatrixRMaj g, DMatrixRMaj h) {
    if (lg.length < g.numRows) {
      lg = new double[g.numRows];
    }
    if (lh.length < h.numRows) {
      lh = new double[h.numRows];
    }
    if (!la.symmetricEigen(g, lg, ug) || !la.symmetricEigen(h, lh, uh)) {
      return false;
    }
    double largest = Math.max(g.numRows > 0 ? lg[0] : 0, 0) + Math.max(h.numRows > 0 ? lh[0] : 0, 0);
    cutoff = RELATIVE_CUTOFF * largest;
    return true;
  }

  /** A (output, reshaped m × n) = the minimum-norm solution for R (input, m × n). */
  void solve(DMatrixRMaj r, DMatrixRMaj a) {
    int m = uh.numRows;
    int n = ug.numRows;
    la.mult(uh, true, r, false, work);
    la.mult(work, false, ug, false, work2);
    double[] t = work2.data;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = lh[i] + lg[j];
        t[i * n + j] = s > cutoff ? t[i * n + j] / s : 0.0;
      }
    }
    la.mult(uh, false, work2, false, work);
    la.mult(work, false, ug, true, a);
  }
}
