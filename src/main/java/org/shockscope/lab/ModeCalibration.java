package org.shockscope.lab;

import java.util.Arrays;

/**
 * Chooses a deep linear run's learning rate and teacher singular values so that its modes are
 * learned at drawn times. One mode of an aligned, balanced chain of depth L is one scalar per
 * layer, a, with end-to-end strength u = a^L and loss ½(s − u)², whose gradient in each layer is
 * −a^{L−1}(s − u) (Saxe, McClelland &amp; Ganguli 2014); this class runs that scalar recursion
 * with the run's own {@link Optimizer} (so GD, momentum and Adam follow their real update
 * rules) and finds, by bisection, the rate at which the largest mode s₁ crosses s₁/2 at the
 * first target time, then each smaller s_k that crosses at its own target. The run itself is
 * trained in full and its truth measured; this only places the modes.
 */
final class ModeCalibration {
  /** Bisection steps (the crossing step is an integer: 28 halvings of the log-range place it to a step). */
  private static final int ITERATIONS = 28;
  /** Largest rate × curvature L·s^{2−2/L} for full-batch GD (stable below 2). */
  private static final double MAX_RATE = 0.4;
  /** Adam's rate range. */
  private static final double ADAM_MIN = 1e-5;
  private static final double ADAM_MAX = 0.05;
  /** The smallest singular value tried, in units of u₀ (below about 5 u₀ the crossing time
   * stops decreasing with s). */
  private static final double MIN_S_OVER_U0 = 5;
  /** Earliest first mode and latest last mode, as fractions of the run. */
  static final double FIRST_FRACTION = 0.03;
  static final double LAST_LIMIT = 0.9;

  /**
   * The calibration.
   *
   * @param lr             the learning rate
   * @param singularValues teacher singular values, decreasing (the modes that fit)
   * @param times          their target crossing steps, increasing
   * @param maxLr          the largest rate tried (the stability bound for GD and momentum)
   */
  record Result(double lr, double[] singularValues, double[] times, double maxLr) {}

  private ModeCalibration() {}

  /**
   * Places up to {@code ratios.length + 1} modes: the slowest at {@code lastFraction} of
   * {@code steps}, each earlier one at the later one's time divided by its ratio; modes before
   * {@link #FIRST_FRACTION} of the run, or that no rate or singular value can place, are
   * dropped (at least one mode is kept).
   */
  static Result solve(OptimizerKind kind, double mu, int depth, double u0, double s1, int steps,
                      double lastFraction, double[] ratios) {
    int wanted = ratios.length + 1;
    double[] t = new double[wanted];
    t[wanted - 1] = lastFraction * steps;
    for (int k = wanted - 2; k >= 0; k--) {
      t[k] = t[k + 1] / ratios[k];
    }
    int first = 0;
    while (first < wanted - 1 && t[first] < FIRST_FRACTION * steps) {
      first++;
    }
    double[] times = Arrays.copyOfRange(t, first, wanted);
    double lo;
    double hi;
    if (kind.adaptive()) {
      lo = ADAM_MIN;
      hi = ADAM_MAX;
    } else {
      lo = 1e-7;
      hi = MAX_RATE * (1 - mu) / (depth * Math.pow(s1, 2 - 2.0 / depth));
    }
    int limit = (int) Math.min(Integer.MAX_VALUE - 1L, 2L * steps);
    double lr;
    if (crossing(kind, mu, depth, u0, s1, hi, limit) >= times[0]) {
      // even the largest stable rate learns s₁ later than wanted: keep that rate and shift the
      // other targets by the same factor
      lr = hi;
      double shift = crossing(kind, mu, depth, u0, s1, hi, limit) / times[0];
      for (int k = 0; k < times.length; k++) {
        times[k] *= shift;
      }
    } else {
      double a = Math.log(lo);
      double b = Math.log(hi);
      for (int i = 0; i < ITERATIONS; i++) {
        double m = 0.5 * (a + b);
        if (crossing(kind, mu, depth, u0, s1, Math.exp(m), limit) > times[0]) {
          a = m;
        } else {
          b = m;
        }
      }
      lr = Math.exp(b);
    }
    double[] s = new double[times.length];
    s[0] = s1;
    int kept = 1;
    for (int k = 1; k < times.length && times[k] <= LAST_LIMIT * steps; k++) {
      double a = MIN_S_OVER_U0 * u0;
      double b = s[k - 1];
      if (crossing(kind, mu, depth, u0, a, lr, limit) < times[k]) {
        break;
      }
      for (int i = 0; i < ITERATIONS; i++) {
        double m = Math.sqrt(a * b);
        if (crossing(kind, mu, depth, u0, m, lr, limit) > times[k]) {
          a = m;
        } else {
          b = m;
        }
      }
      if (!(b < s[k - 1] * (1 - 1e-6))) {
        break;
      }
      s[k] = b;
      kept++;
    }
    return new Result(lr, Arrays.copyOf(s, kept), Arrays.copyOf(times, kept), hi);
  }

  /**
   * The first step at which the scalar mode reaches s/2 (u ≥ s/2), or {@code limit + 1} when it
   * does not by {@code limit} steps (or blows up).
   */
  static double crossing(OptimizerKind kind, double mu, int depth, double u0, double s,
                         double lr, int limit) {
    double[][] a = {{Math.pow(u0, 1.0 / depth)}};
    double[][] g = {{0}};
    OptimizerSettings o = kind.adaptive()
        ? new OptimizerSettings(kind, lr, 0, 1, 0, 0, OptimizerSettings.ADAM_BETA1,
            OptimizerSettings.ADAM_BETA2, OptimizerSettings.ADAM_EPS)
        : OptimizerSettings.plain(kind, lr, mu, 1, 0, 0);
    Optimizer opt = new Optimizer(o, a);
    for (int step = 0; step <= limit; step++) {
      double x = a[0][0];
      double u = Math.pow(x, depth);
      if (!Double.isFinite(u)) {
        return limit + 1;
      }
      if (u >= s / 2) {
        return step;
      }
      g[0][0] = -Math.pow(x, depth - 1) * (s - u);
      opt.step(a, g);
    }
    return limit + 1;
  }
}
