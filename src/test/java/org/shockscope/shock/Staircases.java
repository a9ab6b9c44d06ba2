package org.shockscope.shock;

import java.util.Random;

/**
 * Synthetic staircases (issue 12, point 2): 1–6 tanh fronts at random spacings, with random
 * widths, heights and noise, each front separated from the next by at least its width. A front
 * occupies t_k ± 2w_k (2% to 98% of its rise); the gap between two fronts' extents is at least
 * the larger of their widths and of three sampling intervals, and the first and last fronts
 * leave at least max(w, 8 intervals) of plateau to the ends of the run.
 */
final class Staircases {
  private Staircases() {}

  /**
   * One staircase.
   *
   * @param steps   sample steps
   * @param y       values: Σ_k (J_k/2)·tanh((t − t_k)/w_k) + noise of unit scale
   * @param centers t_k, ascending
   * @param widths  w_k, in steps
   * @param jumps   J_k, in noise standard deviations
   * @param dt      the sampling interval
   */
  record Staircase(long[] steps, double[] y, double[] centers, double[] widths, double[] jumps,
                   long dt) {}

  /** The staircase of a seed. */
  static Staircase draw(long seed) {
    Random r = new Random(seed * 7_777_777L + 13);
    int n = (int) Math.round(200 * Math.exp(r.nextDouble() * Math.log(15.0)));
    long dt = 1 + r.nextInt(20);
    int fronts = 1 + r.nextInt(6);
    long[] steps = Synthetic.regularSteps(n, dt);
    double span = steps[n - 1];
    double[] w = new double[fronts];
    double[] gaps = new double[fronts + 1];
    double need;
    double maxWidth = 40.0;
    do {
      need = 0;
      for (int k = 0; k < fronts; k++) {
        // widths from half a sampling interval to maxWidth intervals, log-uniform
        w[k] = dt * 0.5 * Math.exp(r.nextDouble() * Math.log(2 * maxWidth));
        need += 4 * w[k];
      }
      gaps[0] = Math.max(w[0], 8 * dt);
      gaps[fronts] = Math.max(w[fronts - 1], 8 * dt);
      for (int k = 1; k < fronts; k++) {
        gaps[k] = Math.max(Math.max(w[k - 1], w[k]), 3 * dt);
      }
      for (double g : gaps) {
        need += g;
      }
      maxWidth *= 0.7;
    } while (need > 0.8 * span);
    // the slack is shared among the gaps at random (random spacings)
    double slack = span - need;
    double[] share = new double[fronts + 1];
    double total = 0;
    for (int k = 0; k <= fronts; k++) {
      share[k] = -Math.log(1 - r.nextDouble());
      total += share[k];
    }
    double[] centers = new double[fronts];
    double edge = 0;
    for (int k = 0; k < fronts; k++) {
      edge += gaps[k] + slack * share[k] / total;
      centers[k] = edge + 2 * w[k];
      edge = centers[k] + 2 * w[k];
    }
    double[] jumps = new double[fronts];
    double sign = r.nextBoolean() ? 1 : -1;
    for (int k = 0; k < fronts; k++) {
      if (r.nextDouble() < 0.3) {
        sign = -sign;
      }
      jumps[k] = sign * 8 * Math.exp(r.nextDouble() * Math.log(10.0));
    }
    double rho = r.nextBoolean() ? 0.0 : 0.3;
    double[] y = new double[n];
    double e = 0;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < fronts; k++) {
        y[i] += 0.5 * jumps[k] * Math.tanh((steps[i] - centers[k]) / w[k]);
      }
      e = rho * e + Math.sqrt(1 - rho * rho) * r.nextGaussian();
      y[i] += e;
    }
    return new Staircase(steps, y, centers, w, jumps, dt);
  }
}
