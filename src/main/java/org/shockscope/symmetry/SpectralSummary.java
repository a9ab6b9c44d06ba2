package org.shockscope.symmetry;

/**
 * The spectral observables of one matrix W (rows × cols) computed from its singular values
 * σ₁ ≥ σ₂ ≥ … ≥ 0 (SPEC §4). Undefined values are NaN and are left out of the output
 * ({@code alpha} when its fitted tail holds fewer than {@link #MIN_ALPHA_TAIL} eigenvalues,
 * {@code mp_softrank} of a zero matrix, {@code mp_softrank} and {@code num_spikes} of a matrix
 * with fewer than {@link MarchenkoPasturFit#MIN_EIGENVALUES} rows or columns, where the record's
 * {@code numSpikes} is −1).
 *
 * <ul>
 *   <li>{@code fro_norm} = (Σσᵢ²)^½; {@code spectral_norm} = σ₁;</li>
 *   <li>{@code stable_rank} = ‖W‖_F² / ‖W‖₂² (0 for W = 0);</li>
 *   <li>{@code effective_rank} = exp(−Σ pᵢ ln pᵢ), pᵢ = σᵢ / Σσⱼ (Roy &amp; Vetterli, "The
 *       effective rank: a measure of effective dimensionality", EUSIPCO 2007; 0 for W = 0);</li>
 *   <li>{@code participation_ratio} = (Σσᵢ²)² / Σσᵢ⁴;</li>
 *   <li>{@code spectral_entropy} = −Σ qᵢ ln qᵢ / ln r, qᵢ = σᵢ² / Σσⱼ², r the numerical rank
 *       (WeightWatcher's matrix entropy, {@code RMT_Util.matrix_entropy}; in [0, 1]);</li>
 *   <li>{@code alpha}: power-law exponent of the non-zero eigenvalues σᵢ² of WᵀW
 *       ({@link PowerLawFit});</li>
 *   <li>{@code mp_softrank}, {@code num_spikes}: {@link MarchenkoPasturFit}.</li>
 * </ul>
 * "Non-zero" means above the numerical-rank tolerance σ₁ · max(rows, cols) · ε (numpy's
 * {@code matrix_rank} default).
 */
public record SpectralSummary(double froNorm, double spectralNorm, double stableRank,
                              double effectiveRank, double participationRatio,
                              double spectralEntropy, double alpha, double mpSoftRank,
                              int numSpikes, int numericalRank) {

  /**
   * Fewest eigenvalues at or above x_min for which {@code alpha} is reported. The maximum
   * likelihood exponent from n tail values has standard error (α − 1)/√n (Clauset, Shalizi &amp;
   * Newman 2009, eq. 3.2): from 10 values, a third of α − 1. On a shorter tail the fit's x_min
   * hops between candidates from one checkpoint to the next and α jumps with it, which is the
   * fit, not the matrix, changing; such a fit is undefined, not a value.
   */
  public static final int MIN_ALPHA_TAIL = 10;

  /** Observable names, in the order {@link #values(double[])} writes them. */
  public static final String[] NAMES = {"fro_norm", "spectral_norm", "stable_rank",
      "effective_rank", "participation_ratio", "spectral_entropy", "alpha", "mp_softrank",
      "num_spikes"};

  /**
   * Summarises a spectrum.
   *
   * @param sv      input, singular values in descending order, σ[0 .. k); not modified
   * @param k       how many are given (values not given count as zero)
   * @param rows    rows of the matrix
   * @param cols    columns of the matrix
   * @param evals   workspace of length ≥ k (overwritten)
   * @param logs    workspace of length ≥ k + 1 (overwritten)
   */
  public static SpectralSummary of(double[] sv, int k, int rows, int cols, double[] evals,
                                   double[] logs) {
    double sum = 0;
    double sum2 = 0;
    double sum4 = 0;
    for (int i = 0; i < k; i++) {
      double s = sv[i];
      double s2 = s * s;
      sum += s;
      sum2 += s2;
      sum4 += s2 * s2;
    }
    double top = k > 0 ? sv[0] : 0;
    double tolerance = top * Math.max(rows, cols) * Math.ulp(1.0);
    int rank = 0;
    while (rank < k && sv[rank] > tolerance) {
      rank++;
    }
    double stable = top > 0 ? sum2 / (top * top) : 0;
    double pr = sum4 > 0 ? sum2 * sum2 / sum4 : 0;
    double entropy = 0;
    double entropy2 = 0;
    for (int i = 0; i < k; i++) {
      if (sv[i] > 0) {
        double p = sv[i] / sum;
        entropy -= p * Math.log(p);
        double q = sv[i] * sv[i] / sum2;
        if (q > 0) {
          entropy2 -= q * Math.log(q);
        }
      }
    }
    double effectiveRank = sum > 0 ? Math.exp(entropy) : 0;
    double spectralEntropy = rank > 1 ? entropy2 / Math.log(rank) : 0;
    double alpha = Double.NaN;
    if (rank >= MIN_ALPHA_TAIL) {
      // Ascending eigenvalues of WᵀW (the non-zero ones) for the tail fit.
      for (int i = 0; i < rank; i++) {
        double s = sv[rank - 1 - i];
        evals[i] = s * s;
      }
      PowerLawFit.Result fit = PowerLawFit.fit(evals, rank, logs);
      alpha = fit == null || fit.tail() < MIN_ALPHA_TAIL ? Double.NaN : fit.alpha();
    }
    MarchenkoPasturFit.Result mp = MarchenkoPasturFit.fit(sv, k, rows, cols);
    return new SpectralSummary(Math.sqrt(sum2), top, stable, effectiveRank, pr, spectralEntropy,
        alpha, mp.softRank(), mp.spikes(), rank);
  }

  /** The values in the order of {@link #NAMES} (NaN where undefined). */
  public void values(double[] out) {
    out[0] = froNorm;
    out[1] = spectralNorm;
    out[2] = stableRank;
    out[3] = effectiveRank;
    out[4] = participationRatio;
    out[5] = spectralEntropy;
    out[6] = alpha;
    out[7] = mpSoftRank;
    out[8] = numSpikes < 0 ? Double.NaN : numSpikes;
  }
}
