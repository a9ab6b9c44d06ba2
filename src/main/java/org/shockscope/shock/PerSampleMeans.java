package org.shockscope.shock;

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
 * <p>Only loss-like series qualify: non-negative, most zeros after the largest value (an
 * accuracy rising from zero keeps its samples), and some value above the resolution floor after
 * a zero (a loss that underflowed to zero and stays there keeps its samples too).
 */
final class PerSampleMeans {
  /** Chance that a block holds no positive sample. */
  static final double ALL_ZERO_CHANCE = 1e-3;
  /** Largest block, in samples. */
  static final int MAX_BLOCK = 32;

  private final long[] steps;
  private final double[] values;

  private PerSampleMeans(long[] steps, double[] values) {
    this.steps = steps;
    this.values = values;
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
    return new PerSampleMeans(s, v);
  }
}
