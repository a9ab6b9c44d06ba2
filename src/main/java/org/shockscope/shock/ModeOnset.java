package org.shockscope.shock;

import java.util.Arrays;
import java.util.regex.Pattern;
import org.shockscope.LeastSquaresLine;

/**
 * A mode switched on from a small initialisation at the start of a run: a singular value of an
 * invariant map that starts near zero, rises and settles on a plateau, with the rise beginning
 * at the run's first checkpoints. A deep linear network learns its strongest mode after a time
 * ∝ ln(1/u₀)/s₁, which can fall within the first checkpoints of a run; the jump search then
 * sees a front that runs into the series' start and sets it aside as the initial transient
 * ({@link JumpFinder}), which for most series it is. For the modes of an invariant map it is
 * the learning of the mode, the event the theory predicts.
 *
 * <p>Rule, on a mode series of an invariant map ({@link #isMode}):
 * <ol>
 *   <li>the plateau is the first window of {@link #PLATEAU_SAMPLES} samples, starting at sample
 *       {@link #FIRST_PLATEAU} or later, whose median P is at least sample 0 over
 *       {@link #START_FRACTION} (a rise of ten times from the initialisation's scale, not a
 *       norm that settles; windows still at that scale are passed over), whose values lie
 *       within a factor {@link #PLATEAU_SPREAD} of P either way and whose first and last values
 *       differ by at most {@link #PLATEAU_DRIFT}·P (the mode has arrived; a series still rising
 *       slowly has no plateau); P is then the median of the last {@link #PLATEAU_SAMPLES}
 *       samples of the stretch from there that stays within that band (a mode saturates
 *       slowly);</li>
 *   <li>the onset is where the series first crosses P/2, at sample 2 or later (below half seen
 *       twice: a rise complete by the first checkpoint is the run's start, not a transition
 *       the samples show), interpolated linearly; the front's lower and upper steps are the samples
 *       around the P/4 and 3P/4 crossings, its width w = (t₃/₄ − t₁/₄)/(2·artanh ½), the tanh
 *       profile's, at least one sampling interval, and at most maxWidthFraction of the span
 *       (else the rise is the run's slow drift, not a front);</li>
 *   <li>the mode has bent over by the run's end: the slope of the samples from the 3P/4
 *       crossing on is at most {@link #MAX_TAIL_SLOPE_RATIO} of the slope between the P/4 and
 *       3P/4 crossings (a mode still climbing when the run stops has no plateau in the data).</li>
 * </ol>
 */
final class ModeOnset {
  /** Index of the earliest first sample of the plateau. */
  static final int FIRST_PLATEAU = 4;
  /** Samples of the plateau. */
  static final int PLATEAU_SAMPLES = 5;
  /** Largest ratio of a plateau sample to P, either way. */
  static final double PLATEAU_SPREAD = 1.25;
  /** Largest change from the plateau's first sample to its last, as a fraction of P. */
  static final double PLATEAU_DRIFT = 0.1;
  /** Largest value of sample 0, as a fraction of P. */
  static final double START_FRACTION = 0.1;
  /** Largest slope after the 3P/4 crossing, relative to the slope between P/4 and 3P/4. */
  static final double MAX_TAIL_SLOPE_RATIO = 0.75;
  /** t₃/₄ − t₁/₄ of a tanh front, in widths: 2·artanh(1/2) = ln 3. */
  private static final double QUARTILE_WIDTHS = Math.log(3.0);

  /** Mode series of an invariant map: the end-to-end product of a chain, a head's circuits. */
  private static final Pattern MODE =
      Pattern.compile("(.*/)?(end_to_end|head\\d+\\.(qk|ov))/sv\\d+");

  private ModeOnset() {}

  /**
   * Whether the series is a mode series of an invariant map ({@code end_to_end/sv<i>},
   * {@code head<h>.qk/sv<i>}, {@code head<h>.ov/sv<i>}). The modes of a network's function
   * live there; a balanced layer's values rise with them, and alone, at a run's first
   * checkpoints, they are the weights leaving a small initialisation (which every layer of every
   * network does), not a mode being learned.
   */
  static boolean isMode(String series) {
    return MODE.matcher(series).matches();
  }

  /** Whether an event is a mode onset found by this rule (a jump of a mode series, unresolved strength). */
  static boolean isOnset(ShockEvent e) {
    return ShockEvent.JUMP.equals(e.kind()) && Double.isNaN(e.strength()) && isMode(e.series());
  }

  /**
   * The onset jump of a mode series, or null.
   *
   * @param steps            strictly increasing; values finite where used
   * @param maxWidthFraction largest width w as a fraction of the series' span of steps
   */
  static ShockEvent find(String series, String group, long[] steps, double[] values, int n,
                         double maxWidthFraction) {
    double p = plateau(values, n, Math.abs(values[0]) / START_FRACTION);
    if (!(p > 0.0) || !(Math.abs(values[0]) <= START_FRACTION * p)) {
      return null;
    }
    int half = crossing(values, n, 0.5 * p);
    if (half < 2) {
      return null;
    }
    int quarter = crossing(values, n, 0.25 * p);
    int upper = crossing(values, n, 0.75 * p);
    if (upper < 0 || !bendsOver(steps, values, n, quarter, upper)) {
      return null;
    }
    double gap = steps[half] - steps[half - 1];
    double width = Math.max(gap, (at(steps, values, upper, 0.75 * p)
        - at(steps, values, quarter, 0.25 * p)) / QUARTILE_WIDTHS);
    if (width > maxWidthFraction * (steps[n - 1] - steps[0])) {
      return null;
    }
    long step = Math.round(at(steps, values, half, 0.5 * p));
    double jump = p - values[0];
    return new ShockEvent(series, group, ShockEvent.JUMP, step, steps[quarter - 1],
        steps[upper], values[0], p, jump, width, Math.abs(jump) * width / 4.0, Double.NaN, 1.0);
  }

  /**
   * Whether the mode has stopped rising by the series' end: the least-squares slope of the
   * samples from the 3P/4 crossing on is at most {@link #MAX_TAIL_SLOPE_RATIO} of the slope of
   * the samples from the P/4 crossing to the 3P/4 one. Densely checkpointed, a mode still climbing
   * at the run's end changes by a few percent a sample, so its last samples pass for a plateau
   * and P is where the run stopped, not where the mode settles; the onset at P/2 is then early
   * by a good part of the front's width. A logistic whose run ends at 95% of its plateau gives a
   * ratio of 0.47, at 88% 0.70 (P/2 then early by an eighth of the tanh width), at 80% 0.91
   * (early by a fifth). Passes when the tail holds fewer than three samples.
   */
  private static boolean bendsOver(long[] steps, double[] values, int n, int quarter,
                                   int upper) {
    if (n - upper < 3 || upper - quarter + 2 < 3) {
      return true;
    }
    double front = LeastSquaresLine.fit(steps, quarter - 1, steps[upper], values, quarter - 1,
        upper - quarter + 2).slope();
    double tail = LeastSquaresLine.fit(steps, upper, steps[upper], values, upper, n - upper)
        .slope();
    return !(tail > MAX_TAIL_SLOPE_RATIO * front);
  }

  /**
   * Median of the first flat window from FIRST_PLATEAU on whose median is at least
   * {@code least} (see the class rule), or NaN.
   */
  private static double plateau(double[] values, int n, double least) {
    double[] w = new double[PLATEAU_SAMPLES];
    for (int a = FIRST_PLATEAU; a + PLATEAU_SAMPLES <= n; a++) {
      boolean finite = true;
      for (int i = 0; i < PLATEAU_SAMPLES; i++) {
        w[i] = values[a + i];
        finite &= w[i] > 0.0 && Double.isFinite(w[i]);
      }
      if (!finite) {
        continue;
      }
      Arrays.sort(w);
      double p = w[PLATEAU_SAMPLES / 2];
      if (!(p >= least)) {
        // Still at the initialisation's scale: densely checkpointed, a mode growing from a
        // small initialisation (or from rest under momentum) changes by less than the band
        // over a window.
        continue;
      }
      if (w[0] >= p / PLATEAU_SPREAD && w[PLATEAU_SAMPLES - 1] <= p * PLATEAU_SPREAD
          && Math.abs(values[a + PLATEAU_SAMPLES - 1] - values[a]) <= PLATEAU_DRIFT * p) {
        // A mode saturates slowly: the level it settles on is where the stretch that stays
        // within the band ends, not where the band is first reached. Densely checkpointed, the
        // first flat window comes while the mode still climbs, so the band follows the level
        // of the stretch's end until that level holds.
        int end = a + PLATEAU_SAMPLES;
        double level = p;
        while (true) {
          while (end < n && values[end] >= level / PLATEAU_SPREAD
              && values[end] <= level * PLATEAU_SPREAD) {
            end++;
          }
          System.arraycopy(values, end - PLATEAU_SAMPLES, w, 0, PLATEAU_SAMPLES);
          Arrays.sort(w);
          double last = w[PLATEAU_SAMPLES / 2];
          if (end >= n || !(last > level)) {
            return last;
          }
          level = last;
        }
      }
    }
    return Double.NaN;
  }

  /** Index of the first sample at or above the level (≥ 1), or -1 when a value is not finite first. */
  private static int crossing(double[] values, int n, double level) {
    for (int k = 1; k < n; k++) {
      if (!Double.isFinite(values[k])) {
        return -1;
      }
      if (values[k] >= level) {
        return k;
      }
    }
    return -1;
  }

  /** Step where the line through samples k−1 and k reaches the level. */
  private static double at(long[] steps, double[] values, int k, double level) {
    double f = (level - values[k - 1]) / (values[k] - values[k - 1]);
    return steps[k - 1] + Math.max(0.0, Math.min(1.0, f)) * (steps[k] - steps[k - 1]);
  }
}
