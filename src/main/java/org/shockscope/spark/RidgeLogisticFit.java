package org.shockscope.spark;

/**
 * Fits one cell of the phase boundary on the driver: the ridge-penalised logistic regression
 * P(y = 1) = σ(a + b·x), minimising
 * <pre>
 *   L(a, b) = Σᵢ [ln(1 + e^{zᵢ}) − yᵢ·zᵢ] + (κ/2)·(a² + b²),   zᵢ = a + b·xᵢ,
 * </pre>
 * by Newton's method with step halving. L is strictly convex for κ &gt; 0, so the minimum is
 * unique and Newton reaches it in a handful of steps even when the outcomes separate.
 *
 * <p>Why not MLlib: the boundary is one such two-parameter fit per cell over a few dozen
 * runs, and MLlib's L-BFGS runs one Spark job per iteration (up to 100 per target), which
 * made the boundary the slowest table of a sweep's aggregation. MLlib's joint fit with
 * {@code regParam} λ, no standardisation and cell-indicator columns is this fit per cell with
 * κ = λ·N, N the number of runs in the joint fit (MLlib averages the loss over the runs and
 * penalises the raw coefficients); it stops at a relative loss change of 1e-8, this at the
 * optimum, so the two agree to that tolerance.
 */
final class RidgeLogisticFit {
  private static final int MAX_ITER = 100;

  private RidgeLogisticFit() {}

  /**
   * @param x       the covariate of each run
   * @param y       each run's outcome, 0 or 1
   * @param kappa   the ridge penalty κ &gt; 0 (on both a and b)
   * @param withIntercept false to hold a at 0 (MLlib's result when its indicator column is
   *                constant)
   * @return {a, b}
   */
  static double[] fit(double[] x, double[] y, double kappa, boolean withIntercept) {
    double a = 0;
    double b = 0;
    double loss = loss(x, y, kappa, a, b);
    for (int iter = 0; iter < MAX_ITER; iter++) {
      // gradient g and Hessian H of L at (a, b)
      double ga = kappa * a;
      double gb = kappa * b;
      double haa = kappa;
      double hab = 0;
      double hbb = kappa;
      for (int i = 0; i < x.length; i++) {
        double p = sigmoid(a + b * x[i]);
        double r = p - y[i];
        double w = p * (1 - p);
        ga += r;
        gb += r * x[i];
        haa += w;
        hab += w * x[i];
        hbb += w * x[i] * x[i];
      }
      double da;
      double db;
      if (withIntercept) {
        double det = haa * hbb - hab * hab;
        da = (hbb * ga - hab * gb) / det;
        db = (haa * gb - hab * ga) / det;
      } else {
        da = 0;
        db = gb / hbb;
      }
      double step = 1;
      double na = a - da;
      double nb = b - db;
      double next = loss(x, y, kappa, na, nb);
      while (next > loss && step > 1e-10) {
        step /= 2;
        na = a - step * da;
        nb = b - step * db;
        next = loss(x, y, kappa, na, nb);
      }
      boolean small = Math.abs(na - a) <= 1e-12 * (1 + Math.abs(a))
          && Math.abs(nb - b) <= 1e-12 * (1 + Math.abs(b));
      a = na;
      b = nb;
      if (small || next >= loss) {
        break;
      }
      loss = next;
    }
    return new double[] {a, b};
  }

  private static double loss(double[] x, double[] y, double kappa, double a, double b) {
    double l = 0.5 * kappa * (a * a + b * b);
    for (int i = 0; i < x.length; i++) {
      double z = a + b * x[i];
      // ln(1 + e^z) without overflow
      l += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[i] * z;
    }
    return l;
  }

  private static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }
}
