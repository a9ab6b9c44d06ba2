package org.shockscope.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.shockscope.shock.SeriesData;
import org.shockscope.shock.Transition;

class LearnedForecasterTest {
  @Test
  void labelsCountEventsInTheHorizonAndAreUnknownPastTheRunsEnd() {
    long[] jumps = {500};
    assertEquals(1, LearnedForecaster.label(400, 100, jumps, 1000));
    assertEquals(0, LearnedForecaster.label(500, 100, jumps, 1000), "the jump is not after t");
    assertEquals(0, LearnedForecaster.label(300, 100, jumps, 1000));
    assertEquals(LearnedForecaster.UNKNOWN, LearnedForecaster.label(950, 100, jumps, 1000));
    assertEquals(1, LearnedForecaster.divergenceLabel(950, 100, 700, 1000), "diverged");
    assertEquals(1, LearnedForecaster.divergenceLabel(650, 100, 700, 700));
    assertEquals(0, LearnedForecaster.divergenceLabel(100, 100, Long.MAX_VALUE, 1000));
    assertEquals(LearnedForecaster.UNKNOWN,
        LearnedForecaster.divergenceLabel(950, 100, Long.MAX_VALUE, 1000));
  }

  @Test
  void examplesFollowThePrecursorsStepsWithLabelsFromTheTransitions() {
    int n = 101;
    long[] s = new long[n];
    double[] loss = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = 10L * i;
      loss[i] = 1.0 / (1 + 0.01 * i) + (i >= 60 ? 0.0 : 0.5);
    }
    List<SeriesData> run = List.of(new SeriesData("loss", "", s, loss));
    long[] horizons = {10, 50, 200};
    List<Forecast> precursor = PrecursorForecaster.forecast(run, horizons);
    List<Transition> transitions = List.of(
        new Transition(600, 590, 610, "jump", 1, List.of("loss"), 1.0));
    List<LearnedForecaster.Example> ex = LearnedForecaster.examples(run, precursor, transitions);
    // none before the 7th logged sample (step 60): nothing to read a slope change from
    int skipped = (PrefixFeatures.MIN_SAMPLES - 1) * horizons.length;
    assertEquals(precursor.size() - skipped, ex.size());
    assertEquals(10L * (PrefixFeatures.MIN_SAMPLES - 1), ex.get(0).step());
    for (int i = 0; i < ex.size(); i++) {
      LearnedForecaster.Example e = ex.get(i);
      Forecast f = precursor.get(i + skipped);
      assertEquals(f.step(), e.step());
      assertEquals(f.horizon(), e.horizon());
      assertEquals(LearnedForecaster.NAMES.size(), e.x().length);
      // the horizon in logged intervals of 10 steps
      double logH = Math.log(f.horizon() / 10.0);
      int h = LearnedForecaster.NAMES.indexOf("log_horizon");
      assertEquals(logH, e.x()[h], 1e-12, "log horizon at " + e.step());
      int p = LearnedForecaster.NAMES.indexOf("precursor.p_divergence");
      assertEquals(f.pDivergence(), e.x()[p]);
      assertEquals(f.pDivergence() * logH,
          e.x()[LearnedForecaster.NAMES.indexOf("precursor.p_divergence*log_horizon")], 1e-12);
      int jump = e.step() < 600 && e.step() + e.horizon() >= 600 ? 1
          : e.step() + e.horizon() > 1000 ? LearnedForecaster.UNKNOWN : 0;
      assertEquals(jump, e.jumpLabel(), "jump label at " + e.step() + " + " + e.horizon());
      assertEquals(e.step() + e.horizon() > 1000 ? LearnedForecaster.UNKNOWN : 0,
          e.divergenceLabel());
    }
  }

  @Test
  void expectedStepIsWhereTheForecastReachesOneHalf() {
    long[] h = {10, 100, 1000};
    assertEquals(100 + 100.0, LearnedForecaster.expectedStep(100, h, new double[] {0.1, 0.5,
        0.9}), 1e-9);
    // halfway in ln H between 10 and 100
    assertEquals(100 + Math.sqrt(10 * 100.0),
        LearnedForecaster.expectedStep(100, h, new double[] {0.3, 0.7, 0.9}), 1e-9);
    assertEquals(100 + 10 * 0.5 / 0.8,
        LearnedForecaster.expectedStep(100, h, new double[] {0.8, 0.9, 0.95}), 1e-9);
    assertTrue(Double.isNaN(LearnedForecaster.expectedStep(100, h, new double[] {0.1, 0.2,
        0.4})));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LearnedForecaster.expectedStep(0, h, new double[2]));
    assertEquals("3 horizons but 2 probabilities", e.getMessage());
  }

  @Test
  void carriersAreTheLargestPositiveTermsOfAnAlarmingModel() {
    int d = LearnedForecaster.NAMES.size();
    double[] w = new double[d];
    double[] x = new double[d];
    Arrays.fill(x, 1.0);
    w[LearnedForecaster.NAMES.indexOf("loss.slope")] = 3.0;
    w[LearnedForecaster.NAMES.indexOf("qk.growth_t")] = 2.0;
    w[LearnedForecaster.NAMES.indexOf("mode.level")] = 1.0;
    w[LearnedForecaster.NAMES.indexOf("unembedding.level")] = 0.5;
    w[LearnedForecaster.NAMES.indexOf("position")] = -10.0;
    LearnedForecaster.Logit alarming = new LearnedForecaster.Logit(w, 5.0);
    assertEquals(List.of("loss.slope", "qk.growth_t", "mode.level"),
        LearnedForecaster.carriers(x, 0.5, alarming, LearnedForecaster.Logit.never()));
    LearnedForecaster.Logit quiet = new LearnedForecaster.Logit(w, -20.0);
    assertEquals(List.of(), LearnedForecaster.carriers(x, 0.5, quiet));
    assertEquals(0.0, LearnedForecaster.Logit.never().probability(x));
    assertEquals(1 / (1 + Math.exp(-(5.0 + 3 + 2 + 1 + 0.5 - 10))), alarming.probability(x),
        1e-12);
  }
}
