package org.shockscope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sorting median against the selecting one, and the edge cases each documents. */
class OrderStatisticsTest {
  @Test
  void sortingAndSelectingMediansAgreeWithoutNaN() {
    Random r = new Random(7);
    double[] work = new double[64];
    for (int n = 1; n <= 64; n++) {
      double[] a = new double[n];
      for (int i = 0; i < n; i++) {
        // ties on purpose: values from a small set
        a[i] = r.nextInt(2 * n) * 0.25 - n;
      }
      double[] before = a.clone();
      double sorted = OrderStatistics.median(a);
      assertArrayEquals(before, a, "median(double[]) must not modify its input");
      assertEquals(sorted, OrderStatistics.median(a, 0, n, work), 0.0, "n = " + n);
      assertEquals(sorted, OrderStatistics.medianInPlace(a.clone(), n), 0.0, "n = " + n);
    }
  }

  @Test
  void evenCountsAverageTheTwoMiddleValuesAndNoValuesGiveNaN() {
    assertEquals(2.5, OrderStatistics.median(new double[] {4, 1, 3, 2}));
    assertEquals(3.0, OrderStatistics.median(new double[] {5, 1, 3}));
    assertTrue(Double.isNaN(OrderStatistics.median(new double[0])));
    assertTrue(Double.isNaN(OrderStatistics.median(new double[] {1}, 1, 1, new double[1])));
  }

  @Test
  void theSortingMedianCountsNaNAsTheLargestValue() {
    assertEquals(2.0, OrderStatistics.median(new double[] {Double.NaN, 1, 2}));
    assertTrue(Double.isNaN(OrderStatistics.median(new double[] {Double.NaN, Double.NaN, 1})));
  }

  @Test
  void madInPlaceIsTheMedianAbsoluteDeviationAndLeavesTheDeviations() {
    double[] w = {1, 2, 3, 4, 100};
    assertEquals(1.0, OrderStatistics.madInPlace(w, 5));
    double[] sorted = w.clone();
    java.util.Arrays.sort(sorted);
    assertArrayEquals(new double[] {0, 1, 1, 2, 97}, sorted);
    assertTrue(Double.isNaN(OrderStatistics.madInPlace(new double[0], 0)));
  }
}
