package org.shockscope.shock;

import java.util.ArrayList;
import java.util.List;

/**
 * Multi-scale scan for level shifts: at every split i (between samples i−1 and i) and every
 * scale h ∈ {3, 6, 12, …} samples, the window [i−h, i+h) is fitted by a line and by a line
 * plus a step at the split; the drop of the residual sum of squares over the series' noise
 * variance,
 *
 * <pre>  S(i, h) = (RSS_line − RSS_step) / σ²,</pre>
 *
 * is χ²₁-distributed under white noise whatever the window's size (σ² is the series' robust
 * noise variance, not the window's, so small windows are not heavy-tailed). It is a moving-sum
 * (MOSUM) change statistic robust to a local linear trend (Hušková &amp; Slabý 2001 for the MOSUM idea; the line absorbs drift so that a
 * slope alone does not look like a step). Every window costs O(1) from prefix sums, so a scan
 * is O(n·log n). Per scale, the strongest splits are picked greedily, each suppressing the
 * splits within ±h/2 (non-maximum suppression).
 *
 * <p>Stateful (prefix-sum workspace reused across series); not thread-safe.
 */
final class StepScan {
  /** One place worth fitting: split index (first sample after the split), scale, statistic. */
  record Candidate(int split, int halfWidth, double statistic) {}

  static final int MIN_HALF_WIDTH = 3;

  private double[] st = new double[1];
  private double[] stt = new double[1];
  private double[] sy = new double[1];
  private double[] sty = new double[1];
  private double[] syy = new double[1];
  private double[] stat = new double[1];

  /**
   * Candidates of {@code y[0, n)} with statistic ≥ {@code minStatistic}, strongest first.
   *
   * @param t           sample times, strictly increasing; input
   * @param y           finite sample values; input
   * @param noiseVar    variance of the series' noise (positive), in squared units of y
   * @param effFactor   multiplies every LR (n_eff/n for autocorrelated noise)
   * @param perScale    how many local maxima to keep per scale
   */
  List<Candidate> scan(double[] t, double[] y, int n, double noiseVar, double effFactor,
                       double minStatistic, int perScale) {
    List<Candidate> out = new ArrayList<>();
    if (n < 2 * MIN_HALF_WIDTH) {
      return out;
    }
    prefixSums(t, y, n);
    for (int h = MIN_HALF_WIDTH; 2 * h <= n; h *= 2) {
      for (int i = 0; i < n; i++) {
        stat[i] = Double.NEGATIVE_INFINITY;
      }
      for (int i = h; i <= n - h; i++) {
        stat[i] = effFactor * statistic(i, h, noiseVar);
      }
      // Greedy non-maximum suppression: the best remaining split, then nothing within ±h/2.
      int radius = Math.max(1, h / 2);
      for (int pick = 0; pick < perScale; pick++) {
        int best = -1;
        for (int i = h; i <= n - h; i++) {
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

  private void prefixSums(double[] t, double[] y, int n) {
    if (st.length < n + 1) {
      int cap = Math.max(n + 1, 2 * st.length);
      st = new double[cap];
      stt = new double[cap];
      sy = new double[cap];
      sty = new double[cap];
      syy = new double[cap];
      stat = new double[cap];
    }
    // Times and values are centred and scaled to O(1) so that the windowed sums lose few digits.
    double t0 = t[0];
    double span = Math.max(t[n - 1] - t[0], Double.MIN_NORMAL);
    double mean = 0.0;
    for (int i = 0; i < n; i++) {
      mean += y[i];
    }
    mean /= n;
    for (int i = 0; i < n; i++) {
      double ti = (t[i] - t0) / span;
      double yi = y[i] - mean;
      st[i + 1] = st[i] + ti;
      stt[i + 1] = stt[i] + ti * ti;
      sy[i + 1] = sy[i] + yi;
      sty[i + 1] = sty[i] + ti * yi;
      syy[i + 1] = syy[i] + yi * yi;
    }
  }

  /**
   * LR of step+line against line on [i−h, i+h), before the effective-size factor. Adding the
   * step regressor s (1 right of the split) to the line lowers the RSS by (sᵀMy)²/(sᵀMs), M the
   * residual projector of the line (Frisch–Waugh–Lovell), which needs only window sums.
   */
  private double statistic(int i, int h, double noiseVar) {
    int a = i - h;
    int b = i + h;
    double n = 2.0 * h;
    double tSum = st[b] - st[a];
    double ySum = sy[b] - sy[a];
    double tMean = tSum / n;
    double yMean = ySum / n;
    double sxx = (stt[b] - stt[a]) - tSum * tMean;
    double sxy = (sty[b] - sty[a]) - tSum * yMean;
    double syyC = (syy[b] - syy[a]) - ySum * yMean;
    if (!(sxx > 0.0)) {
      return 0.0;
    }
    double slope = sxy / sxx;
    double rssLine = Math.max(0.0, syyC - slope * sxy);
    // Right half: h samples; its centred time sum and value sum against the window's means.
    double rtC = (st[b] - st[i]) - h * tMean;
    double ryC = (sy[b] - sy[i]) - h * yMean;
    double sMy = ryC - slope * rtC;
    double sMs = h - h * h / n - rtC * rtC / sxx;
    if (!(sMs > 0.0)) {
      return 0.0;
    }
    return Math.min(rssLine, sMy * sMy / sMs) / noiseVar;
  }
}
