package org.shockscope.forecast;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One row of the {@code alerts} table (issue 16, part 3): a run's risk of a jump or of a
 * divergence crossed the watcher's threshold at a forecast step ({@link AlertRule}).
 *
 * @param runId       run
 * @param step        forecast step at which the risk crossed the threshold
 * @param kind        {@link #JUMP} or {@link #DIVERGENCE}
 * @param probability the forecast's probability (p_jump or p_divergence), in [0, 1]
 * @param horizon     the horizon (steps) of the forecast that carried the probability
 * @param lead        steps until the predicted event: {@code expected_step − step} where the
 *                    forecast has an expected step (0: the event is under way), else
 *                    {@code horizon}
 * @param series      the series carrying the warning
 * @param method      the forecast method ({@link Forecast#PRECURSOR}, {@link Forecast#LEARNED})
 * @param issuedAt    when the watcher issued the alert
 */
public record Alert(String runId, long step, String kind, double probability, long horizon,
                    double lead, List<String> series, String method, Instant issuedAt) {
  /** A jump transition is forming. */
  public static final String JUMP = "jump";
  /** A divergence is forming (or has happened). */
  public static final String DIVERGENCE = "divergence";

  public Alert {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(issuedAt, "issuedAt");
    if (!JUMP.equals(kind) && !DIVERGENCE.equals(kind)) {
      throw new IllegalArgumentException("alert kind must be " + JUMP + " or " + DIVERGENCE
          + ", got '" + kind + "' (run " + runId + ", step " + step + ")");
    }
    series = List.copyOf(series);
  }
}
