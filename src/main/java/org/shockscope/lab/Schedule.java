package org.shockscope.lab;

/**
 * When a run logs its loss and saves a checkpoint: at step 0, every {@code logEvery} /
 * {@code checkpointEvery} steps, and at the last step. A step counts completed updates.
 *
 * @param steps           number of updates
 * @param checkpointEvery steps between checkpoints
 * @param logEvery        steps between logged metric rows
 */
public record Schedule(int steps, int checkpointEvery, int logEvery) {
  public Schedule {
    if (steps < 1) {
      throw new LabException("steps must be >= 1, got " + steps);
    }
    if (checkpointEvery < 1 || logEvery < 1) {
      throw new LabException("checkpoint_every and log_every must be >= 1, got "
          + checkpointEvery + " and " + logEvery);
    }
  }

  boolean isLog(int step) {
    return step % logEvery == 0 || step == steps;
  }

  boolean isCheckpoint(int step) {
    return step % checkpointEvery == 0 || step == steps;
  }
}
