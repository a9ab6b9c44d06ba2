package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RunBootstrapF1Test {
  private static double pooled(int[] tp, int[] fp, int[] fn) {
    long t = 0;
    long w = 0;
    for (int i = 0; i < tp.length; i++) {
      t += tp[i];
      w += fp[i] + fn[i];
    }
    return 2.0 * t / (2.0 * t + w);
  }

  @Test
  void theIntervalHoldsThePooledF1AndTheSameCountsGiveTheSameInterval() {
    SplittableRandom r = new SplittableRandom(7);
    for (int trial = 0; trial < 20; trial++) {
      int n = 5 + r.nextInt(60);
      int[] tp = new int[n];
      int[] fp = new int[n];
      int[] fn = new int[n];
      for (int i = 0; i < n; i++) {
        tp[i] = r.nextInt(6);
        fp[i] = r.nextInt(10) < 8 ? 0 : r.nextInt(3);
        fn[i] = r.nextInt(10) < 8 ? 0 : r.nextInt(3);
      }
      tp[0] = Math.max(tp[0], 1);
      double[] ci = RunBootstrapF1.interval(tp, fp, fn, 0.05, 2000, 11);
      double f1 = pooled(tp, fp, fn);
      assertTrue(ci[0] <= f1 && f1 <= ci[1], "trial " + trial + ": " + f1 + " outside ["
          + ci[0] + ", " + ci[1] + "]");
      assertTrue(ci[0] >= 0 && ci[1] <= 1);
      assertArrayEquals(ci, RunBootstrapF1.interval(tp, fp, fn, 0.05, 2000, 11));
    }
  }

  @Test
  void runsThatAllScoreAlikeLeaveNothingToResample() {
    int[] tp = {2, 2, 2, 2};
    int[] fp = {1, 1, 1, 1};
    int[] fn = {0, 0, 0, 0};
    double[] ci = RunBootstrapF1.interval(tp, fp, fn, 0.05, 500, 3);
    assertEquals(0.8, ci[0], 1e-12);
    assertEquals(0.8, ci[1], 1e-12);
  }

  @Test
  void moreRunsOfTheSameKindNarrowTheIntervalAsOneOverTheirSquareRoot() {
    // a bin of 40 runs: 35 found their two events, 5 each missed one and had a false one
    int[] tp = new int[40];
    int[] fp = new int[40];
    int[] fn = new int[40];
    for (int i = 0; i < 40; i++) {
      tp[i] = i < 35 ? 2 : 1;
      fp[i] = i < 35 ? 0 : 1;
      fn[i] = i < 35 ? 0 : 1;
    }
    double[] small = RunBootstrapF1.interval(tp, fp, fn, 0.05, 4000, 5);
    int[] tp4 = new int[160];
    int[] fp4 = new int[160];
    int[] fn4 = new int[160];
    for (int i = 0; i < 160; i++) {
      tp4[i] = tp[i % 40];
      fp4[i] = fp[i % 40];
      fn4[i] = fn[i % 40];
    }
    double[] large = RunBootstrapF1.interval(tp4, fp4, fn4, 0.05, 4000, 5);
    double ratio = (small[1] - small[0]) / (large[1] - large[0]);
    assertTrue(ratio > 1.6 && ratio < 2.5, "width ratio " + ratio + " for 4x the runs");
  }

  @Test
  void noEventInAnyRunGivesNoInterval() {
    double[] ci = RunBootstrapF1.interval(new int[3], new int[3], new int[3], 0.05, 100, 1);
    assertTrue(Double.isNaN(ci[0]) && Double.isNaN(ci[1]));
    List<DetectorEvaluation.RunTally> none = new ArrayList<>();
    double[] empty = RunBootstrapF1.interval(none, 0.05);
    assertTrue(Double.isNaN(empty[0]) && Double.isNaN(empty[1]));
  }

  @Test
  void countsThatCannotBeResampledAreRefusedWithWhatIsWrong() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunBootstrapF1.interval(new int[2], new int[3], new int[2], 0.05, 10, 1));
    assertTrue(e.getMessage().contains("different lengths"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> RunBootstrapF1.interval(new int[] {-1}, new int[1], new int[1], 0.05, 10, 1));
    assertThrows(IllegalArgumentException.class,
        () -> RunBootstrapF1.interval(new int[1], new int[1], new int[1], 1.0, 10, 1));
  }
}
