package org.shockscope.lab;

import java.util.List;
import org.shockscope.io.DType;

/**
 * The configuration of one network family: its task, its grid axes, and how it expands into
 * runs.
 */
public sealed interface FamilySpec permits DeepLinearSpec, TeacherStudentSpec, CatapultSpec,
    InductionSpec, GrokkingSpec {
  /** Which family. */
  Family family();

  /** The shared hyperparameter axes. */
  GridAxes axes();

  /** The same family with other axes. */
  FamilySpec withAxes(GridAxes axes);

  /**
   * The family's runs, in grid order.
   *
   * @param defaultSeeds seeds used when the family names none
   * @param dtype        element type checkpoints are stored in
   */
  List<PlannedRun> plan(List<Long> defaultSeeds, DType dtype);
}
