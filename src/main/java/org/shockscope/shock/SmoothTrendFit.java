package org.shockscope.shock;

/**
 * The smooth alternatives a jump has to beat: least-squares fits, on the same window, of the
 * polynomials of degree 1, 2 and 3 in time and of the exponential trends a + b·e^{c·u}
 * (u = time mapped to [−1, 1] over the window; c is fitted: the best of the grid
 * ±{0.5, 1, 2, 3, 5, 8, 13}, one e-fold per window to thirteen per half window, refined by a
 * golden-section search between its grid neighbours; c counts as a parameter). Each
 * alternative is scored by the same autocorrelation-corrected BIC as the shock profile (see
 * {@link #bestCriterion}).
 *
 * <p>A stateful algorithm object that owns its workspace; not thread-safe.
 */
final class SmoothTrendFit {
  /** (√5 − 1)/2, the golden-section ratio. */
  private static final double GOLDEN = 0.6180339887498949;
  /** Golden-section steps refining the best rate: the bracket shrinks by 0.618^10 ≈ 1/123. */
  private static final int RATE_ITERATIONS = 10;
  /** Rates of the exponential trends in halves: c = ±{0.5, 1, 2, 3, 5, 8, 13} per half window. */
  private static final int[] HALF_RATES = {1, 2, 4, 6, 10, 16, 26};

  private double[] u = new double[0];
  private double[] v = new double[0];
  private final double[] normal = new double[16];
  private final double[] rhs = new double[4];
  /** Σ u^k for k = 0..6 and Σ u^k·(y − ȳ) for k = 0..3 over the window. */
  private final double[] powerSums = new double[7];
  private final double[] momentSums = new double[4];
  private int bestParameters;
  /** Per rate and sign: Σe, Σe², Σe·(y − ȳ). */
  private final double[] expSums = new double[6 * HALF_RATES.length];
  private double minRss;

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
    return bestCriterion(t, y, from, to, 1, floorVar, effFactor, lnNEff);
  }

  /**
   * As {@link #bestCriterion(double[], double[], int, int, double, double, double)} on every
   * {@code stride}-th sample of the window (n then counts those samples): a quick look at a
   * long window.
   */
  double bestCriterion(double[] t, double[] y, int from, int to, int stride, double floorVar,
                       double effFactor, double lnNEff) {
    int n = (to - from + stride - 1) / stride;
    if (u.length < n) {
      u = new double[Math.max(n, 2 * u.length)];
      v = new double[u.length];
    }
    double tc = 0.5 * (t[from] + t[to - 1]);
    double hs = 0.5 * (t[to - 1] - t[from]);
    double mean = 0.0;
    for (int i = 0; i < n; i++) {
      mean += y[from + i * stride];
    }
    mean /= n;
    double[] pw = powerSums;
    double[] pv = momentSums;
    java.util.Arrays.fill(pw, 0.0);
    java.util.Arrays.fill(pv, 0.0);
    double svv = 0.0;
    for (int i = 0; i < n; i++) {
      double x = (t[from + i * stride] - tc) / hs;
      double d = y[from + i * stride] - mean;
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
    minRss = svv;
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
      minRss = Math.min(minRss, Math.max(0.0, svv - fitted));
      double crit = criterion(svv - fitted, n, m, floorVar, effFactor, lnNEff);
      if (crit < best) {
        best = crit;
        bestParameters = m;
      }
    }
    // All exponentials in one pass: e^{c·u} for c = ±k/2 are powers of p = e^{u/2} and 1/p.
    java.util.Arrays.fill(expSums, 0.0);
    int rates = HALF_RATES.length;
    for (int i = 0; i < n; i++) {
      double p = Math.exp(0.5 * u[i]);
      double q = 1.0 / p;
      double vi = v[i];
      int prev = 0;
      double up = 1.0;
      double down = 1.0;
      for (int k = 0; k < rates; k++) {
        for (int e = prev; e < HALF_RATES[k]; e++) {
          up *= p;
          down *= q;
        }
        prev = HALF_RATES[k];
        int o = 6 * k;
        expSums[o] += up;
        expSums[o + 1] += up * up;
        expSums[o + 2] += up * vi;
        expSums[o + 3] += down;
        expSums[o + 4] += down * down;
        expSums[o + 5] += down * vi;
      }
    }
    double bestExp = Double.POSITIVE_INFINITY;
    int bestRate = -1;
    for (int k = 0; k < 2 * rates; k++) {
      double rss = expRss(expSums[3 * k], expSums[3 * k + 1], expSums[3 * k + 2], n, svv);
      if (rss < bestExp) {
        bestExp = rss;
        bestRate = k;
      }
    }
    if (bestRate >= 0) {
      // Refine the rate between the grid's neighbours of the best one (golden section on ln|c|).
      int magnitude = bestRate / 2;
      double sign = bestRate % 2 == 0 ? 1.0 : -1.0;
      double lo = Math.log(0.5 * (magnitude > 0 ? HALF_RATES[magnitude - 1] : 0.5));
      double hi = Math.log(0.5 * (magnitude < rates - 1 ? HALF_RATES[magnitude + 1] : 40));
      bestExp = Math.min(bestExp, refineRate(n, svv, sign, lo, hi));
      minRss = Math.min(minRss, bestExp);
      double crit = criterion(bestExp, n, 3, floorVar, effFactor, lnNEff);
      if (crit < best) {
        best = crit;
        bestParameters = 3;
      }
    }
    return best;
  }

  /** RSS of a + b·e^{c·u} from Σe, Σe², Σe·(y − ȳ): the intercept eliminated by centring. */
  private static double expRss(double se, double see, double sev, int n, double svv) {
    double sxx = see - se * se / n;
    if (!(sxx > 0.0) || !Double.isFinite(sxx)) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.max(0.0, svv - sev * sev / sxx);
  }

  /** Smallest RSS of a + b·e^{sign·e^λ·u} for λ in [lo, hi], by golden-section search. */
  private double refineRate(int n, double svv, double sign, double lo, double hi) {
    double a = lo;
    double b = hi;
    double x1 = b - GOLDEN * (b - a);
    double x2 = a + GOLDEN * (b - a);
    double f1 = rateRss(n, svv, sign * Math.exp(x1));
    double f2 = rateRss(n, svv, sign * Math.exp(x2));
    for (int it = 0; it < RATE_ITERATIONS; it++) {
      if (f1 <= f2) {
        b = x2;
        x2 = x1;
        f2 = f1;
        x1 = b - GOLDEN * (b - a);
        f1 = rateRss(n, svv, sign * Math.exp(x1));
      } else {
        a = x1;
        x1 = x2;
        f1 = f2;
        x2 = a + GOLDEN * (b - a);
        f2 = rateRss(n, svv, sign * Math.exp(x2));
      }
    }
    return Math.min(f1, f2);
  }

  private double rateRss(int n, double svv, double c) {
    double se = 0.0;
    double see = 0.0;
    double sev = 0.0;
    for (int i = 0; i < n; i++) {
      double e = Math.exp(c * u[i]);
      se += e;
      see += e * e;
      sev += e * v[i];
    }
    return expRss(se, see, sev, n, svv);
  }

  /** Smallest residual sum of squares of any trend in the last {@link #bestCriterion} call. */
  double minRss() {
    return minRss;
  }

  /** Parameter count of the trend that won the last {@link #bestCriterion} call. */
  int bestParameters() {
    return bestParameters;
  }

  /** The corrected BIC shared with the shock profile (Schwarz 1978; n_eff for correlated noise). */
  static double criterion(double rss, int n, int parameters, double floorVar, double effFactor,
                          double lnNEff) {
    double r = Math.max(rss, 0.0) + n * floorVar + Double.MIN_NORMAL;
    return effFactor * n * Math.log(r / n) + parameters * lnNEff;
  }
}
