package org.shockscope.shock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.shockscope.LeastSquaresLine;

/**
 * The contraction of a network's weights: the norm of its balanced representative falling from
 * its maximum to its lowest level after it, carried by several groups. It is how grokking shows
 * in the weights when no held-out metric is logged (issue 13): the network memorises its
 * training set at a large weight norm, and weight decay then draws the norm down to that of a
 * smaller, generalising solution, the memorising components decaying as the generalising circuit
 * takes over (Nanda et al. 2023 "Progress measures for grokking via mechanistic
 * interpretability": circuit formation and cleanup; Liu et al. 2022 "Omnigrok": held-out
 * accuracy as a function of the weight norm, generalisation at the smaller norm). The training
 * loss, fitted long before, cannot place this transition, so {@link SeriesRole}'s rule that a
 * group of weight events must move a metric does not apply to it.
 *
 * <p>The order parameter is the network's norm, the root sum of squares of its groups'
 * {@code balanced_norm} series (each invariant: the norm of the group's orbit's minimum-norm
 * point) at the steps they share:
 * <pre>  N(t) = √(Σ_g n_g(t)²)</pre>
 * the quantity decoupled weight decay shrinks (each parameter by the factor 1 − ηλ per step), so
 * a large group weighs as much as its share of the norm and a bias as little. From the sample of
 * N's maximum N_max (memorisation complete) to its lowest value after it, N_min, the contraction
 * is D = N_max − N_min, and the transition is placed as a held-out accuracy's is measured
 * ({@code lab.PhaseChange}): at the first step where N has covered half of it,
 * <pre>  N(t_½) = N_max − D/2</pre>
 * (linear interpolation between samples), with the tanh width w = (t_¾ − t_¼)/ln 3 from the
 * steps where it has covered a quarter and three quarters. A halfway crossing needs no shape: a
 * front of the norm (the cleanup accelerating and stopping), a constant-rate decline that stops
 * (a kink) and a decay that slows into the generalising norm's level (an exponential approach)
 * each have one, where the norm is midway between the memorising and generalising solutions'.
 * A fitted front misses the last two: a tanh on a drift fits a kink's bend or an exponential's
 * start, steps away from the accuracy's rise.
 *
 * <p>It is a contraction of the network when
 * <ul>
 *   <li>D is at least {@link SeriesRole#MODE_FLOOR} of N_max (the floor below which a norm's
 *       jump is no change of the network, {@link SeriesRole#primary}): weight decay settling a
 *       network whose solution stays the same moves its norm by less;</li>
 *   <li>at least {@link #MIN_GROUPS} groups' norms are lower at the step of N_min than at that
 *       of N_max: one layer shrinking is that layer; the network exchanging one solution for
 *       another moves several;</li>
 *   <li>N changed level, not fluctuated: after t_¾ it stays below its halfway level
 *       N_max − D/2 (a norm that wanders on a plateau crosses the middle of its range again and
 *       again);</li>
 *   <li>N has settled by the run's end: its least-squares rate of fall over the last t_¾ − t_¼
 *       steps of the run (at least {@link #MIN_TAIL} samples) is at most
 *       {@link #SETTLED_RATE} of its mean rate through the middle half of the contraction,
 *       (D/2)/(t_¾ − t_¼). A norm still falling as fast as through its contraction has not
 *       reached the smaller solution's level, so the level halfway to it is not known; a
 *       steady decline to the run's end (weight decay on a network that is not changing its
 *       solution) has its "halfway" wherever the run stops.</li>
 * </ul>
 * Whether the run had fitted its training set, and its loss did not rise, is the caller's test
 * ({@link ShockDetector}).
 *
 * <p>Static operations; allocation per call is a few arrays of the series' length.
 */
final class NormContraction {
  /** The observable: the norm of the group's balanced representative. */
  static final String NORM = "balanced_norm";
  /** Groups whose norms must contract together. */
  static final int MIN_GROUPS = 2;
  /** Fewest samples of N from its maximum on. */
  static final int MIN_SEGMENT = ShockDetector.MIN_SAMPLES;
  /**
   * Largest rate of fall at the run's end, as a fraction of the mean rate through the middle
   * half of the contraction, of a norm that has settled: by then the contraction has slowed to
   * less than half its pace (a tanh front's speed halves 0.88 widths past its centre; an
   * exponential approach's, one half-life on).
   */
  static final double SETTLED_RATE = 0.5;
  /** Fewest samples over which the final rate of fall is measured. */
  static final int MIN_TAIL = 3;
  /** t_¾ − t_¼ of a tanh front, in widths: 2·artanh(1/2) = ln 3. */
  private static final double QUARTILE_SPAN = Math.log(3.0);

  private NormContraction() {}

  /**
   * The run's contraction: the halfway step t_½, the quarter crossings, the width, and one jump
   * event per contracting group (series {@link #NORM}, step t_½, interval [t_¼, t_¾], the
   * group's levels at N's maximum and minimum; no strength, score 1: the evidence is the
   * groups' agreement, not one fit's residual).
   */
  record Contraction(double step, double quarter, double threeQuarter, double width,
                     List<ShockEvent> events) {}

  /**
   * The run's contraction (see the class comment), or null when the run has fewer than
   * {@link #MIN_GROUPS} groups with a norm series, N has too few samples from its maximum on or
   * falls by less than {@link SeriesRole#MODE_FLOOR} of its maximum (as a norm's jump of less
   * than that share of its level is no change of the network: weights settling, not a solution
   * exchanged), or fewer than {@link #MIN_GROUPS} groups contract.
   *
   * @param series the run's series; input, not modified (a group's series is analysed up to its
   *               first non-finite value)
   */
  static Contraction find(List<SeriesData> series) {
    List<SeriesData> norms = new ArrayList<>();
    for (SeriesData s : series) {
      if (!s.group().isEmpty() && NORM.equals(s.name())) {
        norms.add(s);
      }
    }
    if (norms.size() < MIN_GROUPS) {
      return null;
    }
    long[] steps = sharedSteps(norms);
    int n = steps.length;
    double[][] at = new double[norms.size()][];
    double[] total = new double[n];
    for (int g = 0; g < at.length; g++) {
      at[g] = valuesAt(norms.get(g), steps);
      for (int i = 0; i < n; i++) {
        total[i] += at[g][i] * at[g][i];
      }
    }
    int top = 0;
    for (int i = 0; i < n; i++) {
      total[i] = Math.sqrt(total[i]);
      if (total[i] > total[top]) {
        top = i;
      }
    }
    if (n - top < MIN_SEGMENT) {
      return null;
    }
    int low = top;
    for (int i = top + 1; i < n; i++) {
      if (total[i] < total[low]) {
        low = i;
      }
    }
    double drop = total[top] - total[low];
    if (!(drop >= SeriesRole.MODE_FLOOR * total[top])) {
      return null;
    }
    double quarter = crossing(steps, total, top, total[top] - 0.25 * drop);
    double half = crossing(steps, total, top, total[top] - 0.5 * drop);
    double threeQuarter = crossing(steps, total, top, total[top] - 0.75 * drop);
    double width = (threeQuarter - quarter) / QUARTILE_SPAN;
    for (int i = top + 1; i < n; i++) {
      if (steps[i] > threeQuarter && total[i] >= total[top] - 0.5 * drop) {
        return null;
      }
    }
    double midRate = 0.5 * drop / Math.max(threeQuarter - quarter, steps[top + 1] - steps[top]);
    if (!(-finalSlope(steps, total, threeQuarter - quarter) <= SETTLED_RATE * midRate)) {
      return null;
    }
    List<ShockEvent> events = new ArrayList<>();
    for (int g = 0; g < at.length; g++) {
      double left = at[g][top];
      double right = at[g][low];
      if (right < left) {
        events.add(new ShockEvent(NORM, norms.get(g).group(), ShockEvent.JUMP,
            Math.round(half), (long) Math.floor(quarter), (long) Math.ceil(threeQuarter), left,
            right, right - left, width, (left - right) * width / 4.0, Double.NaN, 1.0));
      }
    }
    if (events.size() < MIN_GROUPS) {
      return null;
    }
    return new Contraction(half, quarter, threeQuarter, width, events);
  }

  /**
   * The first step after sample {@code top} at which y is at or below {@code level}, linearly
   * interpolated between the samples that bracket it (y[top] is above the level and some later
   * sample is at or below it).
   */
  private static double crossing(long[] steps, double[] y, int top, double level) {
    int i = top + 1;
    while (y[i] > level) {
      i++;
    }
    double f = (y[i - 1] - level) / (y[i - 1] - y[i]);
    return steps[i - 1] + f * (steps[i] - steps[i - 1]);
  }

  /**
   * The least-squares slope of y over the samples in the run's last {@code reach} steps, or over
   * its last {@link #MIN_TAIL} samples when fewer lie there.
   */
  private static double finalSlope(long[] steps, double[] y, double reach) {
    int n = steps.length;
    int from = n - MIN_TAIL;
    while (from > 0 && steps[n - 1] - steps[from - 1] <= reach) {
      from--;
    }
    return LeastSquaresLine.fit(steps, from, steps[n - 1], y, from, n - from).slope();
  }

  /**
   * The steps at which every series has a finite value (each is read up to its first non-finite
   * one), in increasing order.
   */
  private static long[] sharedSteps(List<SeriesData> norms) {
    long[] shared = finiteSteps(norms.get(0));
    for (int g = 1; g < norms.size(); g++) {
      long[] other = finiteSteps(norms.get(g));
      long[] kept = new long[Math.min(shared.length, other.length)];
      int k = 0;
      int j = 0;
      for (long step : shared) {
        while (j < other.length && other[j] < step) {
          j++;
        }
        if (j < other.length && other[j] == step) {
          kept[k++] = step;
        }
      }
      shared = Arrays.copyOf(kept, k);
    }
    return shared;
  }

  /** The steps of a series before its first non-finite value. */
  private static long[] finiteSteps(SeriesData s) {
    int n = 0;
    while (n < s.values().length && Double.isFinite(s.values()[n])) {
      n++;
    }
    return Arrays.copyOf(s.steps(), n);
  }

  /** The series' values at the given steps, each of which it has (steps increasing). */
  private static double[] valuesAt(SeriesData s, long[] steps) {
    double[] v = new double[steps.length];
    int j = 0;
    for (int i = 0; i < steps.length; i++) {
      while (s.steps()[j] != steps[i]) {
        j++;
      }
      v[i] = s.values()[j];
    }
    return v;
  }
}
