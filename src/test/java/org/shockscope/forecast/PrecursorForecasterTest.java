package org.shockscope.forecast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.shockscope.shock.SeriesData;

class PrecursorForecasterTest {
  private static final long[] HORIZONS = {10, 50, 200};

  /** A logistic front u = J / (1 + e^{−r(t − ts)}) sampled every 10 steps from 0 to 1000. */
  private static SeriesData logisticMode(double level, double rate, double centre, long until) {
    int n = (int) (until / 10) + 1;
    long[] s = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = 10L * i;
      v[i] = level / (1 + Math.exp(-rate * (s[i] - centre)));
    }
    return new SeriesData("end_to_end/sv1", "chain", s, v);
  }

  @Test
  void logisticFrontCentreIsPredictedFromItsPrefix() {
    double centre = 600;
    SeriesData mode = logisticMode(3.0, 0.02, centre, 1000);
    // issued at step 500, 100 steps (two widths) before the midpoint
    List<Forecast> f = PrecursorForecaster.at(List.of(mode), 500, HORIZONS);
    assertEquals(3, f.size());
    double predicted = f.get(0).expectedStep();
    assertTrue(Math.abs(predicted - centre) <= 0.2 * (centre - 500),
        "predicted " + predicted + " for a centre at " + centre);
    assertEquals(List.of("chain/end_to_end/sv1"), f.get(0).series());
    assertTrue(f.get(0).pJump() < 0.2 && f.get(0).pJump() < f.get(1).pJump(),
        "10-step horizon: " + f.get(0).pJump());
    assertTrue(f.get(2).pJump() > 0.9, "200-step horizon: " + f.get(2).pJump());
    assertEquals(0.0, f.get(2).pDivergence());

    FrontForecast.Front front = FrontForecast.at(mode.steps(), mode.values(), 50);
    assertNotNull(front);
    assertEquals(3.0, front.level(), 0.05);
    assertEquals(100.0, front.width(), 5.0);
  }

  @Test
  void exponentialBlowUpIsForecastBeforeItHappens() {
    // loss decays, then grows by e^{0.8} per step from step 60 (doubling faster than the log
    // interval): above 1000 x initial at step 70
    int n = 90;
    long[] s = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = i;
      v[i] = i < 60 ? Math.exp(-0.02 * i) : Math.exp(-1.2 + 0.8 * (i - 60));
    }
    SeriesData loss = new SeriesData("loss", "", s, v);
    int firstBad = -1;
    for (int i = 0; i < n && firstBad < 0; i++) {
      if (v[i] >= 1000 * v[0]) {
        firstBad = i;
      }
    }
    long alarm = -1;
    for (long t = 0; t < firstBad && alarm < 0; t++) {
      if (PrecursorForecaster.at(List.of(loss), t, HORIZONS).get(0).pDivergence() >= 0.5) {
        alarm = t;
      }
    }
    assertTrue(alarm >= 0 && alarm < firstBad, "alarm at " + alarm + ", bad from " + firstBad);
    assertTrue(firstBad - alarm >= 3, "lead " + (firstBad - alarm));
    GrowthFit.Growth g = GrowthFit.fit(s, v, 70, 5);
    assertEquals(Math.log(2) / 0.8, g.doublingTime(), 1e-9);
  }

  /**
   * A loss logged every 6 steps decays for 60 steps, is 40 times its initial level at step 66
   * (×4000 since the sample before) and has diverged by the next: the window test never sees
   * three rising samples, the explosion warns one interval ahead.
   */
  @Test
  void aLossExplodingBetweenCoarseLogsWarnsOneIntervalAhead() {
    long[] s = new long[13];
    double[] v = new double[13];
    for (int i = 0; i < 13; i++) {
      s[i] = 6L * i;
      v[i] = i <= 10 ? 0.5 * Math.exp(-0.4 * i) : i == 11 ? 20.0 : 5e5;
    }
    List<SeriesData> run = List.of(new SeriesData("loss", "", s, v));
    assertEquals(66, firstAlarm(run));
    Forecast f = PrecursorForecaster.at(run, 66, HORIZONS).get(0);
    // ln(1000 / 40) / (ln 4000 / 6 steps) = 3.9 steps to the divergence level
    assertEquals(66 + 6 * Math.log(25) / Math.log(20.0 / v[10]), f.expectedStep(), 1e-9);
    assertEquals(List.of("loss"), f.series());
  }

  /**
   * A per-sample loss whose first value happened to be tiny bursts to 60 times it, ×5 and more
   * above the sample before, again and again: its recent median stands within a decade of the
   * bursts, so no explosion is read into them.
   */
  @Test
  void burstsOfAPerSampleLossAboveATinyFirstValueAreNoExplosion() {
    Random rnd = new Random(5);
    int n = 3000;
    long[] s = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = i;
      double z = rnd.nextGaussian();
      v[i] = i == 0 ? 0.001 : 0.02 * z * z;
    }
    int bursts = 0;
    for (int i = 1; i < n; i++) {
      bursts += v[i] >= PrecursorForecaster.EXPLOSION_LEVEL * v[0]
          && v[i] >= PrecursorForecaster.EXPLOSION_STEP * v[i - 1] ? 1 : 0;
      assertEquals(0.0, PrecursorForecaster.explosionRate(s, v, i, v[0]), "step " + i);
    }
    assertTrue(bursts >= 20, bursts + " bursts");
  }

  /**
   * A loss wandering about 0.01 whose first logged value happened to be 0.001 climbs from 0.002 to
   * 0.03 over three samples: the window rule's conditions hold (×15, not slowing, a new high),
   * and the climb is 30 times the first value, but it stands only 3 times where the loss lives
   * (its early median). No alarm.
   */
  @Test
  void theWindowRulesGateStandsOnTheLossesEarlyLevelNotItsFirstValue() {
    double[] v = {0.001, 0.01, 0.012, 0.009, 0.011, 0.01, 0.008, 0.011, 0.002, 0.006, 0.03};
    long[] s = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      s[i] = i;
    }
    List<SeriesData> run = List.of(new SeriesData("loss", "", s, v));
    assertEquals(-1, firstAlarm(run));
    assertEquals(0.01, PrecursorForecaster.gateLevel(v, 10, v[0]), 1e-15);
    // the same climb from a loss that started at its level of 0.01 would need 0.08 as well
    assertEquals(0.05, PrecursorForecaster.gateLevel(new double[] {0.05, 0.01, 0.012}, 2, 0.05));
  }

  @Test
  void quietNoisyDecayRaisesNothing() {
    Random rnd = new Random(3);
    int n = 2000;
    long[] s = new long[n];
    double[] loss = new double[n];
    double[] sv = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = 5L * i;
      loss[i] = (0.1 + Math.exp(-i / 400.0)) * (1 + 0.2 * rnd.nextGaussian());
      sv[i] = 1.0 + 0.02 * rnd.nextGaussian();
    }
    List<SeriesData> run = List.of(new SeriesData("loss", "", s, loss),
        new SeriesData("end_to_end/sv1", "chain", s, sv));
    for (Forecast f : PrecursorForecaster.forecast(run, HORIZONS)) {
      assertTrue(f.pDivergence() < 0.5 && f.pJump() < 0.5, f.toString());
    }
  }

  /** Truncating every series after t never changes the forecast at t. */
  @Test
  void forecastAtTUsesOnlyDataUpToT() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 20; trial++) {
      int n = 60 + rnd.nextInt(100);
      long[] s = new long[n];
      double[] loss = new double[n];
      double[] sv = new double[n];
      long step = 0;
      double blowUp = rnd.nextInt(n);
      double centre = rnd.nextInt(3 * n);
      for (int i = 0; i < n; i++) {
        step += 1 + rnd.nextInt(5);
        s[i] = step;
        loss[i] = Math.exp(-0.01 * i + (i > blowUp ? 0.4 * (i - blowUp) : 0))
            * (1 + 0.05 * rnd.nextGaussian());
        sv[i] = 2 / (1 + Math.exp(-0.05 * (s[i] - centre))) * (1 + 0.01 * rnd.nextGaussian());
      }
      List<SeriesData> full = List.of(new SeriesData("loss", "", s, loss),
          new SeriesData("l1/sv1", "l1", s, sv));
      for (int k = 0; k < n; k += 3) {
        int m = k + 1;
        List<SeriesData> cut = List.of(
            new SeriesData("loss", "", Arrays.copyOf(s, m), Arrays.copyOf(loss, m)),
            new SeriesData("l1/sv1", "l1", Arrays.copyOf(s, m), Arrays.copyOf(sv, m)));
        // later samples of the full run are changed wildly: the forecast must not move
        List<SeriesData> poisoned = new ArrayList<>();
        for (SeriesData d : full) {
          double[] v = d.values().clone();
          for (int i = m; i < n; i++) {
            v[i] = i % 2 == 0 ? Double.NaN : 1e30;
          }
          poisoned.add(new SeriesData(d.name(), d.group(), d.steps(), v));
        }
        List<Forecast> a = PrecursorForecaster.at(full, s[k], HORIZONS);
        assertEquals(a, PrecursorForecaster.at(cut, s[k], HORIZONS), "step " + s[k]);
        assertEquals(a, PrecursorForecaster.at(poisoned, s[k], HORIZONS), "step " + s[k]);
      }
    }
  }

  /** Checkpoints every 20 steps to 2000, a value per checkpoint from a function of the index. */
  private static SeriesData every20(String name, String group,
                                    java.util.function.IntToDoubleFunction f) {
    int n = 101;
    long[] s = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = 20L * i;
      v[i] = f.applyAsDouble(i);
    }
    return new SeriesData(name, group, s, v);
  }

  /** First step with p_divergence ≥ 0.5 at some horizon, −1 when none. */
  private static long firstAlarm(List<SeriesData> run) {
    for (long t : PrecursorForecaster.forecastSteps(run)) {
      for (Forecast f : PrecursorForecaster.at(run, t, HORIZONS)) {
        if (f.pDivergence() >= 0.5) {
          return t;
        }
      }
    }
    return -1;
  }

  /**
   * Attention-logit growth (Wortsman et al. 2023): head 1's W_Q W_Kᵀ norm starts doubling every
   * checkpoint at step 1000 while the loss creeps up, far from any loss-based alarm; the QK
   * trigger warns and names the head, with an expected divergence three doubling times ahead.
   */
  @Test
  void growingQkNormWarnsOfDivergenceAndNamesTheHead() {
    SeriesData loss = every20("loss", "", i -> 2.0 * Math.pow(1.15, Math.max(0,
        Math.min(i, 60) - 50)));
    SeriesData qk0 = every20("head0.qk/spectral_norm", "h.0.attn", i -> 1.0 + 0.001 * i);
    SeriesData qk1 = every20("head1.qk/spectral_norm", "h.0.attn",
        i -> i < 50 ? 1.0 + 0.001 * i : 1.05 * Math.pow(2, i - 50));
    assertEquals(-1, firstAlarm(List.of(loss, qk0)), "no alarm without the growth");
    List<SeriesData> run = List.of(loss, qk0, qk1);
    long alarm = firstAlarm(run);
    // ×4 over its initial level after two doublings (step 1040); the loss's median of three
    // passes 1.25x its low one checkpoint later
    assertEquals(1060, alarm);
    Forecast f = PrecursorForecaster.at(run, alarm, HORIZONS).get(2);
    assertEquals(List.of("h.0.attn/head1.qk/spectral_norm"), f.series());
    // three doubling times of the window's fit (20 steps, slower with the window's flat start)
    assertTrue(f.expectedStep() >= alarm + 60 && f.expectedStep() <= alarm + 120,
        "expected step " + f.expectedStep());
  }

  /**
   * An unembedding norm growing exponentially while the loss rises warns too; the same growth
   * while the loss sits on a plateau (attention sharpening out of a small initialisation before
   * an induction head forms) or falls does not.
   */
  @Test
  void unembeddingGrowthWithARisingLossWarnsButGrowthOnAPlateauDoesNot() {
    SeriesData rising = every20("loss", "", i -> i < 60 ? 3.0 : 3.0 + 0.5 * (i - 60));
    SeriesData unembed = every20("lm_head.weight/spectral_norm", "lm_head.weight",
        i -> i < 60 ? 2.0 : 2.0 * Math.exp(0.5 * (i - 60)));
    long alarm = firstAlarm(List.of(rising, unembed));
    assertTrue(alarm > 1200 && alarm <= 1300, "alarm at " + alarm);
    assertTrue(PrecursorForecaster.at(List.of(rising, unembed), alarm, HORIZONS).get(0).series()
        .contains("lm_head.weight/lm_head.weight/spectral_norm"));

    SeriesData plateau = every20("loss", "", i -> 3.178 + 0.003 * Math.sin(i));
    SeriesData falling = every20("loss", "", i -> 3.0 * Math.exp(-0.02 * i));
    SeriesData forming = every20("head0.qk/spectral_norm", "h.1.attn",
        i -> i < 60 ? 0.03 : 0.03 * Math.exp(0.7 * (i - 60)));
    assertEquals(-1, firstAlarm(List.of(plateau, forming)));
    assertEquals(-1, firstAlarm(List.of(falling, forming)));
    assertEquals(-1, firstAlarm(List.of(plateau, unembed)));
    assertTrue(firstAlarm(List.of(rising, forming)) > 0, "the same growth, loss rising");
  }

  /**
   * A held-out loss coming back down from memorisation below its chance level (grokking) times a
   * jump: the expected step is the kernel's crossing of half the chance level and the held-out
   * loss carries it, while the training loss, long since low, forecasts nothing.
   */
  @Test
  void heldOutLossReturningFromMemorisationForecastsTheJump() {
    double chance = Math.log(31);
    SeriesData train = every20("loss", "", i -> chance * Math.exp(-0.5 * i));
    SeriesData heldOut = every20("val_loss", "", i -> i <= 15 ? chance * (1 + 0.2 * i)
        : 4 * chance * Math.exp(-0.05 * (i - 15)));
    long t = 20L * 45; // 4 e^{-1.5} ≈ 0.89 of the chance level
    Forecast f = PrecursorForecaster.at(List.of(train, heldOut), t, HORIZONS).get(0);
    FrontForecast.Front expected = HeldOutLossForecast.at(heldOut.steps(), heldOut.values(), 45);
    assertNotNull(expected);
    assertEquals(expected.centre(), f.expectedStep(), 1e-9);
    assertEquals(List.of("val_loss"), f.series());
    assertTrue(f.pJump() > 0);
  }

  /**
   * A loss that fell more than half of its way between its first two logged samples (a deep
   * linear chain of the randomized lab, seeds 600-899, logged sparsely) has no two doublings of
   * its fall to read: no samples, where the search for them ran off the series' start and the
   * job's detection stage failed with an index of -1.
   */
  @Test
  void aLossThatFellMostOfItsWayByItsFirstLoggedSampleGivesNoSamples() {
    SeriesData loss = new SeriesData("loss", "", new long[] {0, 50, 100, 150, 200, 250},
        new double[] {1.0, 0.30, 0.25, 0.22, 0.20, 0.19});
    assertNull(PrecursorForecaster.lossSamples(loss, 250));
    long[] steps = new long[11];
    Arrays.setAll(steps, i -> 50L * i);
    SeriesData slow = new SeriesData("loss", "", steps,
        new double[] {1.0, 0.999, 0.998, 0.997, 0.996, 0.995, 0.99, 0.98, 0.96, 0.92, 0.83});
    assertArrayEquals(new int[] {8, 9, 10}, PrecursorForecaster.lossSamples(slow, 500));
  }

  @Test
  void badArgumentsAreRejectedWithTheirValues() {
    SeriesData mode = logisticMode(1, 0.1, 100, 200);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class,
        () -> PrecursorForecaster.at(List.of(mode), 10, new long[] {0}));
    assertEquals("forecast horizon must be >= 1 step, got 0", e.getMessage());
    assertNull(GrowthFit.fit(mode.steps(), mode.values(), 1, 5));
    assertFalse(PrecursorForecaster.forecastSteps(List.of(mode)).length == 0);
  }
}
