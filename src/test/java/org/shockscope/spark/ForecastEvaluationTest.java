package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.shockscope.forecast.ForecastScoring;

class ForecastEvaluationTest {
  private static LabTruthFile.Row row(String run, String series, double step, String source) {
    return new LabTruthFile.Row(run, "deep-linear", "jump", series, step, source, Double.NaN);
  }

  @Test
  void aModeWithMeasuredAndAnalyticRowsIsOneJump() {
    List<LabTruthFile.Row> truth = List.of(
        row("r1", "end_to_end.sv1", 12517, "measured"),
        row("r1", "end_to_end.sv1", 12517.519, "analytic"),
        row("r1", "end_to_end.sv2", 30000, "measured"),
        // analytic only: still a jump to forecast
        row("r2", "end_to_end.sv1", 400.5, "analytic"),
        new LabTruthFile.Row("r3", "catapult", "divergence", "loss", 9, "measured", Double.NaN));
    List<ForecastScoring.TrueJump> jumps = ForecastEvaluation.trueJumps(truth);
    assertEquals(List.of(new ForecastScoring.TrueJump("r1", "deep-linear", 12517),
        new ForecastScoring.TrueJump("r1", "deep-linear", 30000),
        new ForecastScoring.TrueJump("r2", "deep-linear", 400.5)), jumps);
  }
}
