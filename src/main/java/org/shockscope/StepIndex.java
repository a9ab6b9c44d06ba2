package org.shockscope;

import java.util.Arrays;

/**
 * Positions on a run's step axis, written once for the detector and the forecasts: the index of
 * the last logged step at or before a given step, by binary search (O(log n)). Stateless.
 */
public final class StepIndex {
  private StepIndex() {}

  /**
   * Index of the last of {@code steps} at or before {@code t}, −1 when all are after it.
   *
   * @param steps input, strictly increasing steps
   * @param t     the step looked up
   */
  public static int lastAtOrBefore(long[] steps, long t) {
    int i = Arrays.binarySearch(steps, t);
    return i >= 0 ? i : -i - 2;
  }
}
