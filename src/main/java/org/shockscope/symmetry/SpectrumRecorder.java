package org.shockscope.symmetry;

import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * Turns a matrix or a list of singular values into the spectral observables of
 * {@link SpectralSummary} and a {@link Spectrum} of the top-k values. Owns the singular value
 * and fit workspaces, grown only when too small.
 */
final class SpectrumRecorder {
  private final DenseLinearAlgebra la;
  private final int topK;
  private final double[] values = new double[SpectralSummary.NAMES.length];
  private double[] sv = new double[0];
  private double[] evals = new double[0];
  private double[] logs = new double[0];

  SpectrumRecorder(DenseLinearAlgebra la, int topK) {
    this.la = la;
    this.topK = topK;
  }

  /** A workspace for at least n singular values (contents undefined). */
  double[] svWorkspace(int n) {
    if (sv.length < n) {
      sv = new double[n];
    }
    return sv;
  }

  /** Singular values of {@code a} (input) and their observables under {@code matrix}. */
  void matrix(String group, String matrix, DMatrixRMaj a, List<Observable> observables,
              List<Spectrum> spectra) {
    int k = Math.min(a.numRows, a.numCols);
    double[] s = svWorkspace(k);
    if (!la.singularValues(a, s)) {
      throw new QuotientComputationException("singular values of '" + matrix + "' in group '"
          + group + "' (" + a.numRows + "x" + a.numCols + ") did not converge");
    }
    spectrum(group, matrix, s, k, a.numRows, a.numCols, observables, spectra);
  }

  /**
   * Observables of a spectrum given by its singular values.
   *
   * @param sv input, descending, σ[0 .. k); values beyond k count as zero
   */
  void spectrum(String group, String matrix, double[] sv, int k, int rows, int cols,
                List<Observable> observables, List<Spectrum> spectra) {
    if (evals.length < k) {
      evals = new double[k];
      logs = new double[k + 1];
    }
    SpectralSummary.of(sv, k, rows, cols, evals, logs).values(values);
    for (int i = 0; i < values.length; i++) {
      if (Double.isFinite(values[i])) {
        observables.add(new Observable(group, matrix + "/" + SpectralSummary.NAMES[i], values[i]));
      }
    }
    spectra.add(new Spectrum(group, matrix, Arrays.copyOf(sv, Math.min(k, topK))));
  }
}
