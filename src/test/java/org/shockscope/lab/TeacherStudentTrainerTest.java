package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.shockscope.io.DType;

class TeacherStudentTrainerTest {
  /** Loss band around the plateau level that counts as flat. */
  static final double BAND = 1.5;

  /**
   * What a run's loss curve shows around its specialisation step t.
   *
   * @param step     t, from truth.csv
   * @param plateau  median loss over the logged steps in [t/2, t)
   * @param flat     longest stretch (steps) before t with the loss within ×/÷ {@link #BAND}
   *                 of the plateau level
   * @param drop     plateau level over final loss
   */
  record Plateau(int step, double plateau, int flat, double drop) {}

  static Plateau plateau(TrainedRun r) {
    assertEquals(1, r.truth().size(), r.runId() + " " + r.truth());
    int t = (int) r.truth().get(0).step();
    int[] s = r.metrics().steps();
    double[] v = r.metrics().values();
    double[] window = java.util.stream.IntStream.range(0, s.length)
        .filter(i -> s[i] >= t / 2 && s[i] < t).mapToDouble(i -> v[i]).sorted().toArray();
    double p = window[window.length / 2];
    int best = 0;
    int start = -1;
    for (int i = 0; i < s.length && s[i] < t; i++) {
      boolean in = v[i] <= BAND * p && v[i] >= p / BAND;
      if (in && start < 0) {
        start = s[i];
      }
      if (!in) {
        start = -1;
      } else {
        best = Math.max(best, s[i] - start);
      }
    }
    return new Plateau(t, p, best, p / r.metrics().last());
  }

  static List<TrainedRun> fiveSeeds() {
    GridAxes axes = new GridAxes(List.of(OptimizerKind.SGD), List.of(0.005), List.of(),
        List.of(1), List.of(0.0), List.of(2), List.of(0L, 1L, 2L, 3L, 4L),
        new Schedule(12000, 6000, 40), 0);
    return new TeacherStudentSpec(axes, 100, 1e-3, 1.0, 1000, 2).plan(List.of(), DType.F32).stream()
        .map(PlannedRun::train).toList();
  }

  @Test
  void plateauThenSpecialisationDropForMostSeeds() {
    int shown = 0;
    StringBuilder figures = new StringBuilder();
    for (TrainedRun r : fiveSeeds()) {
      Plateau p = plateau(r);
      figures.append(p).append('\n');
      if (p.flat() >= Math.max(400, p.step() / 4) && p.drop() >= 10) {
        shown++;
      }
    }
    assertTrue(shown >= 4, figures.toString());
  }

  @Test
  void specialisationIndexSeparatesSymmetricFromSpecialisedStudents() {
    assertEquals(0.0, Specialisation.index(new double[] {0.6, 0.6, 0.6, 0.6}, 2), 1e-15);
    assertEquals(1.0, Specialisation.index(new double[] {0, 1, 1, 0}, 2), 1e-15);
    double[] three = new double[9];
    Arrays.fill(three, 0.1);
    three[2] = 0.9;
    three[3] = 0.9;
    three[7] = 0.9;
    assertEquals(0.8, Specialisation.index(three, 3), 1e-12);
    assertTrue(Double.isNaN(Specialisation.index(new double[] {1}, 1)));
  }
}
