package org.shockscope.shock;

import java.util.Objects;

/**
 * A transition known to have happened in a run: a row of the training lab's truth file
 * (SPEC §8), the reference a detector is scored against.
 *
 * @param runId  the run
 * @param family the model family (e.g. {@code deep-linear}, {@code teacher-student},
 *               {@code catapult}); informational, metrics group by {@link RunSpan#family()}
 * @param kind   the event's kind ({@code jump}, {@code spike}, {@code divergence}); "" or "any"
 *               matches a detection of any kind
 * @param series the series the transition shows in (qualified {@code group/series}), or "" when
 *               it is a run-level event
 * @param step   when it happens, in steps
 */
public record TruthEvent(String runId, String family, String kind, String series, long step) {
  public TruthEvent {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(series, "series");
  }
}
