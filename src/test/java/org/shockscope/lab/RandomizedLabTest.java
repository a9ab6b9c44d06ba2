package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.shockscope.io.DType;

class RandomizedLabTest {
  private static double num(TrainedRun r, String key) {
    return Double.parseDouble(r.param(key));
  }

  /** The first planned run of every family among seeds 1000… (seeds ≥ 1000: evaluation). */
  private static Map<Family, PlannedRun> firstOfEachFamily() {
    Map<Family, PlannedRun> first = new EnumMap<>(Family.class);
    for (PlannedRun p : RandomizedLab.plan(80, 1000, DType.F32)) {
      first.putIfAbsent(p.family(), p);
    }
    return first;
  }

  @Test
  void everyFamilyIsDrawnWithUniqueIdsAndItsRegimeInItsParams() {
    List<PlannedRun> plan = RandomizedLab.plan(80, 1000, DType.F32);
    Set<String> ids = new HashSet<>();
    plan.forEach(p -> ids.add(p.runId()));
    assertEquals(80, ids.size());
    assertEquals("r01000-", plan.get(0).runId().substring(0, 7));
    Map<Family, PlannedRun> first = firstOfEachFamily();
    // the transformer families are gridded only (conf/lab-induction.json, conf/lab-grokking.json), never randomized
    assertEquals(java.util.EnumSet.complementOf(java.util.EnumSet.of(Family.INDUCTION, Family.GROKKING)),
        java.util.EnumSet.copyOf(first.keySet()));
    for (PlannedRun p : first.values()) {
      TrainedRun r = p.train();
      String where = r.runId();
      double steps = num(r, "steps");
      assertTrue(steps >= RandomizedLab.MIN_STEPS && steps <= RandomizedLab.MAX_STEPS, where);
      double every = num(r, "checkpoint_every");
      assertTrue(every >= 1 && every <= 500, where);
      double log = num(r, "log_every");
      assertTrue(log >= 1 && log <= 50, where);
      assertEquals(r.checkpoints().size(), (int) num(r, "checkpoints"), where);
      // the drawn count, or steps / 500 + 2 where the interval is capped at 500 steps
      assertTrue(r.checkpoints().size() <= Math.max(RandomizedLab.MAX_CHECKPOINTS,
          steps / 500) + 2, where + " " + r.checkpoints().size());
      assertEquals(r.family().label(), r.param("model"), where);
      assertEquals(1000, (long) num(r, "lab_seed"), where);
      assertTrue(r.params().containsKey("noise"), where);
      assertTrue(r.metrics().size() >= 2, where);
      for (TruthEvent e : r.truth()) {
        assertTrue(e.step() >= 0 && e.step() <= steps, where + " " + e);
      }
      long none = r.truth().stream().filter(e -> TruthEvent.NONE.equals(e.kind())).count();
      assertEquals(r.family().control() ? 1 : 0, none, where);
      if (r.family() == Family.DEEP_LINEAR) {
        int modes = (int) num(r, "modes");
        for (TruthEvent e : r.truth()) {
          if (TruthEvent.JUMP.equals(e.kind())) {
            int k = Integer.parseInt(e.series().substring("end_to_end.sv".length()));
            assertTrue(k >= 1 && k <= modes, where + " " + e);
            assertEquals(TruthEvent.MEASURED, e.source(), where);
          }
        }
      }
    }
  }

  @Test
  void theSameSeedTrainsTheSameRun() {
    PlannedRun p = firstOfEachFamily().get(Family.DEEP_LINEAR);
    TrainedRun a = p.train();
    TrainedRun b = p.train();
    assertEquals(a.params(), b.params());
    assertEquals(a.truth(), b.truth());
    assertArrayEquals(a.metrics().values(), b.metrics().values());
  }

  @Test
  void calibratedModesCrossHalfTheirTargetAtTheDrawnTimes() {
    double[] ratios = {2.0, 3.0};
    ModeCalibration.Result r = ModeCalibration.solve(OptimizerKind.GD, 0, 2, 1e-3, 4.0, 10_000,
        0.6, ratios);
    assertEquals(3, r.singularValues().length);
    assertArrayEquals(new double[] {1000, 2000, 6000}, r.times(), 1e-9);
    for (int k = 0; k < 3; k++) {
      double t = ModeCalibration.crossing(OptimizerKind.GD, 0, 2, 1e-3, r.singularValues()[k],
          r.lr(), 20_000);
      assertEquals(r.times()[k], t, 0.01 * r.times()[k] + 1, "mode " + k);
    }
    // modes before 3% of the run do not fit and are dropped; the slowest is kept
    ModeCalibration.Result few = ModeCalibration.solve(OptimizerKind.GD, 0, 2, 1e-3, 4.0,
        10_000, 0.5, new double[] {5, 5, 5});
    assertEquals(2, few.singularValues().length);
  }

  @Test
  void aDeepLinearRunLearnsItsModesNearTheCalibratedTimes() {
    ModeCalibration.Result cal = ModeCalibration.solve(OptimizerKind.GD, 0, 2, 1e-3, 4.0, 3000,
        0.7, new double[] {2.5});
    OptimizerSettings opt = OptimizerSettings.plain(OptimizerKind.GD, cal.lr(), 0, 20, 0, 0);
    GridAxes axes = new GridAxes(List.of(OptimizerKind.GD), List.of(cal.lr()), List.of(0.0),
        List.of(20), List.of(0.0), List.of(6), List.of(1L), new Schedule(3000, 50, 10), 0);
    DeepLinearSpec spec = new DeepLinearSpec(axes, List.of(2), List.of(DeepLinearSpec.ALIGNED),
        5, 4, 20, List.of(cal.singularValues()[0], cal.singularValues()[1]), 1e-3, 7);
    TrainedRun run = new DeepLinearTrainer(spec, opt, 6, 2, DeepLinearSpec.ALIGNED, 1,
        DType.F64).train("dl");
    List<TruthEvent> measured = run.truth().stream()
        .filter(e -> TruthEvent.MEASURED.equals(e.source())).toList();
    assertEquals(2, measured.size());
    for (int k = 0; k < 2; k++) {
      assertEquals(cal.times()[k], measured.get(k).step(), 0.02 * cal.times()[k] + 1);
    }
  }

  @Test
  void controlsAreQuietAfterT0() {
    Schedule sc = new Schedule(20_000, 1000, 20);
    TrainedRun decay = ControlTrainer.regression("d", Family.CONTROL_DECAY,
        new ControlTrainer.Regression(12, 2, 1, 0.02, 1e-3, 0, Double.NaN), sc, 5, DType.F32);
    double[] v = decay.metrics().values();
    // a smooth decay: the median of the last tenth is more than a decade below the first's
    double first = median(v, 0, v.length / 10);
    double lastTenth = median(v, v.length * 9 / 10, v.length);
    assertTrue(first > 10 * lastTenth, first + " vs " + lastTenth);
    TruthEvent t0 = decay.truth().get(0);
    assertEquals(TruthEvent.NONE, t0.kind());
    assertTrue(t0.step() >= 400 && t0.step() <= 4000, "t0 " + t0.step());
    TrainedRun plateau = ControlTrainer.regression("p", Family.CONTROL_PLATEAU,
        new ControlTrainer.Regression(12, 2, 4, 0.01, 0.1, 0.5, 0.025), sc, 5, DType.F32);
    double[] p = plateau.metrics().values();
    double early = median(p, 0, p.length / 10);
    double late = median(p, p.length * 9 / 10, p.length);
    assertTrue(early < 2 * late && late < 2 * early, early + " vs " + late);
    TrainedRun walk = ControlTrainer.randomWalk("w", new ControlTrainer.Walk(8, 0.01), sc, 5,
        DType.F32);
    assertEquals(21, walk.checkpoints().size());
    assertEquals(0.0, walk.truth().get(0).step());
  }

  /**
   * A catapult-only lab draws catapults at every seed, and a seed the full lab already draws as a
   * catapult plans the same run under the same id; a gridded family is refused by name.
   */
  @Test
  void aRestrictedLabDrawsOnlyItsFamiliesAndKeepsTheFullLabsRunsOfThem() {
    List<PlannedRun> full = RandomizedLab.plan(40, 1000, DType.F32);
    List<PlannedRun> only = RandomizedLab.plan(40, 1000, DType.F32, Set.of(Family.CATAPULT));
    int shared = 0;
    for (int i = 0; i < 40; i++) {
      assertEquals(Family.CATAPULT, only.get(i).family(), only.get(i).runId());
      if (full.get(i).family() == Family.CATAPULT) {
        assertEquals(full.get(i).runId(), only.get(i).runId());
        shared++;
      }
    }
    assertTrue(shared > 0 && shared < 40, "catapults among 40 full-lab seeds: " + shared);
    List<PlannedRun> two = RandomizedLab.plan(200, 0, DType.F32,
        Set.of(Family.CATAPULT, Family.CONTROL_DECAY));
    long decays = two.stream().filter(p -> p.family() == Family.CONTROL_DECAY).count();
    // relative probabilities kept: 0.0875 / (0.15 + 0.0875) = 0.37 of the runs
    assertTrue(decays > 50 && decays < 100, "decays among 200: " + decays);
    LabException e = assertThrows(LabException.class,
        () -> RandomizedLab.plan(3, 0, DType.F32, Set.of(Family.GROKKING)));
    assertTrue(e.getMessage().contains("does not draw family grokking"), e.getMessage());
  }

  @Test
  void aCappedLabDrawsRunLengthsUpToItsCap() {
    for (PlannedRun p : RandomizedLab.plan(4, 0, DType.F32,
        Set.of(Family.DEEP_LINEAR, Family.CONTROL_RANDOM_WALK), 400)) {
      int steps = p.train().schedule().steps();
      assertTrue(steps >= 200 && steps <= 400, p.runId() + ": " + steps + " steps");
    }
    assertEquals(400, RandomizedLab.description(4, 0, Set.of(), 400).get("max_steps"));
    assertFalse(RandomizedLab.description(4, 0, Set.of()).containsKey("max_steps"));
    LabException e = assertThrows(LabException.class,
        () -> RandomizedLab.plan(1, 0, DType.F32, Set.of(), 100));
    assertEquals("--max-steps must be in [200, 100000], got 100", e.getMessage());
  }

  @Test
  void badRunCountsAreRefusedByValue() {
    LabException e = assertThrows(LabException.class,
        () -> RandomizedLab.plan(0, 1000, DType.F32));
    assertEquals("--randomize needs at least 1 run, got 0", e.getMessage());
  }

  private static double median(double[] v, int from, int to) {
    double[] w = java.util.Arrays.copyOfRange(v, from, to);
    java.util.Arrays.sort(w);
    return w[w.length / 2];
  }

  /**
   * Loss 1 with three two-step bounces (peaks 3, 5, 3 at 40, 44, 48, two steps apart) and an
   * isolated spike at 80: the bounces are one episode, kept at its highest peak (44), the
   * isolated spike stays, and a spike row the logged loss does not show (60) goes. Logged every
   * 1 step, spikes 4 steps apart join too (one-step bounces of an oscillation).
   */
  @Test
  void aTrainOfBouncesIsOneSpikeAndUnloggedSpikesGo() {
    int[] steps = new int[100];
    double[] v = new double[100];
    for (int i = 0; i < 100; i++) {
      steps[i] = i;
      v[i] = 1.0;
    }
    v[40] = v[41] = 3;
    v[44] = v[45] = 5;
    v[48] = v[49] = 3;
    v[80] = v[81] = 10;
    List<TruthEvent> truth = new java.util.ArrayList<>();
    for (int step : new int[] {40, 44, 48, 60, 80}) {
      truth.add(new TruthEvent("r", Family.CATAPULT, TruthEvent.SPIKE, "loss", step,
          TruthEvent.MEASURED, Double.NaN, ""));
    }
    truth.add(new TruthEvent("r", Family.CATAPULT, TruthEvent.DIVERGENCE, "loss", 99,
        TruthEvent.MEASURED, Double.NaN, ""));
    TrainedRun run = new TrainedRun("r", Family.CATAPULT, Map.of(), Map.of(),
        new StepSeries(steps, v), List.of(), truth, -1, new Schedule(99, 10, 1), 1);
    List<Double> kept = RandomizedLab.visibleSpikes(run).truth().stream()
        .map(TruthEvent::step).toList();
    assertEquals(List.of(44.0, 80.0, 99.0), kept);
  }

  /**
   * Loss 1, logged every step, with two ×5 and ×4 bounces at 60 and 140, 78 steps apart (far more
   * than four log intervals or twice their durations): between them the loss alternates 1 / 1.6
   * from step to step (a period-2 orbit at the edge of stability, under the doubling that opens
   * an excursion) and never settles, so the bounces are one episode at the higher one; with a
   * flat loss between them they are two.
   */
  @Test
  void bouncesOfALossThatNeverSettlesBetweenThemAreOneEpisode() {
    assertEquals(List.of(60.0), keptSpikes(true));
    assertEquals(List.of(60.0, 140.0), keptSpikes(false));
  }

  private static List<Double> keptSpikes(boolean oscillating) {
    int[] steps = new int[200];
    double[] v = new double[200];
    for (int i = 0; i < 200; i++) {
      steps[i] = i;
      v[i] = oscillating && i >= 50 && i < 150 && i % 2 == 1 ? 1.6 : 1.0;
    }
    v[60] = v[61] = 5;
    v[140] = v[141] = 4;
    List<TruthEvent> truth = new java.util.ArrayList<>();
    for (int step : new int[] {60, 140}) {
      truth.add(new TruthEvent("r", Family.CATAPULT, TruthEvent.SPIKE, "loss", step,
          TruthEvent.MEASURED, Double.NaN, ""));
    }
    TrainedRun run = new TrainedRun("r", Family.CATAPULT, Map.of(), Map.of(),
        new StepSeries(steps, v), List.of(), truth, -1, new Schedule(199, 10, 1), 1);
    return RandomizedLab.visibleSpikes(run).truth().stream().map(TruthEvent::step).toList();
  }
}
