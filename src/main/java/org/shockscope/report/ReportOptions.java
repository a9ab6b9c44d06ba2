package org.shockscope.report;

import java.util.List;
import java.util.Objects;
import org.shockscope.ShockscopeException;

/**
 * What the report shows and how much of it.
 *
 * @param title              page title (the sweep's name)
 * @param lrKey              hyperparameter key of the learning rate (temperature numerator)
 * @param batchKey           hyperparameter key of the batch size (temperature denominator)
 * @param momentumKey        hyperparameter key of the momentum (the viscosity law's second term)
 * @param seedKey            hyperparameter key of the seed (never a phase-diagram axis)
 * @param lossMetric         metric drawn in the run gallery
 * @param galleryObservables quotient observables drawn per run in the gallery, in order
 * @param galleryRuns        at most this many runs in the gallery
 * @param scatterPoints      at most this many jump events in the viscosity-law scatter
 * @param boxCells           at most this many cells in the time-to-first-shock chart
 * @param boundaryCells      at most this many cells in the phase-boundary chart
 * @param errorRows          at most this many rows of the errors table shown
 */
public record ReportOptions(String title, String lrKey, String batchKey, String momentumKey,
                            String seedKey, String lossMetric, List<String> galleryObservables,
                            int galleryRuns, int scatterPoints, int boxCells, int boundaryCells,
                            int errorRows) {
  public ReportOptions {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(lrKey, "lrKey");
    Objects.requireNonNull(batchKey, "batchKey");
    Objects.requireNonNull(lossMetric, "lossMetric");
    galleryObservables = List.copyOf(galleryObservables);
    positive("galleryRuns", galleryRuns);
    positive("scatterPoints", scatterPoints);
    positive("boxCells", boxCells);
    positive("boundaryCells", boundaryCells);
    positive("errorRows", errorRows);
  }

  private static void positive(String name, int v) {
    if (v < 1) {
      throw new ShockscopeException("Report option " + name + " must be at least 1, got " + v);
    }
  }

  /**
   * Defaults: keys {@code lr}, {@code batch_size}, {@code momentum}, {@code seed}, metric
   * {@code loss}; effective_rank, stable_rank and quotient_step in the gallery; 12 gallery runs,
   * 2,000 scatter points, 20 box-plot cells, 40 boundary cells, 20 error rows.
   */
  public static ReportOptions defaults() {
    return new ReportOptions("shockscope report", "lr", "batch_size", "momentum", "seed",
        "loss", List.of("effective_rank", "stable_rank", "quotient_step"), 12, 2000, 20, 40,
        20);
  }

  public ReportOptions withTitle(String t) {
    return new ReportOptions(t, lrKey, batchKey, momentumKey, seedKey, lossMetric,
        galleryObservables, galleryRuns, scatterPoints, boxCells, boundaryCells, errorRows);
  }

  /** The same options with other hyperparameter keys and loss metric. */
  public ReportOptions withKeys(String lr, String batch, String momentum, String seed,
                                String loss) {
    return new ReportOptions(title, lr, batch, momentum, seed, loss, galleryObservables,
        galleryRuns, scatterPoints, boxCells, boundaryCells, errorRows);
  }
}
