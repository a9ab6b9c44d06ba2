package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PeltChangePointsTest {
  /** The optimal objective over every partition of n points (2^(n−1) of them). */
  private static double bruteForce(double[] y, int n, int d, double penalty, int minSize) {
    double best = Double.POSITIVE_INFINITY;
    for (int mask = 0; mask < 1 << (n - 1); mask++) {
      int[] cps = new int[Integer.bitCount(mask)];
      int c = 0;
      int prev = 0;
      boolean ok = true;
      for (int i = 1; i < n; i++) {
        if ((mask & (1 << (i - 1))) != 0) {
          ok &= i - prev >= minSize;
          cps[c++] = i;
          prev = i;
        }
      }
      ok &= n - prev >= minSize;
      if (ok) {
        best = Math.min(best, PeltChangePoints.objective(y, n, d, penalty, cps));
      }
    }
    return best;
  }

  /** Piecewise-constant levels with Gaussian noise, random change points. */
  private static double[] steps(Random rng, int n, int d, double noise) {
    double[] y = new double[n * d];
    double[] level = new double[d];
    for (int i = 0; i < n; i++) {
      if (rng.nextDouble() < 0.2) {
        for (int k = 0; k < d; k++) {
          level[k] = 3 * rng.nextGaussian();
        }
      }
      for (int k = 0; k < d; k++) {
        y[i * d + k] = level[k] + noise * rng.nextGaussian();
      }
    }
    return y;
  }

  @Test
  void matchesTheBruteForceOptimumOnSmallInputs() {
    Random rng = new Random(12);
    PeltChangePoints pelt = new PeltChangePoints();
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + rng.nextInt(13);
      int d = 1 + rng.nextInt(3);
      int minSize = 1 + rng.nextInt(3);
      double penalty = Math.exp(rng.nextGaussian() * 2);
      double[] y = steps(rng, n, d, rng.nextDouble());
      PeltChangePoints.Segmentation s = pelt.segment(y, n, d, penalty, minSize);
      double expected = bruteForce(y, n, d, penalty, minSize);
      String where = "trial " + trial + " n=" + n + " d=" + d + " min=" + minSize + " pen="
          + penalty;
      assertEquals(expected, s.objective(), 1e-9 * (1 + Math.abs(expected)), where);
      assertEquals(s.objective(), PeltChangePoints.objective(y, n, d, penalty,
          s.changePoints()), 1e-9 * (1 + Math.abs(expected)), where);
      int prev = 0;
      for (int c : s.changePoints()) {
        assertTrue(c - prev >= minSize, where);
        prev = c;
      }
      assertTrue(n - prev >= minSize || s.changePoints().length == 0, where);
    }
  }

  @Test
  void findsTheStepsOfANoisyStaircaseAndNothingInNoise() {
    Random rng = new Random(3);
    int n = 600;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = (i >= 200 ? 1 : 0) + (i >= 450 ? 2 : 0) + 0.1 * rng.nextGaussian();
    }
    PeltChangePoints pelt = new PeltChangePoints();
    double bic = 2 * 0.01 * Math.log(n);
    assertArrayEquals(new int[] {200, 450}, pelt.segment(y, n, 1, bic, 2).changePoints());
    for (int i = 0; i < n; i++) {
      y[i] = 0.1 * rng.nextGaussian();
    }
    assertEquals(0, pelt.segment(y, n, 1, 3 * bic, 2).changePoints().length);
  }

  @Test
  void refusesNonFiniteValuesAndNegativePenaltiesByName() {
    PeltChangePoints pelt = new PeltChangePoints();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> pelt.segment(new double[] {1, Double.NaN, 2}, 3, 1, 1, 1));
    assertEquals("PELT: value NaN at point 1, dimension 0 is not finite", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> pelt.segment(new double[] {1, 2}, 2, 1, -1, 1));
    assertEquals("PELT: penalty must be finite and >= 0, got -1.0", e.getMessage());
  }
}
