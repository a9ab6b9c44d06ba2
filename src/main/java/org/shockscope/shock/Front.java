package org.shockscope.shock;

import java.util.Objects;

/**
 * Where one transition of a run passed through one part of the network: a row of the
 * {@code fronts} table (SPEC §7, issue 18) without its {@code run_id}. Built by
 * {@link FrontMap}.
 *
 * <p>Units: steps for every position, width and lag; the series' own units for {@code jump};
 * {@code strength} is dimensionless (|J| over the series' robust noise scale, as in
 * {@link ShockEvent}).
 *
 * @param transitionStep the transition's step ({@link Transition#step()}), which names it
 * @param group          the part that moved ({@link FrontMap#part}): {@code <group>/<matrix>}
 *                       for a weight matrix or an invariant map ({@code layers/layers.1.weight},
 *                       {@code layers/end_to_end}), {@code <group>/head<h>} for an attention
 *                       head's circuits, the symmetry group alone for its group-level
 *                       observables and for a plain tensor (an embedding)
 * @param depth          the part's position along the network ({@link FrontMap#depth}), or
 *                       {@link #NO_DEPTH} for a map of a whole group (a chain's
 *                       {@code end_to_end}) or a name without a layer index
 * @param series         the series whose event is the part's front, as in the {@code shocks}
 *                       table (e.g. {@code layers.1.weight/sv2})
 * @param step           the front's centre t_s: the event's step
 * @param stepLo         lower end of the event's uncertainty interval
 * @param stepHi         upper end of the event's uncertainty interval
 * @param width          the front's width w (the event's width: tanh width for a jump, duration
 *                       for a spike; NaN for a divergence)
 * @param jump           the event's signed size
 * @param strength       the event's strength
 * @param arrivalOrder   1 for the part(s) the front reached first, then 2, …: a dense rank of
 *                       {@code step} within the transition (parts at the same step share one)
 * @param lag            {@code step} − the earliest front's step in the transition, ≥ 0; its
 *                       largest value in a transition is the lag between the first and the last
 */
public record Front(long transitionStep, String group, int depth, String series, long step,
                    long stepLo, long stepHi, double width, double jump, double strength,
                    int arrivalOrder, long lag) {
  /** {@link #depth} of a part with no layer index. */
  public static final int NO_DEPTH = -1;

  public Front {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(series, "series");
    if (arrivalOrder < 1 || lag < 0) {
      throw new ShockDetectionException("Front of '" + group + "' in the transition at step "
          + transitionStep + ": arrival order " + arrivalOrder + " must be >= 1 and lag " + lag
          + " >= 0");
    }
  }
}
