package org.shockscope.symmetry;

import org.ejml.data.DMatrixRMaj;

/**
 * The dense linear algebra the quotient kernel needs, on row-major {@link DMatrixRMaj}
 * matrices in float64: singular values alone (LAPACK {@code dgesdd} with {@code jobz='N'}),
 * thin SVDs, symmetric eigendecompositions, products, thin QR factors and Cholesky solves.
 *
 * <p>Two implementations: the system LAPACK/BLAS loaded through {@code dev.ludovic.netlib}
 * (on the classpath with Spark; native when a system OpenBLAS/LAPACK is installed), and EJML
 * otherwise. {@link #create()} picks the native one when it is loaded and falls back to EJML when
 * the netlib classes are absent, only their pure-Java variants load, or the native library is
 * the slow reference LAPACK/BLAS ({@link LoadedLapack}). {@link #backendName()} says which one
 * runs, and why EJML when a native library was refused, for the job log.
 *
 * <p>An instance owns its workspaces and grows them only when too small; it is not thread-safe
 * (one per task). Input matrices are never modified; outputs are reshaped as documented. Only
 * the singular values are public API; the other operations serve the kernels of this package.
 */
public abstract class DenseLinearAlgebra {

  /** The backend {@link #create()} returns: native netlib when available, EJML otherwise. */
  public static DenseLinearAlgebra create() {
    return NativeProbe.NATIVE ? new NetlibLinearAlgebra() : new EjmlLinearAlgebra();
  }

  /** The pure-Java EJML backend, whatever is installed (a reference for tests and benchmarks). */
  public static DenseLinearAlgebra ejml() {
    return new EjmlLinearAlgebra();
  }

  /**
   * The name of the backend {@link #create()} uses: {@code "netlib JNILAPACK"} when the system
   * LAPACK is loaded through dev.ludovic.netlib, {@code "EJML"} otherwise, followed by the
   * reason in parentheses when a reference LAPACK was loaded and refused.
   */
  public static String backendName() {
    return NativeProbe.NAME;
  }

  /** Whether the native netlib backend is loaded in this JVM. */
  public static boolean nativeAvailable() {
    return NativeProbe.NATIVE;
  }

  /** This instance's backend name. */
  public abstract String name();

  /**
   * Singular values of {@code a} (input, not modified), in descending order, into
   * {@code sv[0 .. min(rows, cols))}.
   *
   * @return false when the algorithm did not converge
   */
  public abstract boolean singularValues(DMatrixRMaj a, double[] sv);

  /**
   * Thin SVD {@code a = u · diag(sv) · vt} with k = min(rows, cols): {@code u} (output,
   * reshaped rows × k), {@code sv} (output, descending, length ≥ k), {@code vt} (output,
   * reshaped k × cols). {@code a} is not modified.
   *
   * @return false when the algorithm did not converge
   */
  abstract boolean svd(DMatrixRMaj a, DMatrixRMaj u, double[] sv, DMatrixRMaj vt);

  /**
   * Eigendecomposition of the symmetric matrix {@code a} (input, n × n, not modified):
   * eigenvalues in descending order into {@code values[0 .. n)} and the matching orthonormal
   * eigenvectors as the columns of {@code vectors} (output, reshaped n × n).
   *
   * @return false when the algorithm did not converge
   */
  abstract boolean symmetricEigen(DMatrixRMaj a, double[] values, DMatrixRMaj vectors);

  /**
   * {@code c = op(a) · op(b)}, op being the transpose when the flag is set; {@code c} (output)
   * is reshaped and must not alias an input.
   */
  abstract void mult(DMatrixRMaj a, boolean transA, DMatrixRMaj b, boolean transB,
                     DMatrixRMaj c);

  /**
   * Thin QR factorisation {@code a = q · r} of a matrix with rows ≥ cols: {@code q} (output,
   * rows × cols, orthonormal columns) and {@code r} (output, cols × cols, upper triangular).
   * Rank-deficient inputs are fine (r then has zero diagonal entries).
   *
   * @return false when the decomposition failed
   */
  abstract boolean thinQr(DMatrixRMaj a, DMatrixRMaj q, DMatrixRMaj r);

  /**
   * Solves {@code a · x = b} for a symmetric positive definite {@code a} (n × n; input, its
   * contents are overwritten by the factorisation) by Cholesky factorisation (LAPACK
   * {@code dposv}); {@code b} (n values) is the right-hand side on input and x on output.
   *
   * @return false when {@code a} is not numerically positive definite ({@code b} undefined)
   */
  abstract boolean choleskySolve(DMatrixRMaj a, double[] b);

  /** Shape checks shared by both backends. */
  static void requireDistinct(DMatrixRMaj c, DMatrixRMaj a, DMatrixRMaj b) {
    if (c == a || c == b) {
      throw new IllegalArgumentException("product output aliases an input");
    }
  }

  static int innerDim(DMatrixRMaj a, boolean transA, DMatrixRMaj b, boolean transB) {
    int ka = transA ? a.numRows : a.numCols;
    int kb = transB ? b.numCols : b.numRows;
    if (ka != kb) {
      throw new IllegalArgumentException("Inconsistent matrix shapes. " + a.numRows + "x"
          + a.numCols + (transA ? "ᵀ" : "") + " · " + b.numRows + "x" + b.numCols
          + (transB ? "ᵀ" : ""));
    }
    return ka;
  }

  /** Detects once per JVM whether the native netlib LAPACK loads; never throws. */
  private static final class NativeProbe {
    static final boolean NATIVE;
    static final String NAME;

    static {
      String name = null;
      String reason = null;
      try {
        name = NetlibLinearAlgebra.probe();
        if (name != null) {
          String reference = LoadedLapack.referenceImplementation();
          if (reference != null) {
            // the reference LAPACK/BLAS is slower than EJML at every operation used here
            reason = " (native LAPACK " + reference
                + " is the reference implementation, slower than EJML)";
            name = null;
          }
        }
      } catch (LinkageError | RuntimeException e) {
        // netlib classes absent (no Spark on the classpath) or unusable: EJML is the fallback.
        name = null;
      }
      NATIVE = name != null;
      NAME = name == null ? "EJML" + (reason == null ? "" : reason) : name;
    }

    private NativeProbe() {
    }
  }
}
