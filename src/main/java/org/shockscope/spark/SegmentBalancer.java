package org.shockscope.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Assigns checkpoint segments to partitions so that executors stay busy: longest-processing-
 * time-first greedy (Graham 1969) on bytes — each segment, largest first, goes to the
 * partition with the fewest bytes so far — which is within 4/3 of the optimal makespan.
 */
final class SegmentBalancer {
  private SegmentBalancer() {}

  /**
   * @param bytes      size of each segment
   * @param partitions number of partitions (≥ 1)
   * @return the partition of each segment
   */
  static int[] assign(long[] bytes, int partitions) {
    int[] out = new int[bytes.length];
    Integer[] order = new Integer[bytes.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.comparingLong((Integer i) -> bytes[i]).reversed()
        .thenComparing(i -> i));
    PriorityQueue<long[]> load = new PriorityQueue<>(
        Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1]));
    for (int p = 0; p < partitions; p++) {
      load.add(new long[] {0, p});
    }
    for (int i : order) {
      long[] least = load.poll();
      out[i] = (int) least[1];
      least[0] += Math.max(1, bytes[i]);
      load.add(least);
    }
    return out;
  }

  /** Splits a run's checkpoints into segments of at most {@code size}. */
  static <T> List<List<T>> chunks(List<T> items, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i += size) {
      out.add(items.subList(i, Math.min(items.size(), i + size)));
    }
    return out;
  }
}
