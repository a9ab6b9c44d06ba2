package org.shockscope.shock;

import java.util.List;
import org.shockscope.OrderStatistics;

/**
 * Finds upward spikes of a positive quantity on its log scale by their topographic prominence:
 * the spikes a rolling median cannot see because the series is a sawtooth (a catapult's loss
 * decays by decades between bounces, so any window's median lies far from every sample) or sits
 * at its resolution floor between excursions (Adam's late instabilities lifting a converged loss
 * by five decades for a few logged steps).
 *
 * <p>A local maximum x_p is a spike when, looking at most {@code reach} samples either side and
 * stopping at the first higher sample, the lowest value on each side lies below it by the
 * prominence P = x_p − max(min_left, min_right), with
 * <ul>
 *   <li>P ≥ threshold · σ, σ the local white-noise scale: 1.4826 × the median absolute
 *       pseudo-residual (second difference, see {@link RobustOps#noiseScale}) over the samples
 *       within {@code reach} that lie outside the excursion's upper half, at least the
 *       resolution; a smooth decay or ramp has pseudo-residuals near zero whatever its slope, so a
 *       sawtooth's bounces measure against the noise, not against the slopes; the threshold
 *       raised for heavy-tailed noise does not apply to a rise of {@link #TAIL_FREE_PROMINENCE}
 *       over the neighbours and {@link #TAIL_FREE_RISE} over the local median, and a peak
 *       {@link #TAIL_FREE_RISE} over the local median is judged against the quieter of its two
 *       sides (no loss noise rises two decades over its median; the side that went wild after
 *       it, a catapult's next bounce or an instability, is what it started, not its
 *       background); in a run-level metric without noise above its resolution (full-batch
 *       training) or smooth (its increments keep their sign) σ is the series-wide scale, since
 *       the pseudo-residuals near a peak there are the curvature of its neighbouring bounces and
 *       decays;</li>
 *   <li>P ≥ one decade, and two when the base lies within a decade of the resolution floor
 *       (values held at the floor have no noise to measure, only digits). Pseudo-residuals do not
 *       see the memory of correlated noise (online SGD's loss wanders by tens of percent over a
 *       few samples), so this finder is kept to excursions no such noise makes; smaller spikes
 *       are the rolling-median finder's ({@link SpikeFinder}), whose residuals carry the
 *       memory. Away from the floor, a peak at most {@link #SHARP_RISE} samples after its
 *       left foot (the last sample within {@link #FOOT_SHARE} of its rise above the left
 *       minimum) needs only P ≥ ln 2: noise with memory climbs over many samples, while a
 *       catapult out of a steep decay multiplies the loss within one (where the rolling
 *       median, falling with the decay, calls it a level change). In a noise-free series (below)
 *       P ≥ ln 2 also suffices when the excursion comes back at least halfway down, on the log
 *       scale, to its left minimum (min_right − min_left &lt; P): with no noise there is no memory
 *       to climb with, and a catapult re-stabilising bounces out of its basin ×3–×7 over several
 *       logged samples.</li>
 * </ul>
 * A run-level metric's peak whose approach is smooth — the {@link #APPROACH} increments before
 * its rise keep one sign beyond the resolution (a decay, or a basin it has converged to) — and
 * that stands a decade ({@link #SMOOTH_RISE}) over the local median is judged as in a noise-free
 * series, against the noise of its approach (the pseudo-residuals there) and the Gaussian
 * threshold: a full-batch catapult that turns chaotic later in its run (at the edge of stability,
 * before it diverges) makes the series noisy and heavy-tailed, but not the basin its spikes leave.
 * An approach too short to measure (a catapult a few samples into the run) is pooled with the
 * samples after the peak's return, and the lesser of that and the series-wide scale is taken: the
 * chaotic stretch that followed much later is not the catapult's background.
 * Noise rarely keeps one sign for six increments, and the decade keeps out the monotone runs it
 * does make in long noisy series, which rise back to the series' usual level only. Within six
 * samples of the series' start, its first three or more increments make the approach.
 *
 * <p>Its duration is the time between the half-prominence crossings (linear interpolation).
 *
 * <p>Stateful (workspace reused); not thread-safe.
 */
final class ProminentPeaks {
  /** Smallest rise of a log-scale spike over its surroundings: the quantity doubled. */
  static final double MIN_LOG_PROMINENCE = Math.log(2.0);
  private static final double DECADE = Math.log(10.0);
  /** Fewest pseudo-residuals a local noise scale is taken from. */
  private static final int MIN_NOISE_SAMPLES = 5;
  /**
   * Most samples from a spike's foot to its peak for it to count from a doubling on: a catapult
   * or an instability multiplies the loss within a sample or two, while noise with memory (online
   * SGD's loss) climbs over many.
   */
  static final int SHARP_RISE = 2;
  /** Share of a spike's rise above its left minimum that still counts as its foot. */
  static final double FOOT_SHARE = 0.1;
  /**
   * Prominence (three decades) over its lowest neighbours that, with a rise of
   * {@link #TAIL_FREE_RISE} over the median of the samples around it, lies beyond the upper tail
   * of any loss noise: a per-sample squared error is σ²·χ²₁, which exceeds 45× its mean (100×
   * its median) with probability 2e-11, so a spike this tall needs only the Gaussian threshold,
   * not the one raised for the series' heavy tails (whose 95th percentile, in a short run, is its
   * catapults themselves). Both are needed: χ²₁'s lower tail is heavy, and a sample between two
   * deep dips rises decades above them but not above the median.
   */
  static final double TAIL_FREE_PROMINENCE = 3.0 * Math.log(10.0);
  /** Rise over the local median that, with {@link #TAIL_FREE_PROMINENCE}, no noise makes. */
  static final double TAIL_FREE_RISE = 2.0 * Math.log(10.0);
  /**
   * Increments before a peak's rise that must keep one sign for its approach to be smooth:
   * i.i.d. noise falls (or rises) six times in a row with probability 2/7! ≈ 1/2500.
   */
  static final int APPROACH = 6;
  /**
   * Fewest increments of an approach that reaches back to the series' first sample (i.i.d. noise
   * falls three times in a row with probability 1/24, and the decade does the rest).
   */
  static final int START_APPROACH = 3;
  /** Rise over the local median (a decade) of a peak judged by its smooth approach. */
  static final double SMOOTH_RISE = Math.log(10.0);

  private double[] work = new double[0];

  /**
   * Appends the spikes of x[0, n) to {@code out} (as {@link SpikeFinder.Spike}, baselines the
   * base level) and replaces their upper halves by the base in {@code cleaned}; peaks within a
   * spike already in {@code out} are skipped.
   *
   * @param t            sample times; input
   * @param x            log-scale values (clamped at the floor); input
   * @param floorLevel   the resolution floor on the log scale (−∞ when none)
   * @param resolutionSd the series' resolution on the log scale
   * @param whiteSd      the series-wide white-noise scale, used where too few samples are near
   * @param threshold    prominence in local noise scales
   * @param gaussianThreshold the same before the series' tail factor raised it, for spikes of
   *                     {@link #TAIL_FREE_PROMINENCE} at least
   * @param reach        samples looked at either side of a peak
   * @param noiseFree    whether the series has no noise above its resolution (a run-level
   *                     metric of full-batch training, or a smooth curve): a peak is then
   *                     judged against the series-wide white-noise scale, not the local one
   * @param runLevel     whether the series is a run-level metric (a loss), whose peaks may be
   *                     judged by a smooth approach
   */
  void find(double[] t, double[] x, int n, double floorLevel, double resolutionSd,
            double whiteSd, double threshold, double gaussianThreshold, int reach,
            boolean noiseFree, boolean runLevel, List<SpikeFinder.Spike> out,
            double[] cleaned) {
    if (work.length < 2 * reach + 1) {
      work = new double[2 * reach + 1];
    }
    int known = out.size();
    for (int p = 1; p < n - 1; p++) {
      if (!(x[p] > x[p - 1] && x[p] >= x[p + 1]) || covered(t, p, out, known)) {
        continue;
      }
      double leftMin = x[p];
      int lo = p;
      for (int j = p - 1; j >= Math.max(0, p - reach) && x[j] <= x[p]; j--) {
        if (x[j] < leftMin) {
          leftMin = x[j];
          lo = j;
        }
      }
      double rightMin = x[p];
      int hi = p;
      for (int j = p + 1; j <= Math.min(n - 1, p + reach) && x[j] <= x[p]; j++) {
        if (x[j] < rightMin) {
          rightMin = x[j];
          hi = j;
        }
      }
      double base = Math.max(leftMin, rightMin);
      double prominence = x[p] - base;
      int rise = riseStart(x, p);
      // cleaned: the approach of a catapult's next spike runs through the one before it. The
      // local median, taken here only for a smooth approach, serves the tall test below too.
      double median = runLevel && !noiseFree && smoothApproach(cleaned, rise, resolutionSd)
          ? localMedian(x, n, p, reach) : Double.NaN;
      boolean smooth = x[p] - median >= SMOOTH_RISE;
      // Without noise there is no memory to climb with: a doubling that comes back at least
      // halfway (on the log scale) to where it rose from is an event however slowly it rose; one
      // that stays up (a dip on the way to a divergence) is not.
      boolean returns = (noiseFree || smooth) && rightMin - leftMin < prominence;
      double least = base < floorLevel + DECADE ? 2.0 * DECADE
          : returns || p - foot(x, lo, p, leftMin) <= SHARP_RISE ? MIN_LOG_PROMINENCE : DECADE;
      if (!(prominence >= least) || lo == p || hi == p) {
        continue;
      }
      double half = base + 0.5 * prominence;
      int a = p;
      while (a > lo && x[a - 1] >= half) {
        a--;
      }
      int b = p;
      while (b < hi && x[b + 1] >= half) {
        b++;
      }
      if (Double.isNaN(median)) {
        median = localMedian(x, n, p, reach);
      }
      boolean tall = x[p] - median >= TAIL_FREE_RISE;
      // NaN takes the series-wide scale: near a spike of a noise-free series the
      // pseudo-residuals are the curvature of the other bounces and decays of a catapult's
      // sawtooth or chaotic stretch, not noise.
      double local = Double.NaN;
      if (smooth) {
        int m = pseudoResiduals(t, cleaned, n, rise - APPROACH + 1, rise - 1, 0);
        if (m < MIN_NOISE_SAMPLES) {
          local = Math.min(whiteSd, noiseScale(pseudoResiduals(t, x, n, b + 2, p + reach, m)));
        } else {
          local = noiseScale(m);
        }
      } else if (!noiseFree) {
        local = localNoise(t, x, n, p, reach, a, b);
        if (tall) {
          double quiet = Math.min(sideNoise(t, x, n, p - reach, a - 2),
              sideNoise(t, x, n, b + 2, p + reach));
          if (!Double.isNaN(quiet) && !(quiet >= local)) {
            local = quiet;
          }
        }
      }
      double sigma = Math.max(Double.isNaN(local) ? whiteSd : local, resolutionSd);
      double strength = prominence / sigma;
      double needed = smooth || prominence >= TAIL_FREE_PROMINENCE && tall
          ? gaussianThreshold : threshold;
      if (strength < needed) {
        continue;
      }
      double tLeft = cross(t, x, a - 1, a, half);
      double tRight = cross(t, x, b, b + 1, half);
      double score = 1.0 / (1.0 + Math.exp(-(strength - needed)));
      out.add(new SpikeFinder.Spike(p, prominence, base, leftMin, rightMin, tRight - tLeft,
          strength, score, smooth));
      for (int k = a; k <= b; k++) {
        cleaned[k] = base;
      }
    }
  }

  /** The first sample of the strictly rising samples that end at p. */
  static int riseStart(double[] x, int p) {
    int r = p;
    while (r > 0 && x[r - 1] < x[r]) {
      r--;
    }
    return r;
  }

  /**
   * Whether the {@link #APPROACH} increments of x up to sample r keep one sign, those within
   * {@code resolution} counting as either (a basin converged to its digits); nearer the series'
   * start than that, all its increments up to r, at least {@link #START_APPROACH} of them (a
   * catapult's first spike comes a few logged samples into the run's initial decay).
   */
  static boolean smoothApproach(double[] x, int r, double resolution) {
    if (r < START_APPROACH) {
      return false;
    }
    int sign = 0;
    for (int i = Math.max(1, r - APPROACH + 1); i <= r; i++) {
      double d = x[i] - x[i - 1];
      if (Math.abs(d) > resolution) {
        int s = d > 0.0 ? 1 : -1;
        if (sign != 0 && s != sign) {
          return false;
        }
        sign = s;
      }
    }
    return true;
  }

  /**
   * The last sample of [lo, p) still at the level of the left minimum: within
   * {@link #FOOT_SHARE} of the rise above it. A flat series' lowest sample may lie anywhere on
   * it (its digits wander by parts per million), while the rise starts where the series leaves
   * that level.
   */
  static int foot(double[] x, int lo, int p, double leftMin) {
    double level = leftMin + FOOT_SHARE * (x[p] - leftMin);
    int j = p - 1;
    while (j > lo && x[j] > level) {
      j--;
    }
    return j;
  }

  /** The median of x over the samples within reach of p. */
  private double localMedian(double[] x, int n, int p, int reach) {
    int m = 0;
    for (int i = Math.max(0, p - reach); i <= Math.min(n - 1, p + reach); i++) {
      work[m++] = x[i];
    }
    return OrderStatistics.medianInPlace(work, m);
  }

  /** Whether sample p lies within the duration of a spike found before (index ≥ from). */
  private static boolean covered(double[] t, int p, List<SpikeFinder.Spike> spikes, int upTo) {
    for (int k = 0; k < upTo; k++) {
      SpikeFinder.Spike s = spikes.get(k);
      if (Math.abs(t[p] - t[s.peak()]) <= Math.max(s.duration(), 0.0)) {
        return true;
      }
    }
    return false;
  }

  /**
   * 1.4826 × the median |pseudo-residual| of the samples within reach of p outside the
   * excursion's upper half [a, b] and its two neighbours (the event, not noise); NaN when fewer
   * than {@link #MIN_NOISE_SAMPLES} remain.
   */
  private double localNoise(double[] t, double[] x, int n, int p, int reach, int a, int b) {
    int m = pseudoResiduals(t, x, n, p - reach, a - 2, 0);
    return noiseScale(pseudoResiduals(t, x, n, b + 2, p + reach, m));
  }

  /**
   * 1.4826 × the median |pseudo-residual| of the samples [from, to] (one side of a spike); NaN
   * when fewer than {@link #MIN_NOISE_SAMPLES}.
   */
  private double sideNoise(double[] t, double[] x, int n, int from, int to) {
    return noiseScale(pseudoResiduals(t, x, n, from, to, 0));
  }

  /**
   * Appends |pseudo-residual| of the samples [from, to] that have both neighbours to
   * work[m..]; returns the new count.
   */
  private int pseudoResiduals(double[] t, double[] x, int n, int from, int to, int m) {
    for (int i = Math.max(1, from); i <= Math.min(n - 2, to); i++) {
      work[m++] = Math.abs(RobustOps.pseudoResidual(t, x, i));
    }
    return m;
  }

  /** 1.4826 × the median of work[0, m); NaN when m is below {@link #MIN_NOISE_SAMPLES}. */
  private double noiseScale(int m) {
    return m < MIN_NOISE_SAMPLES ? Double.NaN
        : RobustOps.MAD_TO_SIGMA * OrderStatistics.medianInPlace(work, m);
  }

  private static double cross(double[] t, double[] x, int a, int b, double level) {
    double f = x[b] == x[a] ? 0.5 : (level - x[a]) / (x[b] - x[a]);
    f = Math.max(0.0, Math.min(1.0, f));
    return t[a] + f * (t[b] - t[a]);
  }
}
