package org.shockscope.shock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.shockscope.OrderStatistics;

/**
 * Finds the shocks of a run: per series, divergence, spikes and jumps (SPEC §5), and across
 * series the run-level transitions.
 *
 * <p>Per series, in order:
 * <ol>
 *   <li>{@link PerSampleMeans}: a metric logged per sample with exact zeros scattered among its
 *       positive values is analysed as means over blocks of samples.</li>
 *   <li>{@link DivergenceFinder}: the first non-finite value or the start of explosive growth;
 *       samples from there on are not analysed further.</li>
 *   <li>Scale: when every analysed value is positive (or zero after the largest) and max/min
 *       of the positive ones exceeds
 *       10^{@link DetectorConfig#logDecades}, detection runs on ln(values) (losses: a loss spike
 *       or drop is a ratio, and the noise of a loss is roughly proportional to it).</li>
 *   <li>Resolution: f = (resolution × range)², the variance floor (see
 *       {@link DetectorConfig#resolution}).</li>
 *   <li>{@link SpikeFinder} on the detection scale; spike samples are replaced by the
 *       baseline.</li>
 *   <li>{@link JumpFinder} on the cleaned series, with the white-noise σ from pseudo-residuals
 *       ({@link RobustOps#noiseScale}, at least √f) for strengths and the spike baseline's
 *       residual scale and lag-1 autocorrelation for the noise's memory. A series on the log
 *       scale is searched on the linear scale first and on the log scale away from the fronts
 *       found there: a logistic rise from a small initial value (a deep linear network's
 *       singular value) is a tanh front on the linear scale but a ramp on the log scale, and a
 *       loss that drops over decades has its linear-scale front where it loses half of its
 *       value, its log-scale centre decades (and many steps) later.</li>
 * </ol>
 * Events are converted back to the series' units (exp of levels on a log scale) and steps.
 * Across series, besides the merged transitions, a run that logs no held-out metric gets the
 * weights' contraction ({@link NormContraction}, grokking: the network's norm falling from its
 * memorising maximum to a smaller, generalising level) as a transition of its own, at the step
 * where the norm is halfway down: a slow decline that no per-series jump search separates from
 * a smooth trend.
 *
 * <p>One detector per thread: it owns its kernels' workspaces, which makes a run of many series
 * allocation-light. Not thread-safe.
 */
public final class ShockDetector {
  /** Below this many analysable samples only divergence is looked for. */
  public static final int MIN_SAMPLES = 8;
  /** Significant digits beyond which values of a series count as equal. */
  static final int CONSTANT_DIGITS = 10;
  private static final double CONSTANT_TOLERANCE = Math.pow(10.0, -CONSTANT_DIGITS);
  /**
   * Units of a metric's last logged decimal below which its values are its resolution floor:
   * rounding moves a value by at most half a unit, 5% at ten units.
   */
  private static final double FLOOR_QUANTA = 10.0;
  /** Most decimals a metric is taken to be rounded to; more are a float's own digits. */
  static final int MAX_DECIMALS = 10;
  /** One decade on the natural-log scale. */
  private static final double DECADE = Math.log(10.0);
  /** A log-scale level within this much (one decade) of the resolution floor is the floor. */
  private static final double FLOOR_DECADES = DECADE;
  /**
   * Share of a series' wander under which the wander around a spike marks a quieter regime of
   * the series ({@link #dropWander}).
   */
  static final double LOCAL_WANDER_SHARE = 0.25;
  /** A series is noisy when its white-noise scale exceeds this many resolution floors. */
  private static final double NOISY_FLOORS = 1.0;
  /**
   * Share of consecutive increments with the same sign above which a run-level series is a
   * smooth curve, not noise ({@link #signAgreement}). White noise keeps the sign of its
   * increments a third of the time (they correlate by −½), a random walk half of it, any
   * stationary AR(1) noise less than half (its increments correlate by −(1 − φ)/2), while a
   * deterministic curve keeps it except at its turns: Adam's loss ringing down a decay keeps
   * it 0.86 of the time logged every step and 0.72 every fourth, online SGD's loss 0.36–0.49.
   */
  static final double SMOOTH_AGREEMENT = 0.8;
  /** Fewest pairs of increments {@link #signAgreement} judges from. */
  private static final int MIN_SIGN_PAIRS = 10;
  /**
   * Share of consecutive pseudo-residuals with one sign under which a series whose increments
   * keep theirs is a noisy decay, not a smooth curve ({@link #noisyDecay}).
   */
  private static final double CURVATURE_AGREEMENT = 0.5;
  /** Smallest ratio between the levels of a jump of a log-scale series. */
  static final double MIN_LOG_JUMP_RATIO = 2.0;
  /** Largest excursions beside a spike that estimate its noise's tail ({@link #ordinary}). */
  static final int TAIL_EXCURSIONS = 10;
  /** {@link #ordinary} compares a spike with the excursions within n / this samples of it. */
  static final int REGIME_SHARE = 4;
  /** ... and within at least this many lags of it. */
  static final int REGIME_LAGS = 10;
  /** Chance that {@link #ordinary} keeps the largest excursion of pure noise as a spike. */
  static final double ORDINARY_ALPHA = 0.01;
  /** Fraction of a log-scale series' largest value a spike's peak must exceed. */
  static final double SPIKE_FLOOR = 1e-8;
  /** Fewest samples either side within which a prominent peak must return. */
  private static final int SPIKE_REACH = 5;
  /** Samples before a train whose median is the basin it left ({@link #addTrainIntoEnd}). */
  private static final int BASIN_SAMPLES = 2 * SPIKE_REACH;
  private static final double LN2 = Math.log(2.0);
  /**
   * Decades under its first value from which a noise-free series' doublings are spikes however
   * it rings ({@link #dropWander}).
   */
  static final double RINGING_DECADES = 2.0;
  /**
   * How many times its rise an excursion the series ends in must hold its level to be a jump:
   * an exponential blow-up cut off by the run's end reaches its median halfway and holds it no
   * longer than it rose (the lab's truth, {@code SpikeScan.HOLD}).
   */
  static final double HOLD = 4.0;
  /** Raw samples either side of a log-scale front whose medians must show its change. */
  private static final int RAW_SIDE = 15;
  /**
   * Raw samples after a run-level metric's rise whose median must stay above its midpoint
   * ({@link #riseHolds}). Adam's loss bumps (PyTorch induction heads: 2.03 to 2.26 for three
   * logged samples, back within five more) are many noise scales high and hold for the few
   * samples the front's fit reads, not for eight. No rise of the four tuning labs' 1,000 runs
   * fails it (identical replays); the PyTorch induction sweep of seeds 1100–1104 loses one false
   * transition (F1 0.714 to 0.769).
   */
  static final int LASTING_SAMPLES = 8;
  /** Fewest samples after a rise for {@link #riseHolds} to judge. */
  private static final int MIN_LASTING_SAMPLES = 3;

  private final DetectorConfig config;
  private final SpikeFinder spikeFinder = new SpikeFinder();
  private final ProminentPeaks peaks = new ProminentPeaks();
  private final JumpFinder jumpFinder = new JumpFinder();
  private final CrossingFront crossing = new CrossingFront();
  private final List<SpikeFinder.Spike> spikes = new ArrayList<>();
  private final List<ScaledJump> found = new ArrayList<>();
  private final List<JumpFinder.Jump> known = new ArrayList<>();
  private double[] t = new double[0];
  private double[] x = new double[0];
  private double[] cleaned = new double[0];
  private double[] work = new double[0];
  private double[] prefix = new double[0];
  private double[] zoneLo = new double[0];
  private double[] zoneHi = new double[0];
  /** The largest excursions beside a spike, descending ({@link #ordinary}). */
  private final double[] tail = new double[TAIL_EXCURSIONS];
  private int[] openedAt = new int[0];
  private int[] closedAt = new int[0];
  private int[] settledAt = new int[0];
  private int[] peakAt = new int[0];
  private double[] heightAt = new double[0];
  private double[] topAt = new double[0];
  /** Index where the excursion the series ends in opened (−1 when none), and its bound's base. */
  private int openFrom = -1;
  private double openMin;
  private final double[] rawBefore = new double[RAW_SIDE];
  private final double[] rawAfter = new double[RAW_SIDE];
  /** Identity of the next train of excursions (unique within the detector's life). */
  private long nextTrain;
  /** ln of the smallest resolved value of the series being analysed (−∞ when none). */
  private double logFloor = Double.NEGATIVE_INFINITY;

  public ShockDetector(DetectorConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /** The options in use. */
  public DetectorConfig config() {
    return config;
  }

  /**
   * Events of one run: every series' shocks (run-level bookkeeping series such as
   * {@code epoch} and {@code learning_rate} left out, {@link SeriesRole#bookkeeping}), and the
   * transitions merged from them with the run's tolerance (span = last − first step over all
   * series; sampling interval = median gap between consecutive steps over all series). In a run
   * with metrics, a weight series diverges only by a non-finite value ({@link DivergenceFinder}'s
   * growth rule applies to metrics, and to weights only in runs without metrics).
   */
  public RunShocks detectRun(List<SeriesData> logged) {
    // The training loop's bookkeeping (epoch, learning rate, runtime) is no measurement of the
    // network: not scanned, and no evidence that "a metric moved".
    List<SeriesData> series = new ArrayList<>(logged.size());
    for (SeriesData s : logged) {
      if (!s.group().isEmpty() || !SeriesRole.bookkeeping(s.name())) {
        series.add(s);
      }
    }
    List<ShockEvent> events = new ArrayList<>();
    List<Excursion> excursions = new ArrayList<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int gaps = 0;
    boolean metrics = false;
    for (SeriesData s : series) {
      metrics |= s.group().isEmpty() && s.steps().length > 0;
    }
    for (SeriesData s : series) {
      // In a run that logs metrics, training diverges when a metric does or a weight turns
      // non-finite: a weight's finite growth past growthFactor times its initial level, still
      // rising at the run's end, is also what a mode learned late from a small initialisation
      // looks like. Without metrics the weights are all there is to go by.
      boolean growth = !metrics || s.group().isEmpty();
      events.addAll(detect(s.name(), s.group(), s.steps(), s.values(), excursions, growth));
      if (s.steps().length > 0) {
        first = Math.min(first, s.steps()[0]);
        last = Math.max(last, s.steps()[s.steps().length - 1]);
        gaps += Math.max(0, s.steps().length - 1);
      }
    }
    double interval = medianGap(series, gaps);
    double span = last >= first ? (double) (last - first) : 0.0;
    double tolerance = TransitionMerger.tolerance(span, interval, config);
    SeriesRole role = SeriesRole.of(series);
    List<Transition> transitions =
        TransitionMerger.merge(events, tolerance, role, excursions);
    addContraction(series, tolerance, role, events, transitions);
    return new RunShocks(events, transitions);
  }

  /**
   * Adds the run's weight contraction ({@link NormContraction}) as a transition (at its halfway
   * step, its interval from the quarter to the three-quarter crossing) when the run logs no
   * held-out metric, no transition lies within the tolerance of its step, its training loss has
   * fitted the training set before it ({@link SeriesRole#lossFitted}) and does not rise across
   * it ({@link SeriesRole#lossRises}). With a held-out metric, generalising is what that
   * metric's own front shows; without one, the weights' contraction at a fitted training set is
   * the only trace of it. A loss that rises while the norms fall is the network losing its fit
   * (too much decay), not finding a smaller solution of it; norms that fall while the loss is
   * still far from fitted are the network still learning, which the loss's own fronts show.
   */
  private static void addContraction(List<SeriesData> series, double tolerance,
                                     SeriesRole role, List<ShockEvent> events,
                                     List<Transition> transitions) {
    if (role.logsHeldOut()) {
      return;
    }
    NormContraction.Contraction c = NormContraction.find(series);
    if (c == null) {
      return;
    }
    long step = Math.round(c.step());
    for (Transition t : transitions) {
      if (Math.abs(t.step() - step) <= tolerance
          || (t.stepLo() <= step && step <= t.stepHi())) {
        return;
      }
    }
    if (role.lossRises(step, c.width()) || !role.lossFitted(step, c.width())) {
      return;
    }
    List<String> names = new ArrayList<>();
    for (ShockEvent e : c.events()) {
      names.add(e.qualifiedSeries());
    }
    events.addAll(c.events());
    events.sort(Comparator.comparingLong(ShockEvent::step).thenComparing(ShockEvent::kind));
    transitions.add(new Transition(step, (long) Math.floor(c.quarter()),
        (long) Math.ceil(c.threeQuarter()), ShockEvent.JUMP, names.size(), names, 1.0));
    transitions.sort(Comparator.comparingLong(Transition::step).thenComparing(Transition::kind));
  }

  /**
   * Events of one series, ordered by step.
   *
   * @param series name of the series (for the events and error messages)
   * @param group  its group, "" for run-level metrics
   * @param steps  strictly increasing steps; input, not modified
   * @param values values at the steps, NaN/±Infinity allowed; input, not modified
   * @throws ShockDetectionException when the arrays differ in length or steps do not increase
   */
  public List<ShockEvent> detect(String series, String group, long[] steps, double[] values) {
    return detect(series, group, steps, values, new ArrayList<>(), true);
  }

  /**
   * As {@link #detect(String, String, long[], double[])}, adding the excursions of a run-level
   * metric that hold one of its spikes or rises to {@code excursions}.
   */
  private List<ShockEvent> detect(String series, String group, long[] given, double[] logged,
                                  List<Excursion> excursions, boolean growth) {
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(group, "group");
    validate(series, group, given, logged);
    // a metric, not a weight observable: a step size or a rank measure at exactly zero is a level
    PerSampleMeans means = !group.isEmpty() || !holdsZero(logged) ? null
        : PerSampleMeans.of(given, logged, resolutionFloor(logged, logged.length,
            largestMagnitude(logged, logged.length)), MIN_SAMPLES);
    long[] steps = means == null ? given : means.steps();
    double[] values = means == null ? logged : means.values();
    int n = steps.length;
    List<ShockEvent> events = new ArrayList<>();
    if (n == 0) {
      return events;
    }
    ensureCapacity(n);
    long origin = steps[0];
    for (int i = 0; i < n; i++) {
      t[i] = (double) (steps[i] - origin);
    }
    DivergenceFinder.Divergence div = DivergenceFinder.find(t, values, n,
        growth ? config.growthFactor() : Double.POSITIVE_INFINITY, group.isEmpty(), work);
    int m = n;
    if (div != null) {
      int k = div.index();
      m = k;
      events.add(new ShockEvent(series, group, ShockEvent.DIVERGENCE, steps[k],
          k > 0 ? steps[k - 1] : steps[k], steps[k], k > 0 ? values[k - 1] : Double.NaN,
          values[k], Double.NaN, Double.NaN, Double.NaN, Double.NaN, div.score()));
    }
    if (m >= MIN_SAMPLES) {
      int opened = excursions.size();
      analyse(series, group, steps, values, m, div != null, events, excursions);
      if (means != null) {
        dropLoneSamples(means, given, logged, events, excursions, opened);
      }
    }
    if (div != null && group.isEmpty()) {
      long diverged = steps[div.index()];
      int prefix = m;
      events.removeIf(e -> divergenceOnset(e, steps, values, prefix, diverged));
    }
    if (ModeOnset.isMode(series)) {
      ShockEvent onset = ModeOnset.find(series, group, steps, values, m,
          config.maxWidthFraction());
      if (onset != null && events.stream().noneMatch(e -> ShockEvent.JUMP.equals(e.kind())
          && e.stepLo() <= onset.stepHi() && onset.stepLo() <= e.stepHi())) {
        events.add(onset);
      }
    }
    events.sort(Comparator.comparingLong(ShockEvent::step).thenComparing(ShockEvent::kind));
    return events;
  }

  /**
   * Drops the spikes of a per-sample loss's block means that its samples do not carry
   * ({@link PerSampleMeans#samplesRise}: one rare example's loss, not the network bouncing), and
   * marks the excursions from {@code opened} on that then hold no rise as quiet.
   */
  private static void dropLoneSamples(PerSampleMeans means, long[] given, double[] logged,
                                      List<ShockEvent> events, List<Excursion> excursions,
                                      int opened) {
    if (!events.removeIf(e -> ShockEvent.SPIKE.equals(e.kind())
        && !means.samplesRise(given, logged, e.stepLo(), e.stepHi()))) {
      return;
    }
    for (int k = opened; k < excursions.size(); k++) {
      Excursion x = excursions.get(k);
      if (!x.quiet() && !holdsRise(events, x.start(), x.end())) {
        excursions.set(k, x.withQuiet(true));
      }
    }
  }

  /** Whether a spike or a rising jump among {@code events} overlaps [start, end]. */
  private static boolean holdsRise(List<ShockEvent> events, long start, long end) {
    for (ShockEvent e : events) {
      boolean rise = ShockEvent.SPIKE.equals(e.kind())
          || (ShockEvent.JUMP.equals(e.kind()) && e.uRight() > e.uLeft());
      if (rise && e.stepLo() <= end && start <= e.stepHi()) {
        return true;
      }
    }
    return false;
  }

  private void analyse(String series, String group, long[] steps, double[] values, int n,
                       boolean diverges, List<ShockEvent> events, List<Excursion> excursions) {
    if (constantToRounding(values, n)) {
      return;
    }
    double largest = largestMagnitude(values, n);
    double smallest = resolutionFloor(values, n, largest);
    boolean logScale = logScale(values, n, smallest);
    logFloor = smallest > 0.0 ? Math.log(smallest) : Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      x[i] = logScale ? Math.log(Math.max(values[i], smallest)) : values[i];
    }
    double range = RobustOps.range(x, n);
    if (!(range > 0.0)) {
      return;
    }
    double floorSd = config.resolution() * range;
    if (!logScale) {
      // an accuracy over N examples moves by 1/N: one example flipping is its noise
      floorSd = Math.max(floorSd, quantum(values, n, largest, work));
    }
    spikes.clear();
    double whiteSd = Math.max(RobustOps.noiseScale(t, x, 0, n, work), floorSd);
    boolean noisy = whiteSd > NOISY_FLOORS * floorSd;
    spikeFinder.setFloor(logScale ? logFloor : Double.NEGATIVE_INFINITY);
    // Heavy tails are a property of noise: a noise-free curve (a deterministic catapult) has
    // pseudo-residuals of curvature only, whose "tails" are its events.
    double spikeThreshold = config.spikeThreshold()
        * (noisy ? RobustOps.tailFactor(t, x, 0, n, work) : 1.0);
    spikeFinder.find(t, x, n, floorSd, whiteSd, spikeThreshold,
        config.spikeWindowFraction(), logScale, spikes, cleaned);
    boolean noiseFree = false;
    if (logScale) {
      // A run-level metric whose noise is at its floor (full-batch training) has no local noise
      // either: pseudo-residuals near a spike measure its neighbours' curvature. Judged above
      // the floor: a per-sample loss that converged to its rounding floor for half its run is
      // constant there, and noisy before. A curve whose increments keep their sign is smooth
      // however large its curvature (Adam's loss ringing as it decays). Neither holds for a
      // noisy decay, whose quiet plateau or drift hides its noise from both tests.
      double agreement = signAgreement(n);
      noiseFree = group.isEmpty() && (!noisy
          && !(whiteAboveFloor(n) > NOISY_FLOORS * floorSd)
          || agreement >= SMOOTH_AGREEMENT) && !noisyDecay(n, agreement, floorSd);
      peaks.find(t, x, n, logFloor, floorSd, whiteSd, spikeThreshold, config.spikeThreshold(),
          spikeReach(n), noiseFree, group.isEmpty(), spikes, cleaned);
    }
    double peakFloor = Math.log(SPIKE_FLOOR * largest);
    if (logScale) {
      // A positive quantity on the log scale spikes when it at least doubles over the lowest
      // value within two durations of its peak (a loss spike is a ratio): a bump of 30% on a noise-free decay is
      // many noise scales but no event. Its peak
      // must also clear SPIKE_FLOOR of the series' largest value: a loss eight decades below
      // where it started is below what float32 arithmetic resolves of it, and its bounces there
      // are rounding, not training.
      spikes.removeIf(sp -> x[sp.peak()] - lowest(n, t[sp.peak()], 2.0 * sp.duration())
          < ProminentPeaks.MIN_LOG_PROMINENCE || x[sp.peak()] < peakFloor);
    } else if (group.isEmpty() && series.contains("loss") && positive(values, n)) {
      // A loss spans less than a decade (a converged catapult bouncing at its floor) and is
      // searched on the linear scale, where a noise-free run makes a 10% bump many noise scales;
      // a loss's spike is still a ratio and must double, as on the log scale.
      spikes.removeIf(sp -> !(Math.log(x[sp.peak()] / lowest(n, t[sp.peak()],
          2.0 * sp.duration())) >= ProminentPeaks.MIN_LOG_PROMINENCE));
    }
    dropWander(n, noiseFree, group.isEmpty() && !noiseFree);
    int opened = logScale && group.isEmpty() ? excursions(n, peakFloor) : 0;
    ShockEvent held = logScale && group.isEmpty() && openFrom > 0
        ? heldRise(series, group, steps, n, whiteSd) : null;
    for (SpikeFinder.Spike s : spikes) {
      int p = s.peak();
      if (held != null && p > openFrom) {
        // a bounce at the level a held rise keeps to the run's end: the metric never came back,
        // so the excursion it bounces in is the rise's, one event (as the lab's truth reads it)
        continue;
      }
      events.add(new ShockEvent(series, group, ShockEvent.SPIKE, steps[p], steps[p - 1],
          steps[p + 1], toUnits(s.baselineBefore(), logScale),
          toUnits(s.baselineAfter(), logScale),
          values[p] - toUnits(s.baselineAtPeak(), logScale), s.duration(), Double.NaN,
          s.strength(), s.score()));
    }
    found.clear();
    if (logScale) {
      // Both scales are searched, the linear one first and the log one away from its fronts.
      // A logistic rise from a small initial value is a front on the linear scale but a ramp
      // on the log scale, and a loss that drops over decades is a front on the linear scale at
      // its onset, while on the log scale the front's centre lies decades (and many steps)
      // later. The log scale still finds what the linear scale cannot resolve: changes among
      // the small values.
      for (int i = 0; i < n; i++) {
        x[i] = Math.exp(cleaned[i]);
      }
      double linearFloorSd = config.resolution() * RobustOps.range(x, n);
      // the floor through the same ln/exp round trip as the samples held at it: exp(ln s) is s
      // only to rounding, and a floor sample one ulp above s would count as noise (on some
      // scales of the same loss and not on others)
      spikeFinder.setFloor(Math.exp(logFloor));
      spikeFinder.noise(x, n, linearFloorSd, config.spikeWindowFraction());
      findJumps(x, n, linearFloorSd, Double.NaN, false, !group.isEmpty());
      spikeFinder.setFloor(logFloor);
      spikeFinder.noise(cleaned, n, floorSd, config.spikeWindowFraction());
    }
    // A front cut off by the run's end counts in weight series on the linear scale only: on the
    // log scale a loss falling over decades reaches no floor within the run, so where its front
    // ends (and its centre) is not in the data, and a metric's linear front leads the mode's.
    findJumps(cleaned, n, floorSd, spikes.isEmpty() ? whiteSd : Double.NaN, logScale,
        !group.isEmpty());
    long origin = steps[0];
    for (ScaledJump sj : nonOverlapping()) {
      JumpFinder.Jump j = sj.jump();
      double left = toUnits(j.level() - 0.5 * j.jump(), sj.logScale());
      double right = toUnits(j.level() + 0.5 * j.jump(), sj.logScale());
      if (logScale && !sj.logScale()) {
        // Located on the linear scale, where a series spanning decades is dominated by its
        // largest values: the levels are the medians of the plateaus either side of the front
        // (exp of the cleaned logarithms over t_s ± [2w, 6w], between the front and the edge of
        // the fit's window), which the linear fit's tail would misjudge.
        double front = JumpFinder.FRONT_WIDTHS * j.width();
        double window = JumpFinder.WINDOW_WIDTHS * j.width();
        left = plateau(n, j.center() - window, j.center() - front, left);
        right = plateau(n, j.center() + front, j.center() + window, right);
      }
      long lo = origin + (long) Math.floor(j.lo());
      long hi = origin + (long) Math.ceil(j.hi());
      long step = Math.min(hi, Math.max(lo, origin + Math.round(j.center())));
      double size = right - left;
      if (logScale && Math.max(left, right) < MIN_LOG_JUMP_RATIO * Math.min(left, right)) {
        // A quantity judged by ratios (spanning decades) changes level when it at least halves
        // or doubles: a shift of 8% between two bounces of a loss is the bounces' shoulders.
        continue;
      }
      if (logScale && !rawLevelsMove(values, n, j.center(), j.width(), right > left)) {
        // The fitted levels come from the cleaned series; a per-sample loss whose logarithm has
        // a heavy lower tail (a squared error near zero) leaves single deep dips there, which a
        // front between two samples fits. The raw samples either side must show the change.
        continue;
      }
      if (group.isEmpty() && right > left
          && !riseHolds(values, n, j.center(), j.width(), left, right, logScale)) {
        // a lasting change of level is a jump; an excursion that comes back is at most a spike
        continue;
      }
      events.add(new ShockEvent(series, group, ShockEvent.JUMP, step, lo, hi, left, right, size,
          j.width(), Math.abs(size) * j.width() / 4.0, j.strength(), j.score()));
    }
    if (held != null && events.stream().noneMatch(e -> ShockEvent.JUMP.equals(e.kind())
        && e.uRight() > e.uLeft() && e.stepLo() <= held.stepHi() && held.stepLo() <= e.stepHi())) {
      events.add(held);
    }
    if (diverges && held == null && logScale && group.isEmpty() && openFrom > 0) {
      // The metric left its basin and never came back before it diverged, nor held a level: its
      // rise is the blow-up's onset, which the divergence names (the lab's truth has no event
      // apart from it), not a jump of its own.
      long onset = steps[openFrom - 1];
      events.removeIf(e -> ShockEvent.JUMP.equals(e.kind()) && e.uRight() > e.uLeft()
          && e.step() >= onset);
    }
    // Only a run-level metric judged by differences: the plateaus of a loss that falls over
    // decades are the fronts' own exponential tails, and halfway between them in ratio terms
    // lies in its convergence, not in its change (both scales' tanh fits cover those).
    if (group.isEmpty() && !logScale) {
      addCrossingFront(series, group, steps, n, whiteSd, events);
    }
    // A loss within a decade is searched on the linear scale, but its excursions and their
    // trains are ratios as on the log scale: a catapult's bounces that never settle between
    // them are one episode however few decades the run spans.
    boolean linearLoss = !logScale && group.isEmpty() && series.contains("loss")
        && positive(values, n) && smallest > 0.0;
    if (opened > 0 || linearLoss) {
      // the linear scale's search above overwrote them (or never had them)
      for (int i = 0; i < n; i++) {
        x[i] = Math.log(Math.max(values[i], smallest));
      }
    }
    if (linearLoss) {
      opened = excursions(n, peakFloor);
    }
    Excursion previous = null;
    for (int k = 0; k < opened; k++) {
      long start = steps[openedAt[k]];
      long end = steps[closedAt[k]];
      double interval = (double) (end - start) / (closedAt[k] - openedAt[k]);
      // Trains are chained through every excursion of the series, also those that hold no
      // event of their own (a small bounce between two spikes still continues the train).
      long train = previous != null && !settles(indexOf(steps, previous.end()), openedAt[k],
          previous.quietSpan(start, end, interval), peakFloor) ? previous.train() : nextTrain++;
      Excursion ex = new Excursion(start, steps[peakAt[k]], heightAt[k], topAt[k], end,
          steps[settledAt[k]], interval, train, !holdsRise(events, start, end));
      previous = ex;
      excursions.add(ex);
    }
    if (opened > 0 && !noisy && logScale) {
      addQuietTrainPeaks(series, group, steps, values, n, excursions.size() - opened,
          excursions, floorSd, spikeThreshold, events);
    }
    if (opened > 0 && (diverges || group.isEmpty())) {
      addTrainIntoEnd(series, group, steps, values, n, excursions.size() - opened,
          excursions, peakFloor, diverges, events);
    }
  }

  /**
   * A spike at the highest excursion of the train a run-level metric is still in when its series
   * ends, when no event lies in the train and that excursion rises the spike threshold in noise
   * scales above the basin the train left: the median of the {@link #BASIN_SAMPLES} samples
   * before its first excursion, against the noise scale ({@link RobustOps#noiseScale}, at least
   * the resolution) of all the samples before it, which must give at least {@link #SPIKE_REACH}
   * pseudo-residuals. The series ends where it diverges (its n samples stop where the
   * divergence starts) or where the run stops; then the train must hold at least
   * {@link #SPIKE_REACH} excursions. On the log scale (x), also for a loss searched on the
   * linear scale. A full-batch loss at the edge of stability bounces out of its basin and never
   * settles again until it blows up or the run ends; its chaotic stretch makes the series noisy,
   * so no bounce of it stands out of the noise around it, but every one stands out of the
   * basin. The lab's truth has the stretch as one episode at its highest bounce (apart from the
   * divergence), as {@link TransitionMerger} places a train's episode. Per-sample noise that
   * bounces up to a divergence has no quiet basin before it; a loss that drifts up (weights
   * random-walking) crosses twice its running low a few times, not again and again (one to
   * three excursions in the tuning labs' random-walk controls, 14 to 500 in the chaotic
   * catapults).
   */
  private void addTrainIntoEnd(String series, String group, long[] steps, double[] values,
                               int n, int from, List<Excursion> excursions, double floor,
                               boolean diverges, List<ShockEvent> events) {
    Excursion last = excursions.get(excursions.size() - 1);
    if (settles(indexOf(steps, last.end()), n - 1,
        last.quietSpan(steps[n - 1], steps[n - 1], last.interval()), floor)) {
      return;
    }
    int k = excursions.size() - 1;
    int highest = k;
    while (k >= from && excursions.get(k).train() == last.train()) {
      Excursion e = excursions.get(k);
      if (!e.quiet()) {
        return;
      }
      if (e.top() > excursions.get(highest).top()) {
        highest = k;
      }
      k--;
    }
    if (!diverges && excursions.size() - 1 - k < SPIKE_REACH) {
      return;
    }
    Excursion top = excursions.get(highest);
    int first = indexOf(steps, excursions.get(k + 1).start());
    int p = indexOf(steps, top.peak());
    if (first - 2 < SPIKE_REACH || p >= n - 1) {
      return;
    }
    double basin = OrderStatistics.median(x, Math.max(0, first - BASIN_SAMPLES), first, work);
    double basinSd = Math.max(RobustOps.noiseScale(t, x, 0, first, work),
        config.resolution() * RobustOps.range(x, n));
    double strength = (top.top() - basin) / basinSd;
    if (!(strength >= config.spikeThreshold())) {
      return;
    }
    addExcursionSpike(series, group, steps, values, excursions, highest, Math.exp(basin),
        strength, events);
  }

  /**
   * Adds excursion {@code k} as a spike of the series (at its peak, over [start, end], its
   * height over {@code base} in the series' units) and marks it as holding an event: a train's
   * episode placed at its highest excursion, which the spike searches did not find.
   */
  private static void addExcursionSpike(String series, String group, long[] steps,
                                        double[] values, List<Excursion> excursions, int k,
                                        double base, double strength, List<ShockEvent> events) {
    Excursion x = excursions.get(k);
    events.add(new ShockEvent(series, group, ShockEvent.SPIKE, x.peak(), x.start(), x.end(),
        base, values[indexOf(steps, x.end())], values[indexOf(steps, x.peak())] - base,
        (double) (x.end() - x.start()), Double.NaN, strength, 1.0));
    excursions.set(k, x.withQuiet(false));
  }

  /**
   * Whether interior sample i of the log-scale series in x and both its neighbours lie above
   * {@code level}: the samples whose pseudo-residuals and increments measure noise rather than
   * the resolution floor.
   */
  private boolean interiorAbove(int i, double level) {
    return x[i - 1] > level && x[i] > level && x[i + 1] > level;
  }

  /**
   * The share of consecutive pairs of nonzero increments with the same sign among the log-scale
   * samples in x more than {@link #FLOOR_DECADES} above the resolution floor; 0 when fewer than
   * {@link #MIN_SIGN_PAIRS} pairs. A smooth curve whose curvature is large next to the
   * resolution (a loss ringing under momentum as it decays by decades) has pseudo-residuals
   * above the floor, but its increments keep their sign between its turns, which noise's do
   * not.
   */
  private double signAgreement(int n) {
    double level = logFloor + FLOOR_DECADES;
    int same = 0;
    int pairs = 0;
    for (int i = 1; i < n - 1; i++) {
      if (interiorAbove(i, level)) {
        double a = x[i] - x[i - 1];
        double b = x[i + 1] - x[i];
        if (a != 0.0 && b != 0.0) {
          pairs++;
          if (a > 0.0 == b > 0.0) {
            same++;
          }
        }
      }
    }
    return pairs < MIN_SIGN_PAIRS ? 0.0 : (double) same / pairs;
  }

  /**
   * Whether the log-scale samples in x more than {@link #FLOOR_DECADES} above the resolution
   * floor are a noisy decay: their increments keep their sign ({@code agreement}, from
   * {@link #signAgreement}, at least {@link #SMOOTH_AGREEMENT}) because a drift outruns the
   * noise, while fewer than {@link #CURVATURE_AGREEMENT} of the consecutive pairs of their
   * pseudo-residuals, which a drift does not move, share their sign, and the upper quartile of
   * those is above {@code floorSd}. A smooth curve's curvature keeps its sign between
   * inflections; noise's pseudo-residuals correlate by −2/3 and share their sign about a
   * quarter of the time (a random walk's a third). Minibatch SGD driving a loss down by
   * decades, ×2–×3 kicks from sample to sample, is such a decay, however quiet the plateau
   * before its front that makes the series-wide noise scale look like the floor.
   */
  private boolean noisyDecay(int n, double agreement, double floorSd) {
    if (!(agreement >= SMOOTH_AGREEMENT)) {
      return false;
    }
    double level = logFloor + FLOOR_DECADES;
    int same = 0;
    int pairs = 0;
    int m = 0;
    double previous = 0.0;
    for (int i = 1; i < n - 1; i++) {
      if (interiorAbove(i, level)) {
        double c = RobustOps.pseudoResidual(t, x, i);
        work[m++] = Math.abs(c);
        if (c != 0.0 && previous != 0.0) {
          pairs++;
          if (c > 0.0 == previous > 0.0) {
            same++;
          }
        }
        previous = c;
      } else {
        previous = 0.0;
      }
    }
    if (pairs < MIN_SIGN_PAIRS || same >= CURVATURE_AGREEMENT * pairs) {
      return false;
    }
    return OrderStatistics.select(work, m, (int) Math.floor(0.75 * (m - 1))) > floorSd;
  }

  /**
   * The white-noise scale (1.4826 × MAD of the pseudo-residuals) of the log-scale samples in x
   * more than {@link #FLOOR_DECADES} above the resolution floor, with both neighbours so: a
   * loss converged to its rounding floor for half its run is constant there, whatever its noise
   * before. 0 when fewer than three such samples.
   */
  private double whiteAboveFloor(int n) {
    double level = logFloor + FLOOR_DECADES;
    int m = 0;
    for (int i = 1; i < n - 1; i++) {
      if (interiorAbove(i, level)) {
        work[m++] = RobustOps.pseudoResidual(t, x, i);
      }
    }
    return m < 3 ? 0.0 : RobustOps.MAD_TO_SIGMA * OrderStatistics.madInPlace(work, m);
  }

  /**
   * Whether the log-scale series in x settles between indices {@code from} (an excursion's end)
   * and {@code to} (the next one's start): some stretch there, from one sample up to the first
   * later one more than ln √2 above the lowest value since and above {@code floor} (where
   * bounces are rounding: {@link #SPIKE_FLOOR}), or up to {@code to}, spans at least {@code span}
   * steps. Half the rise that opens an excursion, as for its recovery: a loss
   * oscillating chaotically or by a factor 1.7 from step to step (a period-2 orbit at the edge of
   * stability) never settles, although its doublings over the running minimum, measured anew
   * after each excursion, may lie hundreds of steps apart: one episode, as the lab's truth keeps
   * it. A loss decaying after a catapult settles at once.
   */
  private boolean settles(int from, int to, double span, double floor) {
    int a = from;
    double low = x[a];
    for (int m = a + 1; m <= to; m++) {
      if (m == to || !(x[m] <= Math.max(low + 0.5 * LN2, floor))) {
        if (t[m] - t[a] >= span) {
          return true;
        }
        a = m;
        low = x[m];
      } else {
        low = Math.min(low, x[m]);
      }
    }
    return false;
  }

  /**
   * A spike at the highest excursion of each train of a series' excursions
   * ({@code excursions[from, size)}) in which no event lies, when the series beside the train is
   * noise-free (the quieter of as many samples before and after it as it spans, at least twice
   * {@link #SPIKE_REACH}, has a noise scale at the resolution floor; log values in x) and the
   * excursion rises above the lowest value before it by a doubling and the spike threshold in
   * resolution floors when it rises from its foot within {@link ProminentPeaks#SHARP_RISE}
   * samples, else by a decade, and stands a decade over the median of the train and its sides
   * (a noisy plateau before a converged tail is noise-free overall, and ten of its samples can
   * look smooth by chance, but its wanders stay within its own range). The spike searches judge
   * a peak against the noise around it, and in a train of catapult bounces on a noise-free loss
   * (0.0018 → 0.17 → 0.0018 → 0.21 → 0.023 …, then flat) that noise is the neighbouring bounces,
   * so the whole train went unreported; the lab's truth has it as one episode at its highest
   * bounce, as {@link TransitionMerger} does.
   */
  private void addQuietTrainPeaks(String series, String group, long[] steps, double[] values,
                                  int n, int from, List<Excursion> excursions, double floorSd,
                                  double threshold, List<ShockEvent> events) {
    int i = from;
    while (i < excursions.size()) {
      int j = i;
      boolean quiet = true;
      int highest = i;
      while (j < excursions.size() && excursions.get(j).train() == excursions.get(i).train()) {
        Excursion e = excursions.get(j);
        quiet &= e.quiet();
        if (e.top() > excursions.get(highest).top()) {
          highest = j;
        }
        j++;
      }
      Excursion top = excursions.get(highest);
      double rise = top.height() + LN2;
      int first = indexOf(steps, excursions.get(i).start());
      int last = indexOf(steps, excursions.get(j - 1).settled());
      int side = Math.max(2 * SPIKE_REACH, last - first + 1);
      double before = first >= 3 ? RobustOps.noiseScale(t, x, Math.max(0, first - side), first,
          work) : Double.NaN;
      double after = n - last - 1 >= 3 ? RobustOps.noiseScale(t, x, last + 1,
          Math.min(n, last + 1 + side), work) : Double.NaN;
      double sideSd = Double.isNaN(before) ? after
          : Double.isNaN(after) ? before : Math.min(before, after);
      int p = indexOf(steps, top.peak());
      // as ProminentPeaks: a sharp rise (from its foot in SHARP_RISE samples) is a spike when it
      // doubles; a slow one (an averaged loss wandering on a plateau) only when it spans a decade
      double needed = p - ProminentPeaks.foot(x, 0, p, top.top() - rise)
          <= ProminentPeaks.SHARP_RISE
          ? Math.max(threshold * floorSd, LN2) : DECADE;
      // and a decade over the samples around it: a noisy plateau's wander (×2–×3 over its
      // running minimum) never stands that far above the plateau's median, a bounce out of a
      // basin does
      if (quiet && !(sideSd > NOISY_FLOORS * floorSd) && !Double.isNaN(sideSd)
          && rise >= needed && top.top() - OrderStatistics.median(x, Math.max(0, first - side),
          Math.min(n, last + 1 + side), work) >= DECADE) {
        addExcursionSpike(series, group, steps, values, excursions, highest,
            Math.exp(top.top() - rise), rise / needed * threshold, events);
      }
      i = j;
    }
  }

  /** The index of {@code step} among {@code steps} (0 when absent). */
  private static int indexOf(long[] steps, long step) {
    int k = Arrays.binarySearch(steps, step);
    return Math.max(k, 0);
  }

  /**
   * A run-level metric's dominant front located by its level crossings ({@link CrossingFront}),
   * when no jump of the series (its front t_s ± 2w) reaches into [t₁₀, t₉₀]: slow or asymmetric
   * fronts whose tanh fit fails, such as a held-out accuracy rising as a model groks. Its
   * {@code score} is the logistic 1/(1 + e^{−(strength − threshold)/2}) of its strength over
   * the spike threshold, on the scale of the jumps' evidence score.
   */
  private void addCrossingFront(String series, String group, long[] steps, int n,
                                double whiteSd, List<ShockEvent> events) {
    CrossingFront.Front f = crossing.find(t, cleaned, n, whiteSd, config.spikeThreshold(),
        config.maxWidthFraction(), config.minSupport());
    if (f == null) {
      return;
    }
    long origin = steps[0];
    for (ShockEvent e : events) {
      double reach = JumpFinder.FRONT_WIDTHS * (Double.isFinite(e.width()) ? e.width() : 0.0);
      if (ShockEvent.JUMP.equals(e.kind()) && e.step() - origin + reach >= f.from()
          && e.step() - origin - reach <= f.to()) {
        return;
      }
    }
    double size = f.right() - f.left();
    long lo = origin + (long) Math.floor(f.lo());
    long hi = origin + (long) Math.ceil(f.hi());
    long step = Math.min(hi, Math.max(lo, origin + Math.round(f.center())));
    double score = 1.0 / (1.0 + Math.exp(-0.5 * (f.strength() - config.spikeThreshold())));
    events.add(new ShockEvent(series, group, ShockEvent.JUMP, step, lo, hi, f.left(), f.right(),
        size, f.width(), Math.abs(size) * f.width() / 4.0, f.strength(), score));
  }

  /**
   * Samples looked at either side of a spike: the spike window's share of n, at least
   * {@link #SPIKE_REACH}.
   */
  private int spikeReach(int n) {
    return Math.max(SPIKE_REACH, (int) Math.ceil(config.spikeWindowFraction() * n));
  }

  private double[] wanderPrefix() {
    if (prefix.length < t.length + 1) {
      prefix = new double[t.length + 1];
    }
    return prefix;
  }

  /**
   * Drops the spikes that do not stand out of the series' wander at their duration (see
   * {@link RobustOps#wander}, single samples L apart): |height| ≥ z·s_L with
   * L = max(1, duration / mean gap) samples,
   * the increments taken away from every spike (peak ± duration). An excursion of a random walk
   * returns too, and its height over a rolling median is many white-noise σ; its size against
   * the walk's own increments over the same time is what tells it from a spike. Where the
   * wander within {@link #spikeReach} samples of the spike is under {@link #LOCAL_WANDER_SHARE}
   * of the series', the spike lies in a quieter regime and is judged by that. The samples of a
   * dropped spike stay cleaned: they are no level change either.
   *
   * <p>In a noise-free series ({@code noiseFree}: a run-level metric on the log scale whose
   * noise is at its floor or whose increments keep their sign) a spike that doubles the lowest
   * value since the series was last as high, {@link #RINGING_DECADES} and more under the
   * series' first value, is kept whatever the wander: Adam's loss ringing down a decay of
   * decades has no wander but its own bumps, each as large as the ringing's increments at its
   * duration, and a doubling of a loss is what makes a bump a spike (the lab's truth and
   * practitioners' spike rules alike). Near its start a smooth loss may wander by doublings
   * (a full-data loss under momentum SGD on a plateau, a decade under its start).
   *
   * <p>A spike found from a smooth approach ({@link ProminentPeaks}) is kept too: a walk does not
   * fall six times in a row and then rise tenfold, while a catapult's chaotic stretch later in
   * the run is what makes the series wander.
   *
   * <p>With {@code gapTest} (a run-level metric that is not noise-free) a spike judged by the
   * series' wander must also stand out of the largest excursions around it ({@link #ordinary}),
   * unless it rises {@link ProminentPeaks#TAIL_FREE_RISE} over its baseline, which no loss noise
   * does (a catapult's sawtooth bounces five decades while its next bounces are as tall). Not on
   * noise-free series: a full-batch catapult's bounces at the edge of stability are each a spike
   * however alike they are, and its samples between them lie at its floor. Nor in a quieter
   * regime: the louder one's swings (a limit cycle later in the run) are no measure of its
   * excursions.
   */
  private void dropWander(int n, boolean noiseFree, boolean gapTest) {
    if (spikes.isEmpty()) {
      return;
    }
    double gap = (t[n - 1] - t[0]) / (n - 1);
    int zones = spikes.size();
    if (zoneLo.length < zones) {
      zoneLo = new double[2 * zones];
      zoneHi = new double[2 * zones];
    }
    for (int k = 0; k < zones; k++) {
      SpikeFinder.Spike s = spikes.get(k);
      zoneLo[k] = t[s.peak()] - s.duration();
      zoneHi[k] = t[s.peak()] + s.duration();
    }
    int reach = spikeReach(n);
    spikes.removeIf(s -> {
      if (s.smoothApproach() || noiseFree && doublesFromBelow(s.peak())) {
        return false;
      }
      int lag = Math.max(1, (int) Math.round(s.duration() / gap));
      if (lag >= n) {
        return false;
      }
      double scale = RobustOps.wander(t, x, n, lag, 1, zoneLo, zoneHi, zones, work, wanderPrefix());
      // A series in two regimes (a noise-free descent, then a chaotic oscillation at the edge of
      // stability over most of the run) wanders by the louder one's scale overall; a spike in
      // the quiet one is judged by the wander around it when that is under a
      // LOCAL_WANDER_SHARE of the series' (far beyond what estimating it from fewer increments
      // can make of one stationary walk).
      double local = RobustOps.wander(t, x, Math.max(0, s.peak() - reach),
          Math.min(n, s.peak() + reach + 1), lag, 1, zoneLo, zoneHi, zones, work,
          wanderPrefix());
      boolean quieter = local < LOCAL_WANDER_SHARE * scale;
      if (quieter) {
        scale = local;
      }
      return Math.abs(s.height()) < RobustOps.wanderFactor(n, lag) * scale
          || gapTest && !quieter && s.height() < ProminentPeaks.TAIL_FREE_RISE
          && ordinary(s.peak(), lag, n, zones);
    });
  }

  /**
   * Whether the spike at {@code peak} is one of its series' ordinary excursions (an
   * extreme-value gap test). At lag L an excursion's height is e_j = x_j − max(x_{j−L}, x_{j+L});
   * the others are the local maxima of e within n / {@link #REGIME_SHARE} samples of the peak
   * (at least {@link #REGIME_LAGS} lags: the stretch of the run in the spike's own noise regime)
   * and outside every spike's zone. When one of them is as high as the spike, it is ordinary.
   * Otherwise, with the largest {@link #TAIL_EXCURSIONS} of them o₁ ≥ … ≥ o_m: under an
   * exponential tail the spacings i·(o_i − o_{i+1}) are independent Exp(β), and β̂, their mean,
   * is the mean excess of o₁ … o_{m−1} over o_m (Hill's estimator). When the spike is only the
   * largest excursion of that noise, its lead e_peak − o₁ is one more such spacing; it stands
   * out when the lead is at least ln(1/α)·β̂, α = {@link #ORDINARY_ALPHA}. With fewer than m
   * others there is no tail to judge by and the spike stays.
   *
   * <p>Why: in heavy-tailed, autocorrelated noise (a held-out loss of weights that wander under
   * online SGD, ×1.5–×3 on its plateau) the largest of thousands of excursions doubles the loss
   * and passes any threshold set from the noise's typical size.
   */
  private boolean ordinary(int peak, int lag, int n, int zones) {
    double own = excursion(peak, lag, n);
    int side = Math.max(n / REGIME_SHARE, REGIME_LAGS * lag);
    int m = 0;
    for (int j = Math.max(lag, peak - side); j < Math.min(n - lag, peak + side + 1); j++) {
      double e = excursion(j, lag, n);
      if (!(e > 0.0) || m == TAIL_EXCURSIONS && e <= tail[m - 1]
          || !RobustOps.clear(t[j], t[j], zoneLo, zoneHi, zones) || !localMaximum(j, lag, n, e)) {
        continue;
      }
      if (e >= own) {
        return true;
      }
      // insert e into tail[0, m), kept descending, dropping its smallest when full
      int at = m < TAIL_EXCURSIONS ? m++ : m - 1;
      while (at > 0 && tail[at - 1] < e) {
        tail[at] = tail[at - 1];
        at--;
      }
      tail[at] = e;
    }
    if (m < TAIL_EXCURSIONS) {
      return false;
    }
    double excess = 0.0;
    for (int i = 0; i < m - 1; i++) {
      excess += tail[i] - tail[m - 1];
    }
    double beta = excess / (m - 1);
    return own - tail[0] < Math.log(1.0 / ORDINARY_ALPHA) * beta;
  }

  /**
   * x_j − max(x_{j−L}, x_{j+L}), the neighbours' indices clamped to the series: how far sample j
   * stands above both samples {@code lag} away.
   */
  private double excursion(int j, int lag, int n) {
    return x[j] - Math.max(x[Math.max(0, j - lag)], x[Math.min(n - 1, j + lag)]);
  }

  /** Whether e_j ≥ e_k for every k within {@code lag} samples of j. */
  private boolean localMaximum(int j, int lag, int n, double e) {
    for (int k = Math.max(lag, j - lag); k <= Math.min(n - lag - 1, j + lag); k++) {
      if (k != j && excursion(k, lag, n) > e) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether x (log scale) at {@code peak} is at least double its lowest value since it was last
   * as high, that lowest value {@link #RINGING_DECADES} or more under the series' first.
   */
  private boolean doublesFromBelow(int peak) {
    double min = Double.POSITIVE_INFINITY;
    for (int i = peak - 1; i >= 0 && x[i] < x[peak]; i--) {
      min = Math.min(min, x[i]);
    }
    return x[peak] - min >= LN2 && x[0] - min >= RINGING_DECADES * DECADE;
  }

  /**
   * Whether the raw values either side of a front (the {@link #RAW_SIDE} samples nearest to it
   * beyond centre ± width) have medians that differ by {@link #MIN_LOG_JUMP_RATIO} in the
   * front's direction; a side without samples does not veto.
   */
  private boolean rawLevelsMove(double[] values, int n, double center, double width,
                                boolean rises) {
    int before = 0;
    for (int i = n - 1; i >= 0 && before < RAW_SIDE; i--) {
      if (t[i] <= center - width) {
        rawBefore[before++] = values[i];
      }
    }
    int after = rawFrom(values, n, center + width, RAW_SIDE);
    if (before == 0 || after == 0) {
      return true;
    }
    double left = OrderStatistics.medianInPlace(rawBefore, before);
    double right = OrderStatistics.medianInPlace(rawAfter, after);
    return rises ? right >= MIN_LOG_JUMP_RATIO * left : left >= MIN_LOG_JUMP_RATIO * right;
  }

  /**
   * Whether a run-level metric keeps the level a front raised it to: the median of the
   * {@link #LASTING_SAMPLES} raw samples after the front (from centre + {@link
   * JumpFinder#FRONT_WIDTHS} widths) lies above the front's midpoint (the geometric mean of its
   * levels on the log scale, their mean on the linear one). With fewer than
   * {@link #MIN_LASTING_SAMPLES} samples after the front it does not veto. Rises only: a loss
   * falling over decades has a fitted lower level that may lie decades under its data (the
   * fit's tail), and its samples after the front then sit above that midpoint however the loss
   * keeps falling (judged both ways, the tuning labs' deep-linear and teacher–student loss
   * fronts left their transitions).
   */
  private boolean riseHolds(double[] values, int n, double center, double width, double low,
                            double high, boolean logScale) {
    int after = rawFrom(values, n, center + JumpFinder.FRONT_WIDTHS * width, LASTING_SAMPLES);
    if (after < MIN_LASTING_SAMPLES) {
      return true;
    }
    double midpoint = logScale && low > 0 ? Math.sqrt(low * high) : 0.5 * (low + high);
    return OrderStatistics.medianInPlace(rawAfter, after) > midpoint;
  }

  /**
   * Copies the first {@code count} (at most {@link #RAW_SIDE}) raw values at times ≥ {@code from}
   * into {@code rawAfter}, in order; returns how many there were.
   */
  private int rawFrom(double[] values, int n, double from, int count) {
    int after = 0;
    for (int i = 0; i < n && after < count; i++) {
      if (t[i] >= from) {
        rawAfter[after++] = values[i];
      }
    }
    return after;
  }

  /**
   * The {@link Excursion}s of the log-scale series in x, in one pass: an excursion opens at the
   * first sample more than ln 2 above the lowest value since the last one closed (and above
   * {@code floor}, the level under which bounces are rounding: {@link #SPIKE_FLOOR}), and closes
   * at the first sample after its peak back under that bound or under the midpoint of peak and
   * bound, from where the lowest value is measured anew; one the series ends in is no spike and
   * not counted. Indices: start at {@code openedAt[k]}, peak at {@code peakAt[k]} (ln of the
   * peak over the bound in {@code heightAt[k]}, ln of the peak in {@code topAt[k]}), end at
   * {@code closedAt[k]}, back under the bound at {@code settledAt[k]} (the last sample when
   * never); returns how many.
   */
  private int excursions(int n, double floor) {
    int count = 0;
    openFrom = -1;
    double runMin = x[0];
    int i = 1;
    while (i < n) {
      double bound = Math.max(runMin + LN2, floor);
      if (x[i] > bound) {
        int peak = i;
        int j = i;
        while (j < n && x[j] > bound && !(j > peak && x[j] <= 0.5 * (x[peak] + bound))) {
          if (x[j] > x[peak]) {
            peak = j;
          }
          j++;
        }
        if (j >= n) {
          openFrom = i;
          openMin = runMin;
          break;
        }
        // Back under the bound, or where the next excursion opens (a second bounce before the
        // metric came back is its own excursion).
        int k = j;
        double low = x[j];
        while (k < n - 1 && x[k] > bound) {
          k++;
          if (x[k] > Math.max(low + LN2, floor)) {
            break;
          }
          low = Math.min(low, x[k]);
        }
        openedAt[count] = i;
        peakAt[count] = peak;
        heightAt[count] = x[peak] - bound;
        topAt[count] = x[peak];
        closedAt[count] = j;
        settledAt[count] = k;
        count++;
        runMin = x[j];
        i = j;
      }
      runMin = Math.min(runMin, x[i]);
      i++;
    }
    return count;
  }

  /**
   * The excursion the log-scale series in x ends in ({@link #openFrom}) as a jump, when the
   * metric holds a new level there: a catapult that throws a loss out of its basin into a flatter
   * one where it stays (issue 12: a lasting change of level is a jump), which the front search
   * misses when the loss bounces at its new level or came down from a spike just before. Its
   * level is the median of x over the excursion, which must lie at least {@link
   * #MIN_LOG_JUMP_RATIO} times and {@link DetectorConfig#minStrength} noise scales above the
   * median of as many samples before it (a noisy loss's running minimum is a low outlier its
   * typical values "leave" without any change), reached
   * within 1/{@link #HOLD} of the time it is then held to the series' end. Centred where x first
   * passes the midpoint of the basin and the level (their geometric mean), with the tanh width
   * of its quarter and three-quarter crossings; null when it holds no level.
   */
  private ShockEvent heldRise(String series, String group, long[] steps, int n,
                              double whiteSd) {
    int from = openFrom;
    if (from <= config.minSupport()) {
      // a metric rising from its first values (a learning rate's warm-up) is the run's initial
      // transient, as for the front search, not a basin left
      return null;
    }
    double level = OrderStatistics.median(x, from, n, work);
    double before = OrderStatistics.median(x, Math.max(0, 2 * from - n), from, work);
    if (!(level - before >= Math.max(Math.log(MIN_LOG_JUMP_RATIO),
        config.minStrength() * whiteSd))) {
      return null;
    }
    int reached = firstAtOrAbove(from, n, level);
    if (t[n - 1] - t[reached] < HOLD * (t[reached] - t[from - 1])) {
      return null;
    }
    double span = level - openMin;
    int centre = firstAtOrAbove(from, n, openMin + 0.5 * span);
    double width = (crossing(from, n, openMin + 0.75 * span)
        - crossing(from, n, openMin + 0.25 * span)) / Math.log(3.0);
    double left = Math.exp(openMin);
    double right = Math.exp(level);
    width = Math.max(width, t[from] - t[from - 1]);
    return new ShockEvent(series, group, ShockEvent.JUMP, steps[centre], steps[from - 1],
        steps[reached], left, right, right - left, width, (right - left) * width / 4.0,
        (level - before) / whiteSd, 1.0);
  }

  /** The first index in [from, n) with x at or above {@code level} (n − 1 when none). */
  private int firstAtOrAbove(int from, int n, double level) {
    for (int i = from; i < n; i++) {
      if (x[i] >= level) {
        return i;
      }
    }
    return n - 1;
  }

  /**
   * The time x first reaches {@code level} from index {@code from} on, interpolated from the
   * sample before.
   */
  private double crossing(int from, int n, double level) {
    int i = firstAtOrAbove(from, n, level);
    double a = x[i - 1];
    double f = x[i] == a ? 1.0 : Math.max(0.0, Math.min(1.0, (level - a) / (x[i] - a)));
    return t[i - 1] + f * (t[i] - t[i - 1]);
  }

  /**
   * Whether a metric's event is the first decades of its own divergence: a rising front the
   * metric never comes back below the midpoint of (the geometric mean of its levels when both
   * are positive) before it diverges, held for less than {@link #HOLD} times as long as it rose
   * (a blow-up; a level the metric holds that long before diverging is a change of its own, as
   * the lab's truth has it).
   */
  private static boolean divergenceOnset(ShockEvent e, long[] steps, double[] values, int m,
                                         long diverged) {
    if (!ShockEvent.JUMP.equals(e.kind()) || !(e.uRight() > e.uLeft())) {
      return false;
    }
    if (diverged - e.stepHi() >= HOLD * (e.stepHi() - e.stepLo())) {
      return false;
    }
    double mid = e.uLeft() > 0.0 ? Math.sqrt(e.uLeft() * e.uRight())
        : 0.5 * (e.uLeft() + e.uRight());
    for (int i = 0; i < m; i++) {
      if (steps[i] >= e.step() && !(values[i] >= mid)) {
        return false;
      }
    }
    return true;
  }

  /** Whether every one of the first {@code n} values is positive. */
  private static boolean positive(double[] values, int n) {
    for (int i = 0; i < n; i++) {
      if (!(values[i] > 0.0)) {
        return false;
      }
    }
    return true;
  }

  /** The smallest x over the samples with time within {@code reach} of {@code center}. */
  private double lowest(int n, double center, double reach) {
    double low = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      if (Math.abs(t[i] - center) <= reach) {
        low = Math.min(low, x[i]);
      }
    }
    return low;
  }

  /**
   * exp of the median cleaned log value over the samples with time in [from, to], or
   * {@code fallback} when there is none.
   */
  private double plateau(int n, double from, double to, double fallback) {
    int m = 0;
    for (int i = 0; i < n; i++) {
      if (t[i] >= from && t[i] <= to) {
        work[m++] = cleaned[i];
      }
    }
    return m == 0 ? fallback : Math.exp(OrderStatistics.medianInPlace(work, m));
  }

  /**
   * Jumps of y[0, n) on one scale, with the noise statistics last computed by the spike finder
   * and the white-noise scale σ = max(pseudo-residual scale, resolution) for the strength
   * ({@code knownWhiteSd} when already computed on these values, else NaN). Fronts cut off by
   * the series' end count in a weight series' search on the linear scale only.
   */
  private void findJumps(double[] y, int n, double floorSd, double knownWhiteSd,
                         boolean logScale, boolean weights) {
    double noiseSd = Double.isNaN(knownWhiteSd)
        ? Math.max(RobustOps.noiseScale(t, y, 0, n, work), floorSd) : knownWhiteSd;
    double levelSd = Math.max(noiseSd, spikeFinder.residualSd());
    known.clear();
    for (ScaledJump s : found) {
      known.add(s.jump());
    }
    for (JumpFinder.Jump j : jumpFinder.find(t, y, n, noiseSd, levelSd, floorSd * floorSd,
        spikeFinder.residualLag1(), known, weights && !logScale, !weights, !weights && !logScale,
        config)) {
      // On the log scale values below the resolution are clamped to it: a front whose lower
      // level is that clamp is a decay into the floor (an exponential approach to zero cut off
      // where the digits end), not a change between two levels. The linear scale sees the drop.
      if (!(logScale && j.level() - 0.5 * Math.abs(j.jump()) < logFloor + FLOOR_DECADES)) {
        found.add(new ScaledJump(j, logScale));
      }
    }
  }

  /**
   * Whether the values agree to {@link #CONSTANT_DIGITS} significant digits: such a series is
   * one value computed with rounding error (an observable that is constant by construction,
   * such as the rank of a vector), and the detector's scale-free noise estimates would turn its
   * last bits into events. Float32 checkpoints carry about 7 digits, so genuine variation of
   * their observables stays far above this.
   */
  private static boolean constantToRounding(double[] values, int n) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      lo = Math.min(lo, values[i]);
      hi = Math.max(hi, values[i]);
    }
    return hi - lo <= CONSTANT_TOLERANCE * Math.max(Math.abs(lo), Math.abs(hi));
  }

  /** The found jumps, strongest evidence first, dropping any whose front overlaps a kept one. */
  private List<ScaledJump> nonOverlapping() {
    found.sort((a, b) -> Double.compare(b.jump().evidence(), a.jump().evidence()));
    List<ScaledJump> kept = new ArrayList<>();
    for (ScaledJump c : found) {
      boolean overlaps = false;
      for (ScaledJump k : kept) {
        overlaps |= c.frontLo() <= k.frontHi() && k.frontLo() <= c.frontHi();
      }
      if (!overlaps) {
        kept.add(c);
      }
    }
    return kept;
  }

  /** A jump and the scale it was found on. */
  private record ScaledJump(JumpFinder.Jump jump, boolean logScale) {
    double frontLo() {
      return Math.min(jump.lo(), jump.center() - JumpFinder.FRONT_WIDTHS * jump.width());
    }

    double frontHi() {
      return Math.max(jump.hi(), jump.center() + JumpFinder.FRONT_WIDTHS * jump.width());
    }
  }

  /**
   * The smallest value the series resolves, in its units: ratios are resolved only down to the
   * digits a value carries (on the log scale, rounding noise of a quantity that went to zero, a
   * converged step size, would be as loud as a loss spike), and a metric logged rounded to a few
   * decimals (the Hugging Face Trainer logs its loss to four) resolves a ratio only well above
   * its last digit: one unit of it next to two is no doubling.
   */
  private static double resolutionFloor(double[] values, int n, double largest) {
    return Math.max(CONSTANT_TOLERANCE * largest, FLOOR_QUANTA * decimalQuantum(values, n));
  }

  private static boolean holdsZero(double[] values) {
    for (double v : values) {
      if (v == 0.0) {
        return true;
      }
    }
    return false;
  }

  private static double largestMagnitude(double[] values, int n) {
    double largest = 0.0;
    for (int i = 0; i < n; i++) {
      largest = Math.max(largest, Math.abs(values[i]));
    }
    return largest;
  }

  /**
   * Whether the series is analysed on ln(values): every value positive, or non-negative with
   * its zeros after its largest value (a loss that decayed to exactly zero: float underflow,
   * or a margin loss met on every example), and the positive values spanning more than
   * {@link DetectorConfig#logDecades} decades. Zeros are then held at the resolution floor
   * ({@code smallest}), as the tiny values around them are. A quantity that starts at zero and
   * grows (an accuracy) keeps the linear scale.
   */
  private boolean logScale(double[] values, int n, double smallest) {
    double min = Double.POSITIVE_INFINITY;
    double max = 0.0;
    int top = -1;
    int firstZero = -1;
    for (int i = 0; i < n; i++) {
      double v = values[i];
      if (v > 0.0) {
        min = Math.min(min, v);
        if (v > max) {
          max = v;
          top = i;
        }
      } else if (v == 0.0) {
        firstZero = firstZero < 0 ? i : firstZero;
      } else {
        return false;
      }
    }
    if (top < 0 || firstZero >= 0 && firstZero < top) {
      return false;
    }
    return Math.log10(max / Math.max(min, smallest)) > config.logDecades();
  }

  /**
   * 10^−k for the fewest decimals k ≤ {@link #MAX_DECIMALS} to which every finite value of the
   * series is written (v·10^k zero or a nonzero integer to a millionth), or 0 when there is no
   * such k: a metric rounded to k decimals before it was logged carries no digit below 10^−k.
   */
  static double decimalQuantum(double[] values, int n) {
    double scale = 1.0;
    for (int k = 0; k <= MAX_DECIMALS; k++) {
      boolean whole = true;
      for (int i = 0; i < n && whole; i++) {
        double v = values[i] * scale;
        // a rounded value is 0 or at least one unit of its last decimal; to a millionth of a
        // unit, or the double's own rounding of a large v·10^k
        whole = !Double.isFinite(v) || v == 0.0 || Math.rint(v) != 0.0
            && Math.abs(v - Math.rint(v)) <= Math.max(1e-6, 1e-12 * Math.abs(v));
      }
      if (whole) {
        return 1.0 / scale;
      }
      scale *= 10.0;
    }
    return 0.0;
  }

  /**
   * The step of the lattice a series' values lie on (an accuracy over N examples moves by
   * multiples of 1/N), or 0 when they lie on none: the smallest difference between distinct
   * consecutive values when at least 90% of the nonzero differences are whole multiples of it
   * (to 1e-6 of it).
   *
   * @param largest the largest |value| of the series
   */
  static double quantum(double[] values, int n, double largest, double[] work) {
    int m = 0;
    double q = Double.POSITIVE_INFINITY;
    for (int i = 1; i < n; i++) {
      double d = Math.abs(values[i] - values[i - 1]);
      if (d > 0.0) {
        work[m++] = d;
        q = Math.min(q, d);
      }
    }
    // differences at the values' own rounding are no lattice
    if (m < 3 || !(q > 1e-9 * largest)) {
      return 0.0;
    }
    int on = 0;
    for (int i = 0; i < m; i++) {
      double k = work[i] / q;
      if (Math.abs(k - Math.rint(k)) <= 1e-6 * Math.max(1.0, k)) {
        on++;
      }
    }
    return on >= 0.9 * m ? q : 0.0;
  }

  private static double toUnits(double v, boolean logScale) {
    return logScale ? Math.exp(v) : v;
  }

  private void ensureCapacity(int n) {
    if (t.length < n) {
      int cap = Math.max(n, 2 * t.length);
      t = new double[cap];
      x = new double[cap];
      cleaned = new double[cap];
      work = new double[cap];
      openedAt = new int[cap];
      closedAt = new int[cap];
      settledAt = new int[cap];
      peakAt = new int[cap];
      heightAt = new double[cap];
      topAt = new double[cap];
    }
  }

  private static void validate(String series, String group, long[] steps, double[] values) {
    String where = group.isEmpty() ? "'" + series + "'" : "'" + group + "/" + series + "'";
    if (steps == null || values == null) {
      throw new ShockDetectionException("Series " + where + ": steps and values are required");
    }
    if (steps.length != values.length) {
      throw new ShockDetectionException("Series " + where + ": " + steps.length + " steps but "
          + values.length + " values");
    }
    for (int i = 1; i < steps.length; i++) {
      if (steps[i] <= steps[i - 1]) {
        throw new ShockDetectionException("Series " + where + ": steps must be strictly "
            + "increasing, but step[" + i + "] = " + steps[i] + " follows step[" + (i - 1)
            + "] = " + steps[i - 1]);
      }
    }
  }

  private static double medianGap(List<SeriesData> series, int gaps) {
    if (gaps == 0) {
      return 0.0;
    }
    double[] g = new double[gaps];
    int k = 0;
    for (SeriesData s : series) {
      long[] st = s.steps();
      for (int i = 1; i < st.length; i++) {
        g[k++] = (double) (st[i] - st[i - 1]);
      }
    }
    return OrderStatistics.medianInPlace(g, gaps);
  }
}
