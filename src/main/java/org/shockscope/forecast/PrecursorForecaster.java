package org.shockscope.forecast;

import static org.shockscope.StepIndex.lastAtOrBefore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.shockscope.OrderStatistics;
import org.shockscope.shock.DetectorConfig;
import org.shockscope.shock.SeriesData;

/**
 * The physical-precursor forecast of a run (issue 16): at each checkpoint step t, from the
 * samples at steps ≤ t only,
 * <ul>
 *   <li><b>divergence</b>: the loss (every run-level metric whose name contains "loss") growing
 *       exponentially ({@link GrowthFit} over its last {@value #GROWTH_WINDOW} logged samples,
 *       each above the one before), already {@value #LEVEL_GATE}× above its initial level, is
 *       extrapolated to the product's divergence level (the detector's growth factor × the
 *       initial level, {@link DetectorConfig#growthFactor}, the rule the lab's truth uses): it
 *       gets there after {@code T = (ln(G·y₀) − ln y(t)) / r} steps, and
 *       {@code P(divergence within H) = Φ((H − T) / (s·T))} with relative spread
 *       s = {@value #DIVERGENCE_SPREAD}. A non-finite loss or one already above the level gives 1.
 *       A loss exploding between two logged samples ({@link #explosionRate}: far above both its
 *       initial and its recent level, and multiplied since the sample before) is extrapolated
 *       at its last interval's rate instead, with no window.
 *       Besides the loss, the logit bounds of a transformer ({@link SeriesFamily#QK}: each
 *       head's W_Q W_Kᵀ spectral norm; {@link SeriesFamily#UNEMBEDDING}) growing exponentially
 *       while the loss rises ({@link #timeToLogitDivergence}, {@link #lossRising}) are
 *       divergence triggers of their own. Spectral norms (of layers, QK maps, the unembedding) that grow at the same
 *       time as a trigger are listed with it as carriers of the warning;</li>
 *   <li><b>jump</b>: a mode series (a singular value, {@code <matrix>/sv<k>}) on a rising front
 *       whose growth is visibly slowing ({@link FrontForecast}) gives the front's centre t_s; the
 *       earliest forming centre is the expected step, the series whose centres agree with it
 *       carry the warning, and {@code P(jump within H) = Φ((H − (t_s − t)) / σ)} with
 *       σ = {@value #CENTRE_SPREAD}·(t_s − t) + w/2. A linear chain's end-to-end modes are timed
 *       by their mode ODE instead ({@link ChainModeForecast}, until a mode's rise slows,
 *       {@link #pastInflection}, never on a rise after a fall, {@link #fellBefore}, nor for a
 *       first mode whose loss shows it past its midpoint, {@link #lossShowsPastMidpoint}; a
 *       first mode's finite-time blow-up is re-timed by the ODE with the target its loss bounds,
 *       {@link #firstModeTargetBound}, {@link ChainModeForecast#bounded}, as is a fitted target
 *       above that bound; a first mode the ODE does not time, growing as a power of time as
 *       under Adam, is timed by that power law up to the same bound,
 *       {@link ChainModeForecast#powerLaw}); a plateau that ends when a layer's hidden units split (a lower
 *       singular value leaving its floor, {@link EscapeForecast#splitIndex}) by the fall of the
 *       loss after the split ({@link EscapeForecast}), forecast at the loss's logged steps
 *       ({@link #escapeSteps}), as is a chain's first mode timed by its loss
 *       ({@link #chainSteps}: a deep chain's blow-up, a depth-2 chain's logistic, or a power
 *       law in time as under Adam, read from the loss's fall, {@link #lossFront}); a held-out
 *       loss that rose above its chance level while the network memorised and is coming back
 *       down through it is timed to half that level ({@link HeldOutLossForecast}: grokking).</li>
 * </ul>
 * Φ is the standard normal distribution function. Stateless static operations.
 */
public final class PrecursorForecaster {
  /** Logged loss samples in the exponential fit. */
  public static final int GROWTH_WINDOW = 3;
  /** The loss must already be this many times its initial level before a divergence alarm. */
  public static final double LEVEL_GATE = 8.0;
  /** Least growth over the window (×4 in two intervals: a doubling per logged interval). */
  public static final double WINDOW_GROWTH = 4.0;
  /**
   * The loss must reach this many times its highest value before the window: an explosive new
   * high, not the noise of a per-sample loss or the drift of a random walk coming back up.
   */
  public static final double NEW_HIGH = 2.0;
  /** A loss this many times its initial level and still multiplying is exploding. */
  public static final double EXPLOSION_LEVEL = 32.0;
  /** Least factor of an exploding loss over its last logged interval. */
  public static final double EXPLOSION_STEP = 5.0;
  /** An exploding loss is this many times the median of its recent samples. */
  public static final double EXPLOSION_MEDIAN = 100.0;
  /** Recent samples whose median an exploding loss is compared with, at most. */
  public static final int EXPLOSION_HISTORY = 64;
  /** Samples at the start of a loss whose median can raise its gate level. */
  public static final int GATE_SAMPLES = 5;
  /** Fewest samples before an explosion (a median of one or two is no level). */
  public static final int EXPLOSION_PRIOR = 3;
  /** Relative spread of the predicted time to divergence. */
  public static final double DIVERGENCE_SPREAD = 0.5;
  /** Relative spread of the predicted time to a front's centre. */
  public static final double CENTRE_SPREAD = 0.2;
  /** Samples of a QK or unembedding norm in its growth fit. */
  public static final int LOGIT_WINDOW = 4;
  /** Least growth of a logit bound over its window (a doubling within three intervals). */
  public static final double LOGIT_WINDOW_GROWTH = 2.0;
  /** A logit bound must be this many times its initial level before it alarms. */
  public static final double LOGIT_LEVEL_GATE = 4.0;
  /** Relative tolerance of "not slowing": a steady exponential's rates differ by rounding. */
  private static final double RATE_TOLERANCE = 1e-9;
  /** Logged loss samples in the median a logit-bound trigger compares. */
  public static final int LOSS_MEDIAN = 3;
  /** How far the loss must have risen above its low for a logit-bound trigger to alarm. */
  public static final double LOSS_RISE = 1.25;
  /** Doubling times from the alarm to the expected divergence (logits ×8 further). */
  public static final double LOGIT_DOUBLINGS = 3.0;
  /**
   * Least growth of a spectral norm over its last {@value GrowthFit#MIN_POINTS} samples to be
   * listed as a carrier of a divergence warning (a norm that drifts up by a fraction of a percent
   * carries nothing).
   */
  public static final double CARRIER_GROWTH = 1.1;
  /** How far ahead a front's centre may be, as a multiple of its series' observed history. */
  public static final double MAX_AHEAD = 2.0;
  /** How far a chain's loss deviation must stand above the loss's noise to time its first mode. */
  public static final double LOSS_NOISE_MARGIN = 10.0;
  /**
   * φ = δ/u of a chain's first mode at this share of its earlier high or below: the mode
   * has crossed its midpoint ({@link #lossShowsPastMidpoint}; 1.5Cs over 2Cs).
   */
  public static final double PAST_MIDPOINT_PHI = 0.75;
  /**
   * Largest lag of a logged loss behind a checkpoint, as a share of the checkpoint interval, for
   * the two to be read as the same time.
   */
  public static final double SAME_TIME = 0.1;
  /**
   * How far a chain's first mode must have risen above its floor at its last checkpoint for it to
   * be forecast at the loss's steps between checkpoints ({@link #chainSteps}). The loss falls by
   * δ ∝ π − π₀ (π the mode's component along its teacher direction, π₀ its start), not by δ ∝ u:
   * an aligned initialisation's offset u₀, or a random one's alignment from π ≈ 0, makes δ grow
   * faster in relative terms than the mode itself, so a blow-up read from δ comes early — by a
   * share of order u₀/u. A mode 10× above its floor leaves an offset of at most a tenth of it;
   * below that, the early loss steps' forecasts were early by a fifth to a quarter of the time
   * left on the tuning labs.
   */
  public static final double LOSS_TIMED_RISE = 10.0;
  /**
   * Doublings of a chain's loss fall δ over which a first mode's power law in time must hold for
   * the loss to time it ({@link #lossPowerLaw}). Adam's law holds from the mode's start; a mode
   * under the mode ODE grows faster than any power of time (its rates of u^{1/L} rise by
   * 2^{1 − 1/L} per doubling, beyond {@value ChainModeForecast#BLOW_UP_AGREEMENT}) until its
   * saturation slows it, and the slowing can pass for a power law over the last one or two
   * doublings only, not over three that reach back into the ODE's early growth.
   */
  public static final int POWER_LAW_DOUBLINGS = 3;
  /** Checkpoint intervals after a split of hidden units within which its escape is forecast. */
  public static final int ESCAPE_INTERVALS = 2;
  /** Centres within this share of the remaining time belong to the same front. */
  private static final double SAME_FRONT = 0.15;

  private PrecursorForecaster() {}

  /**
   * The steps a run is forecast at: its checkpoint steps (the steps of its grouped observables),
   * or, for a run with metrics only, the steps of its loss; and the logged loss steps between
   * them at which a divergence is forming ({@link #divergenceSteps}), a plateau's escape is
   * under way ({@link #escapeSteps}) or a chain's first mode is timed by the loss
   * ({@link #chainSteps}).
   */
  public static long[] forecastSteps(List<SeriesData> run) {
    TreeSet<Long> steps = new TreeSet<>();
    for (SeriesData s : run) {
      if (!s.group().isEmpty()) {
        for (long t : s.steps()) {
          steps.add(t);
        }
      }
    }
    if (steps.isEmpty()) {
      for (SeriesData s : run) {
        if (isLoss(s)) {
          for (long t : s.steps()) {
            steps.add(t);
          }
        }
      }
    }
    steps.addAll(divergenceSteps(run));
    steps.addAll(escapeSteps(run));
    steps.addAll(chainSteps(run));
    return steps.stream().mapToLong(Long::longValue).toArray();
  }

  /** The run's checkpoint steps (the steps of its grouped observables). */
  static long[] checkpointSteps(List<SeriesData> run) {
    TreeSet<Long> steps = new TreeSet<>();
    for (SeriesData s : run) {
      if (!s.group().isEmpty()) {
        for (long t : s.steps()) {
          steps.add(t);
        }
      }
    }
    return steps.stream().mapToLong(Long::longValue).toArray();
  }

  /** Forecasts at every {@link #forecastSteps} step and horizon, in step then horizon order. */
  public static List<Forecast> forecast(List<SeriesData> run, long[] horizons) {
    List<Forecast> out = new ArrayList<>();
    for (long t : forecastSteps(run)) {
      out.addAll(at(run, t, horizons));
    }
    return out;
  }

  /**
   * Forecasts at every {@link #forecastSteps} step, the horizons resolved against the run's
   * checkpoint interval ({@link ForecastHorizons#resolve}).
   */
  public static List<Forecast> forecast(List<SeriesData> run, ForecastHorizons horizons) {
    long[] steps = forecastSteps(run);
    long[] h = horizons.resolve(ForecastHorizons.medianInterval(checkpointSteps(run)));
    List<Forecast> out = new ArrayList<>();
    for (long t : steps) {
      out.addAll(at(run, t, h));
    }
    return out;
  }

  /**
   * Forecasts issued at step {@code t}, one per horizon, reading only samples at steps ≤ t.
   *
   * @param run      input, the run's series (as for the detector)
   * @param t        the forecast's step
   * @param horizons H values in steps, each ≥ 1
   * @throws IllegalArgumentException on a horizon below 1
   */
  public static List<Forecast> at(List<SeriesData> run, long t, long[] horizons) {
    for (long h : horizons) {
      if (h < 1) {
        throw new IllegalArgumentException("forecast horizon must be >= 1 step, got " + h);
      }
    }
    double timeToDivergence = Double.POSITIVE_INFINITY;
    List<String> divergenceSeries = new ArrayList<>();
    for (SeriesData s : run) {
      if (!isLoss(s)) {
        continue;
      }
      double ttd = timeToDivergence(s, t);
      if (ttd < Double.POSITIVE_INFINITY) {
        divergenceSeries.add(s.name());
        timeToDivergence = Math.min(timeToDivergence, ttd);
      }
    }
    for (SeriesData s : run) {
      SeriesFamily f = SeriesFamily.of(s);
      if (f == SeriesFamily.QK || f == SeriesFamily.UNEMBEDDING) {
        double ttd = timeToLogitDivergence(s, t);
        int e = lastAtOrBefore(s.steps(), t);
        if (ttd < Double.POSITIVE_INFINITY
            && lossRising(run, s.steps()[Math.max(0, e - LOGIT_WINDOW + 1)], t)) {
          divergenceSeries.add(SeriesFamily.label(s));
          timeToDivergence = Math.min(timeToDivergence, ttd);
        }
      }
    }
    if (!divergenceSeries.isEmpty()) {
      for (SeriesData s : run) {
        SeriesFamily f = SeriesFamily.of(s);
        if (f == SeriesFamily.SPECTRAL_NORM || f == SeriesFamily.QK
            || f == SeriesFamily.UNEMBEDDING) {
          int e = lastAtOrBefore(s.steps(), t);
          GrowthFit.Growth g = e < 0 ? null
              : GrowthFit.fit(s.steps(), s.values(), e, GrowthFit.MIN_POINTS);
          String label = SeriesFamily.label(s);
          if (g != null && g.rising()
              && Math.abs(s.values()[e]) >= CARRIER_GROWTH
                  * Math.abs(s.values()[e - GrowthFit.MIN_POINTS + 1])
              && !divergenceSeries.contains(label)) {
            divergenceSeries.add(label);
          }
        }
      }
    }

    Map<String, Integer> depths = chainDepths(run);
    List<FrontAt> fronts = chainFronts(run, t, depths);
    for (SeriesData s : run) {
      if (!isMode(s) || depths.containsKey(s.group())) {
        continue;
      }
      int e = lastAtOrBefore(s.steps(), t);
      if (e < 0) {
        continue;
      }
      FrontForecast.Front f = FrontForecast.at(s.steps(), s.values(), e);
      if (f != null && f.centre() > t && credible(f, s, t)) {
        fronts.add(new FrontAt(label(s), f));
      }
    }
    Split split = split(run, t, depths);
    if (split != null && t <= split.until()) {
      for (SeriesData l : run) {
        int e = isLoss(l) ? lastAtOrBefore(l.steps(), t) : -1;
        FrontForecast.Front f = e < 0 ? null
            : EscapeForecast.at(l.steps(), l.values(), split.step(), e);
        if (f != null && f.centre() > t) {
          fronts.add(new FrontAt(l.name(), f));
        }
      }
    }
    for (SeriesData l : run) {
      int e = isLoss(l) ? lastAtOrBefore(l.steps(), t) : -1;
      FrontForecast.Front f = e < 0 ? null : HeldOutLossForecast.at(l.steps(), l.values(), e);
      if (f != null && f.centre() > t) {
        fronts.add(new FrontAt(l.name(), f));
      }
    }
    double centre = Double.NaN;
    double width = 0;
    List<String> jumpSeries = new ArrayList<>();
    if (!fronts.isEmpty()) {
      fronts.sort((a, b) -> Double.compare(a.front.centre(), b.front.centre()));
      double first = fronts.get(0).front.centre();
      double tol = SAME_FRONT * (first - t);
      List<Double> centres = new ArrayList<>();
      List<Double> widths = new ArrayList<>();
      for (FrontAt f : fronts) {
        if (f.front.centre() - first <= tol) {
          centres.add(f.front.centre());
          widths.add(f.front.width());
          jumpSeries.add(f.series);
        }
      }
      Collections.sort(centres);
      Collections.sort(widths);
      centre = centres.get(centres.size() / 2);
      width = widths.get(widths.size() / 2);
    }

    List<String> series = new ArrayList<>(divergenceSeries);
    for (String s : jumpSeries) {
      if (!series.contains(s)) {
        series.add(s);
      }
    }
    double expected = !Double.isNaN(centre) ? centre
        : timeToDivergence < Double.POSITIVE_INFINITY ? t + timeToDivergence : Double.NaN;
    List<Forecast> out = new ArrayList<>(horizons.length);
    for (long h : horizons) {
      double pDiv = timeToDivergence <= 0 ? 1.0
          : timeToDivergence == Double.POSITIVE_INFINITY ? 0.0
          : normalCdf((h - timeToDivergence) / (DIVERGENCE_SPREAD * timeToDivergence));
      double pJump = 0.0;
      if (!Double.isNaN(centre)) {
        double remaining = centre - t;
        pJump = normalCdf((h - remaining) / (CENTRE_SPREAD * remaining + width / 2));
      }
      out.add(new Forecast(t, h, pJump, pDiv, expected, Forecast.PRECURSOR, series));
    }
    return out;
  }

  /**
   * Steps until a loss series reaches the divergence level, judged at step t: 0 when it is
   * non-finite or already there, +∞ when it is not growing exponentially above the gate or its
   * growth is slowing (the last of the two log-growth rates of the window below the first: the
   * curvature giving way, as in a catapult that will recover, Lewkowycz et al. 2020; a
   * divergence keeps growing at least exponentially).
   */
  static double timeToDivergence(SeriesData s, long t) {
    long[] steps = s.steps();
    double[] v = s.values();
    int e = lastAtOrBefore(steps, t);
    if (e < 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (!finitePrefix(v, e)) {
      return 0.0;
    }
    double y0 = initialLevel(v, e);
    return timeToDivergence(steps, v, e, y0);
  }

  /** Whether v[0..e] are all finite (a non-finite value has diverged already). */
  private static boolean finitePrefix(double[] v, int e) {
    for (int i = 0; i <= e; i++) {
      if (!Double.isFinite(v[i])) {
        return false;
      }
    }
    return true;
  }

  /** |v| at the first non-zero sample of v[0..e], the level growth is measured from, or NaN. */
  private static double initialLevel(double[] v, int e) {
    for (int i = 0; i <= e; i++) {
      if (v[i] != 0) {
        return Math.abs(v[i]);
      }
    }
    return Double.NaN;
  }

  /** As {@link #timeToDivergence(SeriesData, long)} for a finite prefix [0, e] of level y0. */
  private static double timeToDivergence(long[] steps, double[] v, int e, double y0) {
    if (Double.isNaN(y0)) {
      return Double.POSITIVE_INFINITY;
    }
    double target = Math.log(DetectorConfig.DEFAULTS.growthFactor() * y0);
    double now = Math.log(Math.abs(v[e]));
    if (now >= target) {
      return 0.0;
    }
    double explosion = explosionRate(steps, v, e, y0);
    if (explosion > 0) {
      return (target - now) / explosion;
    }
    if (Math.abs(v[e]) < LEVEL_GATE * y0 || e < GROWTH_WINDOW - 1
        || Math.abs(v[e]) < LEVEL_GATE * gateLevel(v, e, y0)) {
      return Double.POSITIVE_INFINITY;
    }
    GrowthFit.Growth g = GrowthFit.fit(steps, v, e, GROWTH_WINDOW);
    if (g == null || !g.rising() || !(g.rate() > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    double last = rate(steps, v, e);
    double before = rate(steps, v, e - 1);
    int first = e - GROWTH_WINDOW + 1;
    if (last < before || Math.abs(v[e]) < WINDOW_GROWTH * Math.abs(v[first])) {
      return Double.POSITIVE_INFINITY;
    }
    double high = 0;
    for (int i = 0; i < first; i++) {
      high = Math.max(high, Math.abs(v[i]));
    }
    if (Math.abs(v[e]) < NEW_HIGH * high) {
      return Double.POSITIVE_INFINITY;
    }
    return (target - now) / g.rate();
  }

  /**
   * The level a loss must rise above before a divergence alarm: its initial level y0, or the
   * median of its first {@value #GATE_SAMPLES} samples (those up to index e) when that is higher.
   * The divergence level itself stays G·y0, the detector's rule; only the gates move. A
   * per-sample loss whose first value happened to be small (a batch of one near the optimum:
   * 6 of the tuning labs' 1,932 runs start below an eighth of their early median) would
   * otherwise clear the gates with its first noise burst.
   */
  static double gateLevel(double[] v, int e, double y0) {
    int n = Math.min(GATE_SAMPLES, e + 1);
    double[] first = new double[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isFinite(v[i])) {
        first[k++] = Math.abs(v[i]);
      }
    }
    double median = OrderStatistics.medianInPlace(first, k);
    return median > y0 ? median : y0;
  }

  /**
   * The log-growth rate per step of a loss exploding at index e, or 0: the loss is at least
   * {@value #EXPLOSION_LEVEL}× its initial level y0 and {@value #EXPLOSION_MEDIAN}× the median of
   * its last {@value #EXPLOSION_HISTORY} samples (at least {@value #EXPLOSION_PRIOR} of them), and
   * was multiplied by at least {@value #EXPLOSION_STEP} since the sample before. A loss that many
   * times worse than both the untrained network's and its own recent level, and still
   * multiplying, is a divergence under way whatever its growth did before: its per-step factor
   * swings as the curvature bends (slowing, then speeding up again), so the window test's "not
   * slowing" and "new high" conditions miss it, and with a logged interval of several steps the
   * window's three rising samples are never seen. The median keeps a per-sample loss whose first
   * value happened to be small from passing for an explosion at each of its noise bursts. A
   * catapult that will recover rarely climbs this far above both levels within one interval (the
   * tuning labs' catapult-only sweeps: 16 more of 144 divergences warned, 6 more of 836
   * converging runs alarmed; their full randomized sweeps: 2 more of 26, 1 more of 954).
   */
  static double explosionRate(long[] steps, double[] v, int e, double y0) {
    // the cheap tests first (the gate level is never below y0): most samples stop here
    if (e < EXPLOSION_PRIOR || !(Math.abs(v[e]) >= EXPLOSION_LEVEL * y0) || v[e - 1] == 0
        || !(Math.abs(v[e]) >= EXPLOSION_STEP * Math.abs(v[e - 1]))
        || !(Math.abs(v[e]) >= EXPLOSION_LEVEL * gateLevel(v, e, y0))) {
      return 0.0;
    }
    int from = Math.max(0, e - EXPLOSION_HISTORY);
    double[] recent = new double[e - from];
    for (int i = from; i < e; i++) {
      recent[i - from] = Math.abs(v[i]);
    }
    double median = OrderStatistics.medianInPlace(recent, recent.length);
    return Math.abs(v[e]) >= EXPLOSION_MEDIAN * median ? rate(steps, v, e) : 0.0;
  }

  /**
   * Steps until a divergence announced by the growth of a logit bound, judged at step t: the
   * spectral norm of a head's W_Q W_Kᵀ map bounds its attention logits
   * (|q·k| ≤ ‖W_Q W_Kᵀ‖₂ ‖x_i‖ ‖x_j‖), that of the unembedding the output logits; their
   * uncontrolled growth precedes the divergence of transformer training (Wortsman et al. 2023,
   * §3.1–3.2). The norm must grow exponentially over its last {@value #LOGIT_WINDOW} samples
   * (each above the one before, not slowing: the last log-rate at least the one before, unlike a
   * head that forms and saturates), by at least {@value #LOGIT_WINDOW_GROWTH}× over the window,
   * and be {@value #LOGIT_LEVEL_GATE}× its initial level; the divergence is then expected
   * {@value #LOGIT_DOUBLINGS} doubling times ahead. +∞ otherwise.
   */
  static double timeToLogitDivergence(SeriesData s, long t) {
    long[] steps = s.steps();
    double[] v = s.values();
    int e = lastAtOrBefore(steps, t);
    if (e < LOGIT_WINDOW - 1) {
      return Double.POSITIVE_INFINITY;
    }
    if (!finitePrefix(v, e)) {
      return 0.0;
    }
    double y0 = initialLevel(v, e);
    int first = e - LOGIT_WINDOW + 1;
    if (Double.isNaN(y0) || Math.abs(v[e]) < LOGIT_LEVEL_GATE * y0
        || Math.abs(v[e]) < LOGIT_WINDOW_GROWTH * Math.abs(v[first]) || !(v[first] != 0)) {
      return Double.POSITIVE_INFINITY;
    }
    GrowthFit.Growth g = GrowthFit.fit(steps, v, e, LOGIT_WINDOW);
    double before = rate(steps, v, e - 1);
    if (g == null || !g.rising() || !(g.rate() > 0)
        || rate(steps, v, e) < before - RATE_TOLERANCE * Math.abs(before)) {
      return Double.POSITIVE_INFINITY;
    }
    return LOGIT_DOUBLINGS * g.doublingTime();
  }

  /**
   * Whether the run's loss is rising at t: the median of its last {@value #LOSS_MEDIAN} logged
   * samples at least {@value #LOSS_RISE}× its lowest value at or before {@code from} (the first
   * step of a logit bound's growth window). A logit bound that grows while the loss stays on a
   * plateau or falls is learning — attention sharpening out of a small initialisation, an
   * induction head forming — not diverging; Wortsman et al.'s attention-logit divergence shows
   * in the loss as it builds. True when the run logs no loss (the weights are all there is).
   */
  static boolean lossRising(List<SeriesData> run, long from, long t) {
    boolean anyLoss = false;
    for (SeriesData s : run) {
      if (!isLoss(s)) {
        continue;
      }
      anyLoss = true;
      int a = lastAtOrBefore(s.steps(), from);
      int e = lastAtOrBefore(s.steps(), t);
      if (a < 0 || e - LOSS_MEDIAN + 1 <= a) {
        continue;
      }
      double low = Double.POSITIVE_INFINITY;
      for (int i = 0; i <= a; i++) {
        low = Math.min(low, Math.abs(s.values()[i]));
      }
      double[] last = new double[LOSS_MEDIAN];
      for (int i = 0; i < LOSS_MEDIAN; i++) {
        last[i] = Math.abs(s.values()[e - i]);
      }
      Arrays.sort(last);
      if (!(last[LOSS_MEDIAN / 2] < LOSS_RISE * low)) {
        return true;
      }
    }
    return !anyLoss;
  }

  private static double rate(long[] steps, double[] v, int i) {
    return (Math.log(Math.abs(v[i])) - Math.log(Math.abs(v[i - 1]))) / (steps[i] - steps[i - 1]);
  }

  /**
   * The logged steps of the run's loss at which a divergence is forming (finite time to the
   * divergence level) or has happened: besides its checkpoint steps, a run is forecast there too,
   * since a divergence can form and break between two checkpoints. One forward pass per loss.
   */
  static TreeSet<Long> divergenceSteps(List<SeriesData> run) {
    TreeSet<Long> out = new TreeSet<>();
    for (SeriesData s : run) {
      if (!isLoss(s)) {
        continue;
      }
      long[] steps = s.steps();
      double[] v = s.values();
      double y0 = Double.NaN;
      for (int e = 0; e < v.length; e++) {
        if (!Double.isFinite(v[e])) {
          out.add(steps[e]);
          break;
        }
        if (Double.isNaN(y0) && v[e] != 0) {
          y0 = Math.abs(v[e]);
        }
        if (timeToDivergence(steps, v, e, y0) < Double.POSITIVE_INFINITY) {
          out.add(steps[e]);
        }
      }
    }
    return out;
  }

  /**
   * A split of hidden units seen at checkpoint {@code step}, the checkpoint before it at
   * {@code previous}. The singular value rose {@value EscapeForecast#SPLIT_RISE}× within that
   * interval, so the deviation's e-folding time is at most a fifth of it (ln 100 ≈ 4.6): the
   * escape, a few e-foldings more, is over within {@value #ESCAPE_INTERVALS} such intervals, and
   * a loss falling later belongs to something else (the next stage of a partial specialisation,
   * whose own split comes first).
   */
  record Split(long step, long previous) {
    long until() {
      return step + ESCAPE_INTERVALS * (step - previous);
    }
  }

  /**
   * The latest checkpoint at or before t at which hidden units of a layer split
   * ({@link EscapeForecast#splitIndex}): a lower singular value ({@code sv2}, {@code sv3}, …) of
   * a matrix outside the run's linear chains rising from its floor (a chain's modes rise from
   * small values as they are learned, each in its turn, and are forecast by
   * {@link ChainModeForecast}). Null when none.
   */
  static Split split(List<SeriesData> run, long t, Map<String, Integer> depths) {
    Split latest = null;
    for (SeriesData s : run) {
      if (!splitCandidate(s, depths)) {
        continue;
      }
      int e = lastAtOrBefore(s.steps(), t);
      int i = e < 0 ? -1 : EscapeForecast.splitIndex(s.values(), e);
      if (i > 0 && (latest == null || s.steps()[i] > latest.step())) {
        latest = new Split(s.steps()[i], s.steps()[i - 1]);
      }
    }
    return latest;
  }

  /**
   * Whether a series can show a split of hidden units: a lower mode ({@code sv2}, {@code sv3}, …)
   * of a weight matrix outside the run's linear chains ({@code depths}, {@link #chainDepths}).
   */
  private static boolean splitCandidate(SeriesData s, Map<String, Integer> depths) {
    return isMode(s) && !s.group().isEmpty() && !depths.containsKey(s.group())
        && modeIndex(s.name()) >= 2;
  }

  /** k of a mode series {@code <matrix>/sv<k>}. */
  private static int modeIndex(String name) {
    return Integer.parseInt(name.substring(name.lastIndexOf("/sv") + 3));
  }

  /**
   * The logged steps of the run's loss at which a plateau's escape is under way
   * ({@link EscapeForecast#at} gives a midpoint after a split of hidden units): a run is forecast
   * there too, since the split shows in a checkpoint but the loss, logged between checkpoints,
   * times the fall. One forward pass per split and loss.
   */
  static TreeSet<Long> escapeSteps(List<SeriesData> run) {
    TreeSet<Long> out = new TreeSet<>();
    Map<String, Integer> depths = chainDepths(run);
    TreeMap<Long, Split> splits = new TreeMap<>();
    for (SeriesData s : run) {
      if (!splitCandidate(s, depths)) {
        continue;
      }
      for (int e = EscapeForecast.FLOOR_POINTS; e < s.values().length; e++) {
        if (EscapeForecast.isSplit(s.values(), e)) {
          splits.merge(s.steps()[e], new Split(s.steps()[e], s.steps()[e - 1]),
              (a, b) -> a.previous() >= b.previous() ? a : b);
        }
      }
    }
    for (Split split : splits.values()) {
      Long next = splits.higherKey(split.step());
      long until = next == null ? split.until() : Math.min(next - 1, split.until());
      for (SeriesData l : run) {
        if (!isLoss(l)) {
          continue;
        }
        long[] steps = l.steps();
        for (int e = Math.max(0, lastAtOrBefore(steps, split.step())); e < steps.length
            && steps[e] <= until; e++) {
          FrontForecast.Front f = EscapeForecast.at(steps, l.values(), split.step(), e);
          if (f != null && f.centre() > steps[e]) {
            out.add(steps[e]);
          }
        }
      }
    }
    return out;
  }

  private record FrontAt(String series, FrontForecast.Front front) {}

  /**
   * Whether a front's centre lies within {@value #MAX_AHEAD}× the series' observed history ahead
   * of t: an extrapolation further out than the data that supports it is not a front forming but
   * a guess (on the tuning labs most such centres were off by more than the remaining time).
   */
  private static boolean credible(FrontForecast.Front f, SeriesData s, long t) {
    return f.centre() - t <= MAX_AHEAD * (t - s.steps()[0]);
  }

  /** The name of a chain's end-to-end map among a group's matrices. */
  static final String END_TO_END = "end_to_end";

  /**
   * The depth of the linear chain each group with an end-to-end map is — the number of its
   * matrices besides that map, read from the names of its mode series — in one pass over the
   * run's series (a forecast step asks it for every mode series). Groups without an end-to-end
   * map are absent.
   */
  static Map<String, Integer> chainDepths(List<SeriesData> run) {
    Map<String, TreeSet<String>> matrices = new HashMap<>();
    Set<String> chains = new HashSet<>();
    for (SeriesData s : run) {
      if (!s.group().isEmpty() && isMode(s)) {
        String matrix = s.name().substring(0, s.name().lastIndexOf("/sv"));
        if (matrix.equals(END_TO_END)) {
          chains.add(s.group());
        } else {
          matrices.computeIfAbsent(s.group(), g -> new TreeSet<>()).add(matrix);
        }
      }
    }
    Map<String, Integer> depths = new HashMap<>();
    for (String g : chains) {
      depths.put(g, Math.max(1, matrices.getOrDefault(g, new TreeSet<>()).size()));
    }
    return depths;
  }

  /**
   * The modes forming at t in the end-to-end maps of the run's linear chains
   * ({@link ChainModeForecast}): each chain's exponent from its depth, its rate constant from
   * the modes of the same map that have saturated by t (median), fronts whose centre is after t.
   * The chain's layer matrices carry the same modes (each layer's singular value is the L-th root
   * of the map's), so they are not read.
   */
  private static List<FrontAt> chainFronts(List<SeriesData> run, long t,
                                           Map<String, Integer> depths) {
    List<FrontAt> out = new ArrayList<>();
    for (SeriesData s : run) {
      ModeFront m = modeFront(run, s, t, depths);
      if (m == null) {
        continue;
      }
      if (m.front() != null && m.front().centre() > t && credible(m.front(), s, t)) {
        out.add(new FrontAt(label(s), m.front()));
      }
      if (m.lossTimed()) {
        // at its checkpoints the mode's state is fresh; between them, as at chainSteps
        int e = lastAtOrBefore(s.steps(), t);
        Rise rise = s.steps()[e] == t ? Rise.RISEN : Rise.of(s.values(), e);
        for (SeriesData l : run) {
          FrontForecast.Front lf = isLoss(l) ? lossFront(l, t, m.depth(), rise) : null;
          if (lf != null) {
            out.add(new FrontAt(l.name(), lf));
          }
        }
      }
    }
    return out;
  }

  /**
   * An end-to-end mode's state at t read from its checkpoints: its front by the mode ODE or, for
   * a first mode the ODE does not time, by a power law in time ({@link ChainModeForecast#powerLaw};
   * null when none), the chain's depth, and whether the run's loss times it instead
   * ({@code lossTimed}: a first mode with no front of its own by the ODE while no mode of the
   * map has saturated, in a chain of depth ≥ 2). It depends on t only through the last checkpoint
   * at or before t.
   */
  private record ModeFront(FrontForecast.Front front, int depth, boolean lossTimed) {}

  /**
   * {@link ModeFront} of series s at t, null when s is not an end-to-end mode, has no sample by
   * t, or is not forming ({@link #pastInflection}, {@link #fellBefore}, or a first mode its loss
   * shows past its midpoint, {@link #lossShowsPastMidpoint}). A first mode's front by the mode
   * ODE is dropped while its loss, read at the mode's last checkpoint, shows a power law in time
   * instead ({@link #lossShowsPowerLaw}).
   */
  private static ModeFront modeFront(List<SeriesData> run, SeriesData s, long t,
                                     Map<String, Integer> depths) {
    if (!isMode(s) || !s.name().startsWith(END_TO_END + "/")) {
      return null;
    }
    int e = lastAtOrBefore(s.steps(), t);
    if (e < 0 || pastInflection(s.steps(), s.values(), e) || fellBefore(s.values(), e)) {
      return null;
    }
    boolean first = s.name().equals(END_TO_END + "/sv1");
    if (first && lossShowsPastMidpoint(run, s, e)) {
      return null;
    }
    int depth = depths.getOrDefault(s.group(), 0);
    double p = ChainModeForecast.exponent(depth);
    // the loss bounds a first mode's target
    double bound = first ? firstModeTargetBound(run, s, e) : Double.NaN;
    double init = initialScale(run, s.group());
    List<Double> rates = new ArrayList<>();
    for (SeriesData o : run) {
      if (o != s && isMode(o) && o.group().equals(s.group())
          && o.name().startsWith(END_TO_END + "/")) {
        int oe = lastAtOrBefore(o.steps(), t);
        // only a learned mode calibrates: see initialScale
        double c = oe < 0 || !(o.values()[oe] >= ChainModeForecast.MIN_RISE * init) ? Double.NaN
            : ChainModeForecast.rateConstant(o.steps(), o.values(), oe, p);
        if (!Double.isNaN(c)) {
          rates.add(c);
        }
      }
    }
    Collections.sort(rates);
    double c = rates.isEmpty() ? Double.NaN : rates.get(rates.size() / 2);
    FrontForecast.Front f = ChainModeForecast.at(s.steps(), s.values(), e, p, c);
    // a blow-up, which ignores the saturation, or a fitted target above the bound is re-timed
    // with it
    if (f != null && !Double.isNaN(bound)) {
      f = ChainModeForecast.bounded(f, s.steps()[e], s.values()[e], bound, p);
    }
    // a first mode whose loss shows no ODE growth at the checkpoint but a power law in time
    // (Adam's, or the slow rise of a random initialisation's mode while it aligns) is not
    // following the ODE the checkpoints' front assumes: the loss times it instead
    if (f != null && first && rates.isEmpty() && depth >= 2
        && lossShowsPowerLaw(run, s.steps()[e], depth)) {
      f = null;
    }
    // the first mode, while no mode of the map has saturated: its loss, logged between
    // checkpoints, may show its early growth (a deep chain's blow-up, a depth-2 chain's
    // exponential) before the checkpoints do
    boolean lossTimed = f == null && depth >= 2 && first && rates.isEmpty();
    // a first mode the mode ODE does not time may grow as a power of time (Adam's sign-like
    // steps); the loss bounds its target
    if (f == null && !Double.isNaN(bound) && depth >= 2) {
      f = ChainModeForecast.powerLaw(s.steps(), s.values(), e, depth, bound);
    }
    return new ModeFront(f, depth, lossTimed);
  }

  /**
   * The scale of a chain's initialisation: the largest first sample of the modes of its
   * end-to-end map (0 when none). Under the mode ODE a learned mode rises from there to its
   * target, a teacher's singular value, far above it; a mode whose plateau stays at or below
   * it was not learned. The null directions of a rank-deficient map (singular values near 1e-6
   * that creep by rounding) can still stand {@value ChainModeForecast#MIN_RISE}× above their own
   * lowest sample and level off within {@value ChainModeForecast#PLATEAU_SPREAD}, and their
   * "rate constant", scaled by 1/s, came out 10⁵–10⁷× the learned modes' and, as the upper of
   * two, became the median (tune0 and tune300: 330 mode checkpoints saw rate constants more than
   * 3× apart, 10 after this rule). Alone it moved no first forecast on the tuning labs; with two
   * plateau samples ({@link ChainModeForecast#PLATEAU_POINTS}) a null mode calibrated a depth-3
   * chain's second mode (tune300 r00304) before its first mode did.
   */
  static double initialScale(List<SeriesData> run, String group) {
    double init = 0;
    for (SeriesData o : run) {
      if (isMode(o) && o.group().equals(group) && o.name().startsWith(END_TO_END + "/")
          && o.steps().length > 0) {
        init = Math.max(init, Math.abs(o.values()[0]));
      }
    }
    return init;
  }

  /**
   * The front of a chain's first mode read from loss l at t, with the target the loss's initial
   * level bounds: the loss of a linear regression is quadratic in the end-to-end map, and while one
   * mode grows (from π ≈ 0 along its teacher direction) it falls by {@code δ = C·(2s·u − u²)}
   * from {@code L(0) ≥ C·s²} (the mode's share of the teacher's energy, besides the other modes'
   * and the noise floor). In the loss's units (the mode's level as 2Cs·u, δ ≈ 2Cs·u far below s)
   * the target is 2Cs² ≤ 2·L(0).
   * <ul>
   *   <li>depth ≥ 3: the blow-up read from δ ({@link #lossBlowUp}) gives the early rate
   *       k = c·s, and the mode ODE re-times it with s = 2·L(0)
   *       ({@link ChainModeForecast#bounded}: the blow-up alone ignores the saturation and comes
   *       late);</li>
   *   <li>depth 2 (p = 0, the logistic {@code du/dt = c·u·(s − u)}, which never blows up): far
   *       below s, δ grows as u does, exponentially at the logistic's early rate c·s. The mode is
   *       timed only while it is: the exponential rates of δ over its last two doublings (the
   *       samples {@link #lossSamples} picks) must agree within
   *       {@value ChainModeForecast#BLOW_UP_AGREEMENT} ({@link ChainModeForecast#earlyRate}), which
   *       also turns away a δ still offset by the mode's start. Nearer its midpoint the bound,
   *       which errs large, would read the mode as further below it than it is, and forecasts
   *       came after the midpoint (on the tuning labs, read against the next mode). The mode's
   *       level is read from δ by inverting the quadratic with {@code C·s² = L(0)}
   *       ({@link #lossLevel}; δ itself lags 2Cs·u by the factor 1 − u/(2s)), c·s from the
   *       logistic's exact time between the levels of the first and the last sample
   *       ({@link ChainModeForecast#integral}: the growth already slows by the factor 1 − u/s,
   *       which a rate of ln δ reads as a lower rate), and the logistic
   *       {@code u = s/(1 + e^{−cs(t − t_s)})} puts the midpoint at {@code t + ln(s/u − 1)/(c·s)}
   *       ({@link ChainModeForecast#fromEarlyRate}).</li>
   * </ul>
   * These two only once the mode's last checkpoint has risen from its floor ({@link Rise#RISEN},
   * {@link #LOSS_TIMED_RISE}: δ ∝ u − u₀ comes early by a share of order u₀/u before). Below
   * that, a mode that has not fallen below its first checkpoint rises from an aligned start u₀
   * ({@link Rise#FROM_START}): the mode ODE is read on w + Δ, Δ the mode's level from the loss
   * ({@link #lossLevel}, 2·L(0)·(u − u₀)/(s − u₀) for one mode) and w its start, the offset at
   * which the last two doublings of δ give one early rate and which the interval from the run's
   * first step agrees with ({@link ChainModeForecast#fromStart}). When δ's rates do not agree as
   * the mode ODE's do, the mode may grow as a power of time, as under Adam
   * ({@link ChainModeForecast#powerLaw}): it is timed by that law read from the loss
   * ({@link #lossPowerLaw}) however far it has risen (the law must hold over
   * {@value #POWER_LAW_DOUBLINGS} doublings of δ, which the ODE's saturation does not pass for),
   * up to the target s = 2·L(0), i.e. L = L(0)/4 at the midpoint. A floor or other modes in
   * L(0) make the target err large and the forecast late.
   * Null when there is none, its centre is not after t or is not credible.
   */
  private static FrontForecast.Front lossFront(SeriesData l, long t, int depth, Rise rise) {
    int[] i = lossSamples(l, t);
    if (i == null) {
      return null;
    }
    double p = ChainModeForecast.exponent(depth);
    long[] steps = l.steps();
    double[] v = l.values();
    double bound = 2 * Math.abs(v[0]);
    FrontForecast.Front lf = null;
    boolean ode = odeGrowth(l, i, p);
    if (rise == Rise.FROM_START) {
      // the mode's rise from its start, which the loss's fall shows, corrected for that start
      lf = ChainModeForecast.fromStart(steps[0], steps[i[0]], lossLevel(v, i[0]), steps[i[1]],
          lossLevel(v, i[1]), steps[i[2]], lossLevel(v, i[2]), bound, p);
    }
    if (lf == null && ode && rise == Rise.RISEN) {
      // δ grows as the mode ODE's early phase does (a blow-up, or the logistic's exponential)
      if (p > 0) {
        lf = lossBlowUp(l, i, p);
        lf = lf == null ? null
            : ChainModeForecast.bounded(lf, steps[i[2]], v[0] - v[i[2]], bound, p);
      } else {
        lf = logisticFromLoss(l, i, bound);
      }
    } else if (lf == null && !ode) {
      lf = lossPowerLaw(l, i, depth, bound);
    }
    return lf != null && lf.centre() > t && credible(lf, l, t) ? lf : null;
  }

  /**
   * The front of a chain's first mode growing as a power of time (Adam's sign-like steps,
   * {@link ChainModeForecast#powerLaw}) read from loss l at its samples i = {b, a, e}
   * ({@link #lossSamples}), the target {@code bound} in the loss's units: the mode's level
   * ({@link #lossLevel}) at the last {@value #POWER_LAW_DOUBLINGS} doublings of δ (i and the
   * latest sample c before b with δ at most an eighth of δ at e, at least a sixteenth) must have
   * its L-th root grow at rates that agree within {@value ChainModeForecast#BLOW_UP_AGREEMENT}.
   * Null otherwise.
   */
  private static FrontForecast.Front lossPowerLaw(SeriesData l, int[] i, int depth,
                                                  double bound) {
    long[] steps = l.steps();
    double[] v = l.values();
    double de = v[0] - v[i[2]];
    int c = i[0] - 1;
    while (c > 0 && v[0] - v[c] > de / 8) {
      c--;
    }
    if (c < 1 || !(v[0] - v[c] >= de / 16) || !(v[0] - v[i[0]] > v[0] - v[c])) {
      return null;
    }
    long[] at = {steps[c], steps[i[0]], steps[i[1]], steps[i[2]]};
    double[] level = {lossLevel(v, c), lossLevel(v, i[0]), lossLevel(v, i[1]),
        lossLevel(v, i[2])};
    return ChainModeForecast.powerLaw(at, level, POWER_LAW_DOUBLINGS, depth, bound,
        POWER_LAW_DOUBLINGS);
  }

  /**
   * Whether a loss of the run shows a chain's first mode growing as a power of time at t: δ's
   * rates over its last two doublings disagree as the mode ODE's early phase would have them
   * ({@link ChainModeForecast#earlyRate}) and {@link #lossPowerLaw} times the mode.
   */
  private static boolean lossShowsPowerLaw(List<SeriesData> run, long t, int depth) {
    double p = ChainModeForecast.exponent(depth);
    for (SeriesData l : run) {
      int[] i = isLoss(l) ? lossSamples(l, t) : null;
      if (i == null) {
        continue;
      }
      if (!odeGrowth(l, i, p) && lossPowerLaw(l, i, depth, 2 * Math.abs(l.values()[0])) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether loss l's fall δ grows at its samples i ({@link #lossSamples}) as the mode ODE's early
   * phase does for exponent p: its rates over the last two doublings agree
   * ({@link ChainModeForecast#earlyRate}).
   */
  private static boolean odeGrowth(SeriesData l, int[] i, double p) {
    long[] steps = l.steps();
    double[] v = l.values();
    return !Double.isNaN(ChainModeForecast.earlyRate(steps[i[0]], v[0] - v[i[0]], steps[i[1]],
        v[0] - v[i[1]], steps[i[2]], v[0] - v[i[2]], p));
  }

  /**
   * The front of a depth-2 chain's first mode read from loss l at its samples i
   * ({@link #lossSamples}, δ's exponential rates agreeing), the target {@code bound} in the
   * loss's units ({@link #lossFront}).
   */
  private static FrontForecast.Front logisticFromLoss(SeriesData l, int[] i, double bound) {
    long[] steps = l.steps();
    double[] v = l.values();
    double ue = lossLevel(v, i[2]);
    // c·s from the logistic's exact time between the levels at the first and the last sample
    double k = bound * ChainModeForecast.integral(lossLevel(v, i[0]), ue, bound, 0.0)
        / (steps[i[2]] - steps[i[0]]);
    return ChainModeForecast.fromEarlyRate(steps[i[2]], ue, k, bound, 0.0);
  }

  /**
   * A chain's first mode at the loss's sample i, in the loss's units (target 2·L(0)): the root of
   * {@code δ = C·(2s·u − u²)} with {@code C·s² = L(0)}, {@code 2·L(0)·(1 − √(1 − δ/L(0)))}; NaN
   * once δ exceeds L(0).
   */
  private static double lossLevel(double[] v, int i) {
    double l0 = Math.abs(v[0]);
    return 2 * l0 * (1 - Math.sqrt(1 - (v[0] - v[i]) / l0));
  }

  /**
   * The logged steps of the run's loss at which a chain's first mode is timed by the loss
   * ({@link ModeFront#lossTimed}, {@link #lossFront} gives a front): a run is forecast there too,
   * since a chain's first mode can rise from its floor to its midpoint within a few checkpoint
   * intervals while the loss, logged between them, already shows its blow-up (depth ≥ 3) or its
   * exponential growth (depth 2), or its power law in time (Adam). The first two only
   * once the mode's last checkpoint stands {@value #LOSS_TIMED_RISE}× above its floor
   * ({@link #risenFromFloor}, {@link #LOSS_TIMED_RISE}: before that the loss's fall reads its
   * blow-up early); the power law from the run's first checkpoint on. The mode's state is read
   * once per checkpoint interval (it changes only at checkpoints), the loss's front at each of
   * its steps in the interval; the rules that stop a mode's forecasts ({@link #pastInflection},
   * {@link #fellBefore}, {@link #lossShowsPastMidpoint}) hold as at checkpoints.
   */
  static TreeSet<Long> chainSteps(List<SeriesData> run) {
    TreeSet<Long> out = new TreeSet<>();
    Map<String, Integer> depths = chainDepths(run);
    for (SeriesData s : run) {
      if (!s.name().equals(END_TO_END + "/sv1") || !depths.containsKey(s.group())) {
        continue;
      }
      long[] ck = s.steps();
      for (int e = 0; e < ck.length; e++) {
        ModeFront m = modeFront(run, s, ck[e], depths);
        if (m == null || !m.lossTimed()) {
          continue;
        }
        Rise rise = Rise.of(s.values(), e);
        long until = e + 1 < ck.length ? ck[e + 1] : Long.MAX_VALUE;
        for (SeriesData l : run) {
          if (!isLoss(l)) {
            continue;
          }
          long[] steps = l.steps();
          for (int i = Math.max(0, lastAtOrBefore(steps, ck[e])); i < steps.length
              && steps[i] < until; i++) {
            if (steps[i] >= ck[e] && lossFront(l, steps[i], m.depth(), rise) != null) {
              out.add(steps[i]);
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * How far a chain's first mode has come from its start at its sample e, as the loss's fall can
   * time it ({@link #lossFront}).
   */
  enum Rise {
    /** {@value #LOSS_TIMED_RISE}× above its floor ({@link #risenFromFloor}): δ ∝ u. */
    RISEN,
    /**
     * Below that, never below its first sample: the mode rises from its start u₀ along its
     * teacher direction (an aligned initialisation), and δ ∝ u − u₀.
     */
    FROM_START,
    /**
     * Below that, having fallen below its first sample: a random initialisation's top singular
     * value lies off the teacher direction, whose component starts near 0 and first aligns;
     * δ follows neither u nor u − u₀.
     */
    ALIGNING;

    /** The rise of mode samples u at index e. */
    static Rise of(double[] u, int e) {
      if (risenFromFloor(u, e)) {
        return RISEN;
      }
      for (int i = 1; i <= e; i++) {
        if (u[i] < u[0]) {
          return ALIGNING;
        }
      }
      return FROM_START;
    }
  }

  /**
   * Whether mode sample e stands {@value #LOSS_TIMED_RISE}× above the lowest sample before it
   * (its floor: an aligned initialisation's u₀, or the dip of a random one while it aligns).
   */
  static boolean risenFromFloor(double[] u, int e) {
    double low = Double.POSITIVE_INFINITY;
    for (int i = 0; i < e; i++) {
      low = Math.min(low, u[i]);
    }
    return u[e] >= LOSS_TIMED_RISE * low;
  }

  /**
   * Whether a rising mode has passed its inflection at sample e: it rose over its last two
   * intervals, the last more slowly (per step) than the one before. Under the mode ODE
   * {@code du/dt = c·u^{1+p}·(s − u)} ({@link ChainModeForecast}) the rise is fastest at
   * {@code u* = s·(1 + p)/(2 + p)}, at (p = 0) or above (deeper chains) its midpoint s/2, so a mode
   * whose rise slows has crossed its midpoint: what is left to forecast of it is past, and a
   * centre still extrapolated ahead (its target overestimated, or the loss's blow-up of a first
   * mode that is already saturating) would be read as the next mode's.
   */
  static boolean pastInflection(long[] steps, double[] u, int e) {
    if (e < 2) {
      return false;
    }
    double last = (u[e] - u[e - 1]) / (steps[e] - steps[e - 1]);
    double before = (u[e - 1] - u[e - 2]) / (steps[e - 1] - steps[e - 2]);
    return last > 0 && before > 0 && last < before;
  }

  /**
   * Whether a mode has been above its value at sample e before: the mode ODE
   * ({@link ChainModeForecast}) rises monotonically from a small initialisation to its target, so
   * a mode that has fallen since an earlier high is not forming. Heavy-ball momentum makes a
   * learned mode overshoot its target and ring about it; each upswing of the ringing looks like a
   * rise that has not slowed yet, and a centre extrapolated from it would be read as the next
   * mode's.
   */
  static boolean fellBefore(double[] u, int e) {
    double now = u[e];
    for (int i = 0; i < e; i++) {
      if (u[i] > now) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the loss shows a chain's first mode (samples u of {@code mode}, the latest at index
   * e) past its midpoint. The loss of a linear regression is quadratic in the end-to-end map:
   * with π the map's component along the first mode's teacher direction, it falls by
   * {@code δ = L(0) − L = C·(2s·π − π²)} (from π ≈ 0), so once the mode has aligned (u ≈ π)
   * {@code φ = δ / u = C·(2s − u)} falls linearly as the mode grows, whatever the optimiser did to
   * get it there: from 2Cs while the mode is small to 1.5Cs at its midpoint u = s/2. φ at e at
   * most {@value #PAST_MIDPOINT_PHI} of its largest earlier value means the mode has crossed s/2,
   * neither C nor s needed. δ is divided by u, not by u − u₀: a random initialisation's top
   * singular value u₀ lies off the teacher's direction (π starts near 0), and δ/(u − u₀) would
   * read far above 2Cs early on; u ≥ π only lowers φ while the mode aligns, and an aligned
   * initialisation (π₀ = u₀) lowers the early φ too: both delay the verdict, as does any other
   * mode learned meanwhile (it adds to δ). A pair counts where the loss is logged within
   * {@value #SAME_TIME} of a checkpoint interval before the checkpoint (the mode and the loss at
   * the same time), u is above u₀ and δ stands {@value #LOSS_NOISE_MARGIN}× above the loss's
   * noise ({@link #lossNoise}). False without a loss or without such a pair at e and before it.
   */
  static boolean lossShowsPastMidpoint(List<SeriesData> run, SeriesData mode, int e) {
    if (e < 1) {
      return false;
    }
    for (SeriesData l : run) {
      int le = firstModeLoss(l, mode, e);
      if (le < 0) {
        continue;
      }
      // without the noise gate first: dropping pairs only lowers the earlier high, so a φ that
      // is not low enough against all pairs is not against the gated ones (the usual case, and
      // the noise's sort is skipped)
      Phi all = phi(mode, e, l, 0.0);
      if (!(all.atEnd() <= PAST_MIDPOINT_PHI * all.highBefore())) {
        continue;
      }
      Phi gated = phi(mode, e, l, LOSS_NOISE_MARGIN * lossNoise(l.values(), le));
      if (gated.atEnd() <= PAST_MIDPOINT_PHI * gated.highBefore()) {
        return true;
      }
    }
    return false;
  }

  /**
   * An upper bound on the target s of a chain's first mode (samples of {@code mode} up to index
   * e) from its loss: the loss starts at {@code L(0) ≥ C·s²} (the mode's share of the teacher's
   * energy, besides the other modes' and the noise floor) and φ = δ/u is at most 2Cs
   * ({@link #lossShowsPastMidpoint}), so {@code s ≤ 2·L(0)/max φ} over the pairs that count
   * there. Other modes and the noise floor in L(0) raise the bound: the target it gives errs
   * large. NaN when no loss has such a pair; the least over the losses otherwise.
   */
  static double firstModeTargetBound(List<SeriesData> run, SeriesData mode, int e) {
    double bound = Double.NaN;
    for (SeriesData l : run) {
      int le = e < 1 ? -1 : firstModeLoss(l, mode, e);
      if (le < 0) {
        continue;
      }
      Phi p = phi(mode, e, l, LOSS_NOISE_MARGIN * lossNoise(l.values(), le));
      double high = Math.max(p.highBefore(), Double.isNaN(p.atEnd()) ? 0 : p.atEnd());
      if (high > 0) {
        double b = 2 * Math.abs(l.values()[0]) / high;
        bound = Double.isNaN(bound) ? b : Math.min(bound, b);
      }
    }
    return bound;
  }

  /**
   * The index of a loss's last sample at or before the mode's sample e when the loss can be read
   * against the mode (a loss series, logged from the mode's first step on, finite, at least four
   * samples); −1 otherwise.
   */
  private static int firstModeLoss(SeriesData l, SeriesData mode, int e) {
    if (!isLoss(l)) {
      return -1;
    }
    int le = lastAtOrBefore(l.steps(), mode.steps()[e]);
    return le < 3 || l.steps()[0] > mode.steps()[0] || !finitePrefix(l.values(), le) ? -1 : le;
  }

  /**
   * φ = δ/u of a chain's first mode against one loss: at the mode's sample e (NaN when that pair
   * does not count) and its high over the pairs before e (−∞ when none).
   */
  private record Phi(double atEnd, double highBefore) {}

  /**
   * {@link Phi} over the pairs that count ({@link #lossShowsPastMidpoint}), those whose δ is at
   * most {@code floor} left out.
   */
  private static Phi phi(SeriesData mode, int e, SeriesData loss, double floor) {
    long[] ms = mode.steps();
    double[] u = mode.values();
    long[] ls = loss.steps();
    double[] lv = loss.values();
    double best = Double.NEGATIVE_INFINITY;
    double atEnd = Double.NaN;
    for (int i = 1; i <= e; i++) {
      int j = lastAtOrBefore(ls, ms[i]);
      double delta = j < 0 ? Double.NaN : lv[0] - lv[j];
      if (j < 0 || ms[i] - ls[j] > SAME_TIME * (ms[i] - ms[i - 1]) || !(u[i] > u[0])
          || !(delta > floor)) {
        continue;
      }
      if (i == e) {
        atEnd = delta / u[i];
      } else {
        best = Math.max(best, delta / u[i]);
      }
    }
    return new Phi(atEnd, best);
  }

  /**
   * The noise of a logged loss v[0..e]: 1.4826 × the median absolute second difference, over
   * √6 (second differences cancel a smooth trend; white noise of scale σ gives σ·√6).
   */
  private static double lossNoise(double[] v, int e) {
    double[] diff = new double[e - 1];
    for (int i = 2; i <= e; i++) {
      diff[i - 2] = Math.abs(v[i] - 2 * v[i - 1] + v[i - 2]);
    }
    // the upper of two middle values for an even count, as the sorted diff[n / 2] was
    return 1.4826 * OrderStatistics.select(diff, diff.length, diff.length / 2) / Math.sqrt(6.0);
  }

  /**
   * The first mode of a chain seen in its loss: while one mode grows far below its target s the
   * loss falls by {@code δ = L(0) − L(t) ≈ 2·C·s·u} (the squared error of a whitened linear
   * regression, Saxe et al. 2014), proportional to u, and the loss is logged between checkpoints;
   * so the blow-up of u ({@link ChainModeForecast#blowUp}) is read from δ through the samples
   * {@link #lossSamples} picks. Null otherwise, and for p = 0 (a logistic never blows up).
   */
  static FrontForecast.Front lossBlowUp(SeriesData loss, long t, double p) {
    int[] i = lossSamples(loss, t);
    return i == null ? null : lossBlowUp(loss, i, p);
  }

  /** As {@link #lossBlowUp(SeriesData, long, double)} through the loss's samples i. */
  private static FrontForecast.Front lossBlowUp(SeriesData loss, int[] i, double p) {
    long[] steps = loss.steps();
    double[] v = loss.values();
    return ChainModeForecast.blowUp(steps[i[0]], v[0] - v[i[0]], steps[i[1]], v[0] - v[i[1]],
        steps[i[2]], v[0] - v[i[2]], p);
  }

  /**
   * The indices {b, a, e} of a loss's samples that time a chain's first mode at t: e its latest
   * sample, a and b the latest before it where δ = L(0) − L was at most half and a quarter of δ
   * at e (two doublings of δ ∝ u), δ at b at least an eighth of it. δ/4 must stand
   * {@value #LOSS_NOISE_MARGIN}× above the loss's noise (1.4826 × the median absolute second
   * difference of its samples, over √6). Null otherwise.
   */
  static int[] lossSamples(SeriesData loss, long t) {
    long[] steps = loss.steps();
    double[] v = loss.values();
    int e = lastAtOrBefore(steps, t);
    if (e < 3 || !finitePrefix(v, e)) {
      return null;
    }
    double de = v[0] - v[e];
    if (!(de > 0)) {
      return null;
    }
    double noise = lossNoise(v, e);
    if (!(de / 4 > LOSS_NOISE_MARGIN * noise)) {
      return null;
    }
    int a = e - 1;
    while (a > 0 && v[0] - v[a] > de / 2) {
      a--;
    }
    if (a < 1) {
      // the loss fell more than half its way by its first logged sample: no doublings to read
      return null;
    }
    int b = a - 1;
    while (b > 0 && v[0] - v[b] > de / 4) {
      b--;
    }
    double da = v[0] - v[a];
    double db = v[0] - v[b];
    if (b < 1 || !(db >= de / 8) || !(da > db) || !(de > da)) {
      return null;
    }
    return new int[] {b, a, e};
  }

  private static String label(SeriesData s) {
    return s.group().isEmpty() ? s.name() : s.group() + "/" + s.name();
  }

  static boolean isLoss(SeriesData s) {
    return s.group().isEmpty() && s.name().toLowerCase(Locale.ROOT).contains("loss");
  }

  static boolean isMode(SeriesData s) {
    return SeriesFamily.isModeName(s.name());
  }

  /**
   * Standard normal distribution function, by the complementary error function of Numerical
   * Recipes (3rd ed., §6.2.2, erfc by Chebyshev fit; relative error below 1.2e-7).
   */
  static double normalCdf(double z) {
    if (Double.isNaN(z)) {
      return 0.0;
    }
    double x = -z / Math.sqrt(2.0);
    double ax = Math.abs(x);
    double tt = 1.0 / (1.0 + 0.5 * ax);
    double erfc = tt * Math.exp(-ax * ax - 1.26551223 + tt * (1.00002368 + tt * (0.37409196
        + tt * (0.09678418 + tt * (-0.18628806 + tt * (0.27886807 + tt * (-1.13520398
        + tt * (1.48851587 + tt * (-0.82215223 + tt * 0.17087277)))))))));
    double erfcX = x >= 0 ? erfc : 2.0 - erfc;
    return 0.5 * erfcX;
  }
}
