package org.shockscope.lab;

import java.util.ArrayList;
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
 */
final class SpikeScan {
  /** Rise over the running minimum that opens (and whose undoing closes) an excursion. */
  static final double RISE = 2.0;
  /** Relative loss level under which rises are floating-point noise, not spikes. */
  static final double FLOOR = 1e-8;

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

  private SpikeScan() {}

  /** The recovered spikes of {@code s}, in order. */
  static List<Spike> find(StepSeries s) {
    double[] v = s.values();
    int[] steps = s.steps();
    List<Spike> out = new ArrayList<>();
    if (v.length == 0) {
      return out;
    }
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
    return out;
  }

  /**
   * Whether a value after the peak has come back from it: down to the bound, or by at least
   * half of the rise on a log scale (below √(peak·bound)).
   */
  private static boolean recovered(double v, double peak, double bound, boolean afterPeak) {
    return afterPeak && Double.isFinite(peak) && v <= Math.sqrt(peak * bound);
  }

  /** The spikes of {@code s} as truth rows of series {@code loss}. */
  static List<TruthEvent> truth(String runId, Family family, StepSeries s) {
    List<TruthEvent> out = new ArrayList<>();
    for (Spike sp : find(s)) {
      out.add(new TruthEvent(runId, family, TruthEvent.SPIKE, "loss", sp.peakStep(),
          TruthEvent.MEASURED, Double.NaN,
          "loss rose from baseline " + sp.baseline() + " to " + sp.peak() + " (x"
              + Math.round(sp.peak() / sp.baseline()) + "), above " + RISE + " x baseline from step "
              + sp.startStep() + " to " + sp.endStep() + " (duration "
              + (sp.endStep() - sp.startStep()) + " steps)"));
    }
    return out;
  }
}
