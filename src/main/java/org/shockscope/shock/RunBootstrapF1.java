package org.shockscope.shock;

import java.util.List;
import org.shockscope.RunBootstrap;

/**
 * A percentile bootstrap interval for the pooled F1 of a set of runs (Efron &amp; Tibshirani
 * 1993, ch. 13): the runs are resampled with replacement, each replicate's F1 is pooled from its
 * runs' counts, {@code 2·ΣTP / (2·ΣTP + ΣFP + ΣFN)}, and the interval is the replicates'
 * (α/2, 1 − α/2) quantiles: {@link RunBootstrap#ratio} with num = 2·TP and den = 2·TP + FP + FN.
 *
 * <p>Runs, not events, are resampled: a run's events are not independent (a mistimed catapult
 * episode is one false positive and one false negative; a run whose detector state went wrong
 * misses several modes), so an interval that resampled events would be too narrow. With a few
 * dozen runs in a regime bin the interval is wide, and two detectors or two builds whose point
 * figures differ by less than it are not told apart by that bin.
 *
 * <p>Deterministic: the same counts and seed give the same interval. Runs with no true and no
 * detected event count as drawn (they take a place in the resample) and add nothing.
 */
public final class RunBootstrapF1 {
  /** Replicates drawn: the 2.5% and 97.5% quantiles then rest on 50 replicates each. */
  public static final int REPLICATES = RunBootstrap.REPLICATES;
  /** Seed of the resampling, fixed so that a report is reproducible. */
  public static final long SEED = RunBootstrap.SEED;

  private RunBootstrapF1() {}

  /**
   * The interval [low, high] of the pooled F1 at confidence 1 − alpha, or {NaN, NaN} when there
   * are no runs or no replicate has an event.
   *
   * @param tallies the runs' counts
   * @param alpha   in (0, 1), e.g. 0.05 for a 95% interval
   */
  public static double[] interval(List<DetectorEvaluation.RunTally> tallies, double alpha) {
    int n = tallies.size();
    int[] tp = new int[n];
    int[] fp = new int[n];
    int[] fn = new int[n];
    for (int i = 0; i < n; i++) {
      DetectorEvaluation.RunTally t = tallies.get(i);
      tp[i] = t.truePositives();
      fp[i] = t.falsePositives();
      fn[i] = t.falseNegatives();
    }
    return interval(tp, fp, fn, alpha, REPLICATES, SEED);
  }

  /**
   * As {@link #interval(List, double)} on per-run counts, with the number of replicates and the
   * seed given.
   *
   * @throws IllegalArgumentException on arrays of different lengths, a negative count, alpha
   *                                  outside (0, 1) or fewer than one replicate
   */
  public static double[] interval(int[] tp, int[] fp, int[] fn, double alpha, int replicates,
                                  long seed) {
    int n = tp.length;
    if (fp.length != n || fn.length != n) {
      throw new IllegalArgumentException("per-run counts of different lengths: " + n + " TP, "
          + fp.length + " FP, " + fn.length + " FN");
    }
    for (int i = 0; i < n; i++) {
      if (tp[i] < 0 || fp[i] < 0 || fn[i] < 0) {
        throw new IllegalArgumentException("run " + i + " has a negative count");
      }
    }
    long[] num = new long[n];
    long[] den = new long[n];
    for (int i = 0; i < n; i++) {
      num[i] = 2L * tp[i];
      den[i] = 2L * tp[i] + fp[i] + fn[i];
    }
    return RunBootstrap.ratio(num, den, alpha, replicates, seed);
  }
}
