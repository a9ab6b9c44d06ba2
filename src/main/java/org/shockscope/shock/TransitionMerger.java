package org.shockscope.shock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * Merges the events of one run that happen together across series into transitions: one
 * physical event, one transition (issue 12).
 *
 * <p>Rule: the <em>primary</em> events ({@link SeriesRole}), sorted by step, are linked when
 * their intervals overlap or their steps are within the tolerance; transitions are the connected
 * groups (single linkage along the step axis: an event joins the current group when its interval
 * starts at most at the group's largest interval end, or its step is within the tolerance of the
 * group's last step), unless the group already holds an event of the same series, or of
 * another mode of the same matrix apart from it ({@code Group.has}): the detector told those
 * apart, so they are two events (a staircase's fronts, loss spikes apart, two modes of one map
 * learned in quick succession); nor does a checkpoint series' event join a group of metric
 * fronts it follows by more than their fronts ({@link #apart}: the loss, logged densely,
 * resolved a first mode the sparse checkpoints could not, and the weights' event is the next
 * mode). Jumps and spikes link with each other (a catapult is a loss spike and a lasting change
 * of the weights' norms); a divergence links only with divergences. An event's
 * interval is [stepLo, stepHi], widened for a jump to its front step ± width (where the tanh
 * profile goes from 12% to 88% of its jump): the loss of a network and the weights that make it
 * fall move together, but a loss falling over decades takes longer than a norm that switches.
 * So that one badly localised or very wide event cannot chain unrelated ones, each interval is
 * first clipped to step ± 2·tolerance. The tolerance is max(mergeIntervals × sampling interval,
 * mergeFraction × span of the run) ({@link #tolerance}).
 *
 * <p><em>Followers</em> (velocities, spectral shape measures, small mode changes) join the
 * transition whose interval, widened by the tolerance, holds their step (the nearest one); a
 * follower that joins none makes no transition. They add their series to the transition but
 * not their step, interval or score.
 *
 * <p>Groups with a member in one excursion of a run-level metric (a loss out of its basin,
 * {@link Excursion}) are then one transition ({@link #joinExcursions}): a catapult is the loss's
 * spike, the weights' moves while it lasts and the loss's return. Groups whose excursions follow
 * each other with fewer quiet samples between them than twice they last (a train of bounces)
 * are one episode ({@link #joinTrains}). Likewise the groups with a member inside a metric's
 * front (the loss falling through an induction-head phase change while the heads' circuits move
 * in bursts) are that front's transition ({@link #joinFronts}), at the front's step: the
 * metric falling is what the transition is, and the bursts inside it can fall mostly on one
 * side of its centre. A group of checkpoint-series events alone that reaches the leading edge of
 * the next metric front joins that front's transition as followers ({@link #foldPrecursors}).
 *
 * <p>A transition's kind: divergence for divergences; else spike when a run-level metric
 * spiked in it (the loss's own excursion names the event), else jump when any member is a jump,
 * else spike. Its step: the peak of a quiet excursion of its train ({@link Excursion#quiet}, one
 * no event lies in) whose value is higher than any excursion it holds (the lab keeps an episode
 * at its highest logged peak); else the highest metric spike's; else the peak of its tallest
 * metric excursion (a spike seen only by its flanks, a rise and a fall fitted as fronts); else a
 * held-out metric's front
 * ({@link Group#heldOutFront}); else the metric front it joined; else its centre.
 */
public final class TransitionMerger {
  private TransitionMerger() {}

  /**
   * The merge tolerance of a run, in steps.
   *
   * @param span             last step − first step of the run
   * @param samplingInterval typical gap between consecutive samples (e.g. the median gap)
   */
  public static double tolerance(double span, double samplingInterval, DetectorConfig config) {
    return Math.max(config.mergeIntervals() * samplingInterval, config.mergeFraction() * span);
  }

  /**
   * Transitions of one run's events when every event is primary, ordered by step then kind.
   *
   * @param events    the run's events (any order; not modified)
   * @param tolerance steps within which two events are together, ≥ 0
   */
  public static List<Transition> merge(List<ShockEvent> events, double tolerance) {
    return merge(events, tolerance, e -> true);
  }

  /**
   * Transitions of one run's events, ordered by step then kind.
   *
   * @param events    the run's events (any order; not modified)
   * @param tolerance steps within which two events are together, ≥ 0
   * @param primary   which events can make a transition of their own ({@link SeriesRole})
   */
  public static List<Transition> merge(List<ShockEvent> events, double tolerance,
                                       Predicate<ShockEvent> primary) {
    return merge(events, tolerance, primary, List.of());
  }

  /**
   * As {@link #merge(List, double, Predicate)}, with the excursions of the run's metrics
   * ({@link Excursion}): the groups an excursion overlaps are one transition, and trains of
   * excursions are one episode ({@link #joinTrains}).
   */
  static List<Transition> merge(List<ShockEvent> events, double tolerance,
                                Predicate<ShockEvent> primary, List<Excursion> excursions) {
    return merge(events, tolerance, primary, excursions, members -> true);
  }

  /**
   * Transitions of one run's events with the roles of its series: primary events
   * ({@link SeriesRole#primary}), and only groups whose events (members and followers)
   * {@link SeriesRole#isTransition} admits.
   */
  static List<Transition> merge(List<ShockEvent> events, double tolerance, SeriesRole role,
                                List<Excursion> excursions) {
    SeriesRole roles = role.withMetricFronts(events);
    return merge(events, tolerance, roles::primary, excursions, roles::isTransition);
  }

  private static List<Transition> merge(List<ShockEvent> events, double tolerance,
                                        Predicate<ShockEvent> primary,
                                        List<Excursion> excursions,
                                        Predicate<List<ShockEvent>> admits) {
    if (!(tolerance >= 0.0)) {
      throw new ShockDetectionException("merge tolerance must be >= 0 steps, got " + tolerance);
    }
    List<ShockEvent> sorted = new ArrayList<>(events.size());
    List<ShockEvent> followers = new ArrayList<>();
    for (ShockEvent e : events) {
      (primary.test(e) ? sorted : followers).add(e);
    }
    sorted.sort(Comparator.comparing(TransitionMerger::linkClass)
        .thenComparingLong(ShockEvent::step).thenComparing(ShockEvent::qualifiedSeries));
    List<Group> groups = new ArrayList<>();
    Group current = null;
    for (ShockEvent e : sorted) {
      boolean joins = current != null && linkClass(e).equals(current.linkClass)
          && (clippedLo(e, tolerance) <= current.hi || e.step() - current.lastStep <= tolerance)
          && !current.has(e) && !current.apartFrom(e);
      if (!joins) {
        current = new Group(linkClass(e));
        groups.add(current);
      }
      current.members.add(e);
      current.lastStep = e.step();
      current.lo = Math.min(current.lo, clippedLo(e, tolerance));
      current.hi = Math.max(current.hi, clippedHi(e, tolerance));
    }
    for (ShockEvent f : followers) {
      Group best = null;
      double bestDistance = Double.POSITIVE_INFINITY;
      for (Group g : groups) {
        if (ShockEvent.DIVERGENCE.equals(g.linkClass)
            || f.step() < g.lo - tolerance || f.step() > g.hi + tolerance) {
          continue;
        }
        double d = Math.abs(f.step() - g.median());
        if (d < bestDistance) {
          bestDistance = d;
          best = g;
        }
      }
      if (best != null) {
        best.followers.add(f);
      }
    }
    List<Transition> out = new ArrayList<>(groups.size());
    joinExcursions(groups, excursions);
    joinFronts(groups);
    foldPrecursors(groups);
    for (Group g : joinTrains(groups)) {
      g.addTrainMates(excursions);
      List<ShockEvent> all = g.events();
      if (admits.test(all)) {
        out.add(g.transition(all));
      }
    }
    out.sort(Comparator.comparingLong(Transition::step).thenComparing(Transition::kind));
    return out;
  }

  /**
   * Makes the groups that overlap one metric excursion one group ({@link Group#overlaps}): a
   * catapult's loss spike, the weights' moves while the
   * loss is out of its basin and a rise the jump search fitted as a front are one event.
   * Divergences stay apart, and so do groups that already hold an excursion of another train
   * ({@link Group#holdsOtherTrain}): checkpoint events sampled more sparsely than the loss reach
   * into two excursions the loss resolved apart (two catapults 20 logged samples apart, between
   * checkpoints 500 steps apart), and one event is not two episodes. A quiet excursion (no rise
   * of its metric flagged in it) takes only groups of checkpoint-series events, and not one that
   * learns a mode of an end-to-end map ({@link Group#learnsMode}): the weights that move while
   * the loss is out of its basin belong to that bounce, which {@link #joinTrains} then takes
   * into its train's episode (a linear network's norm falling ×5 during a ×2.8 bounce the truth
   * does not keep, its episode peaking at a later, higher one), while a mode learned as the loss
   * bumps is a transition of its own.
   */
  private static void joinExcursions(List<Group> groups, List<Excursion> excursions) {
    List<Excursion> byStart = new ArrayList<>(excursions);
    byStart.sort(Comparator.comparingLong(Excursion::start));
    for (int i = 0; i < byStart.size(); i++) {
      Excursion x = byStart.get(i);
      Group host = null;
      Group claimed = null;
      // sorted by start, and x starts no later than it ends: the next one opening after x
      // lies after it in the list
      long nextStart = Long.MAX_VALUE;
      for (int j = i + 1; j < byStart.size(); j++) {
        if (byStart.get(j).start() > x.end()) {
          nextStart = byStart.get(j).start();
          break;
        }
      }
      for (Iterator<Group> it = groups.iterator(); it.hasNext(); ) {
        Group g = it.next();
        if (ShockEvent.DIVERGENCE.equals(g.linkClass) || !g.overlaps(x, nextStart)) {
          continue;
        }
        if (x.quiet() && (!SeriesRole.weightsOnly(g.members) || g.learnsMode())) {
          // a quiet excursion holds no metric event; it takes the weights that move while the
          // metric is out, not a mode learned meanwhile (a transition of its own)
          continue;
        }
        if (g.holdsOtherTrain(x)) {
          // Checkpoint events sampled more sparsely than the metric reach across both of two
          // excursions the metric resolved apart; they do not make the two one event.
          claimed = claimed == null ? g : claimed;
        } else if (host == null) {
          host = g;
        } else {
          host.absorb(g);
          it.remove();
        }
      }
      host = host == null ? claimed : host;
      if (host != null) {
        host.addExcursion(x);
      }
    }
  }

  /**
   * Makes the groups with a member inside a run-level metric's front (step ± width, where the
   * tanh goes from 12% to 88% of its jump) one group with the front's: the loss falling is the
   * transition, and the weights that move while it falls are part of it, however their own
   * fronts split them. A group with its own front of the same metric stays apart (a staircase),
   * and so does one that learns another mode of an end-to-end map the front's group learns a
   * mode of, apart from it ({@link Group#learnsModeApart}: a loss fitted with one wide front
   * through two modes learned one after the other).
   */
  private static void joinFronts(List<Group> groups) {
    List<ShockEvent> fronts = new ArrayList<>();
    for (Group g : groups) {
      for (ShockEvent e : g.members) {
        if (ShockEvent.JUMP.equals(e.kind()) && e.group().isEmpty() && e.width() > 0.0) {
          fronts.add(e);
        }
      }
    }
    fronts.sort(Comparator.comparingLong(ShockEvent::step));
    for (ShockEvent front : fronts) {
      Group host = null;
      for (Group g : groups) {
        if (g.members.contains(front)) {
          host = g;
        }
      }
      if (host == null) {
        continue;
      }
      for (Iterator<Group> it = groups.iterator(); it.hasNext(); ) {
        Group g = it.next();
        if (g == host || ShockEvent.DIVERGENCE.equals(g.linkClass)
            || !g.within(front.step() - front.width(), front.step() + front.width())
            || g.hasJumpOf(front.qualifiedSeries()) || host.learnsModeApart(g)) {
          continue;
        }
        host.absorb(g);
        host.front = front;
        it.remove();
      }
    }
  }

  /**
   * Folds each group of checkpoint-series events alone into the transition of the next
   * run-level metric front when its interval reaches that front's leading edge (t_s − 2w, where
   * the tanh is 2% of the way) and its median lies before the front's step, by at most another
   * 2w beyond that edge (a group further ahead is an event of its own, such as an earlier mode
   * checkpointed sparsely whose loss front merged into the next one's): the weights of a
   * network reorganise first and its loss follows (an induction head's attention circuits grow
   * while the loss still sits at ln(vocabulary), then the loss falls), and the detector told
   * them apart only because one series moved twice. They join as followers: the front's
   * transition keeps its step, interval and score. A group holding a linear chain's end-to-end
   * map joins as members instead, and the map's mode names the step ({@link
   * Group#observesEndToEndMap}). Weights that move after a front stay apart ({@link #apart}:
   * the next mode).
   */
  private static void foldPrecursors(List<Group> groups) {
    for (Iterator<Group> it = groups.iterator(); it.hasNext(); ) {
      Group g = it.next();
      if (ShockEvent.DIVERGENCE.equals(g.linkClass) || !SeriesRole.weightsOnly(g.members)) {
        continue;
      }
      Group host = null;
      ShockEvent hostFront = null;
      long nearest = Long.MAX_VALUE;
      for (Group h : groups) {
        if (h == g || ShockEvent.DIVERGENCE.equals(h.linkClass)) {
          continue;
        }
        for (ShockEvent f : h.members) {
          double edge = f.step() - JumpFinder.FRONT_WIDTHS * f.width();
          if (metricFront(f) && f.step() > g.median() && g.hi >= edge
              && g.median() >= edge - JumpFinder.FRONT_WIDTHS * f.width()
              && f.step() - g.median() < nearest) {
            nearest = f.step() - g.median();
            host = h;
            hostFront = f;
          }
        }
      }
      if (host != null && g.observesEndToEndMap()) {
        // A linear chain's end-to-end map is the function itself, not weights reorganising
        // ahead of it: its mode is this transition and names its step (the loss of a mode
        // learned falls over decades, and its front on the log scale is centred later).
        host.absorb(g);
        host.front = hostFront;
        it.remove();
      } else if (host != null) {
        host.followers.addAll(g.members);
        host.followers.addAll(g.followers);
        it.remove();
      }
    }
  }

  /**
   * Joins the groups whose metric excursions form a train into one episode, as the lab's truth
   * does (edge-of-stability bounces, a catapult's ringing, Adam's repeated late instabilities):
   * excursions of one train ({@link Excursion#train}, chained through every excursion of the
   * series, also those without an event). A metric spike without a measured excursion (a
   * linear-scale metric) is placed on the sample grid ({@link #gridExcursion}) and continues a
   * train by {@link Excursion#continuedBy}. The episode's step is that of its highest spike.
   */
  private static List<Group> joinTrains(List<Group> groups) {
    List<Group> byStep = new ArrayList<>(groups);
    byStep.sort(Comparator.comparingLong(Group::median));
    List<Group> out = new ArrayList<>(groups.size());
    List<Group> between = new ArrayList<>();
    Group episode = null;
    for (Group g : byStep) {
      Excursion first = g.firstExcursion();
      Excursion last = episode == null ? null : episode.lastExcursion();
      if (first != null && last != null && continues(last, first)) {
        for (Group b : between) {
          if (b.onlyMetricFalls()) {
            episode.absorb(b);
            out.remove(b);
          }
        }
        between.clear();
        episode.absorb(g);
        continue;
      }
      out.add(g);
      if (first == null && episode != null) {
        // A group without an excursion between two bounces of a train does not end it (the
        // loss's fall from one bounce, fitted as a front before the next bounce rises).
        between.add(g);
        continue;
      }
      between.clear();
      episode = first == null ? null : g;
    }
    return out;
  }

  /** Whether {@code next} continues the train of {@code last}. */
  private static boolean continues(Excursion last, Excursion next) {
    if (last.train() != GRID && next.train() != GRID) {
      return last.train() == next.train();
    }
    return last.continuedBy(next.start(), next.end(), next.interval());
  }

  /** The train of a spike placed on the sample grid: it continues a train by the gap rule. */
  private static final long GRID = -1;

  private static double interval(ShockEvent spike) {
    return 0.5 * (spike.stepHi() - spike.stepLo());
  }

  /**
   * A metric spike's excursion on the sample grid (interval Δ = (stepHi − stepLo)/2): it starts
   * at its peak (a loss spike rises within a sample or two) and ends at the first sample after
   * its decay, the duration (half-prominence width) less the one interval of the rise, at least
   * Δ later.
   */
  private static Excursion gridExcursion(ShockEvent spike) {
    double d = Double.isNaN(spike.width()) ? 0.0 : spike.width();
    double dt = interval(spike);
    long end = spike.step()
        + (dt > 0.0 ? Math.round(dt * Math.max(1.0, Math.ceil((d - dt) / dt))) : 0L);
    return new Excursion(spike.step(), end, dt, GRID);
  }

  private static boolean metricSpike(ShockEvent e) {
    return ShockEvent.SPIKE.equals(e.kind()) && e.group().isEmpty();
  }

  /** A series' identity for {@link Group#has}: a mode series stands for its matrix. */
  private static String identity(String qualifiedSeries) {
    String matrix = SeriesRole.modeMatrix(qualifiedSeries);
    return matrix == null ? qualifiedSeries : matrix + "/sv";
  }

  /**
   * Whether a run-level metric's front and a checkpoint series' event are two events: the
   * event comes after the front, its step beyond the front's t_s + 2w and its interval starting
   * after the front's step. A metric logged more often than the checkpoints places its front to
   * within its width, while an event of the weights located between two sparse checkpoints
   * reaches it only by the checkpoint gap (or the tolerance of a few gaps); so placed, they are
   * two modes learned one after the other (the first already half learned at the first
   * checkpoint after it, so that only the second shows in the weights), not one event seen at
   * two resolutions. Weights that move before the metric's front stay with it: a network's
   * weights reorganise first and its loss follows (a teacher–student network specialising).
   */
  private static boolean apart(ShockEvent a, ShockEvent b) {
    ShockEvent front = metricFront(a) ? a : metricFront(b) ? b : null;
    ShockEvent other = front == a ? b : a;
    if (front == null || other.group().isEmpty()) {
      return false;
    }
    return other.step() > front.step() + JumpFinder.FRONT_WIDTHS * front.width()
        && front.step() < other.stepLo();
  }

  private static boolean metricFront(ShockEvent e) {
    return ShockEvent.JUMP.equals(e.kind()) && e.group().isEmpty() && e.width() > 0.0;
  }

  /** Divergences link with divergences; jumps and spikes with each other. */
  private static String linkClass(ShockEvent e) {
    return ShockEvent.DIVERGENCE.equals(e.kind()) ? ShockEvent.DIVERGENCE : "";
  }

  private static double clippedLo(ShockEvent e, double tolerance) {
    return Math.max(Math.min(e.stepLo(), e.step() - frontHalfWidth(e)),
        e.step() - 2.0 * tolerance);
  }

  private static double clippedHi(ShockEvent e, double tolerance) {
    return Math.min(Math.max(e.stepHi(), e.step() + frontHalfWidth(e)),
        e.step() + 2.0 * tolerance);
  }

  private static double frontHalfWidth(ShockEvent e) {
    return ShockEvent.JUMP.equals(e.kind()) && e.width() > 0.0 ? e.width() : 0.0;
  }

  /** Primary members linked into one transition, and the followers that joined it. */
  private static final class Group {
    final String linkClass;
    final List<ShockEvent> members = new ArrayList<>();
    final List<ShockEvent> followers = new ArrayList<>();
    long lastStep;
    /** The run-level metric front whose transition this group is ({@link #joinFronts}). */
    ShockEvent front;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;

    Group(String linkClass) {
      this.linkClass = linkClass;
    }

    /**
     * Whether a member is an event of the same series, or of another mode of the same matrix
     * apart from it (two events of one series are two; two modes of one map moving one after
     * the other are two modes learned). Two modes are apart when their steps differ by more
     * than either event's span (front width or interval), when each rose within its own
     * checkpoint interval ({@link #inSuccessiveIntervals}), or when {@code e} comes more than
     * their mean reach after the group's last event: nothing in the network moved in between,
     * so the map rested between two modes. A fitted front reaches its width, an event without
     * one its interval; a front's interval is the checkpoints that bracket it, which for a wide
     * front sparsely checkpointed spans far more than the front itself (a third mode half
     * learned 200 steps after the second, both 74-step checkpoint intervals wide, would
     * otherwise join it). Without the quiet gap, modes of one map moving one after the other
     * while the rest of the network moves too (the heads of a transformer whose circuits fill
     * in their spectra over a few hundred steps around an induction-head transition) are one
     * reorganisation.
     */
    boolean has(ShockEvent e) {
      String series = e.qualifiedSeries();
      String key = identity(series);
      for (ShockEvent m : members) {
        if (m.qualifiedSeries().equals(series)) {
          return true;
        }
        // modes of one matrix moving together (a catapult shakes the whole spectrum) are one
        // event; apart by more than their fronts, they are modes learned one by one
        if (identity(m.qualifiedSeries()).equals(key)
            && (modesApart(m, e)
            || Math.abs(e.step() - lastStep) > 0.5 * (reach(m) + reach(e)))) {
          return true;
        }
      }
      return false;
    }

    /**
     * Whether two events of modes of one matrix are two: their steps differ by more than either
     * event's span, or they rose in successive checkpoint intervals
     * ({@link #inSuccessiveIntervals}).
     */
    private static boolean modesApart(ShockEvent a, ShockEvent b) {
      return Math.abs(a.step() - b.step()) > Math.max(span(a), span(b))
          || inSuccessiveIntervals(a, b);
    }

    /**
     * Whether two jumps each fit within the checkpoint interval that holds them (fronts narrower
     * than the checkpoints resolve) and those intervals do not overlap: each mode rose between
     * its own pair of checkpoints, the first already up at the checkpoint where the second
     * starts (modes learned two checkpoints apart, 97 steps, checkpoints 104 steps apart).
     */
    private static boolean inSuccessiveIntervals(ShockEvent a, ShockEvent b) {
      return unresolved(a) && unresolved(b)
          && (a.stepHi() <= b.stepLo() || b.stepHi() <= a.stepLo());
    }

    private static boolean unresolved(ShockEvent e) {
      return ShockEvent.JUMP.equals(e.kind()) && e.stepHi() > e.stepLo()
          && !(e.width() > e.stepHi() - e.stepLo());
    }

    /** Whether every member is {@link #apart} from {@code e}. */
    boolean apartFrom(ShockEvent e) {
      for (ShockEvent m : members) {
        if (!apart(m, e)) {
          return false;
        }
      }
      return true;
    }

    private static double span(ShockEvent e) {
      return Math.max(Double.isNaN(e.width()) ? 0.0 : e.width(), e.stepHi() - e.stepLo());
    }

    private static double reach(ShockEvent e) {
      return ShockEvent.JUMP.equals(e.kind()) && e.width() > 0.0 ? e.width() : span(e);
    }

    /**
     * Whether a member observes a linear chain's end-to-end map. That map is the function the
     * network computes, so where a metric front absorbed the group ({@link #joinFronts}) the
     * transition stays at the map's mode ({@link #centre}), as it is when the two were one group
     * from the start: a squared error halves when its mode is 29% learned, about half a tanh
     * width before the mode's half crossing (deep-linear lab seed 295: loss front at 354, second
     * mode at 397, width 103). A transformer's head circuits are parts of its function that move
     * in bursts across the loss's fall, and the loss's front names that transition's step.
     */
    boolean observesEndToEndMap() {
      for (ShockEvent e : members) {
        if (SeriesRole.endToEndMap(e.qualifiedSeries())) {
          return true;
        }
      }
      return false;
    }

    /**
     * The latest rising jump of an end-to-end map's mode among the members whose interval ends
     * before the group's first metric excursion starts, or null: the mode was learned, then the
     * loss overshot its new basin (momentum or Adam ringing out of it). One event: the mode's
     * jump, which the ringing follows.
     */
    ShockEvent modeAheadOfExcursion() {
      if (excursions.isEmpty()) {
        return null;
      }
      long start = excursions.get(0).start();
      ShockEvent mode = null;
      for (ShockEvent e : members) {
        if (ShockEvent.JUMP.equals(e.kind()) && e.uRight() > e.uLeft()
            && SeriesRole.endToEndMap(e.qualifiedSeries()) && e.stepHi() < start
            && (mode == null || e.step() > mode.step())) {
          mode = e;
        }
      }
      return mode;
    }

    /**
     * Whether {@code g} learns a mode of an end-to-end map that this group learns another mode
     * of, apart from it as {@link #has} tells modes apart ({@link #modesApart}): two modes
     * learned one after the other, which a metric falling through both in one wide front does
     * not make one event.
     */
    boolean learnsModeApart(Group g) {
      for (ShockEvent e : g.members) {
        if (!risingMode(e)) {
          continue;
        }
        for (ShockEvent m : members) {
          if (risingMode(m) && !m.qualifiedSeries().equals(e.qualifiedSeries())
              && identity(m.qualifiedSeries()).equals(identity(e.qualifiedSeries()))
              && modesApart(m, e)) {
            return true;
          }
        }
      }
      return false;
    }

    private static boolean risingMode(ShockEvent e) {
      return ShockEvent.JUMP.equals(e.kind()) && e.uRight() > e.uLeft()
          && SeriesRole.endToEndMap(e.qualifiedSeries());
    }

    /** Whether a member is a rising jump of an end-to-end map's mode (a mode learned). */
    boolean learnsMode() {
      for (ShockEvent e : members) {
        if (risingMode(e)) {
          return true;
        }
      }
      return false;
    }

    /** Median of the members' steps (the lower median for an even count). */
    long median() {
      return members.get((members.size() - 1) / 2).step();
    }

    /**
     * The step of a transition without a metric spike or front: the lower median of its members
     * that observe a map invariant under the network's symmetries ({@link SeriesRole}: the
     * end-to-end map, a head's QK and OV circuits) when it has any; else the strongest run-level
     * metric front among its members when it has one; else the lower median of its checkpoint
     * series' members when it has any; else of all members. A layer of a balanced depth-L chain
     * carries the L-th root of the end-to-end map's mode, so its singular value is half its final
     * value when the map's is 2^−L of it: the layers' fronts lead the mode's by a gauge-dependent
     * amount, while the map is what the network computes. A run-level metric's
     * front sits where the metric's own nonlinearity puts its midpoint (a squared error halves
     * well before the mode it measures is half learned), so an invariant map's mode, which
     * measures the learned function itself, comes first. Without one, the weights' spectra
     * measure the function only indirectly: a teacher–student network's units split apart (its
     * effective rank and second singular value rise) hundreds of steps before they specialise to
     * their teachers, and the loss falling is the specialisation.
     */
    long centre() {
      int invariant = 0;
      for (ShockEvent e : members) {
        if (SeriesRole.invariantMap(e.qualifiedSeries())) {
          invariant++;
        }
      }
      if (invariant > 0) {
        int target = (invariant - 1) / 2;
        for (ShockEvent e : members) {
          if (SeriesRole.invariantMap(e.qualifiedSeries()) && target-- == 0) {
            return e.step();
          }
        }
      }
      ShockEvent metric = null;
      for (ShockEvent e : members) {
        if (metricFront(e) && (metric == null || e.strength() > metric.strength())) {
          metric = e;
        }
      }
      if (metric != null) {
        return metric.step();
      }
      int weights = 0;
      for (ShockEvent e : members) {
        if (!e.group().isEmpty()) {
          weights++;
        }
      }
      if (weights == 0 || weights == members.size()) {
        return median();
      }
      int target = (weights - 1) / 2;
      for (ShockEvent e : members) {
        if (!e.group().isEmpty() && target-- == 0) {
          return e.step();
        }
      }
      return median();
    }

    /**
     * The strongest jump of a held-out metric among the members ({@link SeriesRole#heldOut}),
     * or null. A held-out metric measures what the network computes on data it was not fitted
     * to, which is what a generalisation transition is (grokking's truth is the held-out
     * accuracy's own front): the weights that reorganise around it lead and lag it by the
     * cleanup's width, and the training loss, fitted long before, only creeps on.
     */
    ShockEvent heldOutFront() {
      ShockEvent best = null;
      for (ShockEvent e : members) {
        if (ShockEvent.JUMP.equals(e.kind()) && e.group().isEmpty()
            && SeriesRole.heldOut(e.series())
            && (best == null || e.strength() > best.strength())) {
          best = e;
        }
      }
      return best;
    }

    /** The metric excursions this group holds, in order of start. */
    final List<Excursion> excursions = new ArrayList<>();
    /** Quiet excursions of its excursions' trains ({@link #addTrainMates}). */
    final List<Excursion> trainMates = new ArrayList<>();

    /**
     * Whether a member's step lies in the excursion or within a sampling interval before it (a
     * rise fitted as a front is centred between the last sample in the basin and the first
     * out of it), is its metric's rise whose front reaches its start ({@link #rises}), or is
     * its metric's return ({@link #returns}) starting before
     * {@code nextStart}, where the run's next excursion opens: a fall that starts there comes
     * back from that one (a second bounce out of a loss not yet back in its basin).
     */
    boolean overlaps(Excursion x, long nextStart) {
      for (ShockEvent e : members) {
        if (e.step() >= x.start() - x.interval() && e.step() <= x.end()
            || rises(e, x)
            || returns(e, x) && e.stepLo() < nextStart) {
          return true;
        }
      }
      return false;
    }

    /**
     * Whether an event is a metric's rise whose front reaches the excursion's start: a loss that
     * grows smoothly out of its basin (a catapult's exponential phase) is fitted as a front
     * centred before it first doubles.
     */
    private static boolean rises(ShockEvent e, Excursion x) {
      return e.group().isEmpty() && ShockEvent.JUMP.equals(e.kind()) && e.jump() > 0.0
          && e.step() < x.start() && e.stepHi() >= x.start() - x.interval();
    }

    /**
     * Whether an event is a metric's fall centred after the excursion that starts before the
     * excursion's episode is over ({@link Excursion#episodeReach}): the loss coming back from its
     * spike, whose front continues past the sample where the excursion closed (halfway back, on
     * the log scale, from its peak), a catapult's slower return from the higher level its
     * spike left it on, or the loss leaving, after a train of bounces, the level it hung at
     * meanwhile. A front starts where its tanh is 12% of the way (step − width) or at its
     * interval's start, the earlier: a slow return is centred well after the sample where the
     * loss first came under the excursion's bound, and its centre's interval is narrow.
     */
    private static boolean returns(ShockEvent e, Excursion x) {
      double opens = e.width() > 0.0 ? Math.min(e.stepLo(), e.step() - e.width()) : e.stepLo();
      return e.group().isEmpty() && ShockEvent.JUMP.equals(e.kind()) && e.jump() < 0.0
          && opens <= x.episodeReach() && e.step() > x.end();
    }

    /** Whether a member's step lies in [lo, hi]. */
    boolean within(double lo, double hi) {
      for (ShockEvent e : members) {
        if (e.step() >= lo && e.step() <= hi) {
          return true;
        }
      }
      return false;
    }

    /** Whether a member is a jump of the series. */
    boolean hasJumpOf(String qualifiedSeries) {
      for (ShockEvent e : members) {
        if (ShockEvent.JUMP.equals(e.kind()) && e.qualifiedSeries().equals(qualifiedSeries)) {
          return true;
        }
      }
      return false;
    }

    void addExcursion(Excursion x) {
      excursions.add(x);
      excursions.sort(Comparator.comparingLong(Excursion::start));
    }

    /** The excursion of {@code xs} with the largest known {@code key} (height, top), or null. */
    private static Excursion largest(List<Excursion> xs, ToDoubleFunction<Excursion> key) {
      Excursion best = null;
      for (Excursion x : xs) {
        double k = key.applyAsDouble(x);
        if (!Double.isNaN(k) && (best == null || k > key.applyAsDouble(best))) {
          best = x;
        }
      }
      return best;
    }

    /** Adds the quiet excursions of the run ({@link Excursion#quiet}) in its excursions' trains. */
    void addTrainMates(List<Excursion> run) {
      for (Excursion x : run) {
        if (!x.quiet()) {
          continue;
        }
        for (Excursion own : excursions) {
          if (own.train() == x.train()) {
            trainMates.add(x);
            break;
          }
        }
      }
    }

    /** Its first excursion, else its first metric spike's on the grid, else null. */
    Excursion firstExcursion() {
      if (!excursions.isEmpty()) {
        return excursions.get(0);
      }
      for (ShockEvent e : members) {
        if (metricSpike(e)) {
          return gridExcursion(e);
        }
      }
      return null;
    }

    /** Its last excursion, else its last metric spike's on the grid, else null. */
    Excursion lastExcursion() {
      if (!excursions.isEmpty()) {
        return excursions.get(excursions.size() - 1);
      }
      for (int i = members.size() - 1; i >= 0; i--) {
        if (metricSpike(members.get(i))) {
          return gridExcursion(members.get(i));
        }
      }
      return null;
    }

    /**
     * Whether all its members are falls of run-level metrics: between two bounces of one train
     * they are the metric coming back from the first, part of the train's episode.
     */
    boolean onlyMetricFalls() {
      for (ShockEvent e : members) {
        if (!metricFront(e) || !(e.uRight() < e.uLeft())) {
          return false;
        }
      }
      return !members.isEmpty();
    }

    /** Whether it holds an excursion of another train than x's (an episode of its own). */
    boolean holdsOtherTrain(Excursion x) {
      for (Excursion e : excursions) {
        if (e.train() != x.train()) {
          return true;
        }
      }
      return false;
    }

    /** Takes another group of the same episode into this one. */
    void absorb(Group later) {
      members.addAll(later.members);
      members.sort(Comparator.comparingLong(ShockEvent::step));
      followers.addAll(later.followers);
      for (Excursion x : later.excursions) {
        addExcursion(x);
      }
      lo = Math.min(lo, later.lo);
      hi = Math.max(hi, later.hi);
      if (front == null) {
        front = later.front;
      }
    }

    /** Members and followers, ordered by step. */
    List<ShockEvent> events() {
      List<ShockEvent> all = new ArrayList<>(members);
      all.addAll(followers);
      all.sort(Comparator.comparingLong(ShockEvent::step));
      return all;
    }

    /** The transition of this group; {@code all} is {@link #events()}. */
    Transition transition(List<ShockEvent> all) {
      long stepLo = Long.MAX_VALUE;
      long stepHi = Long.MIN_VALUE;
      double score = 0.0;
      boolean jump = false;
      ShockEvent highest = null;
      for (ShockEvent e : members) {
        stepLo = Math.min(stepLo, e.stepLo());
        stepHi = Math.max(stepHi, e.stepHi());
        score = Math.max(score, e.score());
        jump |= ShockEvent.JUMP.equals(e.kind());
        if (metricSpike(e) && (highest == null || Math.abs(e.jump()) > Math.abs(highest.jump()))) {
          highest = e;
        }
      }
      // A metric's excursion that came back is a spike even when the detector saw only its
      // flanks (a rise and a fall fitted as fronts): it is placed at the excursion's peak.
      Excursion tallest = largest(excursions, Excursion::height);
      // A bounce of the episode's train taller than any it holds events of is where the episode
      // peaks (the first bounce of a catapult out of a steep decay, whose pseudo-residuals
      // swamp its prominence, before a later, smaller one the spike search found).
      Excursion mate = largest(trainMates, Excursion::top);
      Excursion own = largest(excursions, Excursion::top);
      Excursion higherMate = mate != null && own != null && mate.top() > own.top() ? mate : null;
      ShockEvent mode = ShockEvent.DIVERGENCE.equals(linkClass) ? null : modeAheadOfExcursion();
      String kind = ShockEvent.DIVERGENCE.equals(linkClass) ? ShockEvent.DIVERGENCE
          : mode == null && (higherMate != null || highest != null || tallest != null || !jump)
          ? ShockEvent.SPIKE : ShockEvent.JUMP;
      Set<String> names = new LinkedHashSet<>();
      for (ShockEvent e : all) {
        names.add(e.qualifiedSeries());
      }
      ShockEvent heldOut = heldOutFront();
      long step = mode != null ? mode.step()
          : higherMate != null ? higherMate.peak() : highest != null ? highest.step()
          : tallest != null ? tallest.peak() : heldOut != null ? heldOut.step()
          : front != null && !observesEndToEndMap() ? front.step() : centre();
      // an excursion's peak beyond the fronts its members fitted (a rise, then a climb to the
      // peak before the return) is still inside the transition a user reads
      stepLo = Math.min(stepLo, step);
      stepHi = Math.max(stepHi, step);
      return new Transition(step, stepLo, stepHi, kind,
          names.size(), new ArrayList<>(names), score);
    }
  }
}
