package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.report.ReportCollector;
import org.shockscope.report.ReportOptions;
import org.shockscope.sweep.MetricSeries;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.Sweep;
import org.shockscope.sweep.SweepLayout;

/**
 * No hyperparameter or metric value a sweep can hold makes the aggregation or the report fail
 * (issue 15): random sweeps whose hyperparameters are zero, negative, ±1e308, subnormal, text,
 * NaN/inf words or missing, with NaN/±inf metrics and shock widths, go through the runs table,
 * every aggregate table and the report; an undefined temperature is NULL with a warning. The
 * property runs {@code -Dtotality.trials} random sweeps (default 3) from {@code -Dtotality.seed};
 * a failure names the seed that replays it.
 */
class AggregationTotalityTest {
  @TempDir
  static Path dir;
  static SparkSession spark;

  private static final String[] ODD_NUMBERS = {"0", "-0.5", "1e308", "-1e308", "1e-308",
      "4.9e-324", "0.0", "-3"};
  private static final String[] ODD_TEXT = {"NaN", "inf", "-inf", "abc", "<b>x</b>", "",
      "1,5", "true"};
  private static final double[] ODD_METRICS = {Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY, 1e308, -1e308, 0.0, -1.0, 4.9e-324};

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("AggregationTotalityTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void randomValuesGoThroughEveryAggregateTableAndTheReport() throws IOException {
    long seed = Long.getLong("totality.seed", 15L);
    int trials = Integer.getInteger("totality.trials", 3);
    for (int t = 0; t < trials; t++) {
      long s = seed + t;
      try {
        oneSweep(s);
      } catch (RuntimeException | AssertionError | IOException e) {
        throw new AssertionError("random sweep of seed " + s + " (replay with "
            + "-Dtotality.seed=" + s + " -Dtotality.trials=1): " + e, e);
      }
    }
  }

  @Test
  void aZeroBatchSizeGivesANullTemperatureAndAWarning() throws IOException {
    List<RunInfo> runs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Map<String, String> p = new TreeMap<>();
      p.put("lr", String.valueOf(0.01 * (i + 1)));
      p.put("batch_size", i < 3 ? "0" : "32");
      p.put("seed", String.valueOf(i));
      runs.add(run("r" + i, p, new Random(i)));
    }
    Path out = dir.resolve("zero-batch");
    List<String> warnings = aggregate(runs, out, new Random(1));
    assertTrue(warnings.stream().anyMatch(w -> w.startsWith("temperature lr / batch_size "
        + "undefined (NULL) for 3 of 6 runs")), warnings.toString());
    List<Row> cells = spark.read().parquet(out.resolve(Tables.PHASE_STATS).toString())
        .select("batch_size", "temperature").collectAsList();
    for (Row c : cells) {
      assertTrue(!c.isNullAt(0), "every cell has its batch size: " + cells);
      if (c.getDouble(0) == 0.0) {
        assertTrue(c.isNullAt(1), "temperature of a batch_size 0 cell: " + c);
      } else {
        assertTrue(c.getDouble(1) > 0, "temperature of a batch_size 32 cell: " + c);
      }
    }
  }

  /**
   * A sweep may name its hyperparameters like any column the job adds to {@code runs}: each
   * becomes an {@code hp_} column beside the job's own, with the sweep's values, and the
   * aggregation and the report go through.
   */
  @Test
  void hyperparametersNamedLikeTheJobsOwnColumnsKeepTheirValues() throws IOException {
    List<String> fixed = List.of("n_shocks", "structure", "symmetry_dim", "symmetry_log_order",
        "diverged", "cell");
    List<RunInfo> runs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Map<String, String> p = new TreeMap<>();
      p.put("lr", String.valueOf(0.01 * (i + 1)));
      for (String k : fixed) {
        p.put(k, String.valueOf(100 + i));
      }
      runs.add(run("r" + i, p, new Random(i)));
    }
    Path out = dir.resolve("shadowing");
    aggregate(runs, out, new Random(2));
    Dataset<Row> table = spark.read().parquet(out.resolve(Tables.RUNS).toString());
    for (String k : fixed) {
      List<Row> rows = table.select("run_id", "hp_" + k).orderBy("run_id").collectAsList();
      for (int i = 0; i < rows.size(); i++) {
        assertEquals(100.0 + i, rows.get(i).getDouble(1), 0.0, k + " of " + rows.get(i));
      }
    }
    assertTrue(Files.readString(out.resolve("report/index.html")).contains("</html>"));
  }

  private static void oneSweep(long seed) throws IOException {
    Random rnd = new Random(seed);
    int n = 6 + rnd.nextInt(10);
    String[] keys = {"lr", "batch_size", "momentum", "width", "optimizer", "seed"};
    // per key: a clean numeric column, a numeric one with odd numbers, or a mixed one
    int[] mode = new int[keys.length];
    for (int k = 0; k < keys.length; k++) {
      mode[k] = rnd.nextInt(3);
    }
    List<RunInfo> runs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, String> p = new TreeMap<>();
      for (int k = 0; k < keys.length; k++) {
        if (rnd.nextInt(8) == 0) {
          continue;
        }
        String v = switch (mode[k]) {
          case 0 -> String.valueOf((1 + rnd.nextInt(3)) * Math.pow(10, -rnd.nextInt(4)));
          case 1 -> rnd.nextBoolean() ? ODD_NUMBERS[rnd.nextInt(ODD_NUMBERS.length)]
              : String.valueOf(rnd.nextInt(4));
          default -> rnd.nextBoolean() ? ODD_TEXT[rnd.nextInt(ODD_TEXT.length)]
              : ODD_NUMBERS[rnd.nextInt(ODD_NUMBERS.length)];
        };
        p.put(keys[k], v);
      }
      runs.add(run("run " + i + (rnd.nextInt(4) == 0 ? " <i>é</i>" : ""), p, rnd));
    }
    Path out = dir.resolve("sweep-" + seed);
    aggregate(runs, out, rnd);
    long total = 0;
    for (Row r : spark.read().parquet(out.resolve(Tables.PHASE_STATS).toString())
        .select("n_runs", "temperature").collectAsList()) {
      total += r.getLong(0);
      assertTrue(r.isNullAt(1) || Double.isFinite(r.getDouble(1)) && r.getDouble(1) >= 0,
          "temperature is NULL or a finite number >= 0: " + r);
    }
    assertEquals(n, total, "every run is in one phase_stats cell");
    List<String> cells = SweepAnalysis.hyperparameters(new Sweep("file:/sweep",
        SweepLayout.NATIVE, "random", null, List.of(), runs, List.of()), "seed")
        .cellColumns(List.of());
    if (!cells.isEmpty()) {
      org.apache.spark.sql.Column[] cellKeys = cells.stream().map(org.apache.spark.sql.functions::col)
          .toArray(org.apache.spark.sql.Column[]::new);
      assertEquals(sortedRows(spark.read().parquet(out.resolve(Tables.RUNS).toString())
              .select(cellKeys).distinct()),
          sortedRows(spark.read().parquet(out.resolve(Tables.PHASE_STATS).toString())
              .select(cellKeys)), "phase_stats has one row per cell, with the cell's values");
    }
    for (String t : List.of(Tables.PHASE_BOUNDARY, Tables.SURVIVAL, Tables.IMPORTANCE,
        Tables.VISCOSITY_LAW)) {
      assertNotNull(spark.read().parquet(out.resolve(t).toString()).collectAsList(), t);
    }
    Row settings = spark.read().parquet(out.resolve(Tables.VISCOSITY_BY_SETTING).toString())
        .agg(org.apache.spark.sql.functions.sum("n_runs")).first();
    assertEquals(n, settings.isNullAt(0) ? 0 : settings.getLong(0),
        "every run is in one viscosity_by_setting row, whatever its optimiser values");
    String html = Files.readString(out.resolve("report/index.html"));
    assertTrue(html.contains("</html>"), "the report is written to its end");
    assertTrue(!html.contains("<b>x</b>") && !html.contains("<i>é</i>"),
        "names and values are escaped in the report");
  }

  private static List<String> sortedRows(Dataset<Row> d) {
    return d.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  /** A run with a loss series of ordinary and odd values. */
  private static RunInfo run(String id, Map<String, String> params, Random rnd) {
    int m = 3 + rnd.nextInt(5);
    long[] steps = new long[m];
    double[] values = new double[m];
    for (int j = 0; j < m; j++) {
      steps[j] = 10L * (j + 1);
      values[j] = rnd.nextInt(4) == 0 ? ODD_METRICS[rnd.nextInt(ODD_METRICS.length)]
          : 1.0 / (j + 1);
    }
    Map<String, Double> numeric = new TreeMap<>();
    params.forEach((k, v) -> {
      try {
        double d = Double.parseDouble(v);
        if (Double.isFinite(d) && v.matches("[-+0-9.eE]+")) {
          numeric.put(k, d);
        }
      } catch (NumberFormatException e) {
        // text stays text
      }
    });
    return new RunInfo(id, "file:/sweep/" + id, params, numeric,
        Map.of("loss", new MetricSeries("loss", steps, values)), List.of(), null);
  }

  /**
   * Builds the runs table the job builds, with random shocks and transitions, writes the tables,
   * runs the aggregation and the report; returns the aggregation's warnings.
   */
  private static List<String> aggregate(List<RunInfo> runs, Path out, Random rnd) {
    Sweep sweep = new Sweep("file:/sweep", SweepLayout.NATIVE, "random", null, List.of(), runs,
        List.of());
    AnalyzeSettings settings = settings(out);
    SweepAnalysis analysis = new SweepAnalysis(spark, settings, quiet());
    HyperparameterColumns hps = SweepAnalysis.hyperparameters(sweep, settings.seedKey());
    Dataset<Row> metrics = analysis.metricsFrame(sweep);
    List<Row> shockRows = new ArrayList<>();
    List<Row> transitionRows = new ArrayList<>();
    List<Row> observableRows = new ArrayList<>();
    double[] odd = {Double.NaN, Double.POSITIVE_INFINITY, 0.0, -2.0, 1e308, 4.9e-324};
    for (RunInfo r : runs) {
      int events = rnd.nextInt(4);
      for (int e = 0; e < events; e++) {
        String kind = List.of("jump", "jump", "spike", "divergence").get(rnd.nextInt(4));
        long step = 10L * (1 + rnd.nextInt(8));
        Double width = rnd.nextInt(3) == 0 ? odd[rnd.nextInt(odd.length)] : 1.0 + rnd.nextInt(20);
        Double visc = rnd.nextInt(3) == 0 ? odd[rnd.nextInt(odd.length)] : 0.1 + rnd.nextDouble();
        shockRows.add(RowFactory.create(r.runId(), "loss", null, kind, step, step - 5, step + 5,
            1.0, 0.1, -0.9, width, visc, 5.0, 0.9));
        transitionRows.add(RowFactory.create(r.runId(), step, step - 5, step + 5, kind, 1,
            scala.jdk.javaapi.CollectionConverters.asScala(List.of("loss")).toSeq(), 0.9));
      }
      for (long s = 10; s <= 50; s += 10) {
        double v = rnd.nextInt(5) == 0 ? odd[rnd.nextInt(odd.length)] : s * 0.1;
        observableRows.add(RowFactory.create(r.runId(), s, "fc", "effective_rank", v));
        observableRows.add(RowFactory.create(r.runId(), s, "fc", "raw_norm", v));
      }
    }
    Dataset<Row> shocks = spark.createDataFrame(shockRows, Tables.SHOCKS_SCHEMA);
    Dataset<Row> transitions = spark.createDataFrame(transitionRows, Tables.TRANSITIONS_SCHEMA);
    Dataset<Row> structures = spark.createDataFrame(List.of(), new StructType()
        .add("run_id", DataTypes.StringType).add("structure", DataTypes.StringType));
    Dataset<Row> runsTable = SweepAnalysis.runsTable(spark, sweep, hps, "loss", shocks,
        transitions, structures);
    TableStore store = new TableStore(spark, out.toString(), TableStore.Format.PARQUET);
    store.replaceAll(Tables.RUNS, runsTable);
    store.replaceAll(Tables.SHOCKS, shocks);
    store.replaceAll(Tables.TRANSITIONS, transitions);
    store.replaceAll(Tables.OBSERVABLES, spark.createDataFrame(observableRows,
        Tables.OBSERVABLES_SCHEMA));
    store.replaceAll(Tables.SPECTRA, spark.createDataFrame(List.of(), Tables.SPECTRA_SCHEMA));
    store.replaceAll(Tables.ERRORS, spark.createDataFrame(List.of(), Tables.ERRORS_SCHEMA));
    List<String> cells = hps.cellColumns(List.of());
    List<String> warnings = new SweepAggregation(spark, store, hps, settings)
        .write(cells, stage -> { });
    ReportCollector.write(spark, ReportCollector.collect(spark, out.toString(), metrics,
        ReportOptions.defaults()), out.resolve("report/index.html").toString());
    return warnings;
  }

  private static AnalyzeSettings settings(Path out) {
    Map<String, String> cli = new LinkedHashMap<>();
    cli.put("sweep", "/nowhere");
    cli.put("out", out.toString());
    return AnalyzeSettings.resolve(cli, null, Map.of());
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}
