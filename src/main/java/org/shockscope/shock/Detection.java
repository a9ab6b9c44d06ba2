package org.shockscope.shock;

import java.util.List;
import java.util.Objects;

/**
 * A detected event to be scored against the truth: from a {@link ShockEvent} (one series), a
 * {@link Transition} (several series) or a baseline rule.
 *
 * @param runId  the run
 * @param kind   the detected kind
 * @param series the series it was seen in (qualified {@code group/series}); empty when unknown
 * @param step   where it was detected
 * @param score  its confidence (informational)
 */
public record Detection(String runId, String kind, List<String> series, long step, double score) {
  public Detection {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(kind, "kind");
    series = List.copyOf(series);
  }

  /** The detection of one series' event. */
  public static Detection of(String runId, ShockEvent e) {
    return new Detection(runId, e.kind(), List.of(e.qualifiedSeries()), e.step(), e.score());
  }

  /** The detection of a run-level transition, listing every series that moved. */
  public static Detection of(String runId, Transition tr) {
    return new Detection(runId, tr.kind(), tr.series(), tr.step(), tr.score());
  }
}
