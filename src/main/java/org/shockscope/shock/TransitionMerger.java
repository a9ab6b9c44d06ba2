package org.shockscope.shock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Merges the events of one run that happen together across series into transitions.
 *
 * <p>Rule: events of the same kind, sorted by step, are linked when their intervals overlap or
 * their steps are within the tolerance; transitions are the connected groups (single linkage
 * along the step axis: an event joins the current group when its interval starts at most at
 * the group's largest interval end, or its step is within the tolerance of the group's last
 * step). An event's interval is [stepLo, stepHi], widened for a jump to its front
 * step ± width (where the tanh profile goes from 12% to 88% of its jump): the loss of a network
 * and the weights that make it fall move together, but a loss falling over decades takes
 * longer than a rank that switches. So that one badly localised or very wide event cannot
 * chain unrelated ones, each interval is first clipped to step ± 2·tolerance. The tolerance is
 * max(mergeIntervals × sampling interval, mergeFraction × span of the run)
 * ({@link #tolerance}). A spike of a step size or a rank inside a jump's front merges with the
 * jump (issue 12: one event, one transition; see {@link #frontOf}).
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
   * Transitions of one run's events, ordered by step then kind.
   *
   * @param events    the run's events (any order; not modified)
   * @param tolerance steps within which two events are together, ≥ 0
   */
  public static List<Transition> merge(List<ShockEvent> events, double tolerance) {
    if (!(tolerance >= 0.0)) {
      throw new ShockDetectionException("merge tolerance must be >= 0 steps, got " + tolerance);
    }
    List<Member> sorted = new ArrayList<>(events.size());
    for (ShockEvent e : events) {
      ShockEvent front = frontOf(e, events, tolerance);
      sorted.add(front == null ? new Member(e, e.kind(), e) : new Member(e, front.kind(), front));
    }
    sorted.sort(Comparator.comparing(Member::kind).thenComparingLong(m -> m.link().step())
        .thenComparing(m -> m.event().qualifiedSeries()));
    List<Transition> out = new ArrayList<>();
    List<ShockEvent> group = new ArrayList<>();
    String groupKind = null;
    long lastStep = 0;
    double groupHi = Double.NEGATIVE_INFINITY;
    for (Member m : sorted) {
      ShockEvent e = m.link();
      boolean joins = !group.isEmpty() && m.kind().equals(groupKind)
          && (clippedLo(e, tolerance) <= groupHi || e.step() - lastStep <= tolerance);
      if (!joins && !group.isEmpty()) {
        out.add(transition(group, groupKind));
        group.clear();
        groupHi = Double.NEGATIVE_INFINITY;
      }
      group.add(m.event());
      groupKind = m.kind();
      lastStep = e.step();
      groupHi = Math.max(groupHi, clippedHi(e, tolerance));
    }
    if (!group.isEmpty()) {
      out.add(transition(group, groupKind));
    }
    out.sort(Comparator.comparingLong(Transition::step).thenComparing(Transition::kind));
    return out;
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

  /**
   * The jump an event belongs to in the merge, or null: a spike of a velocity-like or rank
   * observable ({@link #followsFronts}) whose peak lies within a jump's front (step ± 2w, widened
   * by the tolerance) in any series of the run is part of that jump (the nearest one): step
   * sizes and ranks peak while a front passes, and one physical event is one transition. The
   * spike then links to other events as the jump does.
   */
  private static ShockEvent frontOf(ShockEvent e, List<ShockEvent> events, double tolerance) {
    if (!ShockEvent.SPIKE.equals(e.kind()) || !followsFronts(e.series())) {
      return null;
    }
    ShockEvent best = null;
    for (ShockEvent j : events) {
      if (ShockEvent.JUMP.equals(j.kind())) {
        double distance = Math.abs(e.step() - j.step());
        if (distance <= 2.0 * frontHalfWidth(j) + tolerance
            && (best == null || distance < Math.abs(e.step() - best.step()))) {
          best = j;
        }
      }
    }
    return best;
  }

  /**
   * Whether a series is velocity-like (a step size or drift between checkpoints) or a rank
   * measure: observables that move with a front rather than make one. Names are matched on
   * their last path segment ({@code matrix/stable_rank}).
   */
  static boolean followsFronts(String series) {
    String name = series.substring(series.lastIndexOf('/') + 1);
    return name.endsWith("_step") || name.startsWith("drift") || name.endsWith("rank")
        || name.equals("participation_ratio") || name.equals("num_spikes");
  }

  /** An event, the kind it has in the merge, and the event whose position links it. */
  private record Member(ShockEvent event, String kind, ShockEvent link) {}

  private static Transition transition(List<ShockEvent> group, String kind) {
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    double score = 0.0;
    Set<String> names = new LinkedHashSet<>();
    for (ShockEvent e : group) {
      lo = Math.min(lo, e.stepLo());
      hi = Math.max(hi, e.stepHi());
      score = Math.max(score, e.score());
      names.add(e.qualifiedSeries());
    }
    long step = group.get((group.size() - 1) / 2).step();
    return new Transition(step, lo, hi, kind, names.size(),
        new ArrayList<>(names), score);
  }
}
