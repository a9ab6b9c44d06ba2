package org.shockscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.shockscope.forecast.ForecastScoring.DivergenceScore;
import org.shockscope.forecast.ForecastScoring.JumpScore;
import org.shockscope.spark.ForecastEvaluation.DivergenceRow;
import org.shockscope.spark.ForecastEvaluation.JumpRow;
import org.shockscope.spark.ForecastEvaluation.Scores;

class ForecastTextTest {
  @Test
  void sideBySideHasOneRowPerMethodAtTheHeadlineThresholdAndOnePerRule() {
    DivergenceScore learned = new DivergenceScore(10, 9, 4.0, 0.04, 90, 3, 5, 12);
    DivergenceScore precursor = new DivergenceScore(10, 8, 2.0, 0.02, 90, 1, 1, 9);
    DivergenceScore rule = new DivergenceScore(10, 0, Double.NaN, Double.NaN, 90, 7, 9, 9);
    Scores s = new Scores(List.of(
        new DivergenceRow("learned", 0.3, precursor),
        new DivergenceRow("learned", 0.5, learned),
        new DivergenceRow("learned@shortest", 0.5, precursor),
        new DivergenceRow("precursor", 0.5, precursor),
        new DivergenceRow("olmo-core", Double.NaN, rule)),
        List.of(new JumpRow("learned", new JumpScore(20, 15, 5, 8, 0.1, 0.3, 0.1, 0.4)),
            new JumpRow("precursor", new JumpScore(20, 6, 2, 3, 0.1, 0.3, 0.0, 0.2))), 10, 7);
    List<String> lines = Arrays.stream(EvaluateCommand.sideBySide(s).split("\n"))
        .filter(l -> !l.isBlank()).toList();
    assertEquals(6, lines.size(), String.join("\n", lines));
    assertEquals(List.of("learned", "9/10", "0.900", "3/90", "0.033", "4.0", "4.00%", "5/20",
        "0.250"), List.of(lines.get(2).trim().split("\\s+")));
    assertEquals(List.of("precursor", "8/10", "0.800", "1/90", "0.011", "2.0", "2.00%", "2/20",
        "0.100"), List.of(lines.get(3).trim().split("\\s+")));
    assertEquals("olmo-core", lines.get(4).trim().split("\\s+")[0]);
    assertEquals("-", lines.get(4).trim().split("\\s+")[7]);
    assertEquals("bound: 7 of 10 diverging runs showed it in the logged loss (its last sample "
        + "before the bad step >= 2 x its low); no alarm on the loss can warn the others",
        lines.get(5));
  }

  /**
   * The divergence table gives each warned share its Wilson 95% interval (8 of 10: 0.490–0.943,
   * the textbook value) and the jump table each first-forecast share its bootstrap interval.
   */
  @Test
  void theForecastTablesCarryTheSharesIntervals() {
    DivergenceScore precursor = new DivergenceScore(10, 8, 2.0, 0.02, 90, 1, 1, 9);
    Scores s = new Scores(List.of(new DivergenceRow("precursor", 0.5, precursor)),
        List.of(new JumpRow("precursor", new JumpScore(20, 6, 2, 3, 0.1, 0.3, 0.05, 0.25))), 10,
        7);
    List<String> rows = Arrays.stream(EvaluateCommand.forecastText(s).split("\n"))
        .filter(l -> l.startsWith("precursor")).toList();
    assertEquals(List.of("precursor", "0.50", "10", "8", "0.800", "0.490-0.943", "2.0"),
        List.of(rows.get(1).trim().split("\\s+")).subList(0, 7), String.join("\n", rows));
    assertEquals(List.of("precursor", "20", "6", "2", "0.100", "0.050-0.250"),
        List.of(rows.get(2).trim().split("\\s+")).subList(0, 6), String.join("\n", rows));
  }
}
