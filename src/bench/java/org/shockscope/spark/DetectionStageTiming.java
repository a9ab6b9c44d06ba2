package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.shockscope.forecast.ForecastHorizons;
import org.shockscope.shock.DetectorConfig;

/**
 * Times the job's detection stage alone (issue 14): {@link RunDetection#detect} over the
 * observables and mode series of an analysed sweep's tables, as the job runs it (default
 * forecast horizons, no learned-forecaster examples), on {@code local[2]}, repeated in one JVM.
 * Prints per repeat the wall seconds and the CPU seconds of the JVM's live threads. Metrics are
 * left out (they come from the sweep's logs, not its tables).
 * Run through {@code src/bench/detection-timing.sh TABLES [REPEATS]}.
 */
public final class DetectionStageTiming {
  private DetectionStageTiming() {}

  public static void main(String[] args) {
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    SparkSession spark = SparkSession.builder().master("local[2]")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    Dataset<Row> observables = spark.read().parquet(args[0] + "/observables")
        .filter(not(col("name").isin(RunDetection.RAW.toArray())))
        .select(col("run_id"), col("name").as("series"), col("group"), col("step"),
            col("value"));
    Dataset<Row> series = observables.unionByName(RunDetection.modeSeries(
        spark.read().parquet(args[0] + "/spectra"), RunDetection.DEFAULT_MODES))
        .localCheckpoint(true);
    System.out.printf("%d series points%n", series.count());
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    ForecastHorizons horizons = ForecastHorizons.parse(ForecastHorizons.DEFAULT);
    for (int r = 0; r < repeats; r++) {
      long cpu0 = cpu(threads);
      long t0 = System.nanoTime();
      long rows = RunDetection.detect(series, DetectorConfig.DEFAULTS, horizons, false, null)
          .count();
      System.out.printf("repeat %d: %d output rows, wall %.2f s, cpu %.2f s%n", r + 1, rows,
          (System.nanoTime() - t0) / 1e9, (cpu(threads) - cpu0) / 1e9);
    }
    spark.stop();
  }

  private static long cpu(ThreadMXBean threads) {
    long sum = 0;
    for (long id : threads.getAllThreadIds()) {
      long t = threads.getThreadCpuTime(id);
      if (t > 0) {
        sum += t;
      }
    }
    return sum;
  }
}
