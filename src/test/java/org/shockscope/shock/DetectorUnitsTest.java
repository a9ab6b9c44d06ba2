package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.shockscope.io.DType;
import org.shockscope.lab.Family;
import org.shockscope.lab.RandomizedLab;
import org.shockscope.lab.TrainedRun;

/**
 * The same training logged in other units gives the same events: a loss in bits instead of
 * nats, summed instead of averaged, or with its last digit rounded differently, and steps
 * counted from another origin.
 */
class DetectorUnitsTest {
  private final ShockDetector detector = new ShockDetector(DetectorConfig.DEFAULTS);

  /**
   * Online SGD of a teacher–student pair (randomized lab, {@code --families teacher-student},
   * seed 100): its loss falls over decades and ends below its resolution floor, where the
   * linear scale's noise must leave out the samples held at the floor whatever the loss's
   * scale (before, exp(ln s) landing one ulp above the floor s counted them on some scales, and a
   * factor of 1 + 1e-12 removed the run's one jump).
   */
  @Test
  void aLossInOtherUnitsHasTheSameEvents() {
    TrainedRun run = RandomizedLab.plan(1, 100, DType.F32, Set.of(Family.TEACHER_STUDENT))
        .get(0).train();
    long[] steps = Synthetic.loggedSteps(run);
    double[] loss = run.metrics().values();
    List<String> base = events(steps, loss, 0L);
    for (double factor : new double[] {1.0 + 1e-12, 2.0, 1.0 / Math.log(2.0), 1e-6, 1e4}) {
      double[] scaled = new double[loss.length];
      for (int i = 0; i < loss.length; i++) {
        scaled[i] = factor * loss[i];
      }
      assertEquals(base, events(steps, scaled, 0L), "loss x " + factor);
    }
    long[] later = new long[steps.length];
    for (int i = 0; i < steps.length; i++) {
      later[i] = steps[i] + 1_000_000L;
    }
    assertEquals(base, events(later, loss, 1_000_000L), "steps + 1e6");
  }

  /** Kind and step (less {@code origin}) of each event of the series. */
  private List<String> events(long[] steps, double[] values, long origin) {
    List<String> out = new ArrayList<>();
    for (ShockEvent e : detector.detect("loss", "", steps, values)) {
      out.add(e.kind() + "@" + (e.step() - origin));
    }
    return out;
  }
}
