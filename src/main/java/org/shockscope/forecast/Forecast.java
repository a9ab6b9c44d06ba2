package org.shockscope.forecast;

import java.util.List;

/**
 * One row of the {@code forecasts} table (SPEC §7) for one run: at training step {@code step},
 * from data at steps ≤ {@code step} only, the probability of a jump transition and of a
 * divergence within the next {@code horizon} steps.
 *
 * @param step         step the forecast is issued at (a checkpoint step)
 * @param horizon      H, in training steps
 * @param pJump        probability that a jump transition's midpoint falls in (step, step + H]
 * @param pDivergence  probability that the run diverges in (step, step + H] (or has diverged)
 * @param expectedStep predicted step of the next transition, NaN when none is forming
 * @param method       {@link #PRECURSOR} or {@link #LEARNED}
 * @param series       series that carry the warning (empty when nothing is forming)
 */
public record Forecast(long step, long horizon, double pJump, double pDivergence,
                       double expectedStep, String method, List<String> series) {
  /** Physical precursors ({@link PrecursorForecaster}). */
  public static final String PRECURSOR = "precursor";
  /** A model learned over prefix features of completed runs. */
  public static final String LEARNED = "learned";

  public Forecast {
    series = List.copyOf(series);
  }
}
