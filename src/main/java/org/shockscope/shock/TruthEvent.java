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
 * @param width  the front's tanh width in steps where the truth measured it, else NaN; a front
 *               wider than {@link DetectorEvaluation#SUDDEN_WIDTH_FRACTION} of its run is
 *               gradual, not sudden, and is scored apart
 */
public record TruthEvent(String runId, String family, String kind, String series, long step,
                         double width) {
  public TruthEvent {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(series, "series");
  }

  /** A true event whose width is not known. */
  public TruthEvent(String runId, String family, String kind, String series, long step) {
    this(runId, family, kind, series, step, Double.NaN);
  }
}
