package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.shockscope.io.DType;

class DeepLinearTrainerTest {
  private static final List<Double> TEACHER = List.of(5.0, 4.0, 3.0, 2.0, 1.0);

  private static DeepLinearSpec spec(List<OptimizerKind> opts, List<Double> lrs,
                                     List<Double> wds, List<Integer> depths, String init,
                                     int steps) {
    GridAxes axes = new GridAxes(opts, lrs, List.of(0.5), List.of(8), wds, List.of(8),
        List.of(0L), new Schedule(steps, steps, 10), 0);
    return new DeepLinearSpec(axes, depths, List.of(init), 10, 8, 40, TEACHER, 1e-3, 1);
  }

  /** Worst relative gap between measured half-crossing steps and the analytic t_k. */
  static double worstAnalyticGap(List<TrainedRun> runs) {
    double worst = 0;
    int pairs = 0;
    for (TrainedRun r : runs) {
      Map<String, Double> measured = new HashMap<>();
      for (TruthEvent e : r.truth()) {
        if (e.source().equals(TruthEvent.MEASURED)) {
          measured.put(e.series(), e.step());
        }
      }
      for (TruthEvent e : r.truth()) {
        if (e.source().equals(TruthEvent.ANALYTIC)) {
          double m = measured.get(e.series());
          worst = Math.max(worst, Math.abs(m - e.step()) / e.step());
          pairs++;
        }
      }
    }
    assertEquals(runs.size() * TEACHER.size(), pairs, "one analytic row per mode and run");
    return worst;
  }

  @Test
  void alignedDepthTwoGdCrossesHalfTeacherAtAnalyticStep() {
    // s·η ≤ 0.1 for every mode: η up to 0.02 with s up to 5; with and without weight decay.
    List<TrainedRun> runs = spec(List.of(OptimizerKind.GD), List.of(0.005, 0.01, 0.02),
        List.of(0.0, 0.1), List.of(2), DeepLinearSpec.ALIGNED, 900).plan(List.of(0L),
        DType.F32).stream().map(PlannedRun::train).toList();
    double worst = worstAnalyticGap(runs);
    assertTrue(worst < 0.05, "worst relative gap " + worst);
    assertTrue(worst < 0.02, "the discrete-time form is accurate to ~1%: " + worst);
  }

  @Test
  void everyRunLearnsTheTeacherModesInOrderOfStrength() {
    List<TrainedRun> runs = new java.util.ArrayList<>();
    runs.addAll(spec(List.of(OptimizerKind.GD), List.of(0.02), List.of(0.0), List.of(2, 3),
        DeepLinearSpec.RANDOM, 1200).plan(List.of(0L), DType.F32).stream()
        .map(PlannedRun::train).toList());
    runs.addAll(spec(List.of(OptimizerKind.SGD, OptimizerKind.MOMENTUM, OptimizerKind.ADAM),
        List.of(0.01), List.of(0.0), List.of(2), DeepLinearSpec.RANDOM, 1200)
        .plan(List.of(0L), DType.F32).stream().map(PlannedRun::train).toList());
    assertEquals(5, runs.size());
    for (TrainedRun r : runs) {
      double first = r.metrics().values()[0];
      assertTrue(r.metrics().last() < 1e-3 * first, r.runId() + " final loss "
          + r.metrics().last() + " from " + first);
      double previous = -1;
      for (TruthEvent e : r.truth()) {
        assertEquals(TruthEvent.MEASURED, e.source(), r.runId());
        assertTrue(e.step() >= previous, r.runId() + ": stronger modes are learned first");
        previous = e.step();
      }
      assertEquals(TEACHER.size(), r.truth().size(), r.runId() + " " + r.truth());
    }
  }

  @Test
  void deeperChainsGiveSharperTransitions() {
    List<TrainedRun> runs = spec(List.of(OptimizerKind.GD), List.of(0.02), List.of(0.0),
        List.of(2, 3), DeepLinearSpec.ALIGNED, 1200).plan(List.of(0L), DType.F32).stream()
        .map(PlannedRun::train).toList();
    TruthEvent two = runs.get(0).truth().get(0);
    TruthEvent three = runs.get(1).truth().get(0);
    assertEquals("end_to_end.sv1", two.series());
    assertEquals("end_to_end.sv1", three.series());
    assertTrue(three.width() < 0.7 * two.width(), two.width() + " vs " + three.width());
  }

  /**
   * Heavy-ball momentum at a fixed effective step η/(1 − β) ({@code lr_mode} effective): every
   * run has the same s·η/(1 − β) ≤ 0.1, so the slow-mode expectation (1 − β)/(sη) is the same
   * width for every β. The lab's measured width (s/4 to 3s/4 crossings of the trained chain) must
   * agree with it, and the analytic step (growth root of the heavy-ball recursion) with the
   * measured crossing.
   */
  @Test
  void heavyBallWidthIsOneMinusBetaOverSEta() {
    GridAxes axes = new GridAxes(List.of(OptimizerKind.MOMENTUM), List.of(0.02),
        List.of(0.0, 0.5, 0.8, 0.9), List.of(0), List.of(0.0), List.of(8), List.of(0L),
        new Schedule(600, 600, 10), 0);
    List<TrainedRun> runs = new DeepLinearSpec(axes, List.of(2), List.of(DeepLinearSpec.ALIGNED),
        10, 8, 40, List.of(4.0, 2.0), 1e-3, 1, DeepLinearSpec.EFFECTIVE_LR)
        .plan(List.of(0L), DType.F32).stream().map(PlannedRun::train).toList();
    assertEquals(4, runs.size());
    int pairs = 0;
    for (TrainedRun r : runs) {
      double beta = Double.parseDouble(String.valueOf(r.params().get("momentum")));
      double lr = Double.parseDouble(String.valueOf(r.params().get("lr")));
      assertEquals(0.02 * (1 - beta), lr, 1e-15, r.runId() + ": lr = effective step x (1 - beta)");
      Map<String, TruthEvent> measured = new HashMap<>();
      for (TruthEvent e : r.truth()) {
        if (e.source().equals(TruthEvent.MEASURED)) {
          measured.put(e.series(), e);
        }
      }
      for (TruthEvent e : r.truth()) {
        if (!e.source().equals(TruthEvent.ANALYTIC)) {
          continue;
        }
        double s = e.series().endsWith("sv1") ? 4.0 : 2.0;
        assertEquals((1 - beta) / (s * lr), e.width(), 1e-9 * e.width(), r.runId());
        TruthEvent m = measured.get(e.series());
        double ratio = m.width() / e.width();
        assertTrue(Math.abs(ratio - 1) < 0.1, r.runId() + " " + e.series() + " measured width "
            + m.width() + " vs (1 - beta)/(s lr) " + e.width());
        assertTrue(Math.abs(m.step() - e.step()) <= 0.03 * e.step(), r.runId() + " "
            + e.series() + " measured step " + m.step() + " vs analytic " + e.step());
        pairs++;
      }
    }
    assertEquals(8, pairs, "one analytic row per mode and run");
  }
}
