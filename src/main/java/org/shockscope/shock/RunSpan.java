package org.shockscope.shock;

import java.util.Objects;

/**
 * What the scoring needs to know about a run: its family and the extent and sampling of its
 * steps, which set the matching tolerance.
 *
 * @param runId              the run
 * @param family             its model family, the group its metrics count in
 * @param firstStep          first logged step
 * @param lastStep           last logged step (≥ firstStep)
 * @param checkpointInterval typical steps between checkpoints (≥ 0)
 */
public record RunSpan(String runId, String family, long firstStep, long lastStep,
                      double checkpointInterval) {
  public RunSpan {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(family, "family");
    if (lastStep < firstStep) {
      throw new ShockDetectionException("Run '" + runId + "': last step " + lastStep
          + " before first step " + firstStep);
    }
    if (!(checkpointInterval >= 0.0) || !Double.isFinite(checkpointInterval)) {
      throw new ShockDetectionException("Run '" + runId + "': checkpoint interval must be "
          + "finite and >= 0, got " + checkpointInterval);
    }
  }

  /** Length of the run in steps. */
  public long length() {
    return lastStep - firstStep;
  }

  /**
   * Steps within which a detection matches a true event: max(2 checkpoint intervals, 3% of the
   * run's length).
   */
  public double tolerance() {
    return Math.max(2.0 * checkpointInterval, 0.03 * length());
  }
}
