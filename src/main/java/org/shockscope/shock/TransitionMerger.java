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
 * ({@link #tolerance}).
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
    List<ShockEvent> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparing(ShockEvent::kind).thenComparingLong(ShockEvent::step)
        .thenComparing(ShockEvent::qualifiedSeries));
    List<Transition> out = new ArrayList<>();
    List<ShockEvent> group = new ArrayList<>();
    double groupHi = Double.NEGATIVE_INFINITY;
    for (ShockEvent e : sorted) {
      boolean joins = !group.isEmpty() && e.kind().equals(group.get(0).kind())
          && (clippedLo(e, tolerance) <= groupHi
              || e.step() - group.get(group.size() - 1).step() <= tolerance);
      if (!joins && !group.isEmpty()) {
        out.add(transition(group));
        group.clear();
        groupHi = Double.NEGATIVE_INFINITY;
      }
      group.add(e);
      groupHi = Math.max(groupHi, clippedHi(e, tolerance));
    }
    if (!group.isEmpty()) {
      out.add(transition(group));
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

  private static Transition transition(List<ShockEvent> group) {
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
    return new Transition(step, lo, hi, group.get(0).kind(), names.size(),
        new ArrayList<>(names), score);
  }
}
