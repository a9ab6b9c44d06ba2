package org.shockscope.cli;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Starts the Spark session of a subcommand: the cluster's when launched by
 * {@code spark-submit} (which sets {@code spark.master}), otherwise an embedded local Spark
 * on all cores with settings that suit one machine (few shuffle partitions, no UI port
 * clash).
 */
final class SparkSessions {
  private SparkSessions() {}

  static SparkSession start(String appName, String master, Map<String, String> fileConf,
                            Map<String, String> cliConf) {
    SparkConf conf = new SparkConf();
    boolean local = master == null && !conf.contains("spark.master");
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    if (master != null) {
      b.master(master);
    } else if (local) {
      b.master("local[*]");
    }
    if (local || (master != null && master.startsWith("local"))) {
      int cores = Runtime.getRuntime().availableProcessors();
      b.config("spark.sql.shuffle.partitions", String.valueOf(Math.max(2, 2 * cores)));
      b.config("spark.ui.showConsoleProgress", "false");
      b.config("spark.sql.adaptive.enabled", "true");
    }
    fileConf.forEach(b::config);
    cliConf.forEach(b::config);
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel(System.getProperty("shockscope.sparkLogLevel", "WARN"));
    return spark;
  }
}
