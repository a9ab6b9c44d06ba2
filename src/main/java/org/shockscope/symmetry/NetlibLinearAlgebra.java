package org.shockscope.symmetry;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import dev.ludovic.netlib.lapack.NativeLAPACK;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.netlib.util.intW;

/**
 * {@link DenseLinearAlgebra} on the system LAPACK and BLAS loaded by dev.ludovic.netlib.
 * LAPACK is column-major: a row-major r × c array is the column-major c × r transpose, so
 * every call is made on the transpose (the SVD of Aᵀ gives A's factors swapped, a product
 * C = A·B is computed as Cᵀ = Bᵀ·Aᵀ, and A's thin QR is the LQ factorisation of Aᵀ).
 * Workspace sizes come from LAPACK's own queries ({@code lwork = -1}) and are cached per shape.
 */
final class NetlibLinearAlgebra extends DenseLinearAlgebra {
  private final LAPACK lapack = LAPACK.getInstance();
  private final BLAS blas = BLAS.getInstance();
  private final intW info = new intW(0);
  private final double[] query = new double[1];
  private final int[] iquery = new int[1];
  private final double[] dummy = new double[1];
  private double[] a = new double[0];
  private double[] work = new double[0];
  private int[] iwork = new int[0];
  private double[] tau = new double[0];
  private int svdM = -1;
  private int svdN = -1;
  private String svdJob = "";
  private int svdLwork;

  /**
   * The backend's name when netlib's native LAPACK loads, {@code null} when only its Java
   * fallback does. Throws LinkageError when the netlib classes are absent.
   */
  static String probe() {
    LAPACK l = LAPACK.getInstance();
    return l instanceof NativeLAPACK ? "netlib " + l.getClass().getSimpleName() : null;
  }

  @Override
  public String name() {
    return "netlib " + lapack.getClass().getSimpleName();
  }

  @Override
  public boolean singularValues(DMatrixRMaj in, double[] sv) {
    int m = in.numCols;
    int n = in.numRows;
    int k = Math.min(m, n);
    if (k == 0) {
      return true;
    }
    copyIn(in);
    gesdd("N", m, n, sv, dummy, 1, dummy, 1);
    return info.val == 0;
  }

  @Override
  boolean svd(DMatrixRMaj in, DMatrixRMaj u, double[] sv, DMatrixRMaj vt) {
    int m = in.numCols;
    int n = in.numRows;
    int k = Math.min(m, n);
    u.reshape(n, k, false);
    vt.reshape(k, m, false);
    if (k == 0) {
      return true;
    }
    copyIn(in);
    // Aᵀ = U'·S·V'ᵀ (column-major, m × n) means A = V'·S·U'ᵀ: LAPACK's U' (m × k, col-major)
    // read row-major is A's Vᵀ (k × m), and LAPACK's V'ᵀ (k × n, col-major) is A's U (n × k).
    gesdd("S", m, n, sv, vt.data, m, u.data, k);
    return info.val == 0;
  }

  private void gesdd(String job, int m, int n, double[] s, double[] uu, int ldu, double[] vv,
                     int ldvt) {
    int k = Math.min(m, n);
    if (iwork.length < 8 * k) {
      iwork = new int[8 * k];
    }
    if (m != svdM || n != svdN || !job.equals(svdJob)) {
      lapack.dgesdd(job, m, n, a, m, s, uu, ldu, vv, ldvt, query, -1, iwork, info);
      svdLwork = (int) query[0];
      svdM = m;
      svdN = n;
      svdJob = job;
    }
    if (work.length < svdLwork) {
      work = new double[svdLwork];
    }
    lapack.dgesdd(job, m, n, a, m, s, uu, ldu, vv, ldvt, work, svdLwork, iwork, info);
  }

  @Override
  boolean symmetricEigen(DMatrixRMaj in, double[] values, DMatrixRMaj vectors) {
    int n = in.numRows;
    vectors.reshape(n, n, false);
    if (n == 0) {
      return true;
    }
    copyIn(in);
    lapack.dsyevd("V", "U", n, a, n, values, query, -1, iquery, -1, info);
    int lwork = (int) query[0];
    int liwork = iquery[0];
    if (work.length < lwork) {
      work = new double[lwork];
    }
    if (iwork.length < liwork) {
      iwork = new int[liwork];
    }
    lapack.dsyevd("V", "U", n, a, n, values, work, lwork, iwork, liwork, info);
    if (info.val != 0) {
      return false;
    }
    // LAPACK: ascending values, eigenvector j in column j of the column-major array, i.e. in
    // row j of the row-major reading. Reverse to descending and store vectors as columns.
    double[] v = vectors.data;
    for (int j = 0; j < n; j++) {
      int src = n - 1 - j;
      for (int i = 0; i < n; i++) {
        v[i * n + j] = a[src * n + i];
      }
    }
    for (int i = 0, j = n - 1; i < j; i++, j--) {
      double t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
    return true;
  }

  @Override
  void mult(DMatrixRMaj x, boolean transA, DMatrixRMaj y, boolean transB, DMatrixRMaj c) {
    requireDistinct(c, x, y);
    int k = innerDim(x, transA, y, transB);
    int rows = transA ? x.numCols : x.numRows;
    int cols = transB ? y.numRows : y.numCols;
    c.reshape(rows, cols, false);
    if (rows == 0 || cols == 0) {
      return;
    }
    if (k == 0) {
      Arrays.fill(c.data, 0, rows * cols, 0.0);
      return;
    }
    // Cᵀ (cols × rows, column-major) = op(B)ᵀ · op(A)ᵀ; y's array is column-major yᵀ.
    blas.dgemm(transB ? "T" : "N", transA ? "T" : "N", cols, rows, k, 1.0,
        y.data, Math.max(1, y.numCols), x.data, Math.max(1, x.numCols), 0.0, c.data, cols);
  }

  @Override
  boolean thinQr(DMatrixRMaj in, DMatrixRMaj q, DMatrixRMaj r) {
    int rows = in.numRows;
    int cols = in.numCols;
    if (rows < cols) {
      throw new IllegalArgumentException("thin QR needs rows >= cols, got " + rows + "x" + cols);
    }
    q.reshape(rows, cols, false);
    r.reshape(cols, cols, false);
    if (cols == 0) {
      return true;
    }
    copyIn(in);
    if (tau.length < cols) {
      tau = new double[cols];
    }
    // LQ of the column-major cols × rows matrix Aᵀ = L·Q̃ gives A = Q̃ᵀ·Lᵀ.
    lapack.dgelqf(cols, rows, a, cols, tau, query, -1, info);
    int lwork = (int) query[0];
    lapack.dorglq(cols, rows, cols, a, cols, tau, query, -1, info);
    lwork = Math.max(lwork, (int) query[0]);
    if (work.length < lwork) {
      work = new double[lwork];
    }
    lapack.dgelqf(cols, rows, a, cols, tau, work, lwork, info);
    if (info.val != 0) {
      return false;
    }
    double[] rd = r.data;
    for (int i = 0; i < cols; i++) {
      for (int j = 0; j < cols; j++) {
        rd[i * cols + j] = j >= i ? a[i * cols + j] : 0.0;
      }
    }
    lapack.dorglq(cols, rows, cols, a, cols, tau, work, lwork, info);
    if (info.val != 0) {
      return false;
    }
    System.arraycopy(a, 0, q.data, 0, rows * cols);
    return true;
  }

  @Override
  boolean choleskySolve(DMatrixRMaj m, double[] b) {
    int n = m.numRows;
    if (n == 0) {
      return true;
    }
    // symmetric, so the row-major array is its own column-major transpose
    lapack.dposv("U", n, 1, m.data, n, b, n, info);
    return info.val == 0;
  }

  private void copyIn(DMatrixRMaj in) {
    int size = in.numRows * in.numCols;
    if (a.length < size) {
      a = new double[size];
    }
    System.arraycopy(in.data, 0, a, 0, size);
  }
}
