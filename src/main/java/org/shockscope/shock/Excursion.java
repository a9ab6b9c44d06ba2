package org.shockscope.shock;

/**
 * Where a spike of a positive, log-scale series is out of its basin: from the first sample
 * above twice its baseline (ln x above ln 2 over the lowest value before the peak) to the first
 * sample after the peak that is back at or below that bound or down by half of the rise on the
 * log scale (below √(peak·bound)): a catapult may leave the loss in a basin above its old level.
 * The same excursion as the lab's truth measures on a logged loss, so that a train of bounces
 * is one episode by one rule ({@link TransitionMerger}).
 *
 * @param start first step above the bound
 * @param end   first step back (the last sample when the series ends out of its basin)
 */
record Excursion(long start, long end) {
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
