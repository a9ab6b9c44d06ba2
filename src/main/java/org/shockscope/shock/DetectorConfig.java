package org.shockscope.shock;

/**
 * Options of the shock detector, immutable. {@link #DEFAULTS} holds values chosen from
 * principles (noise scales, information criteria, sampling) rather than from particular curves;
 * they are meant to work unchanged across model families.
 *
 * @param minEvidence       a jump is accepted when the shock profile beats the best smooth trend
 *                          by at least this much autocorrelation-corrected BIC (ΔBIC ≥ 10 is
 *                          "very strong" evidence on Kass &amp; Raftery's 1995 scale; the default
 *                          20 adds margin for the many windows tried per series)
 * @param maxWidthFraction  a jump's width w must not exceed this fraction of the analysed span of
 *                          the series (default 0.2: a logistic front from a small initialisation
 *                          in a short run, checkpointed sparsely, can take most of the run; wider
 *                          changes are trends, not shocks)
 * @param minStrength       a jump's |J| must be at least this many noise standard deviations
 *                          (default 3; white-noise σ from pseudo-residuals)
 * @param resolution        values are resolved only to this fraction of the series' range: its
 *                          square times the squared range is added to every residual variance,
 *                          so that noise-free smooth curves do not turn sub-resolution
 *                          interpolation error into evidence (default 1e-3)
 * @param minSupport        samples required beyond t_s ± 2w on each side of a front (default 2:
 *                          both plateaus must be seen, but a mode learned at 3% of a run
 *                          checkpointed 30 times has only a few samples before it)
 * @param maxCandidates     at most this many candidate windows are fitted per series and scale
 *                          (default 16; a positive series spanning decades is searched on two
 *                          scales)
 * @param logDecades        a series whose values are all positive (or zero only after its
 *                          largest value: a loss that decayed to exactly zero) and whose positive
 *                          values span more than this many decades (max/min &gt;
 *                          10^logDecades) is analysed on ln(values) (default 1: losses are
 *                          judged by ratios, and a loss spike or drop is a multiplicative event)
 * @param spikeThreshold    a spike's height over its rolling-median baseline must be at least
 *                          this many robust standard deviations of the residuals (default 8: a
 *                          Gaussian series of a million points exceeds it with probability
 *                          ~1e-9)
 * @param spikeWindowFraction half-window of the rolling-median baseline as a fraction of the
 *                          number of samples (default 0.05, at least 5 samples); excursions
 *                          longer than it are not transient
 * @param growthFactor      explosive growth: |value| above this factor times the initial level,
 *                          never coming back, and still growing exponentially at the end
 *                          (default 1e3)
 * @param mergeFraction     events of different series merge into one transition when their
 *                          steps are within this fraction of the run's span (default 0.02) …
 * @param mergeIntervals    … or within this many sampling intervals (default 2), whichever is
 *                          larger, or
 *                          when their uncertainty intervals overlap
 *                          ({@link TransitionMerger})
 */
public record DetectorConfig(double minEvidence, double maxWidthFraction, double minStrength,
                             double resolution, int minSupport, int maxCandidates,
                             double logDecades, double spikeThreshold,
                             double spikeWindowFraction, double growthFactor,
                             double mergeFraction, double mergeIntervals)
    implements java.io.Serializable {
  /** The documented defaults. */
  public static final DetectorConfig DEFAULTS = new DetectorConfig(20.0, 0.2, 3.0, 1e-3, 2, 16,
      1.0, 8.0, 0.05, 1e3, 0.02, 2.0);

  public DetectorConfig {
    positive("minEvidence", minEvidence);
    if (!(maxWidthFraction > 0.0 && maxWidthFraction <= 1.0)) {
      throw new ShockDetectionException("maxWidthFraction must be in (0, 1], got "
          + maxWidthFraction);
    }
    nonNegative("minStrength", minStrength);
    positive("resolution", resolution);
    if (minSupport < 1) {
      throw new ShockDetectionException("minSupport must be at least 1, got " + minSupport);
    }
    if (maxCandidates < 1) {
      throw new ShockDetectionException("maxCandidates must be at least 1, got "
          + maxCandidates);
    }
    nonNegative("logDecades", logDecades);
    positive("spikeThreshold", spikeThreshold);
    if (!(spikeWindowFraction > 0.0 && spikeWindowFraction < 0.5)) {
      throw new ShockDetectionException("spikeWindowFraction must be in (0, 0.5), got "
          + spikeWindowFraction);
    }
    if (!(growthFactor > 1.0)) {
      throw new ShockDetectionException("growthFactor must be > 1, got " + growthFactor);
    }
    nonNegative("mergeFraction", mergeFraction);
    nonNegative("mergeIntervals", mergeIntervals);
  }

  /** A copy with another {@link #minEvidence}. */
  public DetectorConfig withMinEvidence(double value) {
    return new DetectorConfig(value, maxWidthFraction, minStrength, resolution, minSupport,
        maxCandidates, logDecades, spikeThreshold, spikeWindowFraction, growthFactor,
        mergeFraction, mergeIntervals);
  }

  /** A copy with another {@link #maxWidthFraction}. */
  public DetectorConfig withMaxWidthFraction(double value) {
    return new DetectorConfig(minEvidence, value, minStrength, resolution, minSupport,
        maxCandidates, logDecades, spikeThreshold, spikeWindowFraction, growthFactor,
        mergeFraction, mergeIntervals);
  }

  /** A copy with another {@link #spikeThreshold}. */
  public DetectorConfig withSpikeThreshold(double value) {
    return new DetectorConfig(minEvidence, maxWidthFraction, minStrength, resolution, minSupport,
        maxCandidates, logDecades, value, spikeWindowFraction, growthFactor, mergeFraction,
        mergeIntervals);
  }

  private static void positive(String name, double v) {
    if (!(v > 0.0) || !Double.isFinite(v)) {
      throw new ShockDetectionException(name + " must be positive and finite, got " + v);
    }
  }

  private static void nonNegative(String name, double v) {
    if (!(v >= 0.0) || !Double.isFinite(v)) {
      throw new ShockDetectionException(name + " must be non-negative and finite, got " + v);
    }
  }
}
