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
 * <p>The scan runs on the sample index as its time axis (only the fits use steps): with
 * window-centred indices the design of every window of a scale is the same, so by
 * Frisch–Waugh–Lovell the drop is (sᵀMy)²/(sᵀMs), s the step regressor and M the residual
 * projector of the quadratic, where sᵀMs and the projection of s are constants of the scale and
 * sᵀMy needs three windowed sums of y. A scan is O(n) per scale. Per scale, the strongest splits
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
  private final double[] proj = new double[3];

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
    for (int h = MIN_HALF_WIDTH; 2 * h <= n; h *= 2) {
      if (!scaleConstants(h)) {
        continue;
      }
      double sMs = sMsOfScale;
      for (int i = 0; i < n; i++) {
        stat[i] = Double.NEGATIVE_INFINITY;
      }
      for (int i = h; i <= n - h; i++) {
        double var = (svar[i + h] - svar[i - h]) / (2 * h);
        stat[i] = effFactor * statistic(i, h, sMs) / var;
      }
      // Greedy non-maximum suppression among the splits above the threshold: the best
      // remaining one, then nothing within ±h/2.
      int above = 0;
      for (int i = h; i <= n - h; i++) {
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
        for (int j = Math.max(h, best - radius); j <= Math.min(n - h, best + radius); j++) {
          stat[j] = Double.NEGATIVE_INFINITY;
        }
      }
    }
    out.sort((a, b) -> Double.compare(b.statistic(), a.statistic()));
    return out;
  }

  private double sMsOfScale;

  /**
   * The RSS drop of step+quadratic against quadratic at split i and scale h on y[0, n), before
   * dividing by σ² (what {@link #scan} ranks), for checking against a direct least-squares fit.
   */
  double drop(double[] y, int n, int i, int h) {
    prefixSums(y, n);
    if (!scaleConstants(h)) {
      return Double.NaN;
    }
    return statistic(i, h, sMsOfScale);
  }

  /**
   * Constants of scale h in window-centred indices j = k − i + ½ ∈ {−h+½, …, h−½}: the
   * projection z = G⁻¹Xᵀs of the step s (1 on the right half) on the quadratic basis
   * X = [1, j, j²], and sᵀMs = sᵀs − zᵀXᵀs.
   */
  private boolean scaleConstants(int h) {
    double p0 = 0.0;
    double p2 = 0.0;
    double p4 = 0.0;
    double r0 = 0.0;
    double r1 = 0.0;
    double r2 = 0.0;
    for (int k = 0; k < h; k++) {
      double j = k + 0.5;
      double j2 = j * j;
      p0 += 2.0;
      p2 += 2.0 * j2;
      p4 += 2.0 * j2 * j2;
      r0 += 1.0;
      r1 += j;
      r2 += j2;
    }
    gram[0] = p0;
    gram[1] = 0.0;
    gram[2] = p2;
    gram[3] = 0.0;
    gram[4] = p2;
    gram[5] = 0.0;
    gram[6] = p2;
    gram[7] = 0.0;
    gram[8] = p4;
    proj[0] = r0;
    proj[1] = r1;
    proj[2] = r2;
    if (!SmallSolve.solve(gram, proj, 3)) {
      return false;
    }
    sMsOfScale = r0 - (proj[0] * r0 + proj[1] * r1 + proj[2] * r2);
    return sMsOfScale > 0.0;
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

  /** RSS drop of step+quadratic against quadratic on [i−h, i+h), before dividing by σ². */
  private double statistic(int i, int h, double sMs) {
    int a = i - h;
    int b = i + h;
    double c = i - 0.5;
    double y0 = sy[b] - sy[a];
    double ky = sky[b] - sky[a];
    double kky = skky[b] - skky[a];
    // Shift the index moments to window-centred j = k − c.
    double y1 = ky - c * y0;
    double y2 = kky - 2.0 * c * ky + c * c * y0;
    double right = sy[b] - sy[i];
    double sMy = right - (proj[0] * y0 + proj[1] * y1 + proj[2] * y2);
    return sMy * sMy / sMs;
  }
}
