package org.shockscope.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds recovered loss spikes in a trajectory: an excursion starts when the loss exceeds
 * {@link #RISE} times the lowest loss seen before it and ends at the first later value back at
 * or below that bound, or back down by half of its rise on a log scale (a catapult may leave the
 * loss in a basin above its old level, from where later rises are measured); it counts only if
 * it ends (an excursion running into a divergence or the
 * end of the run is not a recovered spike). Its step is that of its peak. Values below
 * {@link #FLOOR} times the first value are rounding noise of a converged run and never open an
 * excursion.
 *
 * <p>An excursion that never recovers is a level change, not a spike ({@link Rise}): a catapult
 * that throws the loss out of its basin by decades into a flatter one where it stays (issue 12:
 * a lasting change of level is a jump). It counts when the loss holds its new level, the
 * median of the excursion, at least {@link #HOLD} times as long as it took to reach it; an
 * exponential blow-up caught by the run's end or its divergence reaches its median halfway and
 * holds it no longer than it rose.
 */
final class SpikeScan {
  /** Rise over the running minimum that opens (and whose undoing closes) an excursion. */
  static final double RISE = 2.0;
  /** Relative loss level under which rises are floating-point noise, not spikes. */
  static final double FLOOR = 1e-8;
  /**
   * Steps within which another excursion makes a one-step excursion part of an oscillation
   * ({@link #flip}).
   */
  static final int OSCILLATION_GAP = 8;
  /** How many times its rise an unrecovered excursion must hold its level to be a jump. */
  static final double HOLD = 4.0;

  /**
   * One recovered spike.
   *
   * @param startStep first step above the bound
   * @param peakStep  step of the largest value
   * @param endStep   first step back at or below the bound
   * @param baseline  the running minimum before the spike
   * @param peak      the largest value
   */
  record Spike(int startStep, int peakStep, int endStep, double baseline, double peak) {}

  /**
   * An excursion that did not recover and held its new level: a jump of the loss.
   *
   * @param startStep first step above the bound
   * @param step      first step at or above √(baseline·level), the rise's centre on the log
   *                  scale
   * @param width     tanh width of the rise on the log scale, in steps, from the steps it passes
   *                  a quarter and three quarters of it ({@link Crossings#tanhWidth})
   * @param baseline  the running minimum before the rise
   * @param level     the median of the loss's finite values over the excursion
   */
  record Rise(int startStep, int step, double width, double baseline, double level) {}

  private SpikeScan() {}

  /**
   * What one pass over a series finds: its recovered spikes, its held rise (or null), and
   * whether it ends in an excursion (held or not: a blow-up).
   */
  private record Scan(List<Spike> spikes, Rise rise, boolean open) {}

  /** The recovered spikes of {@code s}, in order. */
  static List<Spike> find(StepSeries s) {
    return scan(s, false).spikes();
  }

  /**
   * The excursion of {@code s} that runs into its end without recovering, when it holds its
   * level (see the class comment), or null.
   */
  static Rise unrecovered(StepSeries s) {
    return scan(s, true).rise();
  }

  /** One pass over {@code s}; the held rise is measured only when {@code withRise}. */
  private static Scan scan(StepSeries s, boolean withRise) {
    double[] v = s.values();
    int[] steps = s.steps();
    List<Spike> out = new ArrayList<>();
    Rise held = null;
    if (v.length == 0) {
      return new Scan(out, null, false);
    }
    boolean open = false;
    double floor = FLOOR * Math.abs(v[0]);
    double runningMin = v[0];
    int i = 1;
    while (i < v.length) {
      double bound = Math.max(RISE * runningMin, floor);
      if (!(v[i] <= bound)) {
        int peak = i;
        int j = i;
        while (j < v.length && !(v[j] <= bound) && !recovered(v[j], v[peak], bound, j > peak)) {
          if (v[j] > v[peak] || !Double.isFinite(v[j])) {
            peak = j;
          }
          j++;
        }
        if (j == v.length) {
          open = true;
          if (withRise) {
            held = rise(steps, v, i, runningMin);
          }
          break;
        }
        out.add(new Spike(steps[i], steps[peak], steps[j], runningMin, v[peak]));
        // The loss may settle above the old bound after a catapult (a new, flatter basin at a
        // higher loss); later rises are measured from where it settled.
        runningMin = v[j];
        i = j;
      }
      runningMin = Math.min(runningMin, v[i]);
      i++;
    }
    return new Scan(out, held, open);
  }

  /** The rise of the excursion starting at index {@code i}, or null when it holds no level. */
  private static Rise rise(int[] steps, double[] v, int i, double baseline) {
    double[] finite = Arrays.stream(v, i, v.length).filter(Double::isFinite).sorted().toArray();
    if (finite.length == 0 || !(baseline > 0.0)) {
      return null;
    }
    double level = finite[finite.length / 2];
    int reached = Crossings.firstAtOrAbove(v, i, level);
    int from = steps[i - 1];
    if (steps[v.length - 1] - steps[reached] < HOLD * (steps[reached] - from)) {
      return null;
    }
    double[] logs = new double[v.length];
    for (int k = 0; k < v.length; k++) {
      logs[k] = Math.log(v[k]);
    }
    double lo = Math.log(baseline);
    double span = Math.log(level) - lo;
    int centre = Crossings.firstAtOrAbove(logs, i - 1, lo + 0.5 * span);
    int q1 = Crossings.firstAtOrAbove(logs, i - 1, lo + 0.25 * span);
    int q3 = Crossings.firstAtOrAbove(logs, i - 1, lo + 0.75 * span);
    double width = Crossings.tanhWidth(
        Crossings.interpolatedStep(steps, logs, q1, lo + 0.25 * span),
        Crossings.interpolatedStep(steps, logs, q3, lo + 0.75 * span));
    return new Rise(steps[i], steps[centre], Math.max(width, 1.0), baseline, level);
  }

  /**
   * Whether a value after the peak has come back from it: down to the bound, or by at least
   * half of the rise on a log scale (below √(peak·bound)).
   */
  private static boolean recovered(double v, double peak, double bound, boolean afterPeak) {
    return afterPeak && Double.isFinite(peak) && v <= Math.sqrt(peak * bound);
  }

  /**
   * Whether {@code s} settles between steps {@code from} (a spike's end) and {@code to} (the
   * next one's start): some stretch of its samples there, from one sample up to the first
   * later one more than √{@link #RISE} above the lowest value since and above the
   * {@link #FLOOR} (or up to {@code to}), spans at least {@code span} steps. Half the rise that
   * opens an excursion on the log scale, as for its recovery: a loss oscillating by a factor 1.7
   * from step to step (a period-2 orbit at the edge of stability) or chaotically never settles,
   * although its excursions over the running minimum, measured anew after each one, may lie
   * hundreds of steps apart; a loss decaying after a catapult settles at once.
   */
  static boolean settles(StepSeries s, int from, int to, int span) {
    int[] steps = s.steps();
    double[] v = s.values();
    int a = atOrAfter(steps, from);
    int b = atOrAfter(steps, to);
    if (a >= v.length) {
      return false;
    }
    double floor = FLOOR * Math.abs(v[0]);
    double low = v[a];
    for (int m = a + 1; m <= Math.min(b, v.length - 1); m++) {
      if (m == b || !(v[m] <= Math.max(Math.sqrt(RISE) * low, floor))) {
        if (Math.min(steps[m], to) - steps[a] >= span) {
          return true;
        }
        a = m;
        low = v[m];
      } else {
        low = Math.min(low, v[m]);
      }
    }
    return false;
  }

  /** The index of the first of {@code steps} at or after {@code step} (their length when none). */
  private static int atOrAfter(int[] steps, int step) {
    int k = Arrays.binarySearch(steps, step);
    return k >= 0 ? k : -k - 1;
  }

  /**
   * Whether spike k of a loss recorded at every step is the high phase of an oscillation: above
   * its bound for one step, with another excursion ending or starting within
   * {@link #OSCILLATION_GAP} steps of it. At the edge of stability a flip (period-2) or chaotic
   * orbit puts the loss above twice its running minimum every few steps for one step at a time
   * (a randomized catapult of seed 903: ~1,900 such excursions, 99% of them within 13 steps of
   * the previous one); sampled every 25 steps it looks like a train of ×3 spikes. A catapult grows
   * over several steps before it turns; an isolated one-step bounce (Adam's at a converged loss)
   * is a spike.
   */
  static boolean flip(List<Spike> spikes, int k) {
    Spike sp = spikes.get(k);
    if (sp.endStep() - sp.startStep() > 1) {
      return false;
    }
    return k > 0 && sp.startStep() - spikes.get(k - 1).endStep() <= OSCILLATION_GAP
        || k + 1 < spikes.size() && spikes.get(k + 1).startStep() - sp.endStep() <= OSCILLATION_GAP;
  }

  /**
   * The spikes of {@code s} (a loss recorded at every step) but the high phases of an
   * oscillation ({@link #flip}), and its unrecovered rise, as truth rows of series {@code loss}.
   */
  static List<TruthEvent> truth(String runId, Family family, StepSeries s) {
    return truth(runId, family, s, true);
  }

  /**
   * As {@link #truth(String, Family, StepSeries)}, the spikes only when {@code withSpikes}: a
   * minibatch run's loss over its whole data set bounces by its gradient noise, ×2 over a
   * running minimum without any event (batch-1 SGD on a noisy decay, ×5–×11). Either way the
   * run's last excursion, when the loss comes back from it but never again within
   * {@link #RISE} of its baseline and does not leave again, is a rise (a jump of the loss, as
   * {@link #unrecovered}), not a spike: a catapult whose peak kills the ReLU units comes back by
   * half its rise on the log scale, to a loss at its initial level, and stays there, a lasting
   * change of level (issue 12 keeps "spike" for excursions that return to their baseline);
   * logged every few steps it shows no spike at all, only the rise. An excursion followed by
   * others, or by a blow-up, is the start of a train or of a divergence, not a new level.
   */
  static List<TruthEvent> truth(String runId, Family family, StepSeries s, boolean withSpikes) {
    List<TruthEvent> out = new ArrayList<>();
    Scan scan = scan(s, true);
    List<Spike> spikes = scan.spikes();
    for (int k = 0; k < spikes.size(); k++) {
      Spike sp = spikes.get(k);
      Rise left = k == spikes.size() - 1 && !scan.open() ? leftForGood(s, sp) : null;
      if (left != null) {
        out.add(riseRow(runId, family, left));
        continue;
      }
      if (!withSpikes || flip(spikes, k)) {
        continue;
      }
      out.add(new TruthEvent(runId, family, TruthEvent.SPIKE, "loss", sp.peakStep(),
          TruthEvent.MEASURED, Double.NaN,
          "loss rose from baseline " + sp.baseline() + " to " + sp.peak() + " (x"
              + Math.round(sp.peak() / sp.baseline()) + "), above " + RISE + " x baseline from step "
              + sp.startStep() + " to " + sp.endStep() + " (duration "
              + (sp.endStep() - sp.startStep()) + " steps)"));
    }
    Rise r = scan.rise();
    if (r != null) {
      out.add(riseRow(runId, family, r));
    }
    return out;
  }

  /**
   * A recovered spike after which the loss never again comes within {@link #RISE} of its
   * baseline, as the rise from that baseline to the level the loss holds from its start on
   * ({@link #rise}), or null. The run must go on for {@link #HOLD} times the spike's duration
   * after it, and for a twentieth of its steps: a spike near the run's end that the loss has
   * not yet come down from shows no new level.
   */
  private static Rise leftForGood(StepSeries s, Spike sp) {
    int[] steps = s.steps();
    double[] v = s.values();
    int last = steps[steps.length - 1];
    if (last - sp.endStep() < Math.max(HOLD * (sp.endStep() - sp.startStep()),
        (last - steps[0]) / 20.0)) {
      return null;
    }
    double after = Double.POSITIVE_INFINITY;
    for (int k = Arrays.binarySearch(steps, sp.endStep()); k < v.length; k++) {
      after = Math.min(after, v[k]);
    }
    return after > RISE * sp.baseline()
        ? rise(steps, v, Arrays.binarySearch(steps, sp.startStep()), sp.baseline()) : null;
  }

  private static TruthEvent riseRow(String runId, Family family, Rise r) {
    return new TruthEvent(runId, family, TruthEvent.JUMP, "loss", r.step(),
        TruthEvent.MEASURED, r.width(),
        "loss left its basin at step " + r.startStep() + " (above " + RISE + " x baseline "
            + r.baseline() + ") and did not come back: it held the excursion's median level "
            + r.level() + " to the end of the run, at least " + HOLD + " x as long as it took to "
            + "reach it; first step at or above sqrt(baseline x level)");
  }
}
