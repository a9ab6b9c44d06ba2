package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PerSampleMeansTest {
  private static long[] steps(int n) {
    long[] s = new long[n];
    for (int i = 0; i < n; i++) {
      s[i] = 10L * i + 10;
    }
    return s;
  }

  @Test
  void aLossWithScatteredZerosIsAveragedOverBlocksEndingAtItsLastSample() {
    // half the samples zero: 0.5^B < 1e-3 first at B = 10
    int n = 105;
    double[] loss = new double[n];
    for (int i = 0; i < n; i++) {
      loss[i] = i == 0 ? 4.0 : i % 2 == 0 ? 0.0 : 1.0;
    }
    PerSampleMeans means = PerSampleMeans.of(steps(n), loss, 1e-10, 8);
    assertNotNull(means);
    assertEquals(10, means.values().length);
    // the first five samples are left out, the blocks end at the last sample
    assertEquals(150, means.steps()[0]);
    assertEquals(1050, means.steps()[9]);
    for (double v : means.values()) {
      assertEquals(0.5, v, 1e-12);
    }
  }

  @Test
  void fewSamplesMakeTheBlockSmallerSoThatEnoughMeansRemain() {
    double[] loss = {3, 1, 0, 2, 0, 1, 0, 0, 1, 0, 2, 0, 0, 1, 0, 1, 0, 0, 2, 0, 1, 0};
    PerSampleMeans means = PerSampleMeans.of(steps(loss.length), loss, 1e-10, 8);
    assertNotNull(means);
    assertEquals(11, means.values().length);
    assertEquals(0.5, means.values()[10], 1e-12);
    // fewer than 2 x 8 samples: no means of two samples each could fill the analysis
    assertNull(PerSampleMeans.of(steps(15), java.util.Arrays.copyOf(loss, 15), 1e-10, 8));
  }

  @Test
  void anAccuracyRisingFromZeroALossThatUnderflowsAndADivergingLossKeepTheirSamples() {
    double[] accuracy = {0, 0, 0.01, 0, 0, 0.02, 0, 0.1, 0.4, 0.8, 0.9, 0.95, 0.96, 0.97};
    assertNull(PerSampleMeans.of(steps(accuracy.length), accuracy, 1e-10, 8));
    double[] underflow = {1, 0.1, 1e-3, 1e-6, 1e-12, 0, 0, 1e-40, 0, 0, 0, 0};
    assertNull(PerSampleMeans.of(steps(underflow.length), underflow, 1e-10, 8));
    double[] diverging = {1, 0, 0.5, 0, 0.4, 0, 0.3, 0, 0.5, 0, 9, Double.POSITIVE_INFINITY};
    assertNull(PerSampleMeans.of(steps(diverging.length), diverging, 1e-10, 8));
    double[] positive = {1, 0.5, 0.4, 0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1};
    assertNull(PerSampleMeans.of(steps(positive.length), positive, 1e-10, 8));
  }

  @Test
  void theMeansKeepTheSeriesUnits() {
    double[] loss = new double[64];
    for (int i = 0; i < loss.length; i++) {
      loss[i] = i == 0 ? 8.0 : i % 3 == 0 ? 0.0 : 3.0;
    }
    PerSampleMeans once = PerSampleMeans.of(steps(64), loss, 1e-10, 8);
    double[] scaled = loss.clone();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] *= 7.0;
    }
    PerSampleMeans seven = PerSampleMeans.of(steps(64), scaled, 7e-10, 8);
    assertArrayEquals(once.steps(), seven.steps());
    for (int i = 0; i < once.values().length; i++) {
      assertEquals(7.0 * once.values()[i], seven.values()[i], 1e-12);
    }
  }

  @Test
  void theBinomialTailSumsThePmfFromK() {
    // P(X >= 2), X ~ Binomial(8, 0.01): 1 - 0.99^8 - 8 * 0.01 * 0.99^7
    assertEquals(1 - Math.pow(0.99, 8) - 0.08 * Math.pow(0.99, 7),
        PerSampleMeans.binomialTail(8, 0.01, 2), 1e-15);
    assertEquals(1.0, PerSampleMeans.binomialTail(10, 0.5, 0), 0.0);
    assertEquals(Math.pow(0.5, 10), PerSampleMeans.binomialTail(10, 0.5, 10), 1e-15);
    assertEquals(0.0, PerSampleMeans.binomialTail(10, 0.5, 11), 0.0);
  }
}
