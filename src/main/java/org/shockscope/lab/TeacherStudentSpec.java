package org.shockscope.lab;

import java.util.ArrayList;
import java.util.List;
import org.shockscope.io.DType;

/**
 * Soft-committee teacher–student networks (Saad &amp; Solla, "On-line learning in soft
 * committee machines", Phys. Rev. E 52, 1995): f(x) = Σ_i relu(w_i·x) with K hidden units and
 * a fixed unit second layer, trained online (a fresh N(0, I_N) input every example) to imitate a
 * teacher of K units with orthonormal weight vectors B_n.
 *
 * @param axes        shared axes ({@code widths} = K for student and teacher); trained online,
 *                    so batch sizes count fresh samples per update and {@code gd} is refused
 * @param inputs      input dimension N
 * @param initScale   σ: student weights start as N(0, σ²/N) vectors, so |w_i| ≈ σ
 * @param initAsymmetry a ∈ (0, 1]: unit i starts at √(1−a²)·v + a·z_i with v and z_i i.i.d.
 *                    N(0, σ²/N), so a = 1 is the usual i.i.d. start and a small a a nearly
 *                    symmetric one. The unspecialised plateau lasts about ln(1/a) times the
 *                    time scale of the escape from it (Saad &amp; Solla §IV), so a small a makes the
 *                    plateau long next to the specialisation front, as in large-N runs
 * @param testSamples size of the held-out set the generalisation error is estimated on
 * @param teacherSeed seed of the teacher and the held-out set (shared by all runs)
 */
public record TeacherStudentSpec(GridAxes axes, int inputs, double initScale,
                                 double initAsymmetry, int testSamples, long teacherSeed)
    implements FamilySpec {
  public TeacherStudentSpec {
    if (inputs < 2) {
      throw new LabException("teacher-student: inputs must be >= 2, got " + inputs);
    }
    if (!(initScale > 0) || !Double.isFinite(initScale)) {
      throw new LabException("teacher-student: init_scale must be finite and > 0, got "
          + initScale);
    }
    if (!(initAsymmetry > 0 && initAsymmetry <= 1)) {
      throw new LabException("teacher-student: init_asymmetry must be in (0, 1], got "
          + initAsymmetry);
    }
    if (testSamples < 1) {
      throw new LabException("teacher-student: test_samples must be >= 1, got " + testSamples);
    }
    for (int k : axes.widths()) {
      if (k < 2 || k > Specialisation.MAX_UNITS || k > inputs) {
        throw new LabException("teacher-student: width K must be in [2, min("
            + Specialisation.MAX_UNITS + ", inputs " + inputs + ")], got " + k);
      }
    }
  }

  @Override
  public Family family() {
    return Family.TEACHER_STUDENT;
  }

  @Override
  public TeacherStudentSpec withAxes(GridAxes a) {
    return new TeacherStudentSpec(a, inputs, initScale, initAsymmetry, testSamples, teacherSeed);
  }

  @Override
  public List<PlannedRun> plan(List<Long> defaultSeeds, DType dtype) {
    List<PlannedRun> out = new ArrayList<>();
    for (OptimizerSettings o : axes.optimizerSettings(family(), 0)) {
      for (int k : axes.widths()) {
        for (long seed : axes.seedsOr(defaultSeeds)) {
          String id = RunParams.runId(family(), o, "lr" + LogNumberFormat.label(o.lr()), k, 2,
              TeacherStudentTrainer.INIT, TeacherStudentTrainer.ACTIVATION, seed);
          TeacherStudentTrainer t = new TeacherStudentTrainer(this, o, k, seed, dtype);
          out.add(new PlannedRun(id, family(), () -> t.train(id)));
        }
      }
    }
    return out;
  }
}
