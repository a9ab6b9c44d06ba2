package org.shockscope.shock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.shockscope.OrderStatistics;

/**
 * Whether an event can make a transition of its own or only joins one (issue 12: one event, one
 * transition).
 *
 * <p>A <em>primary</em> event is a change of a quantity a network is trained to change: a
 * metric (loss, accuracy), a norm of a weight matrix or an invariant map, a singular value (a
 * mode) of one. A <em>follower</em> moves because a front passes and says nothing alone:
 * <ul>
 *   <li>velocities ({@code *_step}, {@code drift*}): they peak while a front passes;</li>
 *   <li>shape measures of a spectrum (ranks, {@code participation_ratio},
 *       {@code spectral_entropy}, {@code alpha}, {@code mp_*}, {@code num_spikes}): ratios of
 *       singular values that swing whenever any mode moves, and are dominated by the noise modes
 *       while the weights are small;</li>
 *   <li>spikes of a mode series ({@code <matrix>/sv<i>}): a singular value ordered by size
 *       exchanges rank with its neighbour when two modes cross, which is a return to baseline
 *       in each, not an event;</li>
 *   <li>in a run that logs metrics, spikes of the weights' observables: an excursion of the
 *       weights that returns and leaves the loss unmoved is the weights' own noise (a warm-up
 *       shaking a norm for a few checkpoints), not a transition of training; the loss's own spike
 *       is the event;</li>
 *   <li>jumps of a mode series smaller than {@link #MODE_FLOOR} of the matrix's largest
 *       singular value over the run: the modes a network never learns (beyond its teacher's
 *       rank, a tiny initialisation's noise) rise and fall by amounts that are nothing on the
 *       matrix's own scale (a balanced layer of a linear chain of L layers holds the end-to-end
 *       map's singular values to the power 1/L, so its modes are judged on the map's scale,
 *       levels raised to the power L); and, in runs with metrics, smaller than
 *       {@link #MODE_RELATIVE} of the mode's own level;</li>
 *   <li>in runs with metrics, jumps of any other weight observable (a norm) smaller than
 *       {@link #MODE_RELATIVE} of its own level, as for a mode: a spectral norm is the top
 *       mode, and a norm that moves by less is the weights adjusting (a readout converging
 *       through a learning-rate warm-up traces a front 5–10% high while the loss decays
 *       smoothly, and a full-batch run resolves it to a few parts in a million); the loss or a
 *       mode tells whether something happened then.</li>
 * </ul>
 * Followers join the transition of a primary event they coincide with
 * ({@link TransitionMerger}); alone they stay in the {@code shocks} table only.
 */
public final class SeriesRole {
  /**
   * A mode series' jump smaller than this fraction of the largest singular value its matrix
   * reaches in the run is a follower. A deep linear network's k-th mode ends at its teacher's
   * s_k; modes learned at times within a factor 30 of the first have s_k/s_1 above ~1/30, while
   * unlearned modes stay at the initialisation's scale.
   */
  public static final double MODE_FLOOR = 0.01;

  /**
   * In a run with metrics, a mode series' (or a norm's) jump smaller than this fraction of its own
   * level (the larger of its levels either side) is a follower: a mode learned or lost changes
   * by a large factor (from its initialisation to its teacher's s_k), while the steps of a
   * layer's modes as its neighbours move (a warm-up, the weights settling after a catapult, the
   * bulk modes of a ReLU layer adjusting by 10–25% in a smooth descent) are the mode adjusting.
   * On the tuning labs every deep-linear and teacher–student transition stays primary up to
   * 0.5. The loss tells whether something happened then; without metrics the weights are all
   * there is to go by.
   */
  public static final double MODE_RELATIVE = 1.0 / 3.0;

  /**
   * Share of its matrix's largest first-mode value that a mode rising from under
   * {@link #MODE_FLOOR} of it must reach to be born ({@link #modeBorn}): a student unit that
   * splits from the others carries a teacher unit's direction, as large as the rest.
   */
  public static final double BIRTH_SHARE = 1.0 / 3.0;

  /**
   * In a run with metrics, a mode's onset from a small initialisation ({@link ModeOnset}) leads
   * only when some metric moves by this fraction of its level across the onset. At a run's
   * start every weight leaves its initialisation (a transformer's heads grow from 0.02-scale
   * weights while the loss sits at ln(vocabulary)); a mode of the network's function switching
   * on moves the loss with it (a deep linear network's loss falls by s_k²).
   */
  public static final double ONSET_METRIC_CHANGE = 0.1;

  /**
   * A singular value below this fraction of its matrix's largest at the same checkpoint is
   * numerically zero (a product of rank below its size; numpy's rank tolerance is
   * σ₁·max(m, n)·ε ≈ 1e-14·σ₁ for small matrices): its digits are rounding, which differs between
   * a network and its symmetry-scrambled twin, so such points are not part of a mode series.
   */
  public static final double MODE_RESOLUTION = 1e-10;

  private static final Pattern MODE = Pattern.compile("(.*)/sv(\\d+)");
  /** Matrix name of a linear chain's end-to-end map (the symmetry package names it so). */
  private static final String END_TO_END = "end_to_end";

  /** Largest value of each matrix's first mode, keyed by group and matrix. */
  private final Map<String, Double> topMode = new HashMap<>();

  /** Each matrix's first-mode series, keyed by group and matrix. */
  private final Map<String, SeriesData> firstModes = new HashMap<>();

  /**
   * Number of layer matrices of each linear chain (a group holding an end-to-end map beside at
   * least two other matrices), keyed by {@link #chainKey}: the group and the part of the
   * matrices' names before their last '/'.
   */
  private final Map<String, Integer> chainDepth = new HashMap<>();

  /** The run's metric series (run-level, group "", with samples); empty when it logs none. */
  private final List<SeriesData> metricSeries = new ArrayList<>();

  /**
   * The fronts of the run's metric jumps, t_s ± 2w ({@link #withMetricFronts}), as
   * {t_s − 2w, t_s, t_s + 2w} in steps; empty until given.
   */
  private final List<long[]> metricFronts = new ArrayList<>();

  private SeriesRole(SeriesRole other) {
    topMode.putAll(other.topMode);
    firstModes.putAll(other.firstModes);
    chainDepth.putAll(other.chainDepth);
    metricSeries.addAll(other.metricSeries);
  }

  private SeriesRole(List<SeriesData> series) {
    for (SeriesData s : series) {
      if (s.group().isEmpty() && s.steps().length > 0 && !bookkeeping(s.name())) {
        metricSeries.add(s);
      }
      Matcher m = MODE.matcher(s.name());
      if (m.matches() && m.group(2).equals("1")) {
        double max = 0.0;
        for (double v : s.values()) {
          if (Double.isFinite(v)) {
            max = Math.max(max, Math.abs(v));
          }
        }
        topMode.put(s.group() + "\u0000" + m.group(1), max);
        firstModes.put(s.group() + "\u0000" + m.group(1), s);
      }
    }
    Map<String, Integer> matrices = new HashMap<>();
    for (String key : topMode.keySet()) {
      matrices.merge(chainKey(key), 1, Integer::sum);
    }
    for (String key : topMode.keySet()) {
      if (endToEnd(key)) {
        int layers = matrices.getOrDefault(chainKey(key), 1) - 1;
        if (layers >= 2) {
          chainDepth.put(chainKey(key), layers);
        }
      }
    }
  }

  /** Whether the group-and-matrix key names an end-to-end map. */
  private static boolean endToEnd(String groupAndMatrix) {
    String matrix = groupAndMatrix.substring(groupAndMatrix.indexOf('\u0000') + 1);
    return matrix.equals(END_TO_END) || matrix.endsWith("/" + END_TO_END);
  }

  /** The group and the matrix's prefix before its last '/', the key of its chain. */
  private static String chainKey(String groupAndMatrix) {
    int z = groupAndMatrix.indexOf('\u0000');
    int slash = groupAndMatrix.lastIndexOf('/');
    return slash > z ? groupAndMatrix.substring(0, slash) : groupAndMatrix.substring(0, z + 1);
  }

  /** The roles of one run's events, given all of the run's series. */
  public static SeriesRole of(List<SeriesData> series) {
    return new SeriesRole(series);
  }

  /**
   * These roles with the fronts of the run's metric jumps among {@code events}: the level
   * change of a metric across a group of weight events ({@link #metricsMove}) is measured
   * between those fronts, not across them.
   */
  SeriesRole withMetricFronts(List<ShockEvent> events) {
    SeriesRole r = new SeriesRole(this);
    for (ShockEvent e : events) {
      if (e.group().isEmpty() && ShockEvent.JUMP.equals(e.kind())) {
        double reach = Double.isFinite(e.width()) && e.width() > 0.0
            ? JumpFinder.FRONT_WIDTHS * e.width() : 0.0;
        r.metricFronts.add(new long[] {Math.min(e.stepLo(), (long) Math.floor(e.step() - reach)),
            e.step(), Math.max(e.stepHi(), (long) Math.ceil(e.step() + reach))});
      }
    }
    return r;
  }

  /** Whether the event can make a transition of its own. */
  public boolean primary(ShockEvent e) {
    boolean metrics = !metricSeries.isEmpty();
    if (ShockEvent.DIVERGENCE.equals(e.kind())) {
      return true;
    }
    String series = e.series();
    if (follower(series)) {
      return false;
    }
    if (metrics && !e.group().isEmpty() && ShockEvent.SPIKE.equals(e.kind())) {
      return false;
    }
    if (metrics && ModeOnset.isOnset(e) && !metricsMove(e.stepLo(), e.stepHi())) {
      return false;
    }
    Matcher m = MODE.matcher(series);
    if (!m.matches()) {
      // A norm is a scale of its matrix like its top mode (a spectral norm is its sv1): in a run
      // with metrics it leads only when it changes as a mode learned or lost does.
      return !(metrics && !e.group().isEmpty() && ShockEvent.JUMP.equals(e.kind())
          && Math.abs(e.jump())
          < MODE_RELATIVE * Math.max(Math.abs(e.uLeft()), Math.abs(e.uRight())));
    }
    if (!ShockEvent.JUMP.equals(e.kind()) || metrics && Math.abs(e.jump())
        < MODE_RELATIVE * Math.max(Math.abs(e.uLeft()), Math.abs(e.uRight()))) {
      return false;
    }
    String key = e.group() + "\u0000" + m.group(1);
    Double top = topMode.get(key);
    if (top == null) {
      return true;
    }
    Integer depth = endToEnd(key) ? null : chainDepth.get(chainKey(key));
    if (depth != null) {
      // A balanced layer of a chain of L carries the end-to-end map's singular values to the
      // power 1/L, which lifts a mode the chain never learned (0.0024 of a top mode of 2.3,
      // decaying under Adam) to 5% of the layer's top: judged on the map's own scale.
      double hi = Math.pow(Math.max(Math.abs(e.uLeft()), Math.abs(e.uRight())), depth);
      double lo = Math.pow(Math.min(Math.abs(e.uLeft()), Math.abs(e.uRight())), depth);
      return !(hi - lo < MODE_FLOOR * Math.pow(top, depth));
    }
    return !(Math.abs(e.jump()) < MODE_FLOOR * top);
  }

  /**
   * Whether the events of a group (its members and followers) make a transition. In a run with
   * metrics, a jump of one observable of one weight matrix that nothing else shows (no other
   * observable of it, no other layer, no invariant map, no metric) is not one: what the network
   * computes changes through the loss or through the maps invariant under its symmetries, and
   * one ordered singular value or norm of a matrix that kinks while nothing else moves is
   * wandering (random-walk weights, two modes trading places). Nor, in a run with metrics, is a
   * group of weight events alone across which no metric changes level ({@link #metricsMove}):
   * the weights moved for good and the loss is where it was (a catapult's bounce below a
   * doubling that leaves the network in another part of the same level set, the norms drifting
   * as a run settles); a mode learned moves the loss with it, by its share s_k² of the error.
   * Nor, in a run that logs a held-out metric, is a group of weight events alone: what the
   * network computes is measured there on data it was not fitted to, and weights that move
   * while no metric has an event of its own are the network reorganising within one function
   * (after grokking, the held-out metrics at their final values); the level-change test cannot
   * tell that, since a held-out loss falling steadily towards grokking moves by a tenth of its
   * level across any few hundred steps.
   * Nor, in a run that logs a held-out loss, is a group whose only metric events are the
   * training loss falling while the held-out loss rises ({@link #memorising}): the network
   * fitting its training set, the weights with it.
   * Without metrics the weights are all there is. (A contraction of several groups' norms at a
   * fitted training loss, which no metric can confirm, is found apart: {@link NormContraction}.)
   */
  boolean isTransition(List<ShockEvent> events) {
    if (metricSeries.isEmpty()) {
      return true;
    }
    boolean born = modeBorn(events);
    if (weightsOnly(events) && (logsHeldOut() || !born && !metricsMoveAcross(events))) {
      return false;
    }
    if (metricsOnlyMemorise(events)) {
      return false;
    }
    if (born) {
      return true;
    }
    ShockEvent only = null;
    for (ShockEvent e : events) {
      if (!ShockEvent.JUMP.equals(e.kind()) || e.group().isEmpty()
          || INVARIANT_MAP.matcher(e.series()).matches()
          || only != null && !only.qualifiedSeries().equals(e.qualifiedSeries())) {
        return true;
      }
      only = e;
    }
    return only == null;
  }

  /**
   * Whether some event is a mode of a weight matrix born: a jump of its k-th singular value
   * (k ≥ 2) from under {@link #MODE_FLOOR} of the largest value its matrix's first mode reaches
   * in the run to at least {@link #BIRTH_SHARE} of it, in a matrix whose first mode was already
   * there: at least that share before the front (t_s − 2w). The matrix gains a direction it did
   * not have (its rank grows): student units that moved as one split apart, the permutation
   * symmetry among them broken, whether or not the loss shows it yet. At a run's start a
   * transformer's heads grow all their modes out of the initialisation while the loss waits;
   * that is no birth.
   */
  private boolean modeBorn(List<ShockEvent> events) {
    for (ShockEvent e : events) {
      Matcher m = MODE.matcher(e.series());
      if (!m.matches() || m.group(2).equals("1") || !ShockEvent.JUMP.equals(e.kind())) {
        continue;
      }
      String key = e.group() + "\u0000" + m.group(1);
      Double top = topMode.get(key);
      if (top == null || !(e.uLeft() < MODE_FLOOR * top && e.uRight() >= BIRTH_SHARE * top)) {
        continue;
      }
      double start = e.step() - JumpFinder.FRONT_WIDTHS * (Double.isFinite(e.width())
          ? e.width() : 0.0);
      // the first mode's last sample at or before the front's start
      long before = (long) Math.floor(start);
      if (sideMedian(firstModes.get(key), before, before, true) >= BIRTH_SHARE * top) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the group has run-level metric events and each is a training loss's fall while the
   * held-out loss does not fall ({@link #memorising}) or a held-out loss's rise
   * ({@link #heldOutRise}); a group whose metric events are held-out rises alone is memorisation
   * when a training loss falls across the first ({@link #trainingLossFalls}).
   */
  private boolean metricsOnlyMemorise(List<ShockEvent> events) {
    boolean any = false;
    ShockEvent rise = null;
    for (ShockEvent e : events) {
      if (e.group().isEmpty() && heldOutRise(e)) {
        rise = rise == null ? e : rise;
      } else if (e.group().isEmpty()) {
        if (!memorising(e)) {
          return false;
        }
        any = true;
      }
    }
    return any || rise != null && trainingLossFalls(rise);
  }

  /**
   * Whether a training loss (not held out) falls across an event: its median over
   * [t − 2w, t] exceeds that over [t, t + 2w] by {@link #MEDIAN_Z} standard errors and
   * {@link #ONSET_METRIC_CHANGE} of its level (w the event's width, a spike's duration). Beside a
   * held-out loss that rises, the network is fitting its training set and not generalising,
   * even where the training loss's own front went undetected.
   */
  private boolean trainingLossFalls(ShockEvent e) {
    double w = Double.isFinite(e.width()) && e.width() > 0.0 ? e.width()
        : 0.5 * (e.stepHi() - e.stepLo());
    long lo = (long) Math.floor(e.step() - JumpFinder.FRONT_WIDTHS * w);
    long hi = (long) Math.ceil(e.step() + JumpFinder.FRONT_WIDTHS * w);
    for (SeriesData s : metricSeries) {
      if (trainingLoss(s) && moves(s, lo, e.step(), hi, -1)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a metric is a training loss: named {@code *loss*} and not held out. */
  private static boolean trainingLoss(SeriesData s) {
    return !heldOut(s.name()) && s.name().contains("loss");
  }

  /**
   * Whether a metric settles on the other side of a step in the given direction (+1 up, −1
   * down): {@code direction·(after − before)}, the medians over [step, hi] and [lo, step],
   * exceeds {@link #MEDIAN_Z} standard errors and {@link #ONSET_METRIC_CHANGE} of its level.
   */
  private boolean moves(SeriesData s, long lo, long step, long hi, int direction) {
    return direction * levelChange(s, lo, step, step, hi) > 0.0;
  }

  /**
   * The change of a metric's level from [beforeFrom, beforeTo] to [afterFrom, afterTo], the
   * medians of its samples there ({@link #sideMedian}), when it exceeds both
   * {@link #ONSET_METRIC_CHANGE} of the level and {@link #MEDIAN_Z} standard errors of the two
   * medians ({@link #medianError}); 0 otherwise (also when a side has no sample).
   */
  private static double levelChange(SeriesData s, long beforeFrom, long beforeTo, long afterFrom,
                                    long afterTo) {
    double before = sideMedian(s, beforeFrom, beforeTo, true);
    double after = sideMedian(s, afterFrom, afterTo, false);
    double se = Math.hypot(medianError(s, beforeFrom, beforeTo),
        medianError(s, afterFrom, afterTo));
    double change = after - before;
    return Math.abs(change) > MEDIAN_Z * se
        && Math.abs(change) > ONSET_METRIC_CHANGE * Math.max(Math.abs(before), Math.abs(after))
        ? change : 0.0;
  }

  /**
   * Whether a metric event is a held-out loss going up (a spike, or a jump that rises): beside a
   * memorising training loss it is the other face of memorisation (the held-out loss peaks as
   * the training set is fitted, and falls again only as the network generalises).
   */
  private static boolean heldOutRise(ShockEvent e) {
    return heldOut(e.series()) && e.series().contains("loss")
        && (ShockEvent.SPIKE.equals(e.kind())
            || ShockEvent.JUMP.equals(e.kind()) && e.jump() > 0.0);
  }

  /**
   * Whether a training metric's jump is the network fitting its training set while its held-out
   * loss rises across the front: in a run that logs a held-out loss ({@link #heldOut}), the
   * transitions of what the network computes are those of its held-out metrics; a training loss
   * falling while the held-out loss does not fall with it is memorisation (the generalisation
   * gap opening, as before grokking), which no held-out metric shows as learned. Compared: the
   * held-out loss's medians over the front's two widths either side, t_s ∓
   * {@link JumpFinder#FRONT_WIDTHS}·w to t_s, and t_s to t_s ± {@link JumpFinder#FRONT_WIDTHS}·w;
   * memorisation unless the held-out loss falls by more than {@link #MEDIAN_Z} standard errors
   * and by {@link #ONSET_METRIC_CHANGE} of its level. Not "rises by": a held-out loss that climbs
   * while the training set is fitted and turns back down soon after (an early grokking) has
   * medians either side that differ by less than a tenth, though it never fell.
   */
  private boolean memorising(ShockEvent e) {
    if (!ShockEvent.JUMP.equals(e.kind()) || !(e.width() > 0.0) || heldOut(e.series())
        || !e.series().contains("loss") || !(e.jump() < 0.0)) {
      return false;
    }
    long lo = (long) Math.floor(e.step() - JumpFinder.FRONT_WIDTHS * e.width());
    long hi = (long) Math.ceil(e.step() + JumpFinder.FRONT_WIDTHS * e.width());
    for (SeriesData s : metricSeries) {
      if (heldOut(s.name()) && s.name().contains("loss") && !moves(s, lo, e.step(), hi, -1)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a run-level series is the training loop's bookkeeping, not a measurement of the
   * network: its counters (epoch, step, samples or tokens seen, FLOPs, runtime, throughput) and
   * its optimiser's settings (a learning rate and its schedule, momentum, weight decay). A
   * Hugging Face Trainer logs {@code epoch} and {@code learning_rate} beside every loss, and
   * {@code *_runtime}, {@code *_per_second} and {@code total_flos} at the end; PyTorch
   * Lightning's learning-rate monitor logs {@code lr-<Optimizer>}. An epoch counter grows across
   * any span, so as a metric it would make every group of weight events one "across which a
   * metric moves" ({@link #isTransition}); a schedule's steps are the user's own input. Judged
   * on the name's last '/'-separated part, case-insensitively.
   */
  public static boolean bookkeeping(String series) {
    String n = series.toLowerCase(Locale.ROOT);
    n = n.substring(n.lastIndexOf('/') + 1);
    return BOOKKEEPING_NAMES.contains(n) || n.startsWith("epoch") || n.startsWith("lr-")
        || n.startsWith("lr_") || n.endsWith("_lr") || n.contains("learning_rate")
        || n.endsWith("_per_second") || n.contains("runtime") || n.contains("flos");
  }

  /** Exact names of bookkeeping series ({@link #bookkeeping}), lower case. */
  private static final Set<String> BOOKKEEPING_NAMES = Set.of("step", "global_step",
      "iteration", "iter", "lr", "momentum", "weight_decay", "num_input_tokens_seen", "tokens",
      "tokens_seen", "samples", "samples_seen", "time", "wall_time", "elapsed");

  /**
   * Whether a metric is measured on held-out data: the names a Trainer gives them
   * ({@code val_*}, {@code eval_*}, {@code test_*}, {@code validation_*}).
   */
  static boolean heldOut(String metric) {
    String n = metric.toLowerCase(Locale.ROOT);
    return n.startsWith("val_") || n.startsWith("eval_") || n.startsWith("test_")
        || n.startsWith("validation_") || n.startsWith("val/") || n.startsWith("eval/");
  }

  /** Whether the run logs a held-out metric ({@link #heldOut}). */
  boolean logsHeldOut() {
    for (SeriesData s : metricSeries) {
      if (heldOut(s.name())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a training loss (a metric named {@code *loss*}, not held out) rises across a front:
   * its median over [step, step + 2w] exceeds that over [step − 2w, step] by
   * {@link #ONSET_METRIC_CHANGE} of its level and {@link #MEDIAN_Z} standard errors.
   */
  boolean lossRises(long step, double width) {
    long lo = (long) Math.floor(step - JumpFinder.FRONT_WIDTHS * width);
    long hi = (long) Math.ceil(step + JumpFinder.FRONT_WIDTHS * width);
    for (SeriesData s : metricSeries) {
      if (trainingLoss(s) && moves(s, lo, step, hi, +1)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A training loss at most this fraction of its initial value has fitted the training set: it
   * fell by an order of magnitude, which a network on a plateau (an induction head not yet
   * formed, a loss at half of ln(vocabulary)) has not.
   */
  static final double FITTED_FRACTION = 0.1;

  /** Samples at a loss's start whose median is its initial value. */
  private static final int INITIAL_SAMPLES = 3;

  /**
   * Whether the run's training losses (metrics named {@code *loss*}, not held out) have all
   * fitted the training set before a front: the median over [step − 2w, step] is at most
   * {@link #FITTED_FRACTION} of the median of its first {@link #INITIAL_SAMPLES} samples. True
   * for a run without a training loss: the weights are all there is to go by.
   */
  boolean lossFitted(long step, double width) {
    long lo = (long) Math.floor(step - JumpFinder.FRONT_WIDTHS * width);
    for (SeriesData s : metricSeries) {
      if (!trainingLoss(s)) {
        continue;
      }
      int k = Math.min(INITIAL_SAMPLES, s.steps().length);
      if (k == 0) {
        continue;
      }
      double initial = sideMedian(s, s.steps()[0], s.steps()[k - 1], false);
      double before = sideMedian(s, lo, step, true);
      if (!(Math.abs(before) <= FITTED_FRACTION * Math.abs(initial))) {
        return false;
      }
    }
    return true;
  }

  /** Whether no event of the group is a run-level metric's (all are checkpoint series'). */
  static boolean weightsOnly(List<ShockEvent> events) {
    for (ShockEvent e : events) {
      if (e.group().isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether some metric changes level ({@link #metricsMove}) across the group's primary events:
   * from their earliest start to their latest end, a jump's interval widened to its front, step
   * ± width, kept within the metrics' steps (a front fitted from a run's first samples reaches
   * before them); and also across the group's core, its primary events' median step ± the
   * median of their widths (a front's width, or half its interval), where most of its events
   * are. Followers place no transition ({@link TransitionMerger}), and a shape
   * measure's wide front would stretch the interval into the next event of the loss.
   */
  private boolean metricsMoveAcross(List<ShockEvent> events) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (ShockEvent e : events) {
      if (!primary(e)) {
        continue;
      }
      double w = ShockEvent.JUMP.equals(e.kind()) && e.width() > 0.0 ? e.width() : 0.0;
      lo = Math.min(lo, Math.min(e.stepLo(), (long) Math.floor(e.step() - w)));
      hi = Math.max(hi, Math.max(e.stepHi(), (long) Math.ceil(e.step() + w)));
    }
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (SeriesData s : metricSeries) {
      first = Math.min(first, s.steps()[0]);
      last = Math.max(last, s.steps()[s.steps().length - 1]);
    }
    if (!metricsMove(Math.max(lo, first), Math.min(hi, last))) {
      return false;
    }
    // ... and around the group's core: its median primary event's step ± the median of their
    // front widths. A transformer's heads grow from their 0.02-scale initialisation while the
    // loss sits at ln(vocabulary), over hundreds of steps, and a head's wide front chains them
    // into one group whose span (and the window after it, as long as the span) reaches the
    // loss's later phase change: the loss moves across the span, but not where the weights
    // moved. A mode learned moves the loss where its front is.
    long[] steps = new long[events.size()];
    double[] widths = new double[events.size()];
    int n = 0;
    for (ShockEvent e : events) {
      if (primary(e)) {
        double w = ShockEvent.JUMP.equals(e.kind()) && e.width() > 0.0 ? e.width() : 0.0;
        steps[n] = e.step();
        widths[n++] = Math.max(w, 0.5 * (e.stepHi() - e.stepLo()));
      }
    }
    if (n == 0) {
      return true;
    }
    Arrays.sort(steps, 0, n);
    Arrays.sort(widths, 0, n);
    long centre = steps[(n - 1) / 2];
    double half = widths[(n - 1) / 2];
    long clo = Math.max(first, (long) Math.floor(centre - half));
    long chi = Math.min(last, (long) Math.ceil(centre + half));
    return metricsMove(clo, chi);
  }

  /** Whether a series is an observable of a map invariant under the network's symmetries. */
  static boolean invariantMap(String qualifiedSeries) {
    return INVARIANT_MAP.matcher(qualifiedSeries).matches();
  }

  /** Whether the group-qualified series observes a linear chain's end-to-end map. */
  static boolean endToEndMap(String qualifiedSeries) {
    return END_TO_END_MAP.matcher(qualifiedSeries).matches();
  }

  private static final Pattern END_TO_END_MAP = Pattern.compile("(.*/)?" + END_TO_END + "/.*");

  /** Observables of a map invariant under the network's symmetries (ModeOnset's maps). */
  private static final Pattern INVARIANT_MAP =
      Pattern.compile("(.*/)?(end_to_end|head\\d+\\.(qk|ov))/.*");

  /**
   * Whether some metric changes by more than {@link #ONSET_METRIC_CHANGE} of its level across
   * [lo, hi]: the median of its samples in [lo − (hi − lo), lo] against that in
   * [hi, hi + (hi − lo)] (the nearest sample on a side without one), and by more than
   * {@link #MEDIAN_Z} standard errors of the two medians ({@link #medianError}). A side's window
   * stops at the nearest metric front centred beyond [lo, hi] ({@link #withMetricFronts}); where
   * such a front reaches into [lo, hi], that side's level is the metric's where the front ends
   * (begins), inside the interval.
   */
  private boolean metricsMove(long lo, long hi) {
    long reach = Math.max(1, hi - lo);
    long from = lo - reach;
    long to = hi + reach;
    long beforeTo = lo;
    long afterFrom = hi;
    // A metric's front centred outside [lo, hi] is another transition's change: the comparison
    // starts where it ends (stops where it begins), at the interval's edge at the latest. Weights
    // settling after a phase change (a transformer's heads growing further modes) would
    // otherwise borrow the loss's drop from just before them. Where the front reaches into the
    // interval, its tail there is still its own change: a group of heads' minor modes spanning
    // 630–1,260 after a loss front at 591 (2w = 232) compared the loss at 630, halfway down the
    // front, with its level after 1,260 (−24%); from the front's end at 823 the loss drifts by
    // 8% (PyTorch induction heads, seed 2 of src/bench/foreign_sweeps.py; no group of the four
    // tuning labs changes).
    for (long[] f : metricFronts) {
      if (f[1] < lo && f[2] > lo) {
        beforeTo = Math.max(beforeTo, Math.min(f[2], hi));
        from = beforeTo;
      } else if (f[1] < lo) {
        from = Math.max(from, f[2]);
      } else if (f[1] > hi && f[0] < hi) {
        afterFrom = Math.min(afterFrom, Math.max(f[0], lo));
        to = afterFrom;
      } else if (f[1] > hi) {
        to = Math.min(to, f[0]);
      }
    }
    for (SeriesData s : metricSeries) {
      if (levelChange(s, from, beforeTo, afterFrom, to) != 0.0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Standard errors of the two side medians a metric's change must also exceed: a loss that
   * bounces between two levels every step (a period-2 oscillation at the edge of stability, SGD
   * noise) has side medians that differ by tens of percent from a few samples alone.
   */
  private static final double MEDIAN_Z = 2.0;

  /**
   * The standard error of the median of the finite samples with steps in [from, to]:
   * √(π/2)·σ/√m with σ = 1.4826·MAD (a Gaussian sample's median), 0 with fewer than 3 samples.
   */
  private static double medianError(SeriesData s, long from, long to) {
    long[] steps = s.steps();
    double[] v = s.values();
    double[] w = new double[steps.length];
    int m = 0;
    for (int i = 0; i < steps.length; i++) {
      if (Double.isFinite(v[i]) && steps[i] >= from && steps[i] <= to) {
        w[m++] = v[i];
      }
    }
    if (m < 3) {
      return 0.0;
    }
    double mad = OrderStatistics.madInPlace(w, m);
    return Math.sqrt(0.5 * Math.PI) * RobustOps.MAD_TO_SIGMA * mad / Math.sqrt(m);
  }

  private static double sideMedian(SeriesData s, long from, long to, boolean before) {
    long[] steps = s.steps();
    double[] v = s.values();
    double[] w = new double[steps.length];
    int m = 0;
    int nearest = -1;
    for (int i = 0; i < steps.length; i++) {
      if (!Double.isFinite(v[i])) {
        continue;
      }
      if (steps[i] >= from && steps[i] <= to) {
        w[m++] = v[i];
      }
      if (before ? steps[i] <= to : steps[i] >= from && nearest < 0) {
        nearest = i;
      }
    }
    if (m > 0) {
      return OrderStatistics.medianInPlace(w, m);
    }
    return nearest < 0 ? Double.NaN : v[nearest];
  }

  /**
   * The matrix of a mode series ({@code <matrix>/sv<i>} gives {@code <matrix>}), or null for
   * any other series.
   */
  static String modeMatrix(String series) {
    Matcher m = MODE.matcher(series);
    return m.matches() ? m.group(1) : null;
  }

  /**
   * Whether a series only ever follows fronts: velocity-like (a step size or drift between
   * checkpoints) or a shape measure of a spectrum. Names are matched on their last path
   * segment ({@code matrix/stable_rank}).
   */
  public static boolean follower(String series) {
    String name = series.substring(series.lastIndexOf('/') + 1);
    return name.endsWith("_step") || name.startsWith("drift") || name.endsWith("rank")
        || name.equals("participation_ratio") || name.equals("num_spikes")
        || name.endsWith("entropy") || name.equals("alpha") || name.startsWith("mp_");
  }
}
