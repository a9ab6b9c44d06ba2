package org.shockscope.forecast;

import org.shockscope.LeastSquaresLine;
import org.shockscope.OrderStatistics;
import org.shockscope.StepIndex;

/**
 * When a run's loss will have made half of its escape from a plateau on which the hidden units
 * of a layer were interchangeable. On the symmetric plateau of a soft-committee student
 * (Saad &amp; Solla, "On-line learning in soft committee machines", Phys. Rev. E 52, 4225, 1995)
 * the units' weight vectors coincide, so the layer's weight matrix has rank one: its lower
 * singular values rest on a floor. The plateau ends when the symmetric-breaking deviation,
 * growing as e^{λt}, reaches order one: those singular values leave their floor by orders of
 * magnitude within a checkpoint interval or two ({@link #splitIndex}), and only then does the
 * loss fall, since at the saddle the loss deviation is of second order in the deviation.
 *
 * <p>The checkpoints mark that a split has begun but are too sparse to time it; the loss,
 * logged between them, times the fall. With the plateau level J (the median of the last
 * {@value #PLATEAU_SAMPLES} logged losses at or before the split's checkpoint; the drop is
 * taken to go all the way down, as for a student that can realise its teacher), the drop
 * {@code δ(t) = J − loss(t)} of a logistic escape obeys {@code dδ/dt = r·δ·(1 − δ/J)}, so the
 * level δ and slope δ' now give its rate {@code r = δ' / (δ·(1 − δ/J))} and its midpoint
 * {@code t_s = t + ln(J/δ − 1) / r} (half the drop, the lab's and the profile's midpoint), tanh
 * width 2/r. δ and δ' are the least-squares line through the last {@value #FIT_SAMPLES} drops
 * (the per-sample loss of a trajectory on a plateau wanders; a line averages it), evaluated at
 * t; the forecast is made once δ is {@value #MIN_DROP} of J and until it is half of J. On a
 * noise-free logistic the line lags the curving drop (the midpoint comes out late by a third of
 * the time left at a drop of 15%, by a fifth at 38%); on the tuning labs' students, whose loss
 * wanders on the plateau, the first forecasts come out early instead.
 *
 * <p>Stateless static operations; arrays are inputs and are never modified, and only samples at
 * or before the given index are read.
 */
public final class EscapeForecast {
  /** How far above its floor a singular value must rise at a checkpoint to mark a split. */
  public static final double SPLIT_RISE = 100.0;
  /** Checkpoints on the floor before a split (its floor is a plateau, not one sample). */
  public static final int FLOOR_POINTS = 2;
  /** Most the floor's checkpoints may differ by, as a factor. */
  public static final double FLOOR_BAND = 2.0;
  /** Logged losses at or before the split's checkpoint whose median is the plateau level. */
  public static final int PLATEAU_SAMPLES = 30;
  /** Fewest logged losses before the split's checkpoint: a plateau must have been seen. */
  public static final int MIN_PLATEAU_SAMPLES = 8;
  /** Logged drops in the line that gives the drop's level and slope. */
  public static final int FIT_SAMPLES = 6;
  /** Share of the plateau level the loss must have dropped by before a forecast. */
  public static final double MIN_DROP = 0.15;

  private EscapeForecast() {}

  /**
   * The index of the latest checkpoint at or before {@code end} at which a singular value rose
   * from a floor: the latest i with {@code values[i] ≥ SPLIT_RISE·max(values[i−k..i−1])},
   * k = {@value #FLOOR_POINTS}, those k samples steady (their largest at most
   * {@value #FLOOR_BAND}× their smallest, which is &gt; 0). A value that wanders near zero and
   * climbs back over many intervals (a random walk of the weights) is no split: the symmetric
   * state is a floor, and its breaking grows by orders of magnitude within one interval.
   * −1 when there is none.
   *
   * @param values input, a singular value at the run's checkpoints
   * @param end    index of the last sample that may be read
   */
  public static int splitIndex(double[] values, int end) {
    for (int i = Math.min(end, values.length - 1); i >= FLOOR_POINTS; i--) {
      if (isSplit(values, i)) {
        return i;
      }
    }
    return -1;
  }

  /** Whether sample i ≥ {@value #FLOOR_POINTS} is a split as {@link #splitIndex} defines it. */
  static boolean isSplit(double[] values, int i) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (int j = i - FLOOR_POINTS; j < i; j++) {
      lo = Math.min(lo, values[j]);
      hi = Math.max(hi, values[j]);
    }
    return lo > 0 && hi <= FLOOR_BAND * lo && values[i] >= SPLIT_RISE * hi;
  }

  /**
   * The escape's midpoint forecast at loss index {@code end}, a split having begun at step
   * {@code splitStep}; null when the plateau before it is too short, the loss has not yet dropped
   * by {@value #MIN_DROP} of its plateau level or has already dropped by half, fewer than two
   * logged samples since the split, or the drop is not growing.
   *
   * @param steps     input, the loss's strictly increasing logged steps
   * @param loss      input, the loss
   * @param splitStep step of the checkpoint at which the split was seen ({@link #splitIndex})
   * @param end       index of the last loss sample that may be read
   * @throws IllegalArgumentException on an index out of range or arrays of different lengths
   */
  public static FrontForecast.Front at(long[] steps, double[] loss, long splitStep, int end) {
    if (end < 0 || end >= steps.length || steps.length != loss.length) {
      throw new IllegalArgumentException("index " + end + " out of range for " + steps.length
          + " steps and " + loss.length + " values");
    }
    int split = StepIndex.lastAtOrBefore(steps, splitStep);
    if (split + 1 < MIN_PLATEAU_SAMPLES || end <= split) {
      return null;
    }
    double level = plateau(loss, split);
    if (!(level > 0) || !Double.isFinite(loss[end])) {
      return null;
    }
    double drop = level - loss[end];
    if (!(drop >= MIN_DROP * level) || !(drop < 0.5 * level)) {
      return null;
    }
    int from = Math.max(split, end - FIT_SAMPLES + 1);
    int n = end - from + 1;
    if (n < 2) {
      return null;
    }
    double[] drops = new double[n];
    for (int i = from; i <= end; i++) {
      drops[i - from] = level - loss[i];
    }
    // the drops against the steps from the last one: the intercept is the drop now
    LeastSquaresLine line = LeastSquaresLine.fit(steps, from, steps[end], drops, 0, n);
    double slope = line.slope();
    double now = line.intercept();
    if (!(slope > 0) || !(now > 0) || !(now < 0.5 * level)) {
      return null;
    }
    double rate = slope / (now * (1 - now / level));
    double centre = steps[end] + Math.log(level / now - 1) / rate;
    return Double.isFinite(centre) && centre > steps[end]
        ? new FrontForecast.Front(centre, 2 / rate, level, Double.NaN) : null;
  }

  /** Median of the last {@value #PLATEAU_SAMPLES} finite losses at indices ≤ split. */
  private static double plateau(double[] loss, int split) {
    int from = Math.max(0, split - PLATEAU_SAMPLES + 1);
    double[] w = new double[split - from + 1];
    int n = 0;
    for (int i = from; i <= split; i++) {
      if (Double.isFinite(loss[i])) {
        w[n++] = loss[i];
      }
    }
    return OrderStatistics.medianInPlace(w, n);
  }
}
