package org.shockscope.shock;

import org.shockscope.OrderStatistics;
import org.shockscope.StepIndex;

/**
 * Means over consecutive blocks of a per-sample loss whose exact zeros are scattered among its
 * positive values.
 *
 * <p>A loss logged for one example at a time (batch 1, online SGD) is exactly zero on each
 * example the network fits (a squared error of a ReLU network where teacher and student are both
 * inactive, a hinge or margin loss met) and positive on the next. Such a series is two
 * populations, not a level with noise: a rolling median sits on the zeros (or on the tiny
 * values beside them), a median absolute deviation measures nothing, and every positive sample
 * stands out as a spike, on the log scale (zeros held at the floor) or on the linear one. The
 * mean over a block of B samples is what a trainer logs when it logs every B steps: a level
 * with noise again. B is the smallest block in which all samples are zero with probability
 * below {@value #ALL_ZERO_CHANCE} (z^B, z the share of zeros), at least 2 and at most
 * {@value #MAX_BLOCK}; each mean is placed at its block's last step.
 *
 * <p>A spike of the means must be carried by its samples rising together ({@link #samplesRise}):
 * a block mean also stands out when one rare example's loss does (an online student's per-sample
 * loss has samples 100 times its running level), while a bounce of the network raises every
 * sample for as long as it lasts.
 *
 * <p>Only loss-like series qualify: non-negative, most zeros after the largest value (an
 * accuracy rising from zero keeps its samples), and some value above the resolution floor after
 * a zero (a loss that underflowed to zero and stays there keeps its samples too).
 */
final class PerSampleMeans {
  /** Chance that a block holds no positive sample. */
  static final double ALL_ZERO_CHANCE = 1e-3;
  /** Largest block, in samples. */
  static final int MAX_BLOCK = 32;
  /** Quantile of the neighbouring samples that a rising sample exceeds. */
  static final double RISE_QUANTILE = 0.99;
  /** Chance, for independent samples, of as many above that quantile, under which they rose. */
  static final double RISE_CHANCE = 1e-3;
  /** Fewest neighbouring samples the quantile is taken from; with fewer a spike stands. */
  static final int MIN_REFERENCE = 100;
  /** Neighbouring samples on each side of a spike, in blocks (at least MIN_REFERENCE). */
  static final int REFERENCE_BLOCKS = 16;

  private final long[] steps;
  private final double[] values;
  private final int block;

  private PerSampleMeans(long[] steps, double[] values, int block) {
    this.steps = steps;
    this.values = values;
    this.block = block;
  }

  /** Steps of the block means: each block's last step, increasing. */
  long[] steps() {
    return steps;
  }

  /** The block means, in the series' units. */
  double[] values() {
    return values;
  }

  /**
   * Whether the samples behind the block means from step {@code lo} to step {@code hi} rose
   * together: k of the N samples from the first sample of the block ending at {@code lo} to the
   * last of the block ending at {@code hi} stand above the {@link #RISE_QUANTILE} quantile q of
   * the samples around them (up to max({@link #MIN_REFERENCE}, {@link #REFERENCE_BLOCKS} blocks)
   * on each side), and P(Binomial(N, 1 − {@link #RISE_QUANTILE}) ≥ k) &lt;
   * {@link #RISE_CHANCE}: independent examples put that many above q by chance that rarely.
   * True when fewer than {@link #MIN_REFERENCE} samples surround the span (no judgement).
   *
   * @param given  the series' steps, as given to {@link #of}
   * @param logged the series' values, as given to {@link #of}
   * @param lo     a block mean's step
   * @param hi     a later (or the same) block mean's step
   */
  boolean samplesRise(long[] given, double[] logged, long lo, long hi) {
    int n = given.length;
    int first = Math.max(0, at(given, lo) - block + 1);
    int last = Math.min(n - 1, at(given, hi));
    int reach = Math.max(MIN_REFERENCE, REFERENCE_BLOCKS * block);
    int from = Math.max(0, first - reach);
    int to = Math.min(n, last + 1 + reach);
    int count = (first - from) + (to - last - 1);
    if (count < MIN_REFERENCE || last < first) {
      return true;
    }
    double[] around = new double[count];
    int m = 0;
    for (int i = from; i < first; i++) {
      around[m++] = logged[i];
    }
    for (int i = last + 1; i < to; i++) {
      around[m++] = logged[i];
    }
    double q = OrderStatistics.select(around, m, (int) Math.floor(RISE_QUANTILE * (m - 1)));
    int above = 0;
    for (int i = first; i <= last; i++) {
      above += logged[i] > q ? 1 : 0;
    }
    return binomialTail(last - first + 1, 1.0 - RISE_QUANTILE, above) < RISE_CHANCE;
  }

  /** P(X ≥ k) for X ~ Binomial(n, p), 0 &lt; p &lt; 1. */
  static double binomialTail(int n, double p, int k) {
    if (k <= 0) {
      return 1.0;
    }
    if (k > n) {
      return 0.0;
    }
    double pmf = Math.pow(1.0 - p, n);
    double below = 0.0;
    for (int j = 0; j < k; j++) {
      below += pmf;
      pmf *= (double) (n - j) / (j + 1) * p / (1.0 - p);
    }
    return Math.max(0.0, 1.0 - below);
  }

  /** Index of {@code step} in the increasing {@code steps}, or of the last before it; 0 if none. */
  private static int at(long[] steps, long step) {
    return Math.max(0, StepIndex.lastAtOrBefore(steps, step));
  }

  /**
   * The block means of the series when its zeros are scattered among positive values above
   * {@code floor}, else null.
   *
   * @param steps      strictly increasing steps
   * @param values     the series; one that is negative or not finite anywhere (a divergence) is
   *                   left alone
   * @param floor      the series' resolution floor: a zero followed by a value above it is
   *                   scattered, one followed by values at or below it only is an underflow
   * @param minSamples fewest block means worth analysing: fewer make the block smaller, and a
   *                   series with fewer than twice as many samples is left alone
   */
  static PerSampleMeans of(long[] steps, double[] values, double floor, int minSamples) {
    int n = values.length;
    double largest = 0.0;
    int top = -1;
    for (int i = 0; i < n; i++) {
      double v = values[i];
      if (!(v >= 0.0) || Double.isInfinite(v)) {
        return null;
      }
      if (v > largest) {
        largest = v;
        top = i;
      }
    }
    int zeros = 0;
    int zerosBeforeTop = 0;
    boolean scattered = false;
    for (int i = 0; i < n; i++) {
      if (values[i] == 0.0) {
        zeros++;
        zerosBeforeTop += i < top ? 1 : 0;
      } else if (zeros > 0 && values[i] > floor) {
        scattered = true;
      }
    }
    if (top < 0 || !scattered || 2 * zerosBeforeTop >= zeros) {
      return null;
    }
    double share = (double) zeros / n;
    int block = (int) Math.ceil(Math.log(ALL_ZERO_CHANCE) / Math.log(share));
    // a series too short for minSamples means of two samples each is left as it is
    block = Math.min(Math.min(MAX_BLOCK, Math.max(2, block)), n / Math.max(1, minSamples));
    if (block < 2) {
      return null;
    }
    int m = n / block;
    long[] s = new long[m];
    double[] v = new double[m];
    // the blocks end at the series' last sample, so a loss's last logged steps stay in
    int offset = n - m * block;
    for (int b = 0; b < m; b++) {
      double sum = 0.0;
      int from = offset + b * block;
      for (int i = from; i < from + block; i++) {
        sum += values[i];
      }
      s[b] = steps[from + block - 1];
      v[b] = sum / block;
    }
    return new PerSampleMeans(s, v, block);
  }
}
