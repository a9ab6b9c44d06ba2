package org.shockscope.lab;

import java.util.function.Supplier;

/**
 * One point of the sweep grid, ready to train.
 *
 * @param runId    unique id of the run (folder name, MLflow run name)
 * @param family   its family
 * @param training trains the run when called (deterministic: the same result every call)
 */
public record PlannedRun(String runId, Family family, Supplier<TrainedRun> training) {
  /** Trains the run. */
  public TrainedRun train() {
    return training.get();
  }
}
