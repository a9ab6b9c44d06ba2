package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A loss logged per sample (batch 1): the clean loss times a χ²₁ draw, whose logarithm has a
 * heavy lower tail (a squared error near zero is three decades below the mean one time in a
 * thousand). Such dips are single samples, not a level the loss moves to.
 */
class PerSampleLossTest {
  @Test
  void deepDipsOfAPerSampleLossAreNoFronts() {
    ShockDetector detector = new ShockDetector(DetectorConfig.DEFAULTS);
    List<String> fronts = new ArrayList<>();
    for (long seed = 0; seed < 100; seed++) {
      Random r = new Random(seed);
      long[] steps = Synthetic.regularSteps(1200, 36);
      double[] loss = new double[steps.length];
      for (int i = 0; i < loss.length; i++) {
        double z = r.nextGaussian();
        loss[i] = 0.005 * z * z;
      }
      for (ShockEvent e : detector.detect("loss", "", steps, loss)) {
        if (ShockEvent.JUMP.equals(e.kind())) {
          fronts.add("seed " + seed + ": " + e);
        }
      }
    }
    assertEquals(List.of(), fronts);
  }
}
