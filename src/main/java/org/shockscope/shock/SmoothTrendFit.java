package org.shockscope.shock;

/**
 * The smooth alternatives a jump has to beat: least-squares fits, on the same window, of the
 * polynomials of degree 1, 2 and 3 in time and of the exponential trends a + b·e^{c·u}
 * (u = time mapped to [−1, 1] over the window, c on a fixed grid of ±{0.5, 1, 2, 3, 5, 8, 13}
 * so that decays and growths from one e-fold per window to thirteen per half window are
 * covered; c counts as a fitted parameter). Each alternative is scored by the same
 * autocorrelation-corrected BIC as the shock profile (see {@link #bestCriterion}).
 *
 * <p>A stateful algorithm object that owns its workspace; not thread-safe.
 */
final class SmoothTrendFit {
  private static final double[] RATES = {0.5, 1, 2, 3, 5, 8, 13};

  private double[] u = new double[0];
  private double[] v = new double[0];
  private final double[] normal = new double[16];
  private final double[] rhs = new double[4];
  /** Σ u^k for k = 0..6 and Σ u^k·(y − ȳ) for k = 0..3 over the window. */
  private final double[] powerSums = new double[7];
  private final double[] momentSums = new double[4];
  private int bestParameters;

  /**
   * The smallest criterion {@code effFactor·n·ln((RSS + n·floorVar)/n) + k·ln(nEff)} over the
   * trends, where k counts fitted parameters (2, 3, 4 for the polynomials, 3 for an
   * exponential).
   *
   * @param t         sample times; input
   * @param y         sample values; input
   * @param from      first sample
   * @param to        one past the last sample
   * @param floorVar  variance floor added per sample to every RSS (the series' resolution)
   * @param effFactor n_eff / n, the autocorrelation correction of the log-likelihood
   * @param lnNEff    ln(n_eff), the BIC penalty per parameter
   */
  double bestCriterion(double[] t, double[] y, int from, int to, double floorVar,
                       double effFactor, double lnNEff) {
    int n = to - from;
    if (u.length < n) {
      u = new double[Math.max(n, 2 * u.length)];
      v = new double[u.length];
    }
    double tc = 0.5 * (t[from] + t[to - 1]);
    double hs = 0.5 * (t[to - 1] - t[from]);
    double mean = 0.0;
    for (int i = 0; i < n; i++) {
      mean += y[from + i];
    }
    mean /= n;
    double[] pw = powerSums;
    double[] pv = momentSums;
    java.util.Arrays.fill(pw, 0.0);
    java.util.Arrays.fill(pv, 0.0);
    double svv = 0.0;
    for (int i = 0; i < n; i++) {
      double x = (t[from + i] - tc) / hs;
      double d = y[from + i] - mean;
      u[i] = x;
      v[i] = d;
      svv += d * d;
      double p = 1.0;
      for (int k = 0; k < 7; k++) {
        pw[k] += p;
        if (k < 4) {
          pv[k] += p * d;
        }
        p *= x;
      }
    }
    double best = Double.POSITIVE_INFINITY;
    for (int degree = 1; degree <= 3; degree++) {
      int m = degree + 1;
      for (int r = 0; r < m; r++) {
        for (int c = 0; c < m; c++) {
          normal[r * m + c] = pw[r + c];
        }
        rhs[r] = pv[r];
      }
      if (!SmallSolve.solve(normal, rhs, m)) {
        continue;
      }
      double fitted = 0.0;
      for (int r = 0; r < m; r++) {
        fitted += rhs[r] * pv[r];
      }
      double crit = criterion(svv - fitted, n, m, floorVar, effFactor, lnNEff);
      if (crit < best) {
        best = crit;
        bestParameters = m;
      }
    }
    for (double rate : RATES) {
      for (int sign = -1; sign <= 1; sign += 2) {
        double c = sign * rate;
        double se = 0.0;
        double see = 0.0;
        double sev = 0.0;
        for (int i = 0; i < n; i++) {
          double e = Math.exp(c * u[i]);
          se += e;
          see += e * e;
          sev += e * v[i];
        }
        // Centred data: the intercept is eliminated, leaving the slope on the centred exponential.
        double sxx = see - se * se / n;
        if (!(sxx > 0.0)) {
          continue;
        }
        double fitted = sev * sev / sxx;
        double crit = criterion(svv - fitted, n, 3, floorVar, effFactor, lnNEff);
        if (crit < best) {
          best = crit;
          bestParameters = 3;
        }
      }
    }
    return best;
  }

  /** Parameter count of the trend that won the last {@link #bestCriterion} call. */
  int bestParameters() {
    return bestParameters;
  }

  /** The corrected BIC shared with the shock profile (Schwarz 1978, with n_eff for AR(1) errors). */
  static double criterion(double rss, int n, int parameters, double floorVar, double effFactor,
                          double lnNEff) {
    double r = Math.max(rss, 0.0) + n * floorVar + Double.MIN_NORMAL;
    return effFactor * n * Math.log(r / n) + parameters * lnNEff;
  }
}
