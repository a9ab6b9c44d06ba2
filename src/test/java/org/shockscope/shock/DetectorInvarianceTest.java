package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.shockscope.io.DType;
import org.shockscope.lab.Family;
import org.shockscope.lab.RandomizedLab;
import org.shockscope.lab.TrainedRun;

/**
 * The same training presented differently gives the same events: a loss in bits instead of
 * nats, summed instead of averaged, or with its last digit rounded differently; steps counted
 * from another origin; a run's series in another order (a metrics file's columns, a table's
 * rows); a detector that analysed other runs before (one per executor partition).
 */
class DetectorInvarianceTest {
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

  /**
   * The Hugging Face Trainer logs its loss rounded to four decimals. A negative control of the
   * lab (a per-sample loss of online SGD decaying smoothly, {@code --families control-decay},
   * seed 203) wanders around 1e-3 for the last part of its run, and rounded it hops between a
   * few units of the last decimal: each hop from 0.0003 to 0.0007 more than doubled it, and five
   * such hops were reported as spikes. Rounded, it has no more events than exact: none.
   */
  @Test
  void aLossRoundedToFourDecimalsHasNoSpikesInItsLastDigit() {
    TrainedRun run = RandomizedLab.plan(1, 203, DType.F32, Set.of(Family.CONTROL_DECAY))
        .get(0).train();
    long[] steps = Synthetic.loggedSteps(run);
    double[] loss = run.metrics().values();
    double[] rounded = new double[loss.length];
    for (int i = 0; i < loss.length; i++) {
      rounded[i] = Math.round(loss[i] * 1e4) / 1e4;
    }
    assertTrue(java.util.Arrays.stream(rounded).filter(v -> v < 1e-3).count() > 50,
        "the loss rarely goes below 1e-3");
    assertEquals(List.of(), events(steps, loss, 0L));
    assertEquals(List.of(), events(steps, rounded, 0L));
  }

  /** Decimals a metric was rounded to are read off its values; a float's own digits are none. */
  @Test
  void theDecimalsOfARoundedMetricAreItsQuantum() {
    assertEquals(1e-4, ShockDetector.decimalQuantum(new double[] {2.3456, 0.0001, 0.0, 0.5}, 4),
        1e-18);
    assertEquals(1.0, ShockDetector.decimalQuantum(new double[] {3.0, 12.0, 0.0}, 3), 0.0);
    assertEquals(0.0, ShockDetector.decimalQuantum(new double[] {0.2753651920782927, 0.1}, 2),
        0.0);
  }

  /**
   * A run of several kinds of series (a catapult's loss from the lab, seed 208 of
   * {@code --families catapult}; three layers whose singular values switch on one after the
   * other; weights that random-walk) has the same shocks and transitions whatever the order of
   * its series and whichever runs the detector saw before.
   */
  @Test
  void aRunsEventsDependNeitherOnTheOrderOfItsSeriesNorOnTheRunsBeforeIt() {
    TrainedRun catapult = RandomizedLab.plan(1, 208, DType.F32, Set.of(Family.CATAPULT))
        .get(0).train();
    List<SeriesData> run = new ArrayList<>();
    run.add(new SeriesData("loss", "", Synthetic.loggedSteps(catapult),
        catapult.metrics().values()));
    long[] steps = Synthetic.regularSteps(201, 5);
    Random rnd = new Random(23);
    for (int l = 0; l < 3; l++) {
      run.add(new SeriesData("layers." + l + ".weight/sv1", "layers", steps, Synthetic.gaussian(
          Synthetic.tanh(steps, 1.0, 2.0, 400 + 20 * l, 8.0), 0.02, rnd)));
    }
    run.addAll(NegativeControls.run(NegativeControls.Family.RANDOM_WALK_WEIGHTS, 3));
    RunShocks base = new ShockDetector(DetectorConfig.DEFAULTS).detectRun(run);
    assertTrue(base.transitions().size() >= 3, base.transitions().toString());
    for (int seed = 0; seed < 5; seed++) {
      List<SeriesData> shuffled = new ArrayList<>(run);
      Collections.shuffle(shuffled, new Random(seed));
      assertEquals(described(base),
          described(new ShockDetector(DetectorConfig.DEFAULTS).detectRun(shuffled)),
          "order " + seed);
    }
    ShockDetector used = new ShockDetector(DetectorConfig.DEFAULTS);
    used.detectRun(NegativeControls.run(NegativeControls.Family.NOISY_PLATEAU, 5));
    used.detectRun(List.of(run.get(0)));
    assertEquals(described(base), described(used.detectRun(run)), "after other runs");
  }

  /** A run's shocks and transitions, each series list sorted, the shocks in a fixed order. */
  private static List<String> described(RunShocks r) {
    List<String> out = new ArrayList<>();
    for (ShockEvent e : r.shocks()) {
      out.add(e.qualifiedSeries() + " " + e.kind() + "@" + e.step() + " " + e.width());
    }
    Collections.sort(out);
    for (Transition t : r.transitions()) {
      List<String> series = new ArrayList<>(t.series());
      Collections.sort(series);
      out.add(t.kind() + "@" + t.step() + " [" + t.stepLo() + ", " + t.stepHi() + "] "
          + series);
    }
    return out;
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
