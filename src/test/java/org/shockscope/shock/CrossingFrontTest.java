package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Metric fronts found by their level crossings ({@link CrossingFront}) through the whole
 * detector: the slow, asymmetric rise of a held-out accuracy as a model groks, and what must not
 * be taken for one.
 */
class CrossingFrontTest {
  private static final int N = 251;
  private static final long DT = 10;
  private final ShockDetector detector = new ShockDetector(DetectorConfig.DEFAULTS);

  private static long[] steps() {
    long[] s = new long[N];
    for (int i = 0; i < N; i++) {
      s[i] = i * DT;
    }
    return s;
  }

  /**
   * A Gompertz rise y = A·exp(−b·e^{−(t − c)/s}) from 0 to A, the shape of a grokking curve:
   * it leaves zero slowly and approaches A late (b = 5 puts the steepest point well before
   * halfway), measured on {@code examples} held-out examples (values on the lattice 1/examples).
   */
  private static double[] gompertz(long[] steps, double a, double c, double s, int examples) {
    double[] y = new double[steps.length];
    for (int i = 0; i < y.length; i++) {
      double v = a * Math.exp(-5.0 * Math.exp(-(steps[i] - c) / s));
      y[i] = Math.round(v * examples) / (double) examples;
    }
    return y;
  }

  /** The first time the curve reaches fraction q of the way from 0 to its final value. */
  private static double crossing(long[] steps, double[] y, double q) {
    double target = q * y[y.length - 1];
    for (int i = 1; i < y.length; i++) {
      if (y[i] >= target && y[i - 1] < target) {
        return steps[i - 1] + (target - y[i - 1]) / (y[i] - y[i - 1]) * (steps[i] - steps[i - 1]);
      }
    }
    throw new AssertionError("no crossing of " + q);
  }

  /**
   * An accuracy that sits at zero, rises asymmetrically and creeps to its final level: one jump,
   * at the halfway crossing within 1% of the run, its width the quartile spread / ln 3 within
   * 20%, levels from 0 to the final level.
   */
  @ParameterizedTest
  @CsvSource({"0.97, 900, 120, 198", "0.99, 1400, 200, 149", "0.9, 500, 60, 400"})
  void anAccuracyRisingSlowlyAfterAPlateauIsOneJumpAtItsHalfwayCrossing(
      double a, double c, double s, int examples) {
    long[] steps = steps();
    double[] y = gompertz(steps, a, c, s, examples);
    List<ShockEvent> found = Synthetic.jumps(detector.detect("val_accuracy", "", steps, y));
    assertEquals(1, found.size(), () -> "jumps: " + found);
    ShockEvent e = found.get(0);
    double half = crossing(steps, y, 0.5);
    double width = (crossing(steps, y, 0.75) - crossing(steps, y, 0.25)) / Math.log(3.0);
    double span = steps[N - 1];
    assertTrue(Math.abs(e.step() - half) <= 0.01 * span, () -> e + " vs halfway " + half);
    assertTrue(Math.abs(e.width() / width - 1.0) <= 0.2, () -> e + " vs width " + width);
    assertTrue(e.uLeft() < 0.05 * a && e.uRight() > 0.8 * a, e::toString);
  }

  /** The same rise still under way when the run ends has no second plateau: nothing. */
  @Test
  void aRiseThatRunsIntoTheEndOfTheRunIsNoFront() {
    long[] steps = steps();
    double[] y = gompertz(steps, 0.97, 2200, 150, 198);
    assertTrue(Synthetic.jumps(detector.detect("val_accuracy", "", steps, y)).isEmpty());
  }

  /**
   * Random walks (unit steps, white noise of 0.5 around them: the walk dominates) wander from
   * level to level: the crossing rule takes at most 1.5% of 1,000 seeds for a front (12 when
   * written), although each holds a largest change between flat-looking stretches. The kernel
   * alone: through the whole detector the tanh fits find fronts in 8 of the first 300 of these
   * walks, the crossing rule adds 2; {@link FalseAlarmTest}'s milder walks stay within 1%.
   */
  @Test
  void aWanderingMetricIsNoCrossingFront() {
    CrossingFront kernel = new CrossingFront();
    double[] t = new double[N];
    double[] y = new double[N];
    int alarms = 0;
    for (int seed = 0; seed < 1000; seed++) {
      Random r = new Random(seed);
      double walk = 0.0;
      for (int i = 0; i < N; i++) {
        t[i] = i * DT;
        walk += r.nextGaussian();
        y[i] = 10.0 + walk + 0.5 * r.nextGaussian();
      }
      if (kernel.find(t, y, N, 0.5, 8.0, 0.2, 2) != null) {
        alarms++;
      }
    }
    int count = alarms;
    assertTrue(count <= 15, () -> count + " of 1000 random walks gave a crossing front");
  }

  /**
   * A smooth sigmoid-free trend (a linear drift with noise, a saturating exponential from the
   * first sample) is no front either.
   */
  @Test
  void smoothTrendsAreNoFronts() {
    long[] steps = steps();
    Random r = new Random(7);
    double[] drift = new double[N];
    double[] saturating = new double[N];
    for (int i = 0; i < N; i++) {
      drift[i] = 0.002 * steps[i] + 0.2 * r.nextGaussian();
      saturating[i] = 0.9 * (1.0 - Math.exp(-steps[i] / 300.0)) + 0.01 * r.nextGaussian();
    }
    assertTrue(Synthetic.jumps(detector.detect("accuracy", "", steps, drift)).isEmpty());
    assertTrue(Synthetic.jumps(detector.detect("accuracy", "", steps, saturating)).isEmpty());
  }
}
