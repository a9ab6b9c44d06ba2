package org.shockscope.shock;

import java.util.List;
import java.util.Objects;

/**
 * One physical event of a run seen in one or more series: a row of the {@code transitions} table
 * (SPEC §7) without its {@code run_id}. Built by {@link TransitionMerger}.
 *
 * @param step    the peak of its highest run-level metric spike when it has one (the loss's own
 *                excursion names the event), else the median of the member events' steps (the
 *                lower median for an even count)
 * @param stepLo  smallest stepLo of the members
 * @param stepHi  largest stepHi of the members
 * @param kind    divergence, spike or jump ({@link TransitionMerger})
 * @param nSeries number of distinct series among the members
 * @param series  the distinct series, qualified as {@code group/series}, in order of step
 * @param score   largest member score
 */
public record Transition(long step, long stepLo, long stepHi, String kind, int nSeries,
                         List<String> series, double score) {
  public Transition {
    Objects.requireNonNull(kind, "kind");
    series = List.copyOf(series);
    if (nSeries != series.size()) {
      throw new ShockDetectionException("Transition at step " + step + ": nSeries " + nSeries
          + " differs from the " + series.size() + " series listed");
    }
  }
}
