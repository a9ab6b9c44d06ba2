package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * {@link SweepAnalysisContract} with the tables in a catalog namespace: managed Delta tables
 * of Delta's catalog over a local warehouse, in Spark's in-memory catalog (no metastore), and
 * a reader running beside a re-run that replaces runs: every snapshot it reads is the old
 * table or the new one, never a mixture.
 */
class SweepAnalysisCatalogTest extends SweepAnalysisContract {
  @Override
  SparkSession.Builder configure(SparkSession.Builder builder) {
    return builder.config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog",
            "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.warehouse.dir", dir.resolve("warehouse").toString())
        // Delta replays a table's log in 50 partitions by default: for tables of a few hundred
        // rows that is 50 tasks per snapshot, the bulk of this class's time
        .config("spark.databricks.delta.snapshotPartitions", "2");
  }

  @Override
  String output(String name) {
    return "spark_catalog." + name;
  }

  @Override
  Dataset<Row> table(String output, String name) {
    return spark.read().table(OutputTarget.resolve(output, spark).tableSql(name));
  }

  @Override
  boolean exists(String output, String name) {
    return spark.catalog().tableExists(OutputTarget.resolve(output, spark).tableSql(name));
  }

  @Override
  String tablesTag(String output) {
    return output;
  }

  @Test
  void aReaderBesideAReRunSeesTheOldTablesOrTheNewNeverAMixture() throws Exception {
    Path growing = earlierSweep("concurrent");
    String o = output("out_concurrent");
    SweepAnalysis.Summary first = analyze(growing, o, Map.of("report", "true"));
    assertTrue(first.warnings().stream().anyMatch(w -> w.startsWith("report not written: the "
        + "tables are in catalog namespace " + o)), first.warnings().toString());
    Map<String, Long> before = observablesPerRun(o);
    Map<String, Long> after = observablesPerRun(out);
    assertNotEquals(before, after, "the re-run must change the tables");
    copy(sweep.resolve("native"), growing);

    // read the table as a dashboard would, over and over, while the re-run replaces every run
    AtomicBoolean done = new AtomicBoolean();
    CompletableFuture<List<Map<String, Long>>> reader = CompletableFuture.supplyAsync(() -> {
      List<Map<String, Long>> seen = new ArrayList<>();
      while (!done.get()) {
        seen.add(observablesPerRun(o));
      }
      return seen;
    });
    Path report = dir.resolve("concurrent-report/index.html");
    SweepAnalysis.Summary rerun;
    try {
      rerun = analyze(growing, o, Map.of("report", "true", "report_path", report.toString()));
    } finally {
      done.set(true);
    }
    List<Map<String, Long>> seen = reader.get();
    for (Map<String, Long> snapshot : seen) {
      assertTrue(snapshot.equals(before) || snapshot.equals(after), "a mixture: " + snapshot);
    }
    // the reader read the old table and then the new one while the job ran
    assertEquals(before, seen.get(0));
    assertEquals(after, seen.get(seen.size() - 1), seen.size() + " reads");
    assertEquals(after, observablesPerRun(o));
    assertEquals(report.toString(), rerun.report());
    String page = Files.readString(report, StandardCharsets.UTF_8);
    assertTrue(page.contains("spark_catalog.out_concurrent"), "the page names its tables");
  }

  /** Rows of {@code observables} per run, the whole table read in one query. */
  private Map<String, Long> observablesPerRun(String output) {
    Map<String, Long> m = new TreeMap<>();
    for (Row r : table(output, Tables.OBSERVABLES).groupBy("run_id").count().collectAsList()) {
      m.put(r.getString(0), r.getLong(1));
    }
    return m;
  }

  @Test
  void theTablesHaveTheSpecNamesInTheNamespace() throws IOException {
    List<String> names = new ArrayList<>();
    for (Row r : spark.sql("SHOW TABLES IN spark_catalog.out_native").collectAsList()) {
      names.add(r.getString(r.fieldIndex("tableName")));
    }
    assertTrue(names.containsAll(List.of(Tables.OBSERVABLES, Tables.SPECTRA, Tables.SHOCKS,
        Tables.TRANSITIONS, Tables.RUNS, Tables.ERRORS, Tables.PHASE_STATS,
        Tables.PHASE_BOUNDARY, Tables.SURVIVAL, Tables.IMPORTANCE, Tables.VISCOSITY_LAW,
        "_state_inputs")), names.toString());
    // the reduction state is dropped once the tables are written
    assertTrue(!names.contains("_state_reduced"), names.toString());
    assertEquals("delta", spark.sql("DESCRIBE DETAIL spark_catalog.out_native.runs").first()
        .getAs("format"));
  }

  @Test
  void theReportCommandReadsTheNamespace() throws IOException {
    Path page = dir.resolve("report-command/index.html");
    java.io.StringWriter said = new java.io.StringWriter();
    picocli.CommandLine cli = org.shockscope.cli.ShockscopeCli.commandLine()
        .setOut(new java.io.PrintWriter(said)).setErr(new java.io.PrintWriter(said));
    assertEquals(0, cli.execute("report", "--tables", out, "--out", page.toString()),
        said.toString());
    long runs = table(out, Tables.RUNS).count();
    assertTrue(said.toString().contains("(" + runs + " runs, "), said.toString());
    assertTrue(!said.toString().contains("tables not found"), said.toString());
    assertTrue(Files.readString(page, StandardCharsets.UTF_8).contains(out));

    said.getBuffer().setLength(0);
    assertEquals(2, cli.execute("report", "--tables", "catalog:no_such_schema", "--out",
        page.toString()), said.toString());
    assertTrue(said.toString().contains("Catalog namespace no_such_schema does not exist"),
        said.toString());
  }
}
