package org.shockscope.symmetry;

/**
 * Marchenko–Pastur bulk fitted to the eigenvalues λᵢ = σᵢ²/N of X = WᵀW/N for a matrix W of
 * N × M (N ≥ M, aspect ratio Q = N/M; a wide matrix is transposed). For i.i.d. entries of
 * variance s² the bulk of the spectrum lies in [s²(1 − Q^(−1/2))², s²(1 + Q^(−1/2))²]
 * (Marchenko &amp; Pastur 1967; Martin &amp; Mahoney, "Implicit self-regularization in deep
 * neural networks", JMLR 22, 2021, §3) and its mean eigenvalue is s².
 *
 * <p>Fit: s² is the mean of the bulk eigenvalues, starting from all M and removing the
 * "spikes" — eigenvalues above the fitted edge λ₊ = s²(1 + Q^(−1/2))² by more than
 * {@link #TRACY_WIDOM_MARGIN} times the Tracy–Widom scale of the largest noise eigenvalue,
 * s²(√N + √M)(1/√N + 1/√M)^⅓ / N (Johnstone, Ann. Statist. 29, 2001) — until the spike set no
 * longer changes (it only grows, so at most M rounds). Without the margin the largest noise
 * eigenvalue, which fluctuates around λ₊, would be a spike half of the time. Results:
 * {@code num_spikes} = the spike count, {@code mp_softrank} = λ₊ / λ_max (WeightWatcher's MP
 * soft rank; it can exceed 1 when no eigenvalue reaches the edge).
 *
 * <p>The law is the limit of many eigenvalues: a "bulk" of a handful has no shape to fit, and
 * the spike test would compare the largest of two or three eigenvalues with their own mean (a
 * student of K = 2 or 3 hidden units would report spikes that come and go with the ratio of its
 * singular values). Below {@link #MIN_EIGENVALUES} eigenvalues (min(rows, cols)) both results
 * are undefined: {@code num_spikes} −1 and {@code mp_softrank} NaN.
 */
public final class MarchenkoPasturFit {
  /** Tracy–Widom units above λ₊ from which an eigenvalue counts as a spike. */
  public static final double TRACY_WIDOM_MARGIN = 2.0;
  /** Fewest eigenvalues, min(rows, cols), for which a bulk is fitted. */
  public static final int MIN_EIGENVALUES = 8;

  /**
   * A fit.
   *
   * @param variance   the fitted entry variance s²
   * @param lambdaPlus the bulk edge λ₊
   * @param lambdaMax  the largest eigenvalue of WᵀW/N
   * @param spikes     eigenvalues above λ₊ (−1 with fewer than {@link #MIN_EIGENVALUES})
   * @param softRank   λ₊ / λ_max (NaN when W = 0 or with fewer than {@link #MIN_EIGENVALUES})
   */
  public record Result(double variance, double lambdaPlus, double lambdaMax, int spikes,
                       double softRank) {
  }

  private MarchenkoPasturFit() {
  }

  private static double bulkSum(double[] sv, int from, int k, int n) {
    double s = 0;
    for (int i = from; i < k; i++) {
      s += sv[i] * sv[i] / n;
    }
    return s;
  }

  /**
   * Fits the bulk of a matrix's spectrum.
   *
   * @param sv   input, singular values in descending order, σ[0 .. k) (missing ones are zero)
   * @param k    number of singular values given (≤ min(rows, cols))
   * @param rows rows of W
   * @param cols columns of W
   */
  public static Result fit(double[] sv, int k, int rows, int cols) {
    int n = Math.max(rows, cols);
    int m = Math.min(rows, cols);
    if (m < MIN_EIGENVALUES) {
      return new Result(Double.NaN, Double.NaN, k > 0 ? sv[0] * sv[0] / n : 0, -1, Double.NaN);
    }
    double q = (double) n / m;
    double edgeFactor = 1 + 1 / Math.sqrt(q);
    edgeFactor *= edgeFactor;
    double spikeFactor = edgeFactor + TRACY_WIDOM_MARGIN * (Math.sqrt(n) + Math.sqrt(m))
        * Math.cbrt(1 / Math.sqrt(n) + 1 / Math.sqrt(m)) / n;
    double lambdaMax = k > 0 ? sv[0] * sv[0] / n : 0;
    // Bulk mean over the m eigenvalues not counted as spikes; those not given are zero. The sum
    // is recomputed from the bulk (not updated by subtraction) so that an empty bulk is exactly 0.
    int spikes = 0;
    double variance = bulkSum(sv, 0, k, n) / m;
    while (spikes < Math.min(k, m - 1) && sv[spikes] * sv[spikes] / n > variance * spikeFactor) {
      while (spikes < Math.min(k, m - 1) && sv[spikes] * sv[spikes] / n > variance * spikeFactor) {
        spikes++;
      }
      variance = bulkSum(sv, spikes, k, n) / (m - spikes);
    }
    double lambdaPlus = variance * edgeFactor;
    double softRank = lambdaMax > 0 ? lambdaPlus / lambdaMax : Double.NaN;
    return new Result(variance, lambdaPlus, lambdaMax, spikes, softRank);
  }
}
