package org.shockscope.shock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The contraction front of a network's weights: the norms of the balanced representatives of
 * several groups falling together, after their maximum, faster than their drift and as a front
 * rather than a bend. It is how grokking shows in the weights when no held-out metric is logged
 * (issue 13): under weight decay the memorising solution is replaced by a smaller-norm,
 * generalising circuit, and the norm of every layer that carries the circuit falls through a
 * front while the training loss, fitted long before, keeps falling slowly (Nanda et al. 2023
 * "Progress measures for grokking via mechanistic interpretability", the cleanup phase; Liu et
 * al. 2022 "Omnigrok", generalisation at a smaller weight norm). The training loss cannot place
 * this transition, so {@link SeriesRole}'s rule that a group of weight events must move a
 * metric does not apply to it.
 *
 * <p>Per group, on its {@code balanced_norm} series (invariant: the norm of the orbit's
 * minimum-norm point) from the sample of its maximum to its end, the least-squares fit of a
 * front on a drift
 * <pre>  y(t) = a + b·t + c·tanh((t − t_s)/w)</pre>
 * over a grid of centres t_s and widths w, with both of the front's plateaus in the segment
 * (t_s ± {@link #REACH}·w, where the tanh is 90% complete). The fit is a contraction when
 * <ul>
 *   <li>c &lt; 0: the norm falls through the front;</li>
 *   <li>its peak speed |c|/w is at least {@link #MIN_SPEED_RATIO} times the drift |b|: the
 *       front at least triples the rate at which weight decay shrinks the norm anyway;</li>
 *   <li>the speed through the front, |c|/w + |b|, is at least the least-squares slope of the
 *       samples before it (from the maximum to t_s − w, at least {@link #MIN_BEFORE}): a decay
 *       that merely slows down (an exponential approach) is fastest at its start, where a tanh
 *       pushed inside the segment by {@link #REACH} fits its bend, not a front.</li>
 * </ul>
 * The run's contraction is the largest set of group fits whose centres lie within the widest of
 * their widths of their median centre, from at least {@link #MIN_GROUPS} groups: one layer's
 * norm falling is that layer; the network reorganising moves several.
 *
 * <p>Static operations; allocation per call is a few arrays of the series' length.
 */
final class NormContraction {
  /** The observable fitted: the norm of the group's balanced representative. */
  static final String NORM = "balanced_norm";
  /**
   * Half-extent of a front, in widths, that must lie within the fitted segment (tanh 1.5 =
   * 0.905): both plateaus are seen, so a front is not the segment's edge.
   */
  static final double REACH = 1.5;
  /**
   * The front's peak speed |c|/w over the drift |b|: at 2 the norm falls at least three times
   * as fast through the front as weight decay and the loss's slow fall make it drift either
   * side (a dimensionless ratio of two rates of the same series).
   */
  static final double MIN_SPEED_RATIO = 2.0;
  /** Fewest samples before a front (up to t_s − w) that measure the speed it must exceed. */
  static final int MIN_BEFORE = 3;
  /** Groups whose norms must contract together. */
  static final int MIN_GROUPS = 2;
  /** Fewest samples from the norm's maximum on for a fit. */
  static final int MIN_SEGMENT = ShockDetector.MIN_SAMPLES;
  /** Widths tried, geometrically from the sampling interval to the largest allowed. */
  private static final int WIDTHS = 16;
  /** At most this many centres per width (a long series is scanned on a stride). */
  private static final int MAX_CENTRES = 64;

  private NormContraction() {}

  /** One group's front: centre, width and the fitted levels at t_s ∓ 2w. */
  record Fit(String group, double center, double width, double left, double right) {}

  /**
   * The run's contraction as one jump event per contracting group (series {@link #NORM}, step
   * t_s, interval t_s ± w, levels at t_s ∓ 2w; no strength, score 1: the evidence is the
   * groups' agreement, not one fit's residual), or an empty list.
   *
   * @param series   the run's series; input, not modified
   * @param maxWidth largest front width w, in steps
   */
  static List<ShockEvent> find(List<SeriesData> series, double maxWidth) {
    List<Fit> fits = new ArrayList<>();
    for (SeriesData s : series) {
      if (!s.group().isEmpty() && NORM.equals(s.name())) {
        Fit f = fit(s.group(), s.steps(), s.values(), maxWidth);
        if (f != null) {
          fits.add(f);
        }
      }
    }
    List<Fit> best = coherent(fits);
    List<ShockEvent> out = new ArrayList<>(best.size());
    for (Fit f : best) {
      long step = Math.round(f.center());
      out.add(new ShockEvent(NORM, f.group(), ShockEvent.JUMP, step,
          (long) Math.floor(f.center() - f.width()), (long) Math.ceil(f.center() + f.width()),
          f.left(), f.right(), f.right() - f.left(), f.width(),
          Math.abs(f.right() - f.left()) * f.width() / 4.0, Double.NaN, 1.0));
    }
    return out;
  }

  /**
   * The largest subset of fits from at least {@link #MIN_GROUPS} groups whose centres lie
   * within the widest member's width of their median centre; ties go to the earlier one.
   */
  static List<Fit> coherent(List<Fit> fits) {
    List<Fit> best = List.of();
    for (Fit seed : fits) {
      List<Fit> members = new ArrayList<>();
      for (Fit f : fits) {
        if (Math.abs(f.center() - seed.center()) <= Math.max(f.width(), seed.width())) {
          members.add(f);
        }
      }
      double[] c = new double[members.size()];
      double widest = 0.0;
      for (int i = 0; i < c.length; i++) {
        c[i] = members.get(i).center();
        widest = Math.max(widest, members.get(i).width());
      }
      Arrays.sort(c);
      double median = c[(c.length - 1) / 2];
      List<Fit> kept = new ArrayList<>();
      for (Fit f : members) {
        if (Math.abs(f.center() - median) <= widest) {
          kept.add(f);
        }
      }
      if (kept.size() >= MIN_GROUPS && kept.size() > best.size()) {
        best = kept;
      }
    }
    return best;
  }

  /**
   * A group's contraction front (see the class comment), or null.
   *
   * @param steps    strictly increasing; input, not modified
   * @param values   the norm at the steps; input, not modified (analysis stops at the first
   *                 non-finite value)
   * @param maxWidth largest w, in steps
   */
  static Fit fit(String group, long[] steps, double[] values, double maxWidth) {
    int n = 0;
    while (n < values.length && Double.isFinite(values[n])) {
      n++;
    }
    int top = 0;
    for (int i = 1; i < n; i++) {
      if (values[i] > values[top]) {
        top = i;
      }
    }
    int m = n - top;
    if (m < MIN_SEGMENT) {
      return null;
    }
    double t0 = steps[top];
    double half = 0.5 * (steps[n - 1] - t0);
    double mid = t0 + half;
    double[] u = new double[m];
    double[] y = new double[m];
    for (int i = 0; i < m; i++) {
      u[i] = (steps[top + i] - mid) / half;
      y[i] = values[top + i];
    }
    double gap = 2.0 * half / (m - 1);
    double widest = Math.min(maxWidth, half / REACH);
    if (!(widest >= gap)) {
      return null;
    }
    double[] g = new double[m];
    double[] a = new double[9];
    double[] b = new double[3];
    double bestRss = Double.POSITIVE_INFINITY;
    double bestCenter = Double.NaN;
    double bestWidth = Double.NaN;
    double[] bestCoef = new double[3];
    int stride = Math.max(1, m / MAX_CENTRES);
    for (int k = 0; k < WIDTHS; k++) {
      double w = gap * Math.pow(widest / gap, k / (WIDTHS - 1.0));
      double wu = w / half;
      for (int c = 0; c < m; c += stride) {
        double cu = u[c];
        if (cu - REACH * wu < u[0] || cu + REACH * wu > u[m - 1]) {
          continue;
        }
        for (int i = 0; i < m; i++) {
          g[i] = Math.tanh((u[i] - cu) / wu);
        }
        double rss = fitLine(u, y, g, m, a, b);
        if (rss < bestRss) {
          bestRss = rss;
          bestCenter = cu;
          bestWidth = wu;
          System.arraycopy(b, 0, bestCoef, 0, 3);
        }
      }
    }
    if (!(bestRss < Double.POSITIVE_INFINITY)) {
      return null;
    }
    double drift = Math.abs(bestCoef[1]);
    double front = bestCoef[2];
    // the speed before the front: a decay that slows down is fastest there, a front is not
    double before = Math.abs(slope(u, y, bestCenter - bestWidth));
    if (!(front < 0.0) || Math.abs(front) / bestWidth < MIN_SPEED_RATIO * drift
        || Math.abs(front) / bestWidth + drift < before) {
      return null;
    }
    double left = bestCoef[0] + bestCoef[1] * (bestCenter - 2.0 * bestWidth)
        + front * Math.tanh(-2.0);
    double right = bestCoef[0] + bestCoef[1] * (bestCenter + 2.0 * bestWidth)
        + front * Math.tanh(2.0);
    return new Fit(group, mid + bestCenter * half, bestWidth * half, left, right);
  }

  /**
   * The least-squares slope of y over the samples with u ≤ {@code until} (0 with fewer than
   * {@link #MIN_BEFORE}).
   */
  private static double slope(double[] u, double[] y, double until) {
    int k = 0;
    double su = 0;
    double sy = 0;
    while (k < u.length && u[k] <= until) {
      su += u[k];
      sy += y[k];
      k++;
    }
    if (k < MIN_BEFORE) {
      return 0.0;
    }
    double mu = su / k;
    double my = sy / k;
    double suu = 0;
    double suy = 0;
    for (int i = 0; i < k; i++) {
      suu += (u[i] - mu) * (u[i] - mu);
      suy += (u[i] - mu) * (y[i] - my);
    }
    return suy / suu;
  }

  /**
   * Least squares of y on (1, u, g): coefficients into {@code coef}, returns the residual sum
   * of squares (+∞ when singular). {@code a} is a 3×3 scratch matrix.
   */
  private static double fitLine(double[] u, double[] y, double[] g, int m, double[] a,
                                double[] coef) {
    double s1 = m;
    double su = 0;
    double sg = 0;
    double suu = 0;
    double sug = 0;
    double sgg = 0;
    double sy = 0;
    double suy = 0;
    double sgy = 0;
    for (int i = 0; i < m; i++) {
      su += u[i];
      sg += g[i];
      suu += u[i] * u[i];
      sug += u[i] * g[i];
      sgg += g[i] * g[i];
      sy += y[i];
      suy += u[i] * y[i];
      sgy += g[i] * y[i];
    }
    a[0] = s1;
    a[1] = su;
    a[2] = sg;
    a[3] = su;
    a[4] = suu;
    a[5] = sug;
    a[6] = sg;
    a[7] = sug;
    a[8] = sgg;
    coef[0] = sy;
    coef[1] = suy;
    coef[2] = sgy;
    if (!SmallSolve.solve(a, coef, 3)) {
      return Double.POSITIVE_INFINITY;
    }
    double rss = 0.0;
    for (int i = 0; i < m; i++) {
      double r = y[i] - coef[0] - coef[1] * u[i] - coef[2] * g[i];
      rss += r * r;
    }
    return rss;
  }
}
