package org.shockscope.shock;

import java.util.ArrayList;
import java.util.List;

/**
 * The generic change-point baseline a numpy user would run on a sweep: each run's series
 * z-scored per dimension ((x − mean) / standard deviation; constant dimensions dropped) and
 * segmented by {@link PeltChangePoints} (l2 cost, minimum segment {@value #MIN_SIZE} points, as
 * ruptures' default {@code min_size}) at penalties β = c · d · ln n over a grid of c
 * ({@link #penaltyFactors()}), the same c for every run; each change point τ is a detection at
 * the step of the first point of its new segment. The caller scores each c and keeps the best
 * (the baseline's single best penalty for the whole sweep, an optimistic oracle choice).
 */
public final class PeltBaseline {
  /** Shortest segment, points. */
  public static final int MIN_SIZE = 2;
  /** Kind of the baseline's detections. */
  public static final String KIND = "change";
  /** Grid of c: 10^(−3 + i/4), i = 0…24 (10⁻³ to 10³). */
  private static final int GRID = 25;

  private PeltBaseline() {}

  /** The penalty factors c tried, increasing. */
  public static double[] penaltyFactors() {
    double[] c = new double[GRID];
    for (int i = 0; i < GRID; i++) {
      c[i] = Math.pow(10, -3 + i / 4.0);
    }
    return c;
  }

  /**
   * The detections of one run's series at every penalty factor.
   *
   * @param runId  the run
   * @param series its label (e.g. {@code end_to_end.sv1-3}, {@code log(loss)})
   * @param steps  the points' steps, increasing (input, not modified)
   * @param values row-major n × d values (input, not modified); points with a non-finite
   *               coordinate end the series (a divergence)
   * @param d      dimensions
   * @return for each factor of {@link #penaltyFactors()}, the run's detections
   */
  public static List<List<Detection>> detections(String runId, String series, long[] steps,
                                                 double[] values, int d) {
    int n = 0;
    while (n < steps.length && finite(values, n, d)) {
      n++;
    }
    double[] z = zScored(values, n, d);
    int dz = n == 0 ? 0 : z.length / n;
    double[] factors = penaltyFactors();
    List<List<Detection>> out = new ArrayList<>(factors.length);
    PeltChangePoints pelt = new PeltChangePoints();
    for (double c : factors) {
      List<Detection> dets = new ArrayList<>();
      if (dz > 0 && n >= 2 * MIN_SIZE) {
        int[] cps = pelt.segment(z, n, dz, c * dz * Math.log(n), MIN_SIZE).changePoints();
        for (int cp : cps) {
          dets.add(new Detection(runId, KIND, List.of(series), steps[cp], c));
        }
      }
      out.add(dets);
    }
    return out;
  }

  private static boolean finite(double[] v, int i, int d) {
    for (int k = 0; k < d; k++) {
      if (!Double.isFinite(v[i * d + k])) {
        return false;
      }
    }
    return true;
  }

  /** The first n points z-scored per dimension, constant dimensions dropped. */
  private static double[] zScored(double[] v, int n, int d) {
    double[] mean = new double[d];
    double[] sd = new double[d];
    int kept = 0;
    for (int k = 0; k < d; k++) {
      double m = 0;
      for (int i = 0; i < n; i++) {
        m += v[i * d + k];
      }
      m /= Math.max(n, 1);
      double s = 0;
      for (int i = 0; i < n; i++) {
        double e = v[i * d + k] - m;
        s += e * e;
      }
      mean[k] = m;
      sd[k] = Math.sqrt(s / Math.max(n, 1));
      if (sd[k] > 1e-12 * Math.max(1.0, Math.abs(m))) {
        kept++;
      }
    }
    double[] z = new double[n * kept];
    int col = 0;
    for (int k = 0; k < d; k++) {
      if (sd[k] > 1e-12 * Math.max(1.0, Math.abs(mean[k]))) {
        for (int i = 0; i < n; i++) {
          z[i * kept + col] = (v[i * d + k] - mean[k]) / sd[k];
        }
        col++;
      }
    }
    return z;
  }
}
