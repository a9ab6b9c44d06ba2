package org.shockscope.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HeldOutLossForecastTest {
  /** Chance level of 31 classes, ln 31. */
  private static final double CHANCE = Math.log(31);
  /** Memorisation peak, its last step, and the e-folding time of the fall after it. */
  private static final double PEAK = 3.5 * CHANCE;
  private static final long PEAK_UNTIL = 300;
  private static final double TAU = 200;
  private static final int LOG_EVERY = 10;

  /**
   * A held-out loss of a network that memorises, then generalises: at its chance level at step
   * 0, up linearly to the peak by step 150, on it until {@link #PEAK_UNTIL}, then falling
   * exponentially with e-folding time {@link #TAU}. Logged every {@link #LOG_EVERY} steps.
   */
  private static double[] heldOut(long[] steps) {
    double[] v = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      long t = steps[i];
      v[i] = t <= 150 ? CHANCE + (PEAK - CHANCE) * t / 150.0
          : t <= PEAK_UNTIL ? PEAK : PEAK * Math.exp(-(t - PEAK_UNTIL) / TAU);
    }
    return v;
  }

  private static long[] steps(int n) {
    long[] s = new long[n];
    for (int i = 0; i < n; i++) {
      s[i] = (long) LOG_EVERY * i;
    }
    return s;
  }

  /** Index of the step {@code t} in {@link #steps}. */
  private static int at(long t) {
    return (int) (t / LOG_EVERY);
  }

  @Test
  void halfwayCrossingOfAnExponentialReturnFromMemorisationIsForecast() {
    long[] s = steps(200);
    double[] v = heldOut(s);
    // L0/2 is reached where PEAK·e^{−(t − 300)/τ} = CHANCE/2: t = 300 + τ·ln(2·PEAK/CHANCE)
    double crossing = PEAK_UNTIL + TAU * Math.log(2 * PEAK / CHANCE);
    long t = 600; // back below the chance level (at 300 + τ·ln 3.5 ≈ 551) and still above L0/2
    FrontForecast.Front f = HeldOutLossForecast.at(s, v, at(t));
    assertNotNull(f);
    assertEquals(crossing, f.centre(), 1e-6 * crossing);
    assertEquals(TAU, f.width(), 1e-6 * TAU);
    assertEquals(CHANCE / 2, f.level(), 1e-12);
  }

  @Test
  void aLossStillAboveItsChanceLevelOrAlreadyHalfwayIsNotForecast() {
    long[] s = steps(200);
    double[] v = heldOut(s);
    assertNull(HeldOutLossForecast.at(s, v, at(500)));
    assertNull(HeldOutLossForecast.at(s, v, at(800)));
  }

  @Test
  void aLossThatNeverRoseAboveItsChanceLevelIsNotForecast() {
    // a training loss falling exponentially from its first value: no memorisation to return from
    long[] s = steps(200);
    double[] v = new double[s.length];
    for (int i = 0; i < s.length; i++) {
      v[i] = CHANCE * Math.exp(-s[i] / TAU);
    }
    assertNull(HeldOutLossForecast.at(s, v, at(100)));
  }

  @Test
  void aSpikeAboveTheChanceLevelIsNoMemorisation() {
    // one sample at 2.5 L0, then a steady fall: the rise must last the fit's window
    long[] s = steps(100);
    double[] v = new double[s.length];
    v[0] = CHANCE;
    v[1] = 2.5 * CHANCE;
    for (int i = 2; i < s.length; i++) {
      v[i] = 0.99 * CHANCE * Math.exp(-(s[i] - s[2]) / TAU);
    }
    assertNull(HeldOutLossForecast.at(s, v, at(100)));
  }

  @Test
  void aDropFromThePeakWithinFewerSamplesThanTheWindowIsNotTimed() {
    long[] s = steps(30);
    double[] v = new double[s.length];
    v[0] = CHANCE;
    for (int i = 1; i < s.length; i++) {
      v[i] = i < 20 ? 3 * CHANCE : CHANCE * (1 - 0.08 * (i - 19));
    }
    // three samples below the peak: the fit's window would reach back onto it
    assertNull(HeldOutLossForecast.at(s, v, 22));
    // five: the window lies on the fall
    assertNotNull(HeldOutLossForecast.at(s, v, 24));
  }

  @Test
  void aLossThatTurnsBackUpOnItsWayDownIsNotForecast() {
    // a wandering loss whose first sample happened to be low: above RISEN·L0 for a while, then
    // down with a turn back up, then falling over the last five samples below L0
    double l0 = 0.05;
    double[] v = {l0, 0.2, 0.25, 0.18, 0.22, 0.3, 0.2, 0.07, 0.072, 0.065, 0.06, 0.055, 0.048,
        0.044, 0.04};
    long[] s = steps(v.length);
    assertNull(HeldOutLossForecast.at(s, v, v.length - 1));
    // the same fall without the turn is timed
    v[8] = 0.068;
    assertNotNull(HeldOutLossForecast.at(s, v, v.length - 1));
  }

  @Test
  void anIndexOutOfRangeIsRejectedWithItsValue() {
    long[] s = steps(20);
    double[] v = heldOut(s);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HeldOutLossForecast.at(s, v, 20));
    assertEquals("index 20 out of range for 20 steps and 20 values", e.getMessage());
  }
}
