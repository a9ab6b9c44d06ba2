package org.shockscope.shock;

import org.shockscope.OrderStatistics;

/**
 * Robust scale of array ranges: the white-noise scale of a series from the median absolute
 * deviation of its pseudo-residuals (medians by {@link OrderStatistics}), and, beside it, the
 * plain range max − min that a series' resolution is a share of.
 *
 * <p>Arrays are inputs and are never modified; {@code work} arrays are scratch space that the
 * caller owns (length at least the range's length) and whose content is overwritten.
 */
final class RobustOps {
  /** 1/Φ⁻¹(3/4): turns a median absolute deviation into a Gaussian standard deviation. */
  static final double MAD_TO_SIGMA = 1.482602218505602;

  private RobustOps() {}

  /** max − min of y[0, n): the (non-robust) scale a series spans. */
  static double range(double[] y, int n) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      min = Math.min(min, y[i]);
      max = Math.max(max, y[i]);
    }
    return max - min;
  }

  /**
   * Standard deviation of the white noise on a smooth series with irregular sampling, from the
   * pseudo-residuals of Gasser, Sroka &amp; Jennen-Steinmetz (1986): each interior sample minus
   * the line through its two neighbours, ε_i = a_i·y_{i−1} + b_i·y_{i+1} − y_i with
   * a_i = (t_{i+1} − t_i)/(t_{i+1} − t_{i−1}), b_i = 1 − a_i, normalised by
   * √(a_i² + b_i² + 1) so that each has the noise's variance. A local line cancels, so slopes do
   * not count as noise; the median absolute deviation from their median (×1.4826) also removes
   * a steady curvature (a noise-free decay has pseudo-residuals of one sign and size) and makes
   * jumps and spikes, which touch a few samples, irrelevant. 0 for fewer than 3 samples.
   *
   * @param t    sample times, strictly increasing; input
   * @param y    values; input
   * @param work scratch, length ≥ to − from
   */
  static double noiseScale(double[] t, double[] y, int from, int to, double[] work) {
    int m = pseudoResiduals(t, y, from, to, work);
    if (m == 0) {
      return 0.0;
    }
    return MAD_TO_SIGMA * OrderStatistics.madInPlace(work, m);
  }

  /**
   * Writes the pseudo-residuals of y[from, to) (see {@link #noiseScale}) to work[0, m) and
   * returns m = max(0, to − from − 2).
   */
  static int pseudoResiduals(double[] t, double[] y, int from, int to, double[] work) {
    int m = 0;
    for (int i = from + 1; i < to - 1; i++) {
      work[m++] = pseudoResidual(t, y, i);
    }
    return m;
  }

  /** The normalised pseudo-residual ε_i of interior sample i (see {@link #noiseScale}). */
  static double pseudoResidual(double[] t, double[] y, int i) {
    double span = t[i + 1] - t[i - 1];
    double a = (t[i + 1] - t[i]) / span;
    double b = 1.0 - a;
    return (a * y[i - 1] + b * y[i + 1] - y[i]) / Math.sqrt(a * a + b * b + 1.0);
  }

  /** Largest factor by which {@link #tailFactor} raises a threshold. */
  static final double MAX_TAIL_FACTOR = 3.0;
  /** The 95% two-sided quantile of the standard normal distribution. */
  private static final double Z95 = 1.959964;

  /**
   * How much heavier than Gaussian the tails of a series' white noise are: the 95th percentile
   * of the absolute pseudo-residuals (see {@link #noiseScale}) about their median over 1.96 ×
   * their MAD scale, clamped to [1, {@link #MAX_TAIL_FACTOR}] (the clamp also covers a noise-free
   * series whose only roughness is its events). Gaussian noise gives 1; the per-sample losses of
   * online SGD, a mixture of easy and hard samples, give about 2: a threshold in MAD units
   * multiplied by this factor keeps the false-alarm rate of a heavy-tailed series near that of a
   * Gaussian one.
   *
   * @param work scratch, length ≥ to − from
   */
  static double tailFactor(double[] t, double[] y, int from, int to, double[] work) {
    int m = pseudoResiduals(t, y, from, to, work);
    if (m < 20) {
      return 1.0;
    }
    double mad = OrderStatistics.madInPlace(work, m);
    double q95 = OrderStatistics.select(work, m, (int) Math.floor(0.95 * (m - 1)));
    if (!(mad > 0.0)) {
      return q95 > 0.0 ? MAX_TAIL_FACTOR : 1.0;
    }
    return Math.max(1.0, Math.min(MAX_TAIL_FACTOR, q95 / (Z95 * MAD_TO_SIGMA * mad)));
  }

  /** Fewest increments from which a series' wander is judged. */
  static final int MIN_WANDER_PAIRS = 8;
  /** 2·ln 300: the wander criterion's margin beyond the largest of n/L Gaussian increments. */
  static final double WANDER_MARGIN = 2.0 * Math.log(300.0);

  /**
   * The wander of a series across a gap of L samples between blocks of B samples: the robust
   * scale (1.4826 × MAD about the median) of the differences of block means
   * mean(y[i+B+L, i+2B+L)) − mean(y[i, i+B)) over the positions i whose time span
   * [t_i, t_{i+2B+L−1}] meets none of the excluded intervals [zoneLo[k], zoneHi[k]] (the events
   * being judged: a front or an excursion is not wander). White noise of scale σ gives
   * σ·√(2/B) at any gap; a random walk gives a scale growing as √(L + B); a steady trend only
   * shifts the median. NaN with fewer than {@link #MIN_WANDER_PAIRS} positions.
   *
   * @param t      sample times; input
   * @param y      values; input
   * @param zoneLo starts of the excluded intervals, zones of them; input
   * @param zoneHi ends of the excluded intervals; input
   * @param work   scratch, length ≥ n
   * @param prefix scratch, length ≥ n + 1
   */
  static double wander(double[] t, double[] y, int n, int lag, int block, double[] zoneLo,
                       double[] zoneHi, int zones, double[] work, double[] prefix) {
    return wander(t, y, 0, n, lag, block, zoneLo, zoneHi, zones, work, prefix);
  }

  /** {@link #wander} of the samples [from, to) only. */
  static double wander(double[] t, double[] y, int from, int to, int lag, int block,
                       double[] zoneLo, double[] zoneHi, int zones, double[] work,
                       double[] prefix) {
    prefix[from] = 0.0;
    for (int i = from; i < to; i++) {
      prefix[i + 1] = prefix[i] + y[i];
    }
    int reach = 2 * block + lag;
    int m = 0;
    for (int i = from; i + reach <= to; i++) {
      if (clear(t[i], t[i + reach - 1], zoneLo, zoneHi, zones)) {
        work[m++] = (prefix[i + reach] - prefix[i + block + lag] - prefix[i + block] + prefix[i])
            / block;
      }
    }
    if (m < MIN_WANDER_PAIRS) {
      return Double.NaN;
    }
    return MAD_TO_SIGMA * OrderStatistics.madInPlace(work, m);
  }

  /**
   * {@link #wander} across a gap of {@code lag} samples between blocks of {@code block}, read
   * at that span when the series has at least {@link #MIN_WANDER_PAIRS} clear positions for it,
   * else read at halved gaps and blocks and extrapolated; NaN when even single samples one apart
   * leave too few. Spans the series cannot hold at all are halved first.
   *
   * <p>The extrapolation splits the variance read at the shorter span s' = l' + 2b' into the
   * white noise's share 2σ²/b' (σ = {@code whiteSd}, the series' white-noise scale; block means
   * of b samples differ by that much whatever their distance) and the rest, which is taken as a
   * random walk's and scaled ∝ span (the cautious reading of a series too short to tell):
   *
   * <pre>  s² = 2σ²/b + max(0, s'² − 2σ²/b')·span/s'.</pre>
   *
   * Scaling the whole of s' as a random walk's would take white noise read with blocks of one
   * sample for a wander √(span) times its size; a short log with a wide front then had no front
   * that could stand out of it.
   */
  static double wanderAtSpan(double[] t, double[] y, int n, int lag, int block, double whiteSd,
                             double[] zoneLo, double[] zoneHi, int zones, double[] work,
                             double[] prefix) {
    int span = lag + 2 * block;
    int l = lag;
    int b = block;
    while (l + 2 * b >= n && !(l == 1 && b == 1)) {
      l = Math.max(1, l / 2);
      b = Math.max(1, b / 2);
    }
    if (l == lag && b == block) {
      double direct = wander(t, y, n, l, b, zoneLo, zoneHi, zones, work, prefix);
      if (!Double.isNaN(direct) || (l == 1 && b == 1)) {
        return direct;
      }
      l = Math.max(1, l / 2);
      b = Math.max(1, b / 2);
    }
    double white = Double.isFinite(whiteSd) ? whiteSd * whiteSd : 0.0;
    double scale = Double.NaN;
    while (Double.isNaN(scale) && l + 2 * b < n) {
      double measured = wander(t, y, n, l, b, zoneLo, zoneHi, zones, work, prefix);
      if (!Double.isNaN(measured)) {
        double walk = Math.max(0.0, measured * measured - 2.0 * white / b);
        scale = Math.sqrt(2.0 * white / block + walk * span / (double) (l + 2 * b));
      }
      if (l == 1 && b == 1) {
        break;
      }
      l = Math.max(1, l / 2);
      b = Math.max(1, b / 2);
    }
    return scale;
  }

  /**
   * The factor z of the wander criterion |size| ≥ z·wander for an event spanning L samples
   * in a series of n: z = √(2·ln(n/L) + {@link #WANDER_MARGIN}). The largest of n/L roughly
   * independent Gaussian increments stays below √(2 ln(n/L)), so the criterion accounts for
   * the number of places of that scale a series has; the margin keeps a run of many series
   * quiet.
   */
  static double wanderFactor(int n, int lag) {
    return Math.sqrt(2.0 * Math.log(Math.max(2.0, n / (double) lag)) + WANDER_MARGIN);
  }

  /** Whether [from, to] meets none of the intervals [zoneLo[k], zoneHi[k]], k &lt; zones. */
  static boolean clear(double from, double to, double[] zoneLo, double[] zoneHi, int zones) {
    for (int k = 0; k < zones; k++) {
      if (from <= zoneHi[k] && to >= zoneLo[k]) {
        return false;
      }
    }
    return true;
  }
}
