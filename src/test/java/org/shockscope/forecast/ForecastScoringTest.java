package org.shockscope.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForecastScoringTest {
  @Test
  void divergenceLeadFalseAlarmsAndPrecision() {
    long[] all = {0, 10, 20, 30, 40, 50};
    List<ForecastScoring.RunAlarms> runs = List.of(
        // warned 20 steps before its bad step 50, run of 100 steps
        new ForecastScoring.RunAlarms("a", "catapult", 100, 50, new long[] {30, 40}, all),
        // alarmed only at its bad step: not warned
        new ForecastScoring.RunAlarms("b", "catapult", 100, 40, new long[] {40}, all),
        // quiet, two alarmed stretches
        new ForecastScoring.RunAlarms("c", "catapult", 100, -1, new long[] {10, 30, 40}, all),
        new ForecastScoring.RunAlarms("d", "control", 100, -1, new long[0], all));
    ForecastScoring.DivergenceScore s = ForecastScoring.divergence(runs);
    assertEquals(2, s.diverging());
    assertEquals(1, s.warned());
    assertEquals(20.0, s.medianLeadSteps());
    assertEquals(0.2, s.medianLeadShare());
    assertEquals(2, s.quiet());
    assertEquals(1, s.quietAlarmed());
    assertEquals(2, s.falseAlarms());
    assertEquals(2.0 / 3, s.precision(), 1e-12);
  }

  @Test
  void jumpForecastIsOnTimeWithinTwentyPercentOfWhatRemained() {
    List<ForecastScoring.TrueJump> truth = List.of(
        new ForecastScoring.TrueJump("r", "deep-linear", 1000),
        new ForecastScoring.TrueJump("r", "deep-linear", 3000));
    List<ForecastScoring.JumpForecast> f = List.of(
        // first for the jump at 1000: 500 steps before, off by 150 > 100: late
        new ForecastScoring.JumpForecast("r", 500, 1150),
        new ForecastScoring.JumpForecast("r", 800, 1010),
        // for the jump at 3000: 1000 before, off by 100 <= 200
        new ForecastScoring.JumpForecast("r", 2000, 2900));
    ForecastScoring.JumpScore s = ForecastScoring.jumps(truth, f, Map.of("r", 5000.0));
    assertEquals(2, s.jumps());
    assertEquals(2, s.forecast());
    assertEquals(1, s.firstOnTime());
    assertEquals(2, s.anyOnTime());
    // one run: resampling it gives its own share every time
    assertEquals(0.5, s.firstLow(), 1e-12);
    assertEquals(0.5, s.firstHigh(), 1e-12);
  }

  /** The first forecasts' share carries a 95% interval over runs, which holds the share. */
  @Test
  void theShareOfFirstForecastsOnTimeHasAnIntervalOverRuns() {
    java.util.ArrayList<ForecastScoring.TrueJump> truth = new java.util.ArrayList<>();
    java.util.ArrayList<ForecastScoring.JumpForecast> f = new java.util.ArrayList<>();
    java.util.Map<String, Double> lengths = new java.util.HashMap<>();
    for (int r = 0; r < 30; r++) {
      String id = "r" + r;
      lengths.put(id, 5000.0);
      truth.add(new ForecastScoring.TrueJump(id, "deep-linear", 1000));
      // two runs in three on time, the others 300 steps off
      f.add(new ForecastScoring.JumpForecast(id, 500, r % 3 == 0 ? 1300 : 1010));
    }
    ForecastScoring.JumpScore s = ForecastScoring.jumps(truth, f, lengths);
    assertEquals(20, s.firstOnTime());
    assertTrue(s.firstLow() < 20.0 / 30 && 20.0 / 30 < s.firstHigh(), s.toString());
    assertTrue(s.firstLow() > 0.4 && s.firstHigh() < 0.9, s.toString());
  }

  /**
   * A forecast issued after a jump's midpoint whose expected step lies nearer that jump than the
   * next one times the jump already under way: it is not the next jump's first warning.
   */
  @Test
  void aForecastNearestAJumpAlreadyPastItsMidpointIsNotScoredForTheNextJump() {
    List<ForecastScoring.TrueJump> truth = List.of(
        new ForecastScoring.TrueJump("r", "deep-linear", 1000),
        new ForecastScoring.TrueJump("r", "deep-linear", 3000));
    List<ForecastScoring.JumpForecast> f = List.of(
        // after the first midpoint, expecting it at 1050: about the first jump, too late
        new ForecastScoring.JumpForecast("r", 1020, 1050),
        // the second jump's first forecast: 2000 before, off by 100 <= 400
        new ForecastScoring.JumpForecast("r", 1100, 3100));
    ForecastScoring.JumpScore s = ForecastScoring.jumps(truth, f, Map.of("r", 5000.0));
    assertEquals(1, s.forecast());
    assertEquals(1, s.firstOnTime());
    ForecastScoring.JumpScore early = ForecastScoring.jumps(truth,
        List.of(new ForecastScoring.JumpForecast("r", 1010, 2100), f.get(1)),
        Map.of("r", 5000.0));
    // 2100 lies nearer 3000 than 1000: the second jump's first forecast, and it misses
    assertEquals(0, early.firstOnTime());
    assertEquals(1, early.anyOnTime());
  }

  @Test
  void horizonsInStepsAndCheckpointIntervals() {
    ForecastHorizons h = ForecastHorizons.parse("500, 2ckpt,1ckpt");
    assertArrayEquals(new long[] {40, 80, 500}, h.resolve(40));
    assertEquals(20, ForecastHorizons.medianInterval(new long[] {0, 20, 40, 100}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ForecastHorizons.parse("5,0ckpt"));
    assertEquals("forecast horizon '0ckpt' in '5,0ckpt' is not a positive number of steps or of "
        + "checkpoint intervals (e.g. 500, 5ckpt)", e.getMessage());
  }

  /**
   * A loss falling until its last sample before the bad step shows nothing; one whose last sample
   * stands twice its low has shown the divergence; an old spike that came back does not count.
   */
  @Test
  void aDivergenceShowsInTheLossOnlyWhenItsLastSampleBeforeTheBadStepRose() {
    long[] steps = {0, 10, 20, 30, 40};
    assertFalse(ForecastScoring.showedInLoss(steps, new double[] {1, 0.5, 0.2, 0.1, 1e9}, 40));
    assertTrue(ForecastScoring.showedInLoss(steps, new double[] {1, 0.5, 0.2, 0.4, 1e9}, 40));
    assertFalse(ForecastScoring.showedInLoss(steps, new double[] {1, 50, 0.2, 0.1, 1e9}, 40));
    // a non-finite sample before the bad step is skipped, the bad step itself is not read
    assertTrue(ForecastScoring.showedInLoss(steps, new double[] {1, 0.1, 0.3, Double.NaN, 0}, 40));
    assertFalse(ForecastScoring.showedInLoss(steps, new double[] {1, 0.5, 0.2, 0.1, 1e9}, 0));
  }
}
