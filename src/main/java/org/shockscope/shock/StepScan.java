package org.shockscope.shock;

import java.util.ArrayList;
import java.util.List;

/**
 * Multi-scale scan for level shifts, the candidate generator of the jump search. At every split
 * i (between samples i−1 and i) and every scale h ∈ {3, 6, 12, …} samples, the window
 * [i−h, i+h) is fitted by a quadratic and by a quadratic plus a step at the split; the drop of
 * the residual sum of squares over the series' noise variance,
 *
 * <pre>  S(i, h) = (RSS_quadratic − RSS_step) / σ²,</pre>
 *
 * is χ²₁-distributed under white noise whatever the window's size (σ² is a robust noise
 * variance estimated from the neighbourhood, not from the window's own residuals, so small
 * windows are not heavy-tailed). It is a moving-sum
 * (MOSUM) change statistic (Hušková &amp; Slabý 2001) made robust to local trend and curvature:
 * a decay or a drift alone does not look like a step.
 *
 * <p>One more scale runs when the series cannot hold its whole windows (2h > n ≥ 3h/2): its
 * windows are cut by the series' ends, keeping ⌈h/2⌉ samples (at least {@link #MIN_HALF_WIDTH})
 * on the shorter side. A front late in a short log is then seen against all the samples before
 * it: with whole windows only, the largest scale of a 39-sample loss was h = 12, whose quadratic
 * absorbed half of the step two-thirds along (the statistic stays χ²₁ for any fixed design).
 * The smaller scales keep whole windows: cut at every scale, the staircases of
 * {@code DetectorTimingCheck} lost four of their fronts near the series' ends.
 *
 * <p>The scan runs on the sample index as its time axis (only the fits use steps): with
 * window-centred indices the design of every window of a scale is the same, so by
 * Frisch–Waugh–Lovell the drop is (sᵀMy)²/(sᵀMs), s the step regressor and M the residual
 * projector of the quadratic, where sᵀMs and the projection of s are constants of the scale (of
 * the two sides' lengths for a cut window, from tables of one-sided power sums) and sᵀMy needs
 * three windowed sums of y. A scan is O(n) per scale. Per scale, the strongest splits
 * are picked greedily, each suppressing the splits within ±h/2 (non-maximum suppression).
 *
 * <p>Stateful (prefix-sum workspace reused across series); not thread-safe.
 */
final class StepScan {
  /** One place worth fitting: split index (first sample after the split), scale, statistic. */
  record Candidate(int split, int halfWidth, double statistic) {}

  static final int MIN_HALF_WIDTH = 3;

  private double[] sy = new double[1];
  private double[] sky = new double[1];
  private double[] skky = new double[1];
  private double[] stat = new double[1];
  private double[] svar = new double[1];
  private int[] index = new int[1];
  private final double[] gram = new double[9];
  private final double[] moment = new double[5];
  private final double[] projInterior = new double[3];
  private final double[] projEdge = new double[3];
  private final double[][] power = {new double[1], new double[1], new double[1], new double[1],
      new double[1]};
  private int powerFilled;

  /**
   * Candidates of {@code y[0, n)} with statistic ≥ {@code minStatistic}, strongest first.
   *
   * @param y           finite sample values; input
   * @param noiseVar    the noise variance at each sample (positive), in squared units of y; a
   *                    window's statistic is divided by its mean, so that heteroscedastic noise
   *                    (a loss's noise shrinking with the loss) is judged locally; input
   * @param effFactor   multiplies every statistic (n_eff/n for autocorrelated noise)
   * @param perScale    how many splits to keep per scale
   */
  List<Candidate> scan(double[] y, int n, double[] noiseVar, double effFactor,
                       double minStatistic, int perScale) {
    List<Candidate> out = new ArrayList<>();
    if (n < 2 * MIN_HALF_WIDTH) {
      return out;
    }
    prefixSums(y, n);
    for (int i = 0; i < n; i++) {
      svar[i + 1] = svar[i] + noiseVar[i];
    }
    powerSums(n);
    for (int h = MIN_HALF_WIDTH; 3 * h <= 2 * n; h *= 2) {
      // Only a scale the series cannot hold whole cuts its windows (see the class comment).
      int edge = 2 * h <= n ? h : Math.max(MIN_HALF_WIDTH, (h + 1) / 2);
      double sMsInterior = windowConstants(h, h, projInterior);
      for (int i = 0; i < n; i++) {
        stat[i] = Double.NEGATIVE_INFINITY;
      }
      for (int i = edge; i <= n - edge; i++) {
        int a = Math.max(0, i - h);
        int b = Math.min(n, i + h);
        boolean cut = a > i - h || b < i + h;
        double sMs = cut ? windowConstants(i - a, b - i, projEdge) : sMsInterior;
        if (sMs > 0.0) {
          double var = (svar[b] - svar[a]) / (b - a);
          stat[i] = effFactor * statistic(i, a, b, cut ? projEdge : projInterior, sMs) / var;
        }
      }
      // Greedy non-maximum suppression among the splits above the threshold: the best
      // remaining one, then nothing within ±h/2.
      int above = 0;
      for (int i = edge; i <= n - edge; i++) {
        if (stat[i] >= minStatistic) {
          index[above++] = i;
        }
      }
      int radius = Math.max(1, h / 2);
      for (int pick = 0; pick < perScale; pick++) {
        int best = -1;
        for (int k = 0; k < above; k++) {
          int i = index[k];
          if (stat[i] >= minStatistic && (best < 0 || stat[i] > stat[best])) {
            best = i;
          }
        }
        if (best < 0) {
          break;
        }
        out.add(new Candidate(best, h, stat[best]));
        for (int j = Math.max(edge, best - radius); j <= Math.min(n - edge, best + radius); j++) {
          stat[j] = Double.NEGATIVE_INFINITY;
        }
      }
    }
    out.sort((a, b) -> Double.compare(b.statistic(), a.statistic()));
    return out;
  }

  /**
   * The RSS drop of step+quadratic against quadratic at split i and scale h on y[0, n), before
   * dividing by σ² (what {@link #scan} ranks), for checking against a direct least-squares fit.
   * The window is [i−h, i+h) cut by the series' ends.
   */
  double drop(double[] y, int n, int i, int h) {
    prefixSums(y, n);
    powerSums(n);
    int a = Math.max(0, i - h);
    int b = Math.min(n, i + h);
    double sMs = windowConstants(i - a, b - i, projEdge);
    return sMs > 0.0 ? statistic(i, a, b, projEdge, sMs) : Double.NaN;
  }

  /**
   * Constants of a window of {@code left} samples before the split and {@code right} after it, in
   * window-centred indices j = k − i + ½ ∈ {−left+½, …, right−½}: the projection z = G⁻¹Xᵀs
   * of the step s (1 on the right part) on the quadratic basis X = [1, j, j²], written into
   * {@code z}, and sᵀMs = sᵀs − zᵀXᵀs, returned (not positive when the design is singular).
   * The power sums Σ j^p of each side come from {@link #powerSums}.
   */
  private double windowConstants(int left, int right, double[] z) {
    for (int p = 0; p <= 4; p++) {
      double r = power[p][right];
      moment[p] = (p % 2 == 0) ? r + power[p][left] : r - power[p][left];
    }
    for (int row = 0; row < 3; row++) {
      for (int col = 0; col < 3; col++) {
        gram[3 * row + col] = moment[row + col];
      }
      z[row] = power[row][right];
    }
    if (!SmallSolve.solve(gram, z, 3)) {
      return 0.0;
    }
    return power[0][right] - (z[0] * power[0][right] + z[1] * power[1][right]
        + z[2] * power[2][right]);
  }

  /** power[p][m] = Σ_{k<m} (k + ½)^p for p ≤ 4 and m ≤ n, the one-sided sums of a window. */
  private void powerSums(int n) {
    if (power[0].length < n + 1) {
      for (int p = 0; p <= 4; p++) {
        power[p] = new double[Math.max(n + 1, 2 * power[p].length)];
      }
      powerFilled = 0;
    }
    for (int m = Math.max(1, powerFilled + 1); m <= n; m++) {
      double j = m - 0.5;
      double jp = 1.0;
      for (int p = 0; p <= 4; p++) {
        power[p][m] = power[p][m - 1] + jp;
        jp *= j;
      }
    }
    powerFilled = Math.max(powerFilled, n);
  }

  private void prefixSums(double[] y, int n) {
    if (sy.length < n + 1) {
      int cap = Math.max(n + 1, 2 * sy.length);
      sy = new double[cap];
      sky = new double[cap];
      skky = new double[cap];
      stat = new double[cap];
      svar = new double[cap];
      index = new int[cap];
    }
    double mean = 0.0;
    for (int i = 0; i < n; i++) {
      mean += y[i];
    }
    mean /= n;
    for (int i = 0; i < n; i++) {
      double yi = y[i] - mean;
      sy[i + 1] = sy[i] + yi;
      sky[i + 1] = sky[i] + i * yi;
      skky[i + 1] = skky[i] + (double) i * i * yi;
    }
  }

  /** RSS drop of step+quadratic against quadratic on [a, b) split at i, before dividing by σ². */
  private double statistic(int i, int a, int b, double[] z, double sMs) {
    double c = i - 0.5;
    double y0 = sy[b] - sy[a];
    double ky = sky[b] - sky[a];
    double kky = skky[b] - skky[a];
    // Shift the index moments to window-centred j = k − c.
    double y1 = ky - c * y0;
    double y2 = kky - 2.0 * c * ky + c * c * y0;
    double right = sy[b] - sy[i];
    double sMy = right - (z[0] * y0 + z[1] * y1 + z[2] * y2);
    return sMy * sMy / sMs;
  }
}
