package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real Spark standalone cluster — a master and two workers started from the Maven
 * jars on 127.0.0.1, the application submitted through Spark's own {@code SparkSubmit} — writes
 * the same tables as the embedded local run.
 */
class StandaloneClusterTest {
  @TempDir
  Path dir;

  @Test
  void clusterRunGivesTheSameTablesAsTheLocalRun() throws Exception {
    Path sweep = LabSweeps.small(dir.resolve("lab")).resolve("native");
    Path clusterOut = dir.resolve("out-cluster");
    Path app = StandaloneCluster.jarOf(Path.of("target/classes"), dir.resolve("app.jar"));
    Path log = dir.resolve("submit.log");
    try (StandaloneCluster cluster = new StandaloneCluster(dir.resolve("cluster"), 2, 1)) {
      int code = cluster.submit(app, "org.shockscope.cli.ShockscopeCli", log,
          List.of("spark.sql.shuffle.partitions=4", "spark.cores.max=2"),
          "analyze", "--sweep", sweep.toString(), "--out", clusterOut.toString());
      assertEquals(0, code, () -> tail(log));
    }
    Path localOut = dir.resolve("out-local");
    SparkSession spark = SparkSession.builder().master("local[2]").appName("local twin")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    try {
      new SweepAnalysis(spark, AnalyzeSettings.resolve(Map.of("sweep", sweep.toString(),
          "out", localOut.toString(), "progress_seconds", "3600"), null, Map.of()),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
      for (String t : List.of(Tables.OBSERVABLES, Tables.SPECTRA, Tables.SHOCKS,
          Tables.TRANSITIONS, Tables.RUNS, Tables.PHASE_STATS, Tables.PHASE_BOUNDARY,
          Tables.ERRORS)) {
        TableAssertions.assertSameRows(TableAssertions.rows(spark, localOut, t),
            TableAssertions.rows(spark, clusterOut, t), t);
      }
    } finally {
      spark.stop();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (java.io.IOException e) {
      return "no log: " + e;
    }
  }
}
