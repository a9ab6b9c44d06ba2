package org.shockscope.shock;

/**
 * Where a run-level metric on the log scale (a loss) is out of its basin: from the first sample
 * above twice the lowest value since the previous excursion to the first sample after the peak
 * that is back at or below that bound or down by half of the rise on the log scale (below
 * √(peak·bound)): a catapult may leave the loss in a basin above its old level. It is the
 * excursion the lab's truth measures on a logged loss: what happens inside it (the weights'
 * moves during a catapult, a rise the jump search fitted as a front) is one event, and a train
 * of bounces is one episode ({@link TransitionMerger}).
 *
 * @param start    first step above the bound
 * @param end      first step back
 * @param interval mean sampling interval over the excursion, in steps
 */
record Excursion(long start, long end, double interval) {
  Excursion {
    if (end < start) {
      throw new ShockDetectionException("excursion ends at step " + end + " before its start "
          + start);
    }
  }

  /** end − start, in steps. */
  double duration() {
    return (double) (end - start);
  }
}
