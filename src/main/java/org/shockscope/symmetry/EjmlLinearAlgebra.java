package org.shockscope.symmetry;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * {@link DenseLinearAlgebra} on EJML (implicit-QR SVD, symmetric QR eigen solver, Householder
 * QR). Decompositions may overwrite their input, so inputs are first copied to a workspace.
 */
final class EjmlLinearAlgebra extends DenseLinearAlgebra {
  private final SingularValueDecomposition_F64<DMatrixRMaj> values =
      DecompositionFactory_DDRM.svd(false, false, true);
  private final SingularValueDecomposition_F64<DMatrixRMaj> full =
      DecompositionFactory_DDRM.svd(true, true, true);
  // EJML's symmetric QR eigen solver keeps size-dependent state: one per matrix size.
  private EigenDecomposition_F64<DMatrixRMaj> eigen;
  private int eigenSize = -1;
  private final QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr();
  private final DMatrixRMaj work = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj fullU = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj fullVt = new DMatrixRMaj(1, 1);
  private boolean[] used = new boolean[0];
  private LinearSolverDense<DMatrixRMaj> cholesky;
  private int choleskySize = -1;
  private final DMatrixRMaj rhs = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj solution = new DMatrixRMaj(1, 1);

  @Override
  public String name() {
    return "EJML";
  }

  @Override
  public boolean singularValues(DMatrixRMaj a, double[] sv) {
    int k = Math.min(a.numRows, a.numCols);
    if (k == 0) {
      return true;
    }
    work.setTo(a);
    if (!values.decompose(work)) {
      return false;
    }
    double[] s = values.getSingularValues();
    System.arraycopy(s, 0, sv, 0, k);
    Arrays.sort(sv, 0, k);
    for (int i = 0, j = k - 1; i < j; i++, j--) {
      double t = sv[i];
      sv[i] = sv[j];
      sv[j] = t;
    }
    return true;
  }

  @Override
  boolean svd(DMatrixRMaj a, DMatrixRMaj u, double[] sv, DMatrixRMaj vt) {
    int k = Math.min(a.numRows, a.numCols);
    u.reshape(a.numRows, k, false);
    vt.reshape(k, a.numCols, false);
    if (k == 0) {
      return true;
    }
    work.setTo(a);
    if (!full.decompose(work)) {
      return false;
    }
    full.getU(fullU, false);
    full.getV(fullVt, true);
    System.arraycopy(full.getSingularValues(), 0, sv, 0, k);
    SingularOps_DDRM.descendingOrder(fullU, false, sv, k, fullVt, true);
    CommonOps_DDRM.extract(fullU, 0, a.numRows, 0, k, u, 0, 0);
    CommonOps_DDRM.extract(fullVt, 0, k, 0, a.numCols, vt, 0, 0);
    return true;
  }

  @Override
  boolean symmetricEigen(DMatrixRMaj a, double[] vals, DMatrixRMaj vectors) {
    int n = a.numRows;
    vectors.reshape(n, n, false);
    if (n == 0) {
      return true;
    }
    if (n != eigenSize) {
      eigen = DecompositionFactory_DDRM.eig(n, true, true);
      eigenSize = n;
    }
    work.setTo(a);
    if (!eigen.decompose(work)) {
      return false;
    }
    if (used.length < n) {
      used = new boolean[n];
    }
    java.util.Arrays.fill(used, 0, n, false);
    // Selection of the largest remaining value (EJML returns them unordered).
    for (int j = 0; j < n; j++) {
      int best = -1;
      for (int i = 0; i < n; i++) {
        if (!used[i] && (best < 0 || eigen.getEigenvalue(i).real > eigen.getEigenvalue(best).real)) {
          best = i;
        }
      }
      used[best] = true;
      vals[j] = eigen.getEigenvalue(best).real;
      DMatrixRMaj v = eigen.getEigenVector(best);
      for (int i = 0; i < n; i++) {
        vectors.data[i * n + j] = v.data[i];
      }
    }
    return true;
  }

  @Override
  void mult(DMatrixRMaj a, boolean transA, DMatrixRMaj b, boolean transB, DMatrixRMaj c) {
    requireDistinct(c, a, b);
    int k = innerDim(a, transA, b, transB);
    c.reshape(transA ? a.numCols : a.numRows, transB ? b.numRows : b.numCols, false);
    if (k == 0) {
      c.zero();
      return;
    }
    if (transA && transB) {
      CommonOps_DDRM.multTransAB(a, b, c);
    } else if (transA) {
      CommonOps_DDRM.multTransA(a, b, c);
    } else if (transB) {
      CommonOps_DDRM.multTransB(a, b, c);
    } else {
      CommonOps_DDRM.mult(a, b, c);
    }
  }

  @Override
  boolean thinQr(DMatrixRMaj a, DMatrixRMaj q, DMatrixRMaj r) {
    if (a.numRows < a.numCols) {
      throw new IllegalArgumentException("thin QR needs rows >= cols, got " + a.numRows + "x"
          + a.numCols);
    }
    if (a.numCols == 0) {
      q.reshape(a.numRows, 0, false);
      r.reshape(0, 0, false);
      return true;
    }
    work.setTo(a);
    if (!qr.decompose(work)) {
      return false;
    }
    q.reshape(a.numRows, a.numCols, false);
    r.reshape(a.numCols, a.numCols, false);
    qr.getQ(q, true);
    qr.getR(r, true);
    return true;
  }

  @Override
  boolean choleskySolve(DMatrixRMaj a, double[] b) {
    int n = a.numRows;
    if (n == 0) {
      return true;
    }
    if (n != choleskySize) {
      cholesky = LinearSolverFactory_DDRM.symmPosDef(n);
      choleskySize = n;
    }
    if (!cholesky.setA(a)) {
      return false;
    }
    rhs.reshape(n, 1, false);
    System.arraycopy(b, 0, rhs.data, 0, n);
    cholesky.solve(rhs, solution);
    System.arraycopy(solution.data, 0, b, 0, n);
    return true;
  }
}
