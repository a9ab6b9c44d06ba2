package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
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
        assertSameRows(rows(spark, localOut, t), rows(spark, clusterOut, t), t);
      }
    } finally {
      spark.stop();
    }
  }

  /**
   * A table's rows, sorted by their non-floating-point fields. Executors of the cluster may run
   * another LAPACK build (or thread count) than the local JVM, so doubles are compared to a
   * relative 1e-9 — the invariance tolerance of SPEC §4 — and everything else exactly.
   */
  private static List<Row> rows(SparkSession spark, Path root, String table) {
    return spark.read().parquet(root.resolve(table).toString()).collectAsList().stream()
        .sorted(java.util.Comparator.comparing(StandaloneClusterTest::key)).toList();
  }

  private static String key(Row r) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < r.length(); i++) {
      Object v = r.get(i);
      b.append(v instanceof Double || v instanceof scala.collection.Seq<?> ? "~" : v).append('|');
    }
    return b.toString();
  }

  private static void assertSameRows(List<Row> expected, List<Row> actual, String table) {
    assertEquals(expected.size(), actual.size(), table + " row count");
    for (int i = 0; i < expected.size(); i++) {
      Row e = expected.get(i);
      Row a = actual.get(i);
      assertEquals(key(e), key(a), table);
      for (int c = 0; c < e.length(); c++) {
        if (e.get(c) instanceof Double x) {
          double y = a.getDouble(c);
          assertTrue(x.equals(y) || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y)),
              table + " " + e + " vs " + a);
        }
      }
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
