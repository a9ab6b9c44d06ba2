package org.shockscope.shock;

import org.shockscope.OrderStatistics;

/**
 * A metric's dominant change of level located by where it crosses fractions of the way between
 * its plateaus, the way a phase change is measured in training (Olsson et al. 2022 take the
 * induction bump at the loss's halfway point; Power et al. 2022 read grokking off the held-out
 * accuracy's rise): the centre t₅₀ is the crossing of L + ½(R − L), the width
 * w = (t₇₅ − t₂₅) / (2·artanh ½), which is the tanh width of {@link ViscousShockFit} for a
 * symmetric front and the same quartile spread for any other shape.
 *
 * <p>This complements the tanh fit of {@link JumpFinder}, which needs the front to look like a
 * tanh within its window: a held-out accuracy that rises slowly after a long zero plateau and
 * approaches its final level only gradually (an asymmetric sigmoid), or a loss whose descent
 * is still levelling off when the run ends, misfits a tanh systematically, and the window's
 * flanks then hold "changes" that cut it until no plateau is left. Here the shape is free; the
 * evidence is the plateaus themselves:
 * <ol>
 *   <li>the series is smoothed by a centred rolling median (half-window n/50, at least 2
 *       samples) so that per-sample noise and single outliers do not make crossings;</li>
 *   <li>the candidate is the split of the largest two-sample (CUSUM) statistic of the smoothed
 *       series; L and R start as the medians either side and are then re-estimated three times
 *       as the medians of the raw values on plateau windows before t₁₀ and after t₉₀, each as
 *       long as t₉₀ − t₁₀ (at least {@code minSupport} + 1 samples);</li>
 *   <li>accepted only when the smoothed series stays within {@value #PLATEAU_SLACK} of |R − L|
 *       of L on the whole window before and of R on the whole window after, each window
 *       lasting at least {@value #PLATEAU_LENGTH} of t₉₀ − t₁₀ (two plateaus seen, not a change
 *       running into the series' edge); no stretch as long as t₉₀ − t₁₀ wholly before t₁₀ or
 *       after t₉₀ changes the smoothed series by more than {@value #ELSEWHERE} of |R − L| (the
 *       change is the series' own event, not one of its wanders: a random walk moves as much
 *       elsewhere); |R − L| stands out of the series' wander at the front's scale as
 *       {@link JumpFinder}'s fronts must; |R − L| is at least {@value #DOMINANCE} of the
 *       smoothed series' range and at least {@code threshold} white-noise σ; and
 *       w ≤ maxWidthFraction of the span (wider changes are trends).</li>
 * </ol>
 * A decay from the run's first sample has no plateau before it and is never a front here.
 *
 * <p>A stateful algorithm object that owns its workspace; not thread-safe.
 */
final class CrossingFront {
  /** t₇₅ − t₂₅ of y = tanh((t − t_s)/w) in units of w: 2·artanh(½) = ln 3. */
  static final double QUARTILE_WIDTHS = Math.log(3.0);
  /** Plateau samples (smoothed) may stray this fraction of |R − L| from their level. */
  static final double PLATEAU_SLACK = 0.15;
  /** |R − L| must be at least this fraction of the smoothed series' range. */
  static final double DOMINANCE = 0.5;
  /** No stretch as long as t₉₀ − t₁₀ away from the front may change by this fraction of it. */
  static final double ELSEWHERE = 0.3;
  /** Each plateau window lasts at least this fraction of t₉₀ − t₁₀. */
  static final double PLATEAU_LENGTH = 0.25;
  private static final int REFINEMENTS = 3;

  /**
   * A front on the detection scale: centre t₅₀ and width w (time units of the input), levels
   * left and right, [lo, hi] the samples bracketing t₅₀, [from, to] = [t₁₀, t₉₀], strength
   * |R − L| / σ.
   */
  record Front(double center, double width, double left, double right, double lo, double hi,
               double from, double to, double strength) {}

  private final RollingMedian rolling = new RollingMedian();
  private double[] s = new double[0];
  private double[] work = new double[0];
  private double[] prefix = new double[0];
  private final double[] zoneLo = new double[1];
  private final double[] zoneHi = new double[1];
  /** The white-noise scale of the series being searched (noiseSd of {@link #find}). */
  private double whiteSd;
  private double t10;
  private double t25;
  private double t50;
  private double t75;
  private double t90;
  private int k50;

  /**
   * @param t                sample times, increasing; input
   * @param y                finite values on the detection scale; input
   * @param n                number of samples
   * @param noiseSd          white-noise σ of y (at least its resolution)
   * @param threshold        |R − L| must be at least this many σ
   * @param maxWidthFraction w must not exceed this fraction of t[n−1] − t[0]
   * @param minSupport       samples each plateau window must hold beyond minSupport
   * @return the front, or null when the series has none by these rules
   */
  Front find(double[] t, double[] y, int n, double noiseSd, double threshold,
             double maxWidthFraction, int minSupport) {
    int minPlateau = minSupport + 1;
    if (n < 2 * minPlateau + 3) {
      return null;
    }
    whiteSd = noiseSd;
    if (s.length < n) {
      s = new double[n];
      work = new double[n];
    }
    rolling.apply(y, n, Math.max(2, n / 50), s);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    double total = 0.0;
    for (int i = 0; i < n; i++) {
      lo = Math.min(lo, s[i]);
      hi = Math.max(hi, s[i]);
      total += s[i];
    }
    int split = strongestSplit(n, total);
    double left = OrderStatistics.median(s, 0, split, work);
    double right = OrderStatistics.median(s, split, n, work);
    double before = Double.NaN;
    double after = Double.NaN;
    for (int round = 0; round < REFINEMENTS; round++) {
      if (!(left != right) || !crossings(t, n, left, right, split)) {
        return null;
      }
      double length = t90 - t10;
      int b0 = firstAtOrAfterOrEnd(t, n, t10 - length);
      int b1 = firstAtOrAfterOrEnd(t, n, t10);
      int a0 = firstAfterOrEnd(t, n, t90);
      int a1 = firstAfterOrEnd(t, n, t90 + length);
      b0 = Math.max(0, Math.min(b0, b1 - minPlateau));
      a1 = Math.min(n, Math.max(a1, a0 + minPlateau));
      // Each plateau is seen for at least half as long as the front takes: a change that
      // runs into the series' edge has no level there yet.
      if (b1 - b0 < minPlateau || a1 - a0 < minPlateau
          || t10 - t[b0] < PLATEAU_LENGTH * length || t[a1 - 1] - t90 < PLATEAU_LENGTH * length) {
        return null;
      }
      before = OrderStatistics.median(y, b0, b1, work);
      after = OrderStatistics.median(y, a0, a1, work);
      if (round == REFINEMENTS - 1) {
        double jump = Math.abs(right - left);
        if (!flat(b0, b1, left, jump) || !flat(a0, a1, right, jump)) {
          return null;
        }
      }
      left = before;
      right = after;
    }
    double jump = right - left;
    double width = (t75 - t25) / QUARTILE_WIDTHS;
    double strength = Math.abs(jump) / noiseSd;
    if (!(Math.abs(jump) >= DOMINANCE * (hi - lo)) || !(strength >= threshold)
        || !(width > 0.0) || width > maxWidthFraction * (t[n - 1] - t[0])) {
      return null;
    }
    if (largestChangeElsewhere(t, n, t90 - t10) > ELSEWHERE * Math.abs(jump)
        || !beyondWander(t, y, n, width, Math.abs(jump))) {
      return null;
    }
    return new Front(t50, width, left, right, t[k50], t[k50 + 1], t10, t90, strength);
  }

  /**
   * Whether |R − L| stands out of the series' own wander at the front's scale, as
   * {@link JumpFinder} requires of its fronts: |R − L| ≥ z·s with s the
   * {@link RobustOps#wander} across 4w between blocks of 2w away from [t₁₀, t₉₀] (measured at
   * smaller spans and extrapolated by {@link RobustOps#wanderAtSpan} when the series is too
   * short) and z from {@link RobustOps#wanderFactor}. A random walk's metric wanders from one
   * level to another; its plateaus are as flat as any at a short enough look.
   */
  private boolean beyondWander(double[] t, double[] y, int n, double width, double size) {
    double gap = (t[n - 1] - t[0]) / (n - 1);
    int lag = Math.max(1, (int) Math.round(2.0 * JumpFinder.FRONT_WIDTHS * width / gap));
    int block = Math.max(1, (int) Math.round(JumpFinder.FRONT_WIDTHS * width / gap));
    zoneLo[0] = t10;
    zoneHi[0] = t90;
    if (prefix.length < n + 1) {
      prefix = new double[2 * n + 1];
    }
    double scale = RobustOps.wanderAtSpan(t, y, n, lag, block, whiteSd, zoneLo, zoneHi, 1, work,
        prefix);
    return !(size < RobustOps.wanderFactor(n, lag + 2 * block) * scale);
  }

  /**
   * The largest change of the smoothed series across any stretch of the given length that lies
   * wholly before t₁₀ or wholly after t₉₀ (0 when there is none).
   */
  private double largestChangeElsewhere(double[] t, int n, double length) {
    double largest = 0.0;
    int j = 0;
    for (int i = 0; i < n; i++) {
      if (j < i) {
        j = i;
      }
      while (j < n && t[j] < t[i] + length) {
        j++;
      }
      if (j >= n) {
        break;
      }
      if (t[j] <= t10 || t[i] >= t90) {
        largest = Math.max(largest, Math.abs(s[j] - s[i]));
      }
    }
    return largest;
  }

  private boolean flat(int from, int to, double level, double jump) {
    for (int i = from; i < to; i++) {
      if (Math.abs(s[i] - level) > PLATEAU_SLACK * jump) {
        return false;
      }
    }
    return true;
  }

  /** The split k (minPlateau ≤ k ≤ n − minPlateau) maximising (x̄_left − x̄_right)²·k(n−k)/n. */
  private int strongestSplit(int n, double total) {
    double cum = 0.0;
    double best = -1.0;
    int split = n / 2;
    for (int k = 1; k < n; k++) {
      cum += s[k - 1];
      double d = cum / k - (total - cum) / (n - k);
      double stat = d * d * k * (n - k);
      if (stat > best) {
        best = stat;
        split = k;
      }
    }
    return split;
  }

  /**
   * Sets t₁₀ … t₉₀ for levels left → right around the split: t₅₀ is the crossing of the half
   * level nearest the split, the others the nearest crossings of their levels before (t₁₀, t₂₅)
   * and after (t₇₅, t₉₀) it, interpolated linearly between samples. False when one is missing.
   */
  private boolean crossings(double[] t, int n, double left, double right, int split) {
    double jump = right - left;
    k50 = -1;
    for (int d = 0; d < n && k50 < 0; d++) {
      for (int k : new int[] {split - 1 - d, split - 1 + d}) {
        if (k >= 0 && k + 1 < n && frac(k, left, jump) < 0.5 && frac(k + 1, left, jump) >= 0.5) {
          k50 = k;
          break;
        }
      }
    }
    if (k50 < 0) {
      return false;
    }
    t50 = at(t, k50, 0.5, left, jump);
    t25 = back(t, k50, 0.25, left, jump);
    t10 = back(t, k50, 0.10, left, jump);
    t75 = forward(t, n, k50 + 1, 0.75, left, jump);
    t90 = forward(t, n, k50 + 1, 0.90, left, jump);
    return !Double.isNaN(t10) && !Double.isNaN(t90);
  }

  private double frac(int i, double left, double jump) {
    return (s[i] - left) / jump;
  }

  /** Crossing of fraction q between samples k and k + 1 (frac(k) < q ≤ frac(k + 1)). */
  private double at(double[] t, int k, double q, double left, double jump) {
    double a = frac(k, left, jump);
    double b = frac(k + 1, left, jump);
    return t[k] + (q - a) / (b - a) * (t[k + 1] - t[k]);
  }

  private double back(double[] t, int k, double q, double left, double jump) {
    for (int j = k; j >= 0; j--) {
      if (frac(j, left, jump) < q) {
        return frac(j + 1, left, jump) >= q ? at(t, j, q, left, jump) : t[j];
      }
    }
    return Double.NaN;
  }

  private double forward(double[] t, int n, int k, double q, double left, double jump) {
    for (int j = k; j < n; j++) {
      if (frac(j, left, jump) >= q) {
        return j > 0 && frac(j - 1, left, jump) < q ? at(t, j - 1, q, left, jump) : t[j];
      }
    }
    return Double.NaN;
  }

  /** Smallest index with t ≥ v, or n (the end of the range) when none: an exclusive bound. */
  private static int firstAtOrAfterOrEnd(double[] t, int n, double v) {
    int i = 0;
    while (i < n && t[i] < v) {
      i++;
    }
    return i;
  }

  /** Smallest index with t &gt; v, or n (the end of the range) when none: an exclusive bound. */
  private static int firstAfterOrEnd(double[] t, int n, double v) {
    int i = 0;
    while (i < n && t[i] <= v) {
      i++;
    }
    return i;
  }
}

