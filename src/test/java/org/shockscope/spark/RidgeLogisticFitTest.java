package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The driver-side boundary fit: stationary at its result, finite when outcomes separate. */
class RidgeLogisticFitTest {
  @Test
  void gradientOfThePenalisedLossVanishesAtTheFit() {
    Random rnd = new Random(3);
    double[] x = new double[60];
    double[] y = new double[60];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian();
      y[i] = rnd.nextDouble() < 1 / (1 + Math.exp(-(0.4 + 2 * x[i]))) ? 1 : 0;
    }
    double kappa = 0.06;
    double[] ab = RidgeLogisticFit.fit(x, y, kappa, true);
    double ga = kappa * ab[0];
    double gb = kappa * ab[1];
    for (int i = 0; i < x.length; i++) {
      double r = 1 / (1 + Math.exp(-(ab[0] + ab[1] * x[i]))) - y[i];
      ga += r;
      gb += r * x[i];
    }
    assertEquals(0, ga, 1e-9);
    assertEquals(0, gb, 1e-9);
  }

  @Test
  void separatedOutcomesGiveAFiniteBoundaryInsideTheGap() {
    // ln lr centred; negatives below -0.2, positives above 0.3
    double[] x = {-1.5, -1.0, -0.6, -0.2, 0.3, 0.8, 1.2};
    double[] y = {0, 0, 0, 0, 1, 1, 1};
    double[] ab = RidgeLogisticFit.fit(x, y, 1e-3 * x.length, true);
    double crossing = -ab[0] / ab[1];
    assertTrue(Double.isFinite(ab[1]) && ab[1] > 0, "slope " + ab[1]);
    assertTrue(crossing > -0.2 && crossing < 0.3, "crossing " + crossing);
  }

  @Test
  void withoutInterceptTheInterceptStaysZero() {
    double[] x = {-1, -0.5, 0, 0.5, 1};
    double[] y = {0, 1, 0, 1, 1};
    assertEquals(0.0, RidgeLogisticFit.fit(x, y, 0.01, false)[0]);
  }
}
