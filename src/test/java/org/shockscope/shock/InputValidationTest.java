package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class InputValidationTest {
  private final ShockDetector detector = new ShockDetector(DetectorConfig.DEFAULTS);

  @Test
  void rejectsStepsThatDoNotIncrease() {
    ShockDetectionException e = assertThrows(ShockDetectionException.class,
        () -> detector.detect("loss", "fc1", new long[] {0, 10, 10, 20}, new double[4]));
    assertEquals("Series 'fc1/loss': steps must be strictly increasing, but step[2] = 10 "
        + "follows step[1] = 10", e.getMessage());
  }

  @Test
  void rejectsLengthMismatch() {
    ShockDetectionException e = assertThrows(ShockDetectionException.class,
        () -> detector.detect("loss", "", new long[] {0, 1}, new double[3]));
    assertEquals("Series 'loss': 2 steps but 3 values", e.getMessage());
  }

  @Test
  void emptyShortAndConstantSeriesGiveNoEvents() {
    assertTrue(detector.detect("x", "", new long[0], new double[0]).isEmpty());
    assertTrue(detector.detect("x", "", new long[] {1, 2, 3}, new double[] {0, 9, 0}).isEmpty());
    long[] steps = Synthetic.regularSteps(100, 1);
    assertTrue(detector.detect("x", "", steps, new double[100]).isEmpty());
    double[] ones = new double[100];
    java.util.Arrays.fill(ones, 3.0);
    assertTrue(detector.detect("x", "", steps, ones).isEmpty());
  }

  /** A short series is still checked for divergence. */
  @Test
  void shortSeriesStillDiverge() {
    List<ShockEvent> e = detector.detect("x", "", new long[] {1, 2, 3},
        new double[] {1, Double.NaN, 2});
    assertEquals(1, e.size());
    assertEquals(ShockEvent.DIVERGENCE, e.get(0).kind());
    assertEquals(2, e.get(0).step());
  }

  /** Integer-valued series (no differences at all between most samples) are handled. */
  @Test
  void piecewiseConstantSeriesGiveTheirSteps() {
    long[] steps = Synthetic.regularSteps(200, 5);
    double[] y = new double[200];
    for (int i = 0; i < 200; i++) {
      y[i] = i < 80 ? 2 : (i < 150 ? 3 : 5);
    }
    List<ShockEvent> e = detector.detect("num_spikes", "fc1", steps, y);
    assertEquals(2, e.size(), e.toString());
    assertEquals(ShockEvent.JUMP, e.get(0).kind());
    assertTrue(e.get(0).stepLo() <= 400 && 395 <= e.get(0).stepHi(), e.toString());
    assertTrue(e.get(0).widthIsSamplingBound(), e.toString());
    assertEquals(1.0, e.get(0).jump(), 1e-4);
    assertEquals(2.0, e.get(1).jump(), 1e-4);
  }

  @Test
  void configRejectsBadValuesByName() {
    ShockDetectionException e = assertThrows(ShockDetectionException.class,
        () -> DetectorConfig.DEFAULTS.withMaxWidthFraction(1.5));
    assertEquals("maxWidthFraction must be in (0, 1], got 1.5", e.getMessage());
    e = assertThrows(ShockDetectionException.class,
        () -> DetectorConfig.DEFAULTS.withMinEvidence(-2));
    assertEquals("minEvidence must be positive and finite, got -2.0", e.getMessage());
    e = assertThrows(ShockDetectionException.class,
        () -> DetectorConfig.DEFAULTS.withSpikeThreshold(Double.NaN));
    assertEquals("spikeThreshold must be positive and finite, got NaN", e.getMessage());
  }

  @Test
  void eventsKeepTheirStepInsideTheInterval() {
    ShockDetectionException e = assertThrows(ShockDetectionException.class,
        () -> new ShockEvent("x", "", ShockEvent.JUMP, 50, 60, 70, 0, 0, 0, 0, 0, 0, 0));
    assertEquals("ShockEvent for series 'x': step 50 outside its interval [60, 70]",
        e.getMessage());
  }
}
