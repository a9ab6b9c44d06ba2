package org.shockscope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RunBootstrapTest {
  @Test
  void theIntervalHoldsThePooledRatioAndIsReproducible() {
    SplittableRandom r = new SplittableRandom(5);
    for (int trial = 0; trial < 20; trial++) {
      int n = 3 + r.nextInt(80);
      long[] num = new long[n];
      long[] den = new long[n];
      long top = 0;
      long bottom = 0;
      for (int i = 0; i < n; i++) {
        den[i] = 1 + r.nextInt(4);
        num[i] = r.nextInt((int) den[i] + 1);
        top += num[i];
        bottom += den[i];
      }
      double[] ci = RunBootstrap.ratio(num, den, 0.05, 2000, 3);
      double ratio = (double) top / bottom;
      assertTrue(ci[0] <= ratio && ratio <= ci[1], "trial " + trial + ": " + ratio
          + " outside [" + ci[0] + ", " + ci[1] + "]");
      assertTrue(ci[0] >= 0 && ci[1] <= 1);
      assertArrayEquals(ci, RunBootstrap.ratio(num, den, 0.05, 2000, 3));
    }
  }

  /**
   * 100 runs of 2 jumps each at a share of 0.7: the interval's half-width is close to the normal
   * approximation's 1.96·sd of a mean over runs (sd of a run's share / √100).
   */
  @Test
  void theHalfWidthFollowsTheSpreadOfTheRunsShares() {
    long[] num = new long[100];
    long[] den = new long[100];
    for (int i = 0; i < 100; i++) {
      den[i] = 2;
      // 50 runs with both on time, 40 with one, 10 with none: share (100 + 40) / 200 = 0.7
      num[i] = i < 50 ? 2 : i < 90 ? 1 : 0;
    }
    double mean = 0.7;
    double var = (50 * Math.pow(1.0 - mean, 2) + 40 * Math.pow(0.5 - mean, 2)
        + 10 * Math.pow(0.0 - mean, 2)) / 100;
    double half = 1.96 * Math.sqrt(var / 100);
    double[] ci = RunBootstrap.ratio(num, den, 0.05, 4000, 9);
    assertEquals(half, (ci[1] - ci[0]) / 2, 0.15 * half);
    assertEquals(mean, (ci[0] + ci[1]) / 2, 0.2 * half);
  }

  @Test
  void noRunsOrNoDenominatorGiveNoInterval() {
    double[] none = RunBootstrap.ratio(new long[0], new long[0], 0.05, 100, 1);
    assertTrue(Double.isNaN(none[0]) && Double.isNaN(none[1]));
    double[] zero = RunBootstrap.ratio(new long[] {0, 0}, new long[] {0, 0}, 0.05, 100, 1);
    assertTrue(Double.isNaN(zero[0]) && Double.isNaN(zero[1]));
  }

  @Test
  void badCountsAndArgumentsAreRefused() {
    assertEquals("per-run counts of different lengths: 2 numerators, 1 denominators",
        assertThrows(IllegalArgumentException.class,
            () -> RunBootstrap.ratio(new long[2], new long[1], 0.05, 10, 1)).getMessage());
    assertEquals("run 1 has a negative count", assertThrows(IllegalArgumentException.class,
        () -> RunBootstrap.ratio(new long[] {0, -1}, new long[] {1, 1}, 0.05, 10, 1))
        .getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> RunBootstrap.ratio(new long[1], new long[1], 1.0, 10, 1));
    assertThrows(IllegalArgumentException.class,
        () -> RunBootstrap.ratio(new long[1], new long[1], 0.05, 0, 1));
  }
}
