package org.shockscope.report;

/**
 * The Wilson score 95% interval of a binomial proportion k/n (Wilson 1927): centre
 * (p̂ + z²/2n)/(1 + z²/n), half-width z·√(p̂(1−p̂)/n + z²/4n²)/(1 + z²/n), z = 1.959964.
 * The same formula as the {@code phase_stats} table, used here for cells merged across the
 * hyperparameters a chart does not show, and by {@code evaluate} for the share of diverging runs
 * warned in time (each run warned or not).
 *
 * @param rate k/n (NaN when n = 0)
 * @param lo   lower bound
 * @param hi   upper bound
 */
public record WilsonInterval(double rate, double lo, double hi) {
  static final double Z95 = 1.959963984540054;

  /** The interval of k successes in n trials; NaN rate and bounds when n ≤ 0. */
  public static WilsonInterval of(long k, long n) {
    if (n <= 0) {
      return new WilsonInterval(Double.NaN, Double.NaN, Double.NaN);
    }
    double p = (double) k / n;
    double z2 = Z95 * Z95;
    double denom = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denom;
    double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
    return new WilsonInterval(p, Math.max(0, centre - half), Math.min(1, centre + half));
  }

  /** "42% (95% CI 19–68%)". */
  String text() {
    return NumberLabels.percent(rate) + " (95% CI " + NumberLabels.percent(lo) + "\u2013"
        + NumberLabels.percent(hi) + ")";
  }
}
