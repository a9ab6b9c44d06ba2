package org.shockscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The least-squares line on exact lines, a small data set worked by hand, and bad arguments. */
class LeastSquaresLineTest {
  @Test
  void anExactLineInStepsIsRecoveredWithTheInterceptAtTheOriginStep() {
    long[] steps = {1000, 1010, 1030, 1060, 1100};
    double[] y = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      y[i] = 2.5 + 0.125 * (steps[i] - 1100);
    }
    LeastSquaresLine line = LeastSquaresLine.fit(steps, 0, 1100, y, 0, steps.length);
    assertEquals(0.125, line.slope(), 1e-15);
    assertEquals(2.5, line.intercept(), 1e-12);
    assertEquals(0.0, line.slopeStandardError(), 1e-12);
  }

  @Test
  void anExactLineIsRecoveredFromOffsetRangesOfTwoArrays() {
    // the points are x[2..5] and y[1..4]; the other elements would spoil the line
    double[] x = {99, -99, 0.5, 1.5, 4.0, 8.0};
    double[] y = {-7, -0.5 - 3 * 0.5, -0.5 - 3 * 1.5, -0.5 - 3 * 4.0, -0.5 - 3 * 8.0, 42};
    LeastSquaresLine line = LeastSquaresLine.fit(x, 2, y, 1, 4);
    assertEquals(-3.0, line.slope(), 1e-14);
    assertEquals(-0.5, line.intercept(), 1e-13);
    assertEquals(0.0, line.slopeStandardError(), 1e-13);
  }

  @Test
  void theSlopesStandardErrorMatchesTheHandComputation() {
    // x = 0 1 2 3, y = 1 3 2 5: x̄ = 1.5, ȳ = 2.75, Sxx = 2.25 + 0.25 + 0.25 + 2.25 = 5,
    // Sxy = (-1.5)(-1.75) + (-0.5)(0.25) + (0.5)(-0.75) + (1.5)(2.25) = 5.5, so b = 1.1 and
    // a = 2.75 − 1.1·1.5 = 1.1; fitted 1.1 2.2 3.3 4.4, residuals -0.1 0.8 -1.3 0.6,
    // SSR = 0.01 + 0.64 + 1.69 + 0.36 = 2.7, se = √(2.7 / (4 − 2) / 5) = √0.27.
    LeastSquaresLine line = LeastSquaresLine.fit(new double[] {0, 1, 2, 3}, 0,
        new double[] {1, 3, 2, 5}, 0, 4);
    assertEquals(1.1, line.slope(), 1e-15);
    assertEquals(1.1, line.intercept(), 1e-15);
    assertEquals(Math.sqrt(0.27), line.slopeStandardError(), 1e-15);
  }

  @Test
  void twoPointsGiveTheirLineAndNoStandardError() {
    LeastSquaresLine line = LeastSquaresLine.fit(new long[] {10, 14}, 0, 10,
        new double[] {1, 3}, 0, 2);
    assertEquals(0.5, line.slope(), 0.0);
    assertEquals(1.0, line.intercept(), 0.0);
    assertTrue(Double.isNaN(line.slopeStandardError()));
  }

  @Test
  void nonFiniteValuesGiveNonFiniteResultsRatherThanAnException() {
    LeastSquaresLine line = LeastSquaresLine.fit(new double[] {0, 1, 2}, 0,
        new double[] {1, Double.NaN, 3}, 0, 3);
    assertTrue(Double.isNaN(line.slope()));
    assertTrue(Double.isNaN(line.intercept()));
  }

  @Test
  void fewerThanTwoPointsAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LeastSquaresLine.fit(new double[] {1, 2}, 0, new double[] {1, 2}, 0, 1));
    assertTrue(e.getMessage().contains("at least 2 points"), e.getMessage());
  }

  @Test
  void equalXValuesAreRejectedAsHavingNoSpread() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LeastSquaresLine.fit(new long[] {5, 5, 5}, 0, 0, new double[] {1, 2, 3}, 0, 3));
    assertTrue(e.getMessage().contains("spread"), e.getMessage());
  }

  @Test
  void rangesOutsideEitherArrayAreRejectedNamingTheArray() {
    double[] three = {1, 2, 3};
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
        () -> LeastSquaresLine.fit(three, 2, three, 0, 2));
    assertTrue(x.getMessage().startsWith("x points [2, 2 + 2)"), x.getMessage());
    IllegalArgumentException y = assertThrows(IllegalArgumentException.class,
        () -> LeastSquaresLine.fit(three, 0, three, -1, 2));
    assertTrue(y.getMessage().startsWith("y points [-1, -1 + 2)"), y.getMessage());
    IllegalArgumentException steps = assertThrows(IllegalArgumentException.class,
        () -> LeastSquaresLine.fit(new long[] {1, 2}, 1, 0, three, 0, 2));
    assertTrue(steps.getMessage().startsWith("steps points [1, 1 + 2)"), steps.getMessage());
  }
}
