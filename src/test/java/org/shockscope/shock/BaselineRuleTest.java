package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BaselineRuleTest {
  /** 128 values alternating 1.0 / 1.2: mean 1.1, population std 0.1, threshold 1.7. */
  private static double[] olmoHistory(int extra) {
    double[] v = new double[128 + extra];
    for (int i = 0; i < 128; i++) {
      v[i] = i % 2 == 0 ? 1.0 : 1.2;
    }
    return v;
  }

  @Test
  void olmoFlagsAboveSixSigmaOfThePrevious128() {
    double[] v = olmoHistory(1);
    v[128] = 1.71;
    assertTrue(BaselineRule.OLMO_CORE_STABILITY.flags(v)[128]);
    v[128] = 1.69;
    assertFalse(BaselineRule.OLMO_CORE_STABILITY.flags(v)[128]);
    v[128] = -100;
    assertFalse(BaselineRule.OLMO_CORE_STABILITY.flags(v)[128], "downward never counts");
  }

  @Test
  void olmoNeedsAFullWindowAndSomeSpread() {
    double[] early = new double[127];
    early[126] = 1e9;
    for (boolean f : BaselineRule.OLMO_CORE_STABILITY.flags(early)) {
      assertFalse(f);
    }
    double[] constant = new double[129];
    constant[128] = 1e9;
    assertFalse(BaselineRule.OLMO_CORE_STABILITY.flags(constant)[128], "std < 1e-10");
  }

  /**
   * A spike enters the history: after a 50, the window's std is about 4.3, so a following 20
   * (which a clean window would flag) is no longer 6σ above the mean.
   */
  @Test
  void olmoHistoryIncludesSpikes() {
    double[] v = olmoHistory(2);
    v[128] = 50;
    v[129] = 20;
    boolean[] f = BaselineRule.OLMO_CORE_STABILITY.flags(v);
    assertTrue(f[128]);
    assertFalse(f[129]);
    double[] clean = olmoHistory(1);
    clean[128] = 20;
    assertTrue(BaselineRule.OLMO_CORE_STABILITY.flags(clean)[128]);
  }

  /** As in Python, a NaN in the window poisons the mean (no flags), +∞ is flagged. */
  @Test
  void olmoNonFiniteValuesBehaveAsInPython() {
    double[] v = olmoHistory(2);
    v[128] = Double.POSITIVE_INFINITY;
    assertTrue(BaselineRule.OLMO_CORE_STABILITY.flags(v)[128]);
    double[] w = olmoHistory(1);
    w[5] = Double.NaN;
    w[128] = 1e9;
    assertFalse(BaselineRule.OLMO_CORE_STABILITY.flags(w)[128]);
  }

  @Test
  void megatronFlagsTenTimesTheMaximumOfTheFirstHundred() {
    double[] v = new double[104];
    for (int i = 0; i < 100; i++) {
      v[i] = 1 + (i % 7) * 0.1;
    }
    v[30] = -2.0; // |value| counts: the reference maximum is 2.0
    v[100] = 19.99;
    v[101] = 20.0; // >= 10 × max
    v[102] = Double.NaN;
    v[103] = -25.0;
    boolean[] f = BaselineRule.MEGATRON_SPIKY_LOSS.flags(v);
    assertFalse(f[100]);
    assertTrue(f[101]);
    assertFalse(f[102]);
    assertTrue(f[103]);
    for (int i = 0; i < 100; i++) {
      assertFalse(f[i]);
    }
  }

  /**
   * Non-finite values are not counted among the 100 reference samples, and the maximum is not
   * updated afterwards (a loss of 25 after a flagged 20 is still flagged against 2.0).
   */
  @Test
  void megatronReferenceIgnoresNonFiniteAndFreezes() {
    double[] v = new double[103];
    v[0] = Double.POSITIVE_INFINITY;
    for (int i = 1; i <= 100; i++) {
      v[i] = 1.0;
    }
    v[101] = 10.0;
    v[102] = 9.99;
    boolean[] f = BaselineRule.megatronSpikyLoss(v, 10.0, 100);
    assertFalse(f[100], "sample 100 is the 100th finite one, still a reference");
    assertTrue(f[101]);
    assertFalse(f[102]);
  }

  @Test
  void consecutiveFlagsAreOneDetectionAtTheFirstStep() {
    double[] v = olmoHistory(5);
    v[129] = 50;
    v[130] = 60;
    v[132] = 70;
    long[] steps = new long[v.length];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = 10L * i;
    }
    assertArrayEquals(new boolean[] {false, true, true, false, true},
        java.util.Arrays.copyOfRange(BaselineRule.OLMO_CORE_STABILITY.flags(v), 128, 133));
    List<Detection> d = BaselineRule.OLMO_CORE_STABILITY.detections("r", "loss", steps, v);
    assertEquals(2, d.size());
    assertEquals(1290, d.get(0).step());
    assertEquals(1320, d.get(1).step());
    assertEquals(ShockEvent.SPIKE, d.get(0).kind());
    assertEquals(List.of("loss"), d.get(0).series());
  }
}
