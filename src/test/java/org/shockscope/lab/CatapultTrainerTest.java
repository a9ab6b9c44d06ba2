package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.shockscope.io.DType;

class CatapultTrainerTest {
  static final List<Double> SCALES = List.of(0.5, 1.0, 1.5, 3.0, 8.0, 24.0);

  static List<TrainedRun> grid(String activation, List<Long> seeds) {
    GridAxes axes = new GridAxes(List.of(OptimizerKind.GD), SCALES, List.of(), List.of(),
        List.of(0.0), List.of(64), seeds, new Schedule(100, 10, 1), 10);
    return new CatapultSpec(axes, List.of(activation), 8, 16, 4, 3).plan(List.of(), DType.F32)
        .stream().map(PlannedRun::train).toList();
  }

  private static List<TruthEvent> of(TrainedRun r, String kind) {
    return r.truth().stream().filter(e -> e.kind().equals(kind)).toList();
  }

  @Test
  void lowRatesConvergeMiddleRatesCatapultHighRatesDiverge() {
    List<TrainedRun> runs = grid(CatapultSpec.LINEAR, List.of(0L, 1L));
    assertEquals(SCALES.size() * 2, runs.size());
    for (TrainedRun r : runs) {
      double scale = (Double) r.params().get("lr_scale");
      double[] loss = r.metrics().values();
      assertEquals((Double) r.params().get("lr") * (Double) r.params().get("lambda0"), scale,
          1e-12);
      if (scale < 2) {
        assertTrue(r.truth().isEmpty(), r.runId() + " " + r.truth());
        assertTrue(r.metrics().last() < loss[0], r.runId());
        assertEquals(-1, r.divergenceStep());
      } else if (scale < 4) {
        List<TruthEvent> spikes = of(r, TruthEvent.SPIKE);
        assertFalse(spikes.isEmpty(), r.runId());
        assertEquals(-1, r.divergenceStep(), r.runId());
        int peak = (int) spikes.get(0).step();
        assertTrue(loss[peak] > 10 * loss[peak - 10], r.runId() + " spike height");
        for (int i = peak - 3; i <= peak + 3; i++) {
          assertTrue(loss[i] <= loss[peak], r.runId() + " peak at " + peak);
        }
        assertTrue(r.metrics().last() < loss[peak] / 100, r.runId() + " recovered");
      } else {
        List<TruthEvent> div = of(r, TruthEvent.DIVERGENCE);
        assertEquals(1, div.size(), r.runId());
        // training stops at the first step above 1e6 x the initial loss; the truth step is the
        // onset under the detector's rule: from there on the loss stays above 1e3 x its level
        int step = (int) div.get(0).step();
        assertEquals(r.lastStep(), r.divergenceStep());
        assertTrue(step <= r.divergenceStep(), r.runId());
        long[] steps = java.util.Arrays.stream(r.metrics().steps()).asLongStream().toArray();
        assertEquals(step, steps[org.shockscope.shock.DivergenceFinder.firstBadIndex(steps, loss,
            org.shockscope.shock.DetectorConfig.DEFAULTS.growthFactor())]);
        for (int i = step; i < loss.length; i++) {
          assertTrue(!(loss[i] <= 1e3 * loss[0] / 10), r.runId() + " stays exploded at " + i);
        }
        double last = r.metrics().last();
        assertTrue(!Double.isFinite(last)
            || last > RunRecorder.DIVERGENCE_FACTOR * loss[0], r.runId() + " " + last);
        for (int i = 0; i < loss.length - 1; i++) {
          assertTrue(loss[i] <= RunRecorder.DIVERGENCE_FACTOR * loss[0],
              r.runId() + ": first exploding step is the divergence step");
        }
      }
    }
  }

  @Test
  void reluNetworksAlsoCatapultBeforeDiverging() {
    List<TrainedRun> runs = grid(CatapultSpec.RELU, List.of(1L));
    assertTrue(runs.get(0).truth().isEmpty());
    assertFalse(of(runs.get(3), TruthEvent.SPIKE).isEmpty(), runs.get(3).runId());
    assertEquals(1, of(runs.get(5), TruthEvent.DIVERGENCE).size(), runs.get(5).runId());
  }
}
