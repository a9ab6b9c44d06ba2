package org.shockscope.sweep;

import org.apache.hadoop.conf.Configuration;

/**
 * Bounds on the work discovery does, so that no input can make it loop or exhaust memory.
 * Read from the Hadoop configuration; every key is optional.
 *
 * @param threads          folders listed and runs read in parallel
 *                         ({@value #THREADS}, default 8; object stores need parallel requests)
 * @param maxJsonBytes     largest JSON or other small text file read, in bytes
 *                         ({@value #MAX_JSON_BYTES}, default 16 MiB)
 * @param maxMetricsBytes  largest metric log or {@code runs.csv} read, in bytes
 *                         ({@value #MAX_METRICS_BYTES}, default 256 MiB)
 * @param maxRecordBytes   longest record of a TensorBoard event file read, in bytes; longer
 *                         ones (images, graphs) are skipped with an error record
 *                         ({@value #MAX_RECORD_BYTES}, default 16 MiB)
 * @param maxDepth         deepest level searched below an MLflow run's {@code artifacts/},
 *                         {@code params/} or {@code metrics/}: a file at
 *                         {@code artifacts/a/b/c/d/e/step_1.npy} is at level 6
 *                         ({@value #MAX_DEPTH}, default 6)
 */
public record DiscoveryLimits(int threads, long maxJsonBytes, long maxMetricsBytes,
                              int maxRecordBytes, int maxDepth) {
  public static final String THREADS = "shockscope.discovery.threads";
  public static final String MAX_JSON_BYTES = "shockscope.discovery.max-json-bytes";
  public static final String MAX_METRICS_BYTES = "shockscope.discovery.max-metrics-bytes";
  public static final String MAX_RECORD_BYTES = "shockscope.discovery.max-event-record-bytes";
  public static final String MAX_DEPTH = "shockscope.discovery.max-depth";

  public DiscoveryLimits {
    check(THREADS, threads);
    check(MAX_JSON_BYTES, maxJsonBytes);
    check(MAX_METRICS_BYTES, maxMetricsBytes);
    check(MAX_RECORD_BYTES, maxRecordBytes);
    check(MAX_DEPTH, maxDepth);
  }

  /** The limits set in {@code conf}, defaults elsewhere. */
  public static DiscoveryLimits from(Configuration conf) {
    return new DiscoveryLimits(conf.getInt(THREADS, 8), conf.getLong(MAX_JSON_BYTES, 16L << 20),
        conf.getLong(MAX_METRICS_BYTES, 256L << 20), conf.getInt(MAX_RECORD_BYTES, 16 << 20),
        conf.getInt(MAX_DEPTH, 6));
  }

  private static void check(String key, long value) {
    if (value < 1) {
      throw new SweepDiscoveryException("Discovery option " + key + " = " + value
          + " must be at least 1");
    }
  }
}
