package org.shockscope.shock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The crystallisation map of a run (issue 18): for each transition, where its front passed
 * through the network — one {@link Front} per part that moved, with the front's centre, width,
 * arrival order and lag behind the first part.
 *
 * <p><b>Parts.</b> A transition lists the series that moved ({@code group/series}). Each
 * series of a weight belongs to one part ({@link #part}): the weight matrix or invariant map its
 * name starts with ({@code layers.1.weight/sv2} → {@code layers/layers.1.weight};
 * {@code end_to_end/fro_norm} → {@code layers/end_to_end}), an attention head for its circuits
 * ({@code head3.qk/…} and {@code head3.ov/…} → {@code <group>/head3}), or the symmetry group
 * itself for its group-level observables ({@code balanced_norm}, {@code quotient_step}) and for
 * a plain tensor, a group of one matrix of the same name (an embedding).
 * Run-level metrics (the loss) belong to no part of the network and make no front.
 *
 * <p><b>Which event of a series.</b> A transition lists series, not events, and a series can
 * have several events (a staircase of fronts). Each event is given to the transition listing its
 * series whose step is nearest to the event's (divergences only to divergence transitions,
 * other events only to the others); a transition's event of a series is then the one given to it
 * nearest to its step.
 *
 * <p><b>A part's front.</b> Its parts are compared on one observable where they can be: the
 * observable name (the series' last path segment, e.g. {@code sv2}, {@code fro_norm}) in which
 * the most parts of the transition have a jump (ties: the larger summed strength, then the name)
 * is the <em>reference observable</em>, and a part's front is its jump in it. A deep linear
 * network learning mode k moves the k-th singular value of every layer and of the end-to-end
 * map, and comparing the same quantity layer by layer keeps the order free of the differences
 * between observables (a norm mixes modes, a rank is a ratio that swings early). A part without
 * a jump in the reference observable takes its strongest jump (largest strength), else its
 * strongest event of any kind (a spike: centre at its peak, width its duration). Centre
 * {@code step} = the event's t_s and {@code width} = its fitted w ({@link ShockEvent}).
 *
 * <p><b>Order.</b> {@code arrivalOrder} is the dense rank of the fronts' steps within the
 * transition (1 = first; parts at the same step share a rank: a front sharper than the sampling
 * reaches them between the same two checkpoints); {@code lag} = step − the first front's step.
 * Fronts are returned by transition step, then arrival order, depth and part name.
 */
public final class FrontMap {
  private FrontMap() {}

  /** An attention head's circuit matrix ({@code head3.qk}, {@code head3.ov}). */
  private static final Pattern HEAD = Pattern.compile("(head\\d+)\\.(qk|ov)");
  /** The last run of digits of a name. */
  private static final Pattern LAST_INTEGER = Pattern.compile("(\\d+)(?!.*\\d)");

  /** The fronts of one run's transitions, from its detection result. */
  public static List<Front> of(RunShocks run) {
    return of(run.shocks(), run.transitions());
  }

  /**
   * The fronts of one run's transitions.
   *
   * @param events      the run's events (input, not modified)
   * @param transitions the run's transitions merged from {@code events} (input, not modified)
   * @return the fronts, by transition step, arrival order, depth and part; empty when no
   *         transition lists a series of a weight
   */
  public static List<Front> of(List<ShockEvent> events, List<Transition> transitions) {
    Map<String, List<Integer>> listing = new HashMap<>();
    for (int t = 0; t < transitions.size(); t++) {
      for (String s : transitions.get(t).series()) {
        listing.computeIfAbsent(s, k -> new ArrayList<>()).add(t);
      }
    }
    // per transition: series -> the event of that series given to it, nearest to its step
    List<Map<String, ShockEvent>> given = new ArrayList<>(transitions.size());
    for (int t = 0; t < transitions.size(); t++) {
      given.add(new LinkedHashMap<>());
    }
    for (ShockEvent e : events) {
      if (e.group().isEmpty()) {
        continue;
      }
      String s = e.qualifiedSeries();
      int best = -1;
      long bestDistance = Long.MAX_VALUE;
      for (int t : listing.getOrDefault(s, List.of())) {
        Transition tr = transitions.get(t);
        boolean divergence = ShockEvent.DIVERGENCE.equals(tr.kind());
        if (divergence != ShockEvent.DIVERGENCE.equals(e.kind())) {
          continue;
        }
        long d = Math.abs(e.step() - tr.step());
        if (d < bestDistance) {
          bestDistance = d;
          best = t;
        }
      }
      if (best >= 0) {
        long at = transitions.get(best).step();
        given.get(best).merge(s, e, (a, b) ->
            Math.abs(b.step() - at) < Math.abs(a.step() - at) ? b : a);
      }
    }
    List<Front> out = new ArrayList<>();
    for (int t = 0; t < transitions.size(); t++) {
      out.addAll(fronts(transitions.get(t).step(), given.get(t).values()));
    }
    return out;
  }

  /** The fronts of one transition from its events (one per series, weights only). */
  private static List<Front> fronts(long transitionStep, Iterable<ShockEvent> events) {
    Map<String, List<ShockEvent>> byPart = new LinkedHashMap<>();
    for (ShockEvent e : events) {
      byPart.computeIfAbsent(part(e.group(), e.series()), k -> new ArrayList<>()).add(e);
    }
    if (byPart.isEmpty()) {
      return List.of();
    }
    String reference = referenceObservable(byPart);
    List<ShockEvent> chosen = new ArrayList<>();
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, List<ShockEvent>> p : byPart.entrySet()) {
      parts.add(p.getKey());
      chosen.add(front(p.getValue(), reference));
    }
    long first = Long.MAX_VALUE;
    for (ShockEvent e : chosen) {
      first = Math.min(first, e.step());
    }
    Integer[] order = new Integer[parts.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.<Integer>comparingLong(i -> chosen.get(i).step())
        .thenComparingInt(i -> depthKey(chosen.get(i)))
        .thenComparing(parts::get));
    List<Front> out = new ArrayList<>(order.length);
    int rank = 0;
    long previous = Long.MIN_VALUE;
    for (int i : order) {
      ShockEvent e = chosen.get(i);
      if (e.step() != previous) {
        rank++;
        previous = e.step();
      }
      out.add(new Front(transitionStep, parts.get(i), depth(e.group(), e.series()), e.series(),
          e.step(), e.stepLo(), e.stepHi(), e.width(), e.jump(), e.strength(), rank,
          e.step() - first));
    }
    return out;
  }

  /** Depth with {@link Front#NO_DEPTH} after every layer, for ordering ties. */
  private static int depthKey(ShockEvent e) {
    int d = depth(e.group(), e.series());
    return d == Front.NO_DEPTH ? Integer.MAX_VALUE : d;
  }

  /**
   * The observable name in which the most parts have a jump (ties: larger summed strength, then
   * the name first in order), or null when no part has a jump.
   */
  private static String referenceObservable(Map<String, List<ShockEvent>> byPart) {
    Map<String, Integer> parts = new HashMap<>();
    Map<String, Double> strength = new HashMap<>();
    for (List<ShockEvent> events : byPart.values()) {
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (ShockEvent e : events) {
        if (!ShockEvent.JUMP.equals(e.kind())) {
          continue;
        }
        String name = observable(e.series());
        if (seen.add(name)) {
          parts.merge(name, 1, Integer::sum);
        }
        strength.merge(name, finite(e.strength()), Double::sum);
      }
    }
    String best = null;
    for (String name : parts.keySet()) {
      if (best == null) {
        best = name;
        continue;
      }
      int c = Integer.compare(parts.get(name), parts.get(best));
      if (c == 0) {
        c = Double.compare(strength.get(name), strength.get(best));
      }
      if (c > 0 || (c == 0 && name.compareTo(best) < 0)) {
        best = name;
      }
    }
    return best;
  }

  /**
   * A part's front: its jump in the reference observable, else its strongest jump, else its
   * strongest event (ties: the earlier step, then the series name).
   */
  private static ShockEvent front(List<ShockEvent> events, String reference) {
    Comparator<ShockEvent> stronger = Comparator
        .comparingDouble((ShockEvent e) -> finite(e.strength()))
        .thenComparing(Comparator.comparingLong(ShockEvent::step).reversed())
        .thenComparing(Comparator.comparing(ShockEvent::series).reversed());
    ShockEvent inReference = null;
    ShockEvent jump = null;
    ShockEvent any = null;
    for (ShockEvent e : events) {
      boolean isJump = ShockEvent.JUMP.equals(e.kind());
      if (isJump && observable(e.series()).equals(reference)
          && (inReference == null || stronger.compare(e, inReference) > 0)) {
        inReference = e;
      }
      if (isJump && (jump == null || stronger.compare(e, jump) > 0)) {
        jump = e;
      }
      if (any == null || stronger.compare(e, any) > 0) {
        any = e;
      }
    }
    return inReference != null ? inReference : jump != null ? jump : any;
  }

  private static double finite(double v) {
    return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
  }

  /** The observable of a series: its last path segment ({@code layers.1.weight/sv2} → sv2). */
  static String observable(String series) {
    return series.substring(series.lastIndexOf('/') + 1);
  }

  /** The matrix a series belongs to (the path before its last segment), or null. */
  private static String matrix(String series) {
    int slash = series.lastIndexOf('/');
    return slash < 0 ? null : series.substring(0, slash);
  }

  /**
   * The part of the network a series of a symmetry group belongs to: {@code group/matrix} for a
   * series of a weight matrix or invariant map, {@code group/head<h>} for an attention head's
   * circuits ({@code head<h>.qk}, {@code head<h>.ov}), {@code group} for the group's own
   * observables and for a plain tensor (a group of one matrix named like it, such as an
   * embedding: {@code transformer.wpe.weight/sv1} in group {@code transformer.wpe.weight}).
   *
   * @param group  the series' symmetry group (non-empty)
   * @param series the series' name within it, as in the {@code shocks} table
   */
  public static String part(String group, String series) {
    String m = matrix(series);
    if (m == null || m.equals(group)) {
      // a group's own observables; a plain tensor is a group of one matrix of the same name
      return group;
    }
    Matcher head = HEAD.matcher(m);
    return group + "/" + (head.matches() ? head.group(1) : m);
  }

  /**
   * A part's position along the network's depth: the last integer of its matrix's name (a
   * weight {@code layers.2.weight} → 2, {@code transformer.h.3.attn.c_attn.weight} → 3); for an
   * attention head's circuits and for group-level observables, the last integer of the group's
   * name ({@code transformer.h.3.attn} → 3); {@link Front#NO_DEPTH} when the name has none (an
   * invariant map of a whole chain, {@code end_to_end}).
   */
  public static int depth(String group, String series) {
    String m = matrix(series);
    String name = m == null || HEAD.matcher(m).matches() ? group : m;
    Matcher last = LAST_INTEGER.matcher(name);
    if (!last.find()) {
      return Front.NO_DEPTH;
    }
    try {
      return Integer.parseInt(last.group(1));
    } catch (NumberFormatException tooLong) {
      return Front.NO_DEPTH;
    }
  }
}
