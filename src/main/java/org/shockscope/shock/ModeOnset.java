package org.shockscope.shock;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A mode switched on within the first checkpoints of a run: a singular value that starts from a
 * small initialisation and reaches its plateau before the jump search has the samples it needs
 * on both sides of a front ({@link DetectorConfig#minSupport}). A deep linear network learns its
 * strongest mode after a time ∝ ln(1/u₀)/s₁; in a run checkpointed 30 times that can fall before
 * the third checkpoint, and the front is then seen as the series' first samples only.
 *
 * <p>Rule, on a mode series of an invariant map ({@link #isMode}) of at least
 * {@link #FIRST_PLATEAU} + {@link #PLATEAU_SAMPLES} samples: the plateau P is the median of
 * samples {@link #FIRST_PLATEAU} … {@link #FIRST_PLATEAU} + {@link #PLATEAU_SAMPLES} − 1, all
 * within a factor {@link #PLATEAU_SPREAD} of P (the mode has arrived, it is not still rising);
 * the first sample is at most {@link #START_FRACTION}·P (a rise of ten times: from the
 * initialisation's scale, not a norm that settles); the onset is where the series first crosses
 * P/2, at sample 2 or 3 (the low level seen at least twice), interpolated linearly between the samples
 * around it. The event is a jump from the first sample to P, its width one sampling interval
 * (unresolved).
 */
final class ModeOnset {
  /** Index of the first sample of the plateau. */
  static final int FIRST_PLATEAU = 4;
  /** Samples of the plateau. */
  static final int PLATEAU_SAMPLES = 5;
  /** Largest ratio of a plateau sample to P, either way. */
  static final double PLATEAU_SPREAD = 1.25;
  /** Largest first sample, as a fraction of P. */
  static final double START_FRACTION = 0.1;

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

  /**
   * The onset jump of a mode series, or null.
   *
   * @param steps strictly increasing; values finite where used
   */
  static ShockEvent find(String series, String group, long[] steps, double[] values, int n) {
    if (n < FIRST_PLATEAU + PLATEAU_SAMPLES) {
      return null;
    }
    double[] plateau = Arrays.copyOfRange(values, FIRST_PLATEAU, FIRST_PLATEAU + PLATEAU_SAMPLES);
    for (double v : plateau) {
      if (!(v > 0.0) || !Double.isFinite(v)) {
        return null;
      }
    }
    Arrays.sort(plateau);
    double p = plateau[PLATEAU_SAMPLES / 2];
    if (plateau[0] < p / PLATEAU_SPREAD || plateau[PLATEAU_SAMPLES - 1] > p * PLATEAU_SPREAD
        || !(Math.abs(values[0]) <= START_FRACTION * p)) {
      return null;
    }
    double half = 0.5 * p;
    // The low level must be seen twice: a rise complete by the first checkpoint after the
    // initialisation is the run's start, not a transition the samples show.
    for (int k = 1; k < FIRST_PLATEAU; k++) {
      if (!Double.isFinite(values[k])) {
        return null;
      }
      if (values[k] >= half) {
        if (k < 2) {
          return null;
        }
        double f = (half - values[k - 1]) / (values[k] - values[k - 1]);
        long step = steps[k - 1] + Math.round(Math.max(0.0, Math.min(1.0, f))
            * (steps[k] - steps[k - 1]));
        double jump = p - values[0];
        return new ShockEvent(series, group, ShockEvent.JUMP, step, steps[k - 1], steps[k],
            values[0], p, jump, steps[k] - steps[k - 1],
            Math.abs(jump) * (steps[k] - steps[k - 1]) / 4.0, Double.NaN, 1.0);
      }
    }
    return null;
  }
}
