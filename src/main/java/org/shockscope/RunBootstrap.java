package org.shockscope;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A percentile bootstrap interval for a pooled ratio of per-run counts, {@code Σnum / Σden}
 * (Efron &amp; Tibshirani 1993, ch. 13): the runs are resampled with replacement, each
 * replicate's ratio is pooled from its runs' counts, and the interval is the replicates'
 * (α/2, 1 − α/2) quantiles ({@link Quantiles}: linear interpolation, Hyndman &amp; Fan type 7).
 * The evaluation's F1 (num = 2·TP, den = 2·TP + FP + FN) and its forecast shares (num = jumps
 * forecast on time, den = jumps) are such ratios.
 *
 * <p>Runs, not events, are resampled: a run's events are not independent (a run whose detector
 * or forecaster state went wrong misses several of them), so an interval that resampled events
 * would be too narrow. Deterministic: the same counts, replicates and seed give the same
 * interval. Replicates whose resampled runs have no denominator are left out.
 */
public final class RunBootstrap {
  /** Replicates drawn by default: the 2.5% and 97.5% quantiles then rest on 50 each. */
  public static final int REPLICATES = 2000;
  /** Default seed of the resampling, fixed so that a report is reproducible. */
  public static final long SEED = 20261206L;

  private RunBootstrap() {}

  /**
   * The interval [low, high] of {@code Σnum / Σden} at confidence 1 − alpha; {NaN, NaN} when
   * there are no runs or no replicate has a denominator.
   *
   * @param num        per run, the numerator's count (not modified)
   * @param den        per run, the denominator's count (not modified)
   * @param alpha      in (0, 1), e.g. 0.05 for a 95% interval
   * @param replicates resamples drawn, at least 1
   * @param seed       seed of the resampling
   * @throws IllegalArgumentException on arrays of different lengths, a negative count, alpha
   *                                  outside (0, 1) or fewer than one replicate
   */
  public static double[] ratio(long[] num, long[] den, double alpha, int replicates,
                               long seed) {
    int n = num.length;
    if (den.length != n) {
      throw new IllegalArgumentException("per-run counts of different lengths: " + n
          + " numerators, " + den.length + " denominators");
    }
    if (!(alpha > 0 && alpha < 1) || replicates < 1) {
      throw new IllegalArgumentException("alpha must be in (0, 1) and replicates >= 1, got "
          + alpha + " and " + replicates);
    }
    for (int i = 0; i < n; i++) {
      if (num[i] < 0 || den[i] < 0) {
        throw new IllegalArgumentException("run " + i + " has a negative count");
      }
    }
    double[] ratios = new double[replicates];
    int defined = 0;
    if (n > 0) {
      SplittableRandom random = new SplittableRandom(seed);
      for (int b = 0; b < replicates; b++) {
        long top = 0;
        long bottom = 0;
        for (int k = 0; k < n; k++) {
          int i = random.nextInt(n);
          top += num[i];
          bottom += den[i];
        }
        if (bottom > 0) {
          ratios[defined++] = (double) top / bottom;
        }
      }
    }
    Quantiles q = Quantiles.of(Arrays.copyOf(ratios, defined));
    return new double[] {q.at(alpha / 2), q.at(1 - alpha / 2)};
  }
}
