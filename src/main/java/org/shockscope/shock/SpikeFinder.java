package org.shockscope.shock;

import java.util.List;
import org.shockscope.OrderStatistics;

/**
 * Finds spikes: transient excursions that return, such as loss spikes and catapults.
 *
 * <p>The baseline is a centred rolling median of half-window r = max(5, ⌈fraction·n⌉) samples
 * ({@link RollingMedian}); residuals e = x − baseline have the robust scale
 * σ = max(1.4826·MAD(e), white-noise scale, resolution), and a spike must also reach threshold × the
 * same scale measured on the samples within 2r of it (noise is rarely the same all along a
 * run). The white-noise scale
 * (pseudo-residuals, {@link RobustOps#noiseScale}) matters on trends: a median follows a
 * monotone ramp exactly, so residuals there are zero and their MAD alone would understate the
 * noise. A spike is a run of samples of one sign with |e| ≥ threshold·σ/2 whose largest |e|
 * (the peak) is at least threshold·σ and that falls back below half the peak's height on both
 * sides within the series: an excursion touching the first or the last sample has not been
 * seen to return and is not a spike (a change at the very start of a run is its initial
 * transient; one at the end may be a divergence or an unfinished jump), and the baseline after it
 * must be within half its height of the baseline before it (else it is a step the centred
 * median lags behind, left to the jump search). Its duration is the
 * time between the two half-height crossings, each interpolated linearly between the samples
 * around it.
 *
 * <p>On a log scale (a positive quantity spanning decades: a loss, a step size) only upward
 * excursions are spikes. Such a quantity moves multiplicatively, and between a decay and a rise
 * (a catapult, a loss spike) its curve has a sharp valley whose bottom lies far below any
 * rolling median: a dip there is the shape of the neighbouring events, not an event.
 *
 * <p>The excursion's samples (|e| above min(3σ, half height)) are replaced by the baseline in the
 * cleaned copy handed to the jump search, so that a spike never counts as two level changes.
 *
 * <p>After cleaning, the baseline's residual scale and lag-1 autocorrelation are recomputed
 * without the spikes: they describe the series' noise for the jump search.
 *
 * <p>Stateful (workspaces reused across series); not thread-safe.
 */
final class SpikeFinder {
  /**
   * A found spike, in sample indices and detection-scale values; {@code smoothApproach} when
   * {@link ProminentPeaks} judged it by the smooth approach of a run-level metric (the wander
   * test keeps it).
   */
  record Spike(int peak, double height, double baselineAtPeak, double baselineBefore,
               double baselineAfter, double duration, double strength, double score,
               boolean smoothApproach) {}

  private static final int MIN_HALF_WINDOW = 5;
  /** Sides of an excursion whose noise differs by more than this factor are not pooled. */
  private static final double SIDE_RATIO = 3.0;
  /**
   * Largest change of the baseline across a spike, as a fraction of its height: beyond it the
   * excursion is a step, left to the jump search.
   */
  private static final double MAX_LEVEL_SHIFT = 0.5;
  /** Samples within this many σ of the baseline are left alone when cleaning. */
  private static final double CLEAN_SIGMAS = 3.0;

  private final RollingMedian rolling = new RollingMedian();
  private double[] baseline = new double[0];
  private double[] residual = new double[0];
  private double[] work = new double[0];
  private double[] side = new double[0];
  private double[] pseudoWork = new double[0];
  private double residualLag1;
  /** Values at or below this are held at the series' resolution floor. */
  private double floorLevel = Double.NEGATIVE_INFINITY;
  private double residualSd;

  /**
   * Finds the spikes of x[0, n) and writes the cleaned series.
   *
   * @param t        sample times; input
   * @param x        finite values on the detection scale; input
   * @param resolutionSd the series' resolution (its floor for any noise scale)
   * @param whiteSd  white-noise scale of the series (pseudo-residuals), a floor for σ
   * @param upwardOnly whether only excursions above the baseline count (see the class comment)
   * @param out      output: found spikes are appended
   * @param cleaned  output, length ≥ n: x with spike samples replaced by the baseline
   */
  void find(double[] t, double[] x, int n, double resolutionSd, double whiteSd,
            double threshold, double fraction, boolean upwardOnly, List<Spike> out,
            double[] cleaned) {
    System.arraycopy(x, 0, cleaned, 0, n);
    noise(x, n, resolutionSd, fraction);
    double floor = Math.max(whiteSd, resolutionSd);
    if (!(Math.max(residualSd, floor) > 0.0)) {
      return;
    }
    int before = out.size();
    excursions(t, x, n, threshold, Math.max(residualSd, floor), floor, 2 * halfWindow(n, fraction),
        upwardOnly, out, cleaned);
    if (out.size() > before) {
      // The noise statistics handed to the jump search describe the series without its spikes
      // (a spike's samples are strongly correlated residuals, not memory of the noise).
      noise(cleaned, n, resolutionSd, fraction);
    }
  }

  /** The spikes of the current residuals: appended to out, their samples cleaned. */
  private void excursions(double[] t, double[] x, int n, double threshold, double sigma,
                          double floor, int reach, boolean upwardOnly, List<Spike> out,
                          double[] cleaned) {
    double low = 0.5 * threshold * sigma;
    int i = 0;
    while (i < n) {
      if (Math.abs(residual[i]) < low) {
        i++;
        continue;
      }
      double sign = Math.signum(residual[i]);
      int start = i;
      int peak = i;
      int top = i;
      while (i < n && sign * residual[i] >= low) {
        if (sign * residual[i] > sign * residual[peak]) {
          peak = i;
        }
        if (sign * x[i] > sign * x[top]) {
          top = i;
        }
        i++;
      }
      int end = i - 1;
      double height = residual[peak];
      if (start == 0 || end == n - 1 || Math.abs(height) < threshold * sigma
          || upwardOnly && sign < 0) {
        continue;
      }
      // A level change that the rolling median follows with a lag leaves residuals of one
      // sign too; it is told from a transient by where the baseline ends up.
      if (Math.abs(baseline[end + 1] - baseline[start - 1]) > MAX_LEVEL_SHIFT * Math.abs(height)) {
        continue;
      }
      double sd = Math.max(surroundingSd(t, x, n, start, end, reach), floor);
      if (Math.abs(height) < threshold * sd) {
        continue;
      }
      double half = 0.5 * Math.abs(height);
      int left = peak;
      while (sign * residual[left - 1] >= half) {
        left--;
      }
      int right = peak;
      while (sign * residual[right + 1] >= half) {
        right++;
      }
      double tLeft = crossing(t, residual, left - 1, left, sign * half, sign);
      double tRight = crossing(t, residual, right, right + 1, sign * half, sign);
      double strength = Math.abs(height) / sd;
      double score = 1.0 / (1.0 + Math.exp(-(strength - threshold)));
      // Reported at its largest value (an oscillating catapult peaks twice, and the baseline
      // under its second peak has already risen), measured at its largest residual.
      out.add(new Spike(top, height, baseline[top], baseline[start - 1], baseline[end + 1],
          tRight - tLeft, strength, score, false));
      double clean = Math.min(CLEAN_SIGMAS * sd, half);
      int a = peak;
      while (a > 0 && sign * residual[a - 1] >= clean) {
        a--;
      }
      int b = peak;
      while (b < n - 1 && sign * residual[b + 1] >= clean) {
        b++;
      }
      for (int k = a; k <= b; k++) {
        cleaned[k] = baseline[k];
      }
    }
  }

  /**
   * Computes the rolling-median baseline of x[0, n) and the noise statistics of the residuals
   * ({@link #residualSd()}, {@link #residualLag1()}) without looking for spikes.
   *
   * @param x        finite values; input
   * @param resolutionSd the series' resolution: residuals below it carry no memory
   * @param fraction half-window of the baseline as a fraction of n (at least 5 samples)
   */
  void noise(double[] x, int n, double resolutionSd, double fraction) {
    ensureCapacity(n);
    rolling.apply(x, n, halfWindow(n, fraction), baseline);
    for (int i = 0; i < n; i++) {
      residual[i] = x[i] - baseline[i];
    }
    residualLag1 = lag1(residual, n, resolutionSd * resolutionSd);
    // Residuals from a centred median are centred on 0: their median absolute value is the MAD.
    // Samples held at the resolution floor are exactly flat and say nothing about the noise.
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (x[i] > floorLevel) {
        work[m++] = Math.abs(residual[i]);
      }
    }
    residualSd = m == 0 ? 0.0 : RobustOps.MAD_TO_SIGMA * OrderStatistics.medianInPlace(work, m);
  }

  /**
   * The noise around the excursion [start, end] from the samples within {@code reach} before it
   * and those within {@code reach} after it (samples at the resolution floor left out; a side
   * with fewer than {@link #MIN_HALF_WINDOW} samples is not used). A side's scale is the smaller
   * of 1.4826 × the median absolute residual from the baseline and the pseudo-residual scale
   * ({@link RobustOps#noiseScale}): a rolling median lags behind a fast smooth decay (a
   * catapult's loss sliding back down its basin), and its residuals there are trend, not noise,
   * while pseudo-residuals cancel local lines and steady curvature. The two sides are pooled (root
   * mean square), or the noisier is used alone when they differ by more than
   * {@link #SIDE_RATIO} (far beyond the sampling error of 5 or more samples of the same noise). A
   * loss is noisy on its plateau and smooth once it converges: judged only against the
   * series-wide scale, the plateau's ordinary fluctuations would be spikes, and a fluctuation at
   * the end of a plateau has a smooth descent on its other side.
   */
  private double surroundingSd(double[] t, double[] x, int n, int start, int end, int reach) {
    int near = Math.max(MIN_HALF_WINDOW, reach / 2);
    double left = sideSd(t, x, Math.max(0, start - reach), start, Math.max(0, start - near),
        start);
    double right = sideSd(t, x, end + 1, Math.min(n, end + 1 + reach), end + 1,
        Math.min(n, end + 1 + near));
    if (Double.isNaN(left) || Double.isNaN(right)) {
      return Double.isNaN(left) ? (Double.isNaN(right) ? 0.0 : right) : left;
    }
    if (Math.max(left, right) > SIDE_RATIO * Math.min(left, right)) {
      return Math.max(left, right);
    }
    return Math.sqrt(0.5 * (left * left + right * right));
  }

  /**
   * A side's noise scale (see {@link #surroundingSd}) from its samples [from, to), the
   * pseudo-residuals from the nearer [nearFrom, nearTo) only (a side that reaches from a noisy
   * plateau into a converged tail has pseudo-residuals of two sizes); NaN with too few samples.
   */
  private double sideSd(double[] t, double[] x, int from, int to, int nearFrom, int nearTo) {
    int m = collect(x, from, to, 0);
    if (m < MIN_HALF_WINDOW) {
      return Double.NaN;
    }
    double lagged = RobustOps.MAD_TO_SIGMA * OrderStatistics.medianInPlace(work, m);
    m = 0;
    double[] ts = sideWork(nearTo - nearFrom);
    for (int i = nearFrom; i < nearTo; i++) {
      if (x[i] > floorLevel) {
        ts[m] = t[i];
        work[m++] = x[i];
      }
    }
    if (m < MIN_HALF_WINDOW) {
      return lagged;
    }
    if (pseudoWork.length < m) {
      pseudoWork = new double[Math.max(m, 2 * pseudoWork.length)];
    }
    double pseudo = RobustOps.noiseScale(ts, work, 0, m, pseudoWork);
    return Math.min(lagged, pseudo);
  }

  /** Appends |residual| of the samples of [from, to) above the floor to work[at..]. */
  private int collect(double[] x, int from, int to, int at) {
    int m = at;
    for (int i = from; i < to; i++) {
      if (x[i] > floorLevel) {
        work[m++] = Math.abs(residual[i]);
      }
    }
    return m;
  }

  private double[] sideWork(int size) {
    if (side.length < size) {
      side = new double[Math.max(size, 2 * side.length)];
    }
    return side;
  }

  /**
   * Sets the level at or below which values are held at the series' resolution floor (a
   * quantity that went to zero, on a log scale); their residuals are left out of the noise
   * scale. {@code Double.NEGATIVE_INFINITY} when there is none.
   */
  void setFloor(double level) {
    floorLevel = level;
  }

  /**
   * Robust standard deviation (1.4826·MAD) of the last series' residuals from the baseline: the
   * noise around the series' own level, memory included up to the baseline's half-window.
   */
  double residualSd() {
    return residualSd;
  }

  /**
   * Lag-1 autocorrelation of the last series' residuals from the baseline, shrunk by their share
   * above the resolution floor: the short memory of the series' noise.
   */
  double residualLag1() {
    return residualLag1;
  }

  private void ensureCapacity(int n) {
    if (baseline.length < n) {
      int cap = Math.max(n, 2 * baseline.length);
      baseline = new double[cap];
      residual = new double[cap];
      work = new double[cap];
    }
  }

  private static int halfWindow(int n, double fraction) {
    return Math.max(MIN_HALF_WINDOW, (int) Math.ceil(fraction * n));
  }

  /** Time where e crosses the level between samples a and b (linear interpolation). */
  private static double crossing(double[] t, double[] e, int a, int b, double level,
                                 double sign) {
    double ea = sign * e[a];
    double eb = sign * e[b];
    double lv = sign * level;
    double f = eb == ea ? 0.5 : (lv - ea) / (eb - ea);
    f = Math.max(0.0, Math.min(1.0, f));
    return t[a] + f * (t[b] - t[a]);
  }

  /**
   * Lag-1 autocorrelation of e by robust scales, ρ = 1 − s(Δe)² / (2·s(e)²) with s the
   * 1.4826·MAD scale (for a stationary series Var(Δe) = 2σ²(1 − ρ)), shrunk by the share of its
   * variance above the resolution floor (the floor is white: a noise-free curve's tiny, smooth
   * residuals carry no memory of noise). The moment estimator Σeₜeₜ₋₁ / Σeₜ² is dominated by
   * the few large residuals where the rolling median cuts a front's shoulders: on a staircase of
   * strong fronts it reported ρ ≈ 0.9 for white noise, which hid every front but the sharpest.
   * Medians ignore those samples; memory that is everywhere (an AR process, a random walk)
   * still shows.
   */
  private double lag1(double[] e, int n, double floorVar) {
    if (n < 3) {
      return 0.0;
    }
    for (int i = 0; i < n; i++) {
      work[i] = e[i];
    }
    double level = OrderStatistics.medianInPlace(work, n);
    for (int i = 0; i < n; i++) {
      work[i] = Math.abs(e[i] - level);
    }
    double se = RobustOps.MAD_TO_SIGMA * OrderStatistics.medianInPlace(work, n);
    for (int i = 1; i < n; i++) {
      work[i - 1] = e[i] - e[i - 1];
    }
    double dLevel = OrderStatistics.medianInPlace(work, n - 1);
    for (int i = 1; i < n; i++) {
      work[i - 1] = Math.abs(e[i] - e[i - 1] - dLevel);
    }
    double sd = RobustOps.MAD_TO_SIGMA * OrderStatistics.medianInPlace(work, n - 1);
    double var = se * se;
    if (!(var > 0.0)) {
      return 0.0;
    }
    double rho = Math.max(-1.0, 1.0 - sd * sd / (2.0 * var));
    return rho * var / (var + floorVar);
  }
}
