package org.shockscope.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.shockscope.StepIndex;
import org.shockscope.shock.SeriesData;

class EscapeForecastTest {
  private static final long[] HORIZONS = {10, 50, 200};
  /** Plateau loss, the escape's rate and midpoint, the loss's and checkpoints' intervals. */
  private static final double PLATEAU = 0.1;
  private static final double RATE = 0.01;
  private static final double MIDPOINT = 6000;
  private static final int LOG_EVERY = 16;
  private static final int CHECKPOINT_EVERY = 500;

  /**
   * A student's loss on its symmetric plateau, then a logistic escape towards zero,
   * {@code loss = J − J / (1 + e^{−r(t − t_s)})}, with multiplicative noise of relative scale
   * {@code noise} (fixed seed).
   */
  private static SeriesData loss(double noise, long until) {
    int n = (int) (until / LOG_EVERY) + 1;
    long[] s = new long[n];
    double[] v = new double[n];
    Random rnd = new Random(7);
    for (int i = 0; i < n; i++) {
      s[i] = (long) LOG_EVERY * i;
      double drop = PLATEAU / (1 + Math.exp(-RATE * (s[i] - MIDPOINT)));
      v[i] = (PLATEAU - drop) * (1 + noise * rnd.nextGaussian());
    }
    return new SeriesData("loss", "", s, v);
  }

  /**
   * The second singular value of a two-unit student's first layer: on a floor while the units
   * coincide, then growing as e^{λt} (λ = 0.02 per step) from step 5200 until it saturates at 1.
   */
  private static SeriesData secondSingularValue(long until) {
    int n = (int) (until / CHECKPOINT_EVERY) + 1;
    long[] s = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = (long) CHECKPOINT_EVERY * i;
      double grown = 7e-5 * Math.exp(0.02 * Math.max(0, s[i] - 5200));
      v[i] = Math.min(1.0, grown * (1 + 0.01 * (i % 3)));
    }
    return new SeriesData("fc1.weight/sv2", "fc1", s, v);
  }

  private static SeriesData firstSingularValue(long until) {
    int n = (int) (until / CHECKPOINT_EVERY) + 1;
    long[] s = new long[n];
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      s[i] = (long) CHECKPOINT_EVERY * i;
      v[i] = 1.2;
    }
    return new SeriesData("fc1.weight/sv1", "fc1", s, v);
  }

  @Test
  void splitIsTheCheckpointWhereALowerSingularValueLeavesItsFloor() {
    SeriesData sv2 = secondSingularValue(8000);
    // 5500: 7e-5·e^{6} ≈ 0.028, ×400 above the floor at 5000 and 4500
    assertEquals(11, EscapeForecast.splitIndex(sv2.values(), sv2.values().length - 1));
    assertEquals(-1, EscapeForecast.splitIndex(sv2.values(), 10), "causal: not before 5500");
  }

  @Test
  void aSingularValueWanderingNearZeroAndClimbingBackIsNoSplit() {
    // a random walk of the weights: the smallest singular value dips to 1e-3 and climbs back to
    // 0.5 over many checkpoints, far more than 100x its low, never within one interval
    double[] v = {0.3, 0.1, 0.03, 0.01, 0.003, 0.001, 0.004, 0.02, 0.06, 0.2, 0.5};
    assertEquals(-1, EscapeForecast.splitIndex(v, v.length - 1));
    // an unsteady floor is no floor either
    assertEquals(-1, EscapeForecast.splitIndex(new double[] {1e-4, 1e-3, 0.5}, 2));
  }

  @Test
  void logisticEscapeMidpointIsForecastFromTheLossAfterTheSplit() {
    SeriesData loss = loss(0.0, 9000);
    long[] s = loss.steps();
    int first = -1;
    int last = -1;
    for (int e = 0; e < s.length; e++) {
      FrontForecast.Front f = EscapeForecast.at(s, loss.values(), 5500, e);
      if (f == null || s[e] >= MIDPOINT) {
        // half the drop is the end of the forecast: nothing after it
        assertTrue(f == null || s[e] == MIDPOINT, "forecast at " + s[e]);
        continue;
      }
      first = first < 0 ? e : first;
      last = e;
      // the line through the last drops lags a logistic's convex rise: within a third of the
      // time that remains from a drop of 15%, within 20% once the drop is 38% (step 5952)
      double error = Math.abs(f.centre() - MIDPOINT) / (MIDPOINT - s[e]);
      assertTrue(error <= (s[e] >= 5952 ? 0.2 : 1.0 / 3),
          "issued at " + s[e] + ": " + f.centre() + " for a midpoint at " + MIDPOINT);
      assertEquals(2 / RATE, f.width(), 0.4 * 2 / RATE);
    }
    // from a drop of 15% of the plateau (t_s − ln(0.85/0.15)/r ≈ 5827) until half of it
    assertEquals(5840, s[first]);
    assertTrue(s[last] < MIDPOINT && s[last] >= MIDPOINT - 2 * LOG_EVERY, "last at " + s[last]);
  }

  @Test
  void escapeForecastReadsNoLossAfterItsStep() {
    SeriesData loss = loss(0.03, 9000);
    int e = StepIndex.lastAtOrBefore(loss.steps(), 5904);
    FrontForecast.Front f = EscapeForecast.at(loss.steps(), loss.values(), 5500, e);
    assertNotNull(f);
    double[] changed = loss.values().clone();
    Arrays.fill(changed, e + 1, changed.length, 5.0);
    FrontForecast.Front g = EscapeForecast.at(loss.steps(), changed, 5500, e);
    assertEquals(f, g);
  }

  @Test
  void escapeIsForecastAtTheLoggedStepsBetweenCheckpoints() {
    List<SeriesData> run = List.of(loss(0.03, 9000), firstSingularValue(9000),
        secondSingularValue(9000));
    long[] steps = PrecursorForecaster.forecastSteps(run);
    long between = Arrays.stream(steps).filter(t -> t > 5500 && t < MIDPOINT
        && t % CHECKPOINT_EVERY != 0).count();
    assertTrue(between > 0, "no forecast step between the split and the midpoint");
    long first = -1;
    double expected = Double.NaN;
    for (long t : steps) {
      List<Forecast> f = PrecursorForecaster.at(run, t, HORIZONS);
      if (t < MIDPOINT && !Double.isNaN(f.get(0).expectedStep())) {
        first = t;
        expected = f.get(0).expectedStep();
        assertEquals(List.of("loss"), f.get(0).series());
        assertTrue(f.get(2).pJump() > f.get(0).pJump());
        break;
      }
    }
    assertTrue(first > 5500, "first forecast at " + first);
    assertTrue(Math.abs(expected - MIDPOINT) <= 0.2 * (MIDPOINT - first),
        "first forecast at " + first + ": " + expected);
  }

  @Test
  void aLossFallWithoutASplitOrLongAfterItIsNotForecast() {
    SeriesData loss = loss(0.03, 9000);
    // no singular value left a floor: the same fall gets no escape forecast
    for (long t : PrecursorForecaster.forecastSteps(List.of(loss, firstSingularValue(9000)))) {
      assertTrue(Double.isNaN(PrecursorForecaster.at(List.of(loss, firstSingularValue(9000)), t,
          HORIZONS).get(0).expectedStep()), "forecast at " + t);
    }
    // a split seen at 2500 is over by 3500: a fall at 6000 is not its escape
    long[] s = new long[19];
    double[] v = new double[19];
    for (int i = 0; i < s.length; i++) {
      s[i] = (long) CHECKPOINT_EVERY * i;
      v[i] = i < 5 ? 7e-5 : 0.9;
    }
    List<SeriesData> run = List.of(loss, firstSingularValue(9000),
        new SeriesData("fc1.weight/sv2", "fc1", s, v));
    assertFalse(Arrays.stream(PrecursorForecaster.forecastSteps(run))
        .anyMatch(t -> t > 5500 && t % CHECKPOINT_EVERY != 0));
  }

  @Test
  void aLinearChainsModeRisingFromItsFloorIsNoSplit() {
    // the same rise in a chain's end-to-end map is a mode being learned (ChainModeForecast's)
    SeriesData sv2 = secondSingularValue(9000);
    List<SeriesData> run = List.of(loss(0.03, 9000),
        new SeriesData("end_to_end/sv1", "layers", firstSingularValue(9000).steps(),
            firstSingularValue(9000).values()),
        new SeriesData("end_to_end/sv2", "layers", sv2.steps(), sv2.values()));
    assertFalse(Arrays.stream(PrecursorForecaster.forecastSteps(run))
        .anyMatch(t -> t % CHECKPOINT_EVERY != 0));
  }

  @Test
  void escapeRejectsAnIndexOutOfRange() {
    SeriesData loss = loss(0.0, 1000);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EscapeForecast.at(loss.steps(), loss.values(), 500, loss.steps().length));
    assertEquals("index 63 out of range for 63 steps and 63 values", e.getMessage());
  }
}
