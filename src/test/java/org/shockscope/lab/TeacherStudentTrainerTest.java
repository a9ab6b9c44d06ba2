package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.shockscope.io.DType;
import org.shockscope.io.Tensor;

/**
 * The teacher–student truth against what the runs show: the loss curve around each
 * specialisation row, and the student's weights around each split row.
 */
class TeacherStudentTrainerTest {
  /** Loss band around the plateau level that counts as flat. */
  static final double BAND = 1.5;

  private static List<TrainedRun> runs;

  /**
   * Ten nearly symmetric starts (init asymmetry 0.1, N = 50, K = 2 and 3, lr 0.01): most sit on
   * a plateau before their units split, some split while they grow.
   */
  @BeforeAll
  static void train() {
    GridAxes axes = new GridAxes(List.of(OptimizerKind.SGD), List.of(0.01), List.of(),
        List.of(1), List.of(0.0), List.of(2, 3), List.of(0L, 1L, 2L, 3L, 4L),
        new Schedule(40000, 400, 80), 0);
    runs = new TeacherStudentSpec(axes, 50, 1e-3, 0.1, 200, 2).plan(List.of(), DType.F32)
        .stream().map(PlannedRun::train).toList();
  }

  /** Median of the logged losses at steps in [from, to). */
  static double median(TrainedRun r, double from, double to) {
    int[] s = r.metrics().steps();
    double[] v = r.metrics().values();
    double[] window = java.util.stream.IntStream.range(0, s.length)
        .filter(i -> s[i] >= from && s[i] < to).mapToDouble(i -> v[i]).sorted().toArray();
    return window[window.length / 2];
  }

  /** Longest stretch (steps) before {@code t} with the loss within ×/÷ BAND of {@code level}. */
  static int flatStretch(TrainedRun r, double t, double level) {
    int[] s = r.metrics().steps();
    double[] v = r.metrics().values();
    int best = 0;
    int start = -1;
    for (int i = 0; i < s.length && s[i] < t; i++) {
      boolean in = v[i] <= BAND * level && v[i] >= level / BAND;
      if (in && start < 0) {
        start = s[i];
      }
      if (!in) {
        start = -1;
      } else {
        best = Math.max(best, s[i] - start);
      }
    }
    return best;
  }

  /**
   * How many pairs of the student's units move together (cosine above 1/2) at the checkpoint
   * nearest {@code step}.
   */
  static int pairsTogether(TrainedRun r, double step) {
    Checkpoint nearest = r.checkpoints().get(0);
    for (Checkpoint c : r.checkpoints()) {
      if (Math.abs(c.step() - step) < Math.abs(nearest.step() - step)) {
        nearest = c;
      }
    }
    Tensor w = nearest.tensors().get(0);
    int k = w.rows();
    int n = w.cols();
    double[] x = w.data();
    int together = 0;
    for (int i = 0; i < k; i++) {
      for (int j = i + 1; j < k; j++) {
        double ij = 0;
        double ii = 0;
        double jj = 0;
        for (int a = 0; a < n; a++) {
          ij += x[i * n + a] * x[j * n + a];
          ii += x[i * n + a] * x[i * n + a];
          jj += x[j * n + a] * x[j * n + a];
        }
        together += ij / Math.sqrt(ii * jj) > 0.5 ? 1 : 0;
      }
    }
    return together;
  }

  private static List<TruthEvent> rows(String series) {
    List<TruthEvent> out = new ArrayList<>();
    for (TrainedRun r : runs) {
      r.truth().stream().filter(e -> e.series().equals(series)).forEach(out::add);
    }
    return out;
  }

  private static TrainedRun run(TruthEvent e) {
    return runs.stream().filter(r -> r.runId().equals(e.runId())).findFirst().orElseThrow();
  }

  @Test
  void specialisationRowsSitWhereTheLossHasMadeHalfItsDropFromAPlateau() {
    List<TruthEvent> stages = rows("loss");
    assertTrue(stages.size() >= 4, "loss rows: " + stages);
    StringBuilder figures = new StringBuilder();
    for (TruthEvent e : stages) {
      TrainedRun r = run(e);
      double t = e.step();
      double w = e.width();
      // the plateau: from the run's previous row (or the start) to the front, t - w
      double previous = r.truth().stream().mapToDouble(TruthEvent::step).filter(x -> x < t)
          .max().orElse(0.0);
      double before = median(r, 0.5 * (previous + t - w), t - w);
      double after = median(r, t + 2 * w, t + 6 * w);
      int flat = flatStretch(r, t - w, before);
      figures.append(e.runId()).append(" t=").append(t).append(" w=").append(w)
          .append(" before=").append(before).append(" after=").append(after)
          .append(" flat=").append(flat).append('\n');
      assertTrue(w > 0 && w <= TeacherStudentTrainer.SUDDEN_WIDTH_FRACTION * 40000,
          figures.toString());
      assertTrue(after < before / 2, "the loss drops across the row\n" + figures);
      assertTrue(flat >= 2 * w, "a plateau of at least 2w precedes the row\n" + figures);
    }
  }

  @Test
  void splitRowsSitWhereStudentUnitsStopMovingTogether() {
    List<TruthEvent> splits = rows("fc1.weight");
    assertTrue(splits.size() >= 3, "split rows: " + splits);
    for (TruthEvent e : splits) {
      TrainedRun r = run(e);
      int before = pairsTogether(r, e.step() - 3 * e.width());
      int after = pairsTogether(r, e.step() + 3 * e.width());
      assertTrue(after < before, e + ": " + before + " pairs together before, " + after
          + " after");
    }
  }

  @Test
  void runsWhoseUnitsSplitWhileGrowingHaveNoRow() {
    int without = 0;
    for (TrainedRun r : runs) {
      for (TruthEvent e : r.truth()) {
        assertEquals(TruthEvent.JUMP, e.kind());
        assertEquals(TruthEvent.MEASURED, e.source());
      }
      if (r.truth().isEmpty()) {
        without++;
        // no plateau with interchangeable units before a split: they were apart a tenth into
        // the run, or they never split
        int pairs = r.checkpoints().get(0).tensors().get(0).rows();
        pairs = pairs * (pairs - 1) / 2;
        int early = pairsTogether(r, 0.1 * r.schedule().steps());
        int end = pairsTogether(r, r.schedule().steps());
        assertTrue(early < pairs || end == pairs, r.runId() + ": " + early + " then " + end
            + " of " + pairs + " pairs together");
      }
    }
    assertTrue(without < runs.size() / 2, without + " of " + runs.size() + " runs without rows");
  }

  @Test
  void bestAssignmentPairsEachStudentUnitWithItsOwnTeacherUnit() {
    assertEquals(List.of(1, 0), boxed(Specialisation.bestAssignment(
        new double[] {0.1, 0.9, 0.8, 0.2}, 2)));
    double[] three = new double[9];
    java.util.Arrays.fill(three, 0.1);
    three[2] = 0.9;
    three[3] = 0.9;
    three[7] = 0.9;
    assertEquals(List.of(2, 0, 1), boxed(Specialisation.bestAssignment(three, 3)));
    assertEquals(0.8, Specialisation.margin(three, 3, 0, 2), 1e-12);
  }

  private static List<Integer> boxed(int[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }
}
