package org.shockscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.apache.spark.sql.functions.col;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.shockscope.ShockscopeException;
import org.shockscope.cli.ShockscopeCli;
import org.shockscope.spark.PhaseAggregation;
import org.shockscope.spark.Tables;
import picocli.CommandLine;

/**
 * The collector over real Parquet tables with the product's schemas: a 2 × 3 grid of
 * (batch_size, lr) with 4 seeds, 251 checkpoints a run, jump events whose width grows with
 * lr / batch_size, loss metrics; then the page written from them.
 */
class ReportCollectorTest {
  static final double[] LRS = {0.01, 0.1, 1};
  static final double[] BATCHES = {16, 64};
  static final int SEEDS = 2;
  static final int STEPS = 211;
  static final int STEP = 4;
  /** The structure of every run but the first (which has none recorded). */
  static final String STRUCTURE = RecordedStructures.mlp(8, 64, 1, "relu", true);
  /** A diverged run (so the gallery shows it) whose id needs escaping. */
  static final String ODD_ID = "!run<&>\"4\"";

  @TempDir
  static Path tmp;
  static SparkSession spark;
  static String root;
  static Dataset<Row> metrics;
  static long jumps;
  static double meanLnT;
  static double meanLnWidth;
  static ReportData data;

  @BeforeAll
  static void writeTables() {
    spark = SparkSession.builder().master("local[2]").appName("ReportCollectorTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
    root = tmp.resolve("out").toString();
    StructType runSchema = new StructType().add("run_id", DataTypes.StringType, false)
        .add("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
        .add("lr", DataTypes.DoubleType).add("batch_size", DataTypes.DoubleType)
        .add("seed", DataTypes.DoubleType).add("optimizer", DataTypes.StringType)
        .add("n_checkpoints", DataTypes.IntegerType).add("last_step", DataTypes.LongType)
        .add("final_loss", DataTypes.DoubleType).add("diverged", DataTypes.BooleanType)
        .add("divergence_step", DataTypes.LongType).add("n_shocks", DataTypes.IntegerType)
        .add("first_shock_step", DataTypes.LongType).add("structure", DataTypes.StringType);
    List<Row> runs = new ArrayList<>();
    List<Row> obs = new ArrayList<>();
    List<Row> shocks = new ArrayList<>();
    List<Row> loss = new ArrayList<>();
    double sumT = 0;
    double sumW = 0;
    int k = 0;
    for (double b : BATCHES) {
      for (double lr : LRS) {
        for (int s = 0; s < SEEDS; s++, k++) {
          String id = k == 4 ? ODD_ID : String.format("run%02d", k);
          boolean diverged = lr == 1 && b == 16;
          boolean shocked = lr >= 0.1;
          long ts = 200 + 20 * s;
          double t = lr / b;
          double width = 10 * Math.sqrt(t / 1e-3);
          long last = (STEPS - 1) * STEP;
          runs.add(RowFactory.create(id, Map.of("lr", Double.toString(lr)), lr, b, (double) s,
              s % 2 == 0 ? "sgd" : "adam", STEPS, last, 0.5, diverged,
              diverged ? (Long) 900L : null, shocked ? 2 : 0, shocked ? (Long) ts : null,
              k == 0 ? null : STRUCTURE));
          if (shocked) {
            shocks.add(RowFactory.create(id, "balanced_norm", "layer.0", "jump", ts, ts - 8,
                ts + 8, 1.0, 3.0, 2.0, width, 2.0 * width / 4, 5.0, 0.9));
            shocks.add(RowFactory.create(id, "loss", null, "spike", ts + 100, ts + 96, ts + 104,
                0.2, 0.2, 0.5, 3.0, 0.4, 4.0, 0.8));
            jumps++;
            sumT += Math.log(t);
            sumW += Math.log(width);
          }
          for (int i = 0; i < STEPS; i++) {
            long step = (long) i * STEP;
            for (String g : List.of("layer.0", "layer.1")) {
              double er = 1 + (shocked ? 2 * (1 + Math.tanh((step - ts) / 10.0)) / 2 : 0);
              obs.add(RowFactory.create(id, step, g, "effective_rank", er));
              obs.add(RowFactory.create(id, step, g, "stable_rank", er * 0.8));
              obs.add(RowFactory.create(id, step, g, "quotient_step", 0.1 * Math.exp(-step / 300.0)));
              obs.add(RowFactory.create(id, step, g, "raw_norm", 10 + 0.01 * step + s));
              obs.add(RowFactory.create(id, step, g, "balanced_norm", 8 + 0.005 * step + s));
              obs.add(RowFactory.create(id, step, g, "redundancy",
                  (10 + 0.01 * step + s) / (8 + 0.005 * step + s)));
              obs.add(RowFactory.create(id, step, g, "drift_fraction", i == 0 ? Double.NaN
                  : 0.05 + 0.01 * s));
            }
          }
          // more loss points than a series keeps: thinned by the collector
          for (int i = 0; i < 2100; i++) {
            loss.add(RowFactory.create(id, "loss", (long) i, 2.0 / (1 + i / 100.0)));
          }
          loss.add(RowFactory.create(id, "accuracy", 0L, 0.5));
        }
      }
    }
    // forecasts at two steps: the diverged runs alarmed at 850, 50 steps before their
    // divergence; the shocked running runs with a jump forming at 1000
    List<Row> forecasts = new ArrayList<>();
    for (Row r : runs) {
      boolean diverged = r.getBoolean(9);
      boolean shocked = !r.isNullAt(12);
      for (long step : new long[] {800, 850}) {
        for (long h : new long[] {10, 100}) {
          double pd = diverged ? (step == 850 ? 0.9 : 0.2) : 0.01;
          double pj = shocked && step == 850 ? (h == 100 ? 0.6 : 0.1) : 0.0;
          forecasts.add(RowFactory.create(r.getString(0), step, h, pj, pd,
              diverged ? (Double) 900.0 : shocked ? (Double) 1000.0 : null, "precursor",
              diverged ? List.of("loss") : shocked ? List.of("layer.0/sv1") : List.of()));
        }
      }
    }
    write(Tables.FORECASTS, spark.createDataFrame(forecasts, Tables.FORECASTS_SCHEMA));
    meanLnT = sumT / jumps;
    meanLnWidth = sumW / jumps;
    Dataset<Row> runsDs = spark.createDataFrame(runs, runSchema);
    Dataset<Row> shocksDs = spark.createDataFrame(shocks, Tables.SHOCKS_SCHEMA);
    write(Tables.RUNS, runsDs);
    write(Tables.SHOCKS, shocksDs);
    write(Tables.OBSERVABLES, spark.createDataFrame(obs, Tables.OBSERVABLES_SCHEMA));
    write(Tables.TRANSITIONS, spark.createDataFrame(List.of(
        RowFactory.create("run05", 200L, 190L, 210L, "jump", 2, List.of("effective_rank",
            "stable_rank"), 0.9)), Tables.TRANSITIONS_SCHEMA));
    // run05's transition reached the second layer first, then the first, then the whole map
    write(Tables.FRONTS, spark.createDataFrame(List.of(
        RowFactory.create("run05", 200L, "fc/fc.1.weight", "fc.1.weight/sv1", 195L, 8.0, 1, 0L,
            1, 190L, 200L, 2.0, 12.0),
        RowFactory.create("run05", 200L, "fc/fc.0.weight", "fc.0.weight/sv1", 204L, null, 2,
            9L, 0, 199L, 209L, 2.0, 11.0),
        RowFactory.create("run05", 200L, "fc/end_to_end", "end_to_end/sv1", 204L, 6.0, 2, 9L,
            null, 199L, 209L, 3.0, 20.0)), Tables.FRONTS_SCHEMA));
    write(Tables.PHASE_STATS, PhaseAggregation.phaseStats(runsDs, shocksDs,
        List.of("lr", "batch_size"), col("lr").divide(col("batch_size"))));
    StructType boundary = new StructType().add("target", DataTypes.StringType)
        .add("cell", DataTypes.StringType).add("batch_size", DataTypes.DoubleType)
        .add("n_runs", DataTypes.LongType).add("n_positive", DataTypes.LongType)
        .add("lr_min", DataTypes.DoubleType).add("lr_max", DataTypes.DoubleType)
        .add("max_negative_lr", DataTypes.DoubleType).add("min_positive_lr", DataTypes.DoubleType)
        .add("critical_lr", DataTypes.DoubleType).add("log_lr_slope", DataTypes.DoubleType)
        .add("status", DataTypes.StringType);
    write(Tables.PHASE_BOUNDARY, spark.createDataFrame(List.of(
        RowFactory.create("shock", "batch_size=16", 16.0, 12L, 8L, 0.01, 1.0, 0.01, 0.1, 0.031,
            4.2, "ok"),
        RowFactory.create("shock", "batch_size=64", 64.0, 12L, 8L, 0.01, 1.0, 0.01, 0.1, 0.032,
            4.1, "ok"),
        RowFactory.create("divergence", "batch_size=16", 16.0, 12L, 4L, 0.01, 1.0, 0.1, 1.0,
            0.3, 3.0, "ok"),
        RowFactory.create("divergence", "batch_size=64", 64.0, 12L, 0L, 0.01, 1.0, 1.0, null,
            null, null, "all_negative")), boundary));
    write(Tables.SURVIVAL, spark.createDataFrame(List.of(
        RowFactory.create("aft_weibull", "(intercept)", "identity", 5.0, 148.4, 24L, 16L),
        RowFactory.create("aft_weibull", "log10(lr)", "log10", -0.4, 0.67, 24L, 16L)),
        new StructType().add("model", DataTypes.StringType).add("term", DataTypes.StringType)
            .add("transform", DataTypes.StringType).add("coefficient", DataTypes.DoubleType)
            .add("time_ratio", DataTypes.DoubleType).add("n_runs", DataTypes.LongType)
            .add("n_events", DataTypes.LongType)));
    write(Tables.IMPORTANCE, spark.createDataFrame(List.of(
        RowFactory.create("shock", "lr", 0.9, 1, 24L),
        RowFactory.create("shock", "batch_size", 0.1, 2, 24L)),
        new StructType().add("target", DataTypes.StringType)
            .add("hyperparameter", DataTypes.StringType).add("importance", DataTypes.DoubleType)
            .add("rank", DataTypes.IntegerType).add("n_runs", DataTypes.LongType)));
    write(Tables.VISCOSITY_LAW, spark.createDataFrame(List.of(
        RowFactory.create("log_width", "log_temperature", 0.5, 0.001, 0.498, 0.502, 1e-9,
            jumps, 0.99),
        RowFactory.create("log_width", "intercept", 5.75, 0.01, 5.7, 5.8, 1e-9, jumps, 0.99)),
        new StructType().add("response", DataTypes.StringType).add("term", DataTypes.StringType)
            .add("estimate", DataTypes.DoubleType).add("std_error", DataTypes.DoubleType)
            .add("ci_lo", DataTypes.DoubleType).add("ci_hi", DataTypes.DoubleType)
            .add("p_value", DataTypes.DoubleType).add("n_events", DataTypes.LongType)
            .add("r2", DataTypes.DoubleType)));
    write(Tables.VISCOSITY_BY_SETTING, spark.createDataFrame(List.of(
        RowFactory.create("sgd", 0.0, null, null, 0.0, 12L, 4L, 4L, 40.0, 2.5, 1e-3),
        RowFactory.create("sgd", 0.9, null, null, 0.0, 12L, 4L, 4L, 4.0, 0.25, 1e-3)),
        org.shockscope.spark.ViscosityBySetting.SCHEMA));
    write(Tables.SYMMETRY_LAW, spark.createDataFrame(List.of(
        RowFactory.create("shock", "log_symmetry_dim", 0.25, 0.05, 0.15, 0.35, 1e-3, 24L, 4L,
            0.5, "lr, batch_size", null),
        RowFactory.create("shock", "symmetry_log_order", null, null, null, null, null, 24L, 4L,
            0.5, "lr, batch_size", "log_symmetry_dim")),
        new StructType().add("response", DataTypes.StringType).add("term", DataTypes.StringType)
            .add("estimate", DataTypes.DoubleType).add("std_error", DataTypes.DoubleType)
            .add("ci_lo", DataTypes.DoubleType).add("ci_hi", DataTypes.DoubleType)
            .add("p_value", DataTypes.DoubleType).add("n_runs", DataTypes.LongType)
            .add("n_cells", DataTypes.LongType).add("r2", DataTypes.DoubleType)
            .add("held_fixed", DataTypes.StringType).add("aliased_with", DataTypes.StringType)));
    write(Tables.ERRORS, spark.createDataFrame(List.of(
        RowFactory.create("file:/s/run9/checkpoints/step_3.pt", "run9", 3L, "read",
            "PickleRefused", "refused <pickle> & 'co'"),
        RowFactory.create("file:/s/run8", null, null, "discovery", "NoCheckpoints",
            "no checkpoints in file:/s/run8")), Tables.ERRORS_SCHEMA));
    metrics = spark.createDataFrame(loss, new StructType().add("run_id", DataTypes.StringType)
        .add("name", DataTypes.StringType).add("step", DataTypes.LongType)
        .add("value", DataTypes.DoubleType)).cache();
    data = ReportCollector.collect(spark, root, metrics,
        ReportOptions.defaults().withTitle("tiny <sweep>"));
  }

  private static void write(String table, Dataset<Row> rows) {
    rows.write().parquet(root + "/" + table);
  }

  private static void copyTree(Path from, Path to) throws java.io.IOException {
    Files.createDirectories(to.getParent());
    try (var files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.copy(p, to.resolve(from.relativize(p).toString()));
      }
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void theCallersCountsOfShocksTransitionsAndErrorsStandInForCountingThem() {
    assertEquals(Map.of("jump", jumps, "spike", jumps),
        ReportCollector.shocksByKind(spark.read().parquet(root + "/" + Tables.SHOCKS)));
    // counts unlike the tables' own: the summary must show these, so no query counted them
    TableCounts counts = new TableCounts(Map.of("jump", 7L), 5, 0);
    ReportData.Summary s = ReportCollector.collect(spark, root, Map.of(), counts, metrics,
        ReportOptions.defaults()).summary();
    assertEquals(Map.of("jump", 7L), s.shocksByKind());
    assertEquals(7, s.shocks());
    assertEquals(5, s.transitions());
    assertEquals(0, s.errors());
    assertTrue(s.firstErrors().isEmpty(), "no error rows are read when there are none");
  }

  @Test
  void collectsTheTablesIntoReportData() {
    ReportData d = data;
    assertTrue(d.missingTables().isEmpty(), d.missingTables().toString());
    ReportData.Summary s = d.summary();
    int runs = LRS.length * BATCHES.length * SEEDS;
    assertEquals(runs, s.runs());
    assertEquals((long) runs * STEPS, s.checkpoints());
    assertEquals(2 * jumps, s.shocks());
    assertEquals(Map.of("jump", jumps, "spike", jumps), s.shocksByKind());
    assertEquals(1, s.transitions());
    assertEquals(SEEDS, s.diverged());
    assertEquals(2, s.errors());
    assertEquals("discovery", s.firstErrors().get(0).stage());
    assertNull(s.firstErrors().get(0).runId());
    assertEquals(List.of("lr", "batch_size", "seed", "optimizer"), d.hyperparameters(),
        "the structure column is not a hyperparameter");
    assertEquals(runs, d.runs().size());
    for (ReportData.Run r : d.runs()) {
      assertEquals(r.runId().equals("run00") ? null : STRUCTURE, r.structure(), r.runId());
    }
    ReportData.Run odd = d.runs().stream().filter(r -> r.runId().equals(ODD_ID)).findFirst()
        .orElseThrow();
    assertEquals("1", odd.hyperparameters().get("lr"));
    assertEquals("16", odd.hyperparameters().get("batch_size"));
    assertEquals(List.of("lr", "batch_size"), d.cellColumns());
    assertEquals(LRS.length * BATCHES.length, d.cells().size());
    assertEquals(4, d.boundary().size());
    assertEquals("divergence", d.boundary().get(0).target(), "ordered by target, cell");
    assertEquals("batch_size=64", d.boundary().get(1).cell());
    assertTrue(Double.isNaN(d.boundary().get(1).criticalLr()));
    assertEquals(0.031, d.boundary().get(2).criticalLr());
    assertEquals("lr", d.importance().get(0).hyperparameter());
    assertEquals(2, d.survival().size());
    // gallery: every run (12), each with observables of both groups and a thinned loss
    assertEquals(runs, d.gallery().size());
    for (ReportData.GalleryRun g : d.gallery()) {
      assertEquals(6, g.observables().size(), "3 names × 2 groups");
      for (ReportData.Series o : g.observables()) {
        assertEquals(STEPS, o.steps().length);
      }
      assertNotNull(g.loss());
      assertEquals("loss", g.loss().name());
      assertTrue(g.loss().steps().length <= ReportCollector.MAX_SERIES_POINTS + 2,
          g.loss().steps().length + " points");
      assertTrue(g.loss().steps().length >= 1000);
      assertEquals(0, g.loss().steps()[0]);
      assertEquals(2099, g.loss().steps()[g.loss().steps().length - 1]);
      assertEquals(g.run().shocks(), g.shocks().size());
      assertEquals(g.run().runId().equals("run05") ? 3 : 0, g.fronts().size(), g.run().runId());
    }
    ReportData.GalleryRun run05 = d.gallery().stream()
        .filter(g -> g.run().runId().equals("run05")).findFirst().orElseThrow();
    // by arrival order, then part; NULL width and depth read as NaN and -1
    assertEquals(List.of(
        new ReportData.Front(200, "fc/fc.1.weight", 1, "fc.1.weight/sv1", 195, 8.0, 1, 0),
        new ReportData.Front(200, "fc/end_to_end", -1, "end_to_end/sv1", 204, 6.0, 2, 9),
        new ReportData.Front(200, "fc/fc.0.weight", 0, "fc.0.weight/sv1", 204, Double.NaN, 2,
            9)), run05.fronts());
    assertTrue(d.gallery().stream().anyMatch(g -> g.run().diverged()));
    // symmetry bands: 2 groups × 4 observables, steps binned to at most MAX_BAND_STEPS
    assertEquals(8, d.symmetry().size());
    for (ReportData.Band b : d.symmetry()) {
      assertTrue(b.steps().length <= ReportCollector.MAX_BAND_STEPS && b.steps().length > 100,
          b.steps().length + " bins");
      for (int i = 0; i < b.steps().length; i++) {
        assertTrue(b.p10()[i] <= b.p50()[i] && b.p50()[i] <= b.p90()[i]);
      }
      assertEquals(runs, b.runs()[b.runs().length - 1]);
    }
    ReportData.Band raw = d.symmetry().get(0);
    assertEquals("raw_norm", raw.name());
    // raw_norm = 10 + 0.01·step + seed: in the first bin (steps 0 and 4, binned as 211 steps
    // exceed the bound) the runs' means are 10.02 (seed 0) and 11.02 (seed 1)
    assertEquals(0, raw.steps()[0]);
    assertEquals(5, raw.steps()[1], "bins (840 − 0) / 200 + 1 = 5 steps wide");
    assertTrue(raw.p10()[0] >= 10.02 - 1e-9 && raw.p90()[0] <= 11.02 + 1e-9
        && raw.p10()[0] < raw.p90()[0],
        raw.p10()[0] + " " + raw.p90()[0]);
    // viscosity: every jump event (fewer than the bound), centroid over all of them
    ReportData.Viscosity v = d.viscosity();
    assertEquals(jumps, v.events());
    assertEquals(jumps, v.points().size());
    assertEquals(meanLnT, v.meanLnTemperature(), 1e-12);
    assertEquals(meanLnWidth, v.meanLnWidth(), 1e-12);
    assertEquals(2, v.terms().size());
    assertEquals(2, v.settings().size());
    assertEquals(0.9, v.settings().get(1).momentum());
    assertEquals(4.0, v.settings().get(1).medianWidth());
    assertTrue(Double.isNaN(v.settings().get(1).beta1()), "NULL is NaN");
    assertEquals(2, d.symmetryLaw().size());
    assertEquals(0.25, d.symmetryLaw().get(0).estimate());
    assertEquals("log_symmetry_dim", d.symmetryLaw().get(1).aliasedWith());
    String sym = SvgChecks.section(ReportWriter.render(d), "symmetry");
    assertTrue(sym.contains("Symmetry law") && sym.contains("<td>aliased</td>")
        && sym.contains("= log_symmetry_dim"), sym);
  }

  @Test
  void runsAtRiskAreTheRunningRunsAtTheirLatestForecastAndLeadsComeFromCompletedRuns() {
    ReportData.Risk risk = data.risk();
    long diverged = data.runs().stream().filter(ReportData.Run::diverged).count();
    assertTrue(diverged > 0);
    assertEquals(data.runs().size() - diverged, risk.running(), "no planned steps: all but the "
        + "diverged runs are running");
    ReportData.RunRisk top = risk.atRisk().get(0);
    assertEquals(850, top.step());
    assertEquals(0.6, top.pJump(), "the largest over the horizons");
    assertEquals(0.01, top.pDivergence());
    assertEquals(1000.0, top.expectedStep());
    assertEquals(List.of("layer.0/sv1"), top.series());
    assertEquals(0.0, risk.atRisk().get(risk.atRisk().size() - 1).pJump(), "quiet runs last");
    List<ReportData.Lead> divergences = risk.leads().stream()
        .filter(l -> l.kind().equals("divergence")).toList();
    assertEquals(diverged, divergences.size(), "one divergence per diverged run");
    for (ReportData.Lead l : divergences) {
      assertEquals(900, l.eventStep());
      assertEquals(50.0, l.leadSteps(), "alarm at 850, divergence at 900");
    }
    // run05 (diverged) also had a jump transition at 200, long before any p_jump alarm
    List<ReportData.Lead> jumps = risk.leads().stream().filter(l -> l.kind().equals("jump"))
        .toList();
    assertEquals(1, jumps.size(), jumps.toString());
    assertEquals("run05", jumps.get(0).runId());
    assertTrue(Double.isNaN(jumps.get(0).leadSteps()), "no alarm before step 200");
  }

  @Test
  void writesAPageWithEverySectionFilled() throws Exception {
    ReportData d = data;
    String file = tmp.resolve("page/index.html").toString();
    ReportCollector.write(spark, d, file);
    String html = Files.readString(Path.of(file), StandardCharsets.UTF_8);
    for (String id : ReportWriterTest.SECTIONS) {
      String s = SvgChecks.section(html, id);
      assertFalse(s.contains("class=\"empty\""), id + ": " + s);
      assertFalse(s.contains("could not be drawn"), id);
      if (!id.equals("overview")) {
        assertTrue(s.contains("<svg"), id);
      }
    }
    for (String svg : SvgChecks.charts(html)) {
      SvgChecks.parse(svg);
    }
    assertTrue(html.contains("!run&lt;&amp;&gt;&quot;4&quot;"));
    assertFalse(html.contains(ODD_ID));
    assertTrue(html.contains("tiny &lt;sweep&gt;"));
    assertTrue(SvgChecks.section(html, "phase").contains("aria-label=\"Shock rate\""));
    assertTrue(SvgChecks.section(html, "viscosity").contains("fit: slope 0.5"));
    // the structure in words, its JSON only inside a closed <details>
    String overview = SvgChecks.section(html, "overview");
    assertTrue(overview.contains("<span class=\"structure\">MLP, 1 hidden layer of 64 (relu), "
        + "permutation \u00d7 positive scaling</span><details class=\"json\">"), overview);
    assertTrue(overview.contains("structure not recorded"), "the first run has none");
    assertFalse(SvgChecks.outsideJsonDetails(html).contains("&quot;groups&quot;"));
  }

  @Test
  void anEmptyFolderGivesAPageOfNotices() {
    String empty = tmp.resolve("nothing").toString();
    ReportData d = ReportCollector.collect(spark, empty, null, ReportOptions.defaults());
    assertEquals(Set.copyOf(ReportCollector.TABLES), Set.copyOf(d.missingTables()));
    String html = ReportWriter.render(d);
    for (String id : ReportWriterTest.SECTIONS) {
      assertTrue(SvgChecks.section(html, id).contains("table was not found"), id);
    }
  }

  @Test
  void metricsWithoutTheExpectedColumnsAreRefused() {
    ShockscopeException e = assertThrows(ShockscopeException.class,
        () -> ReportCollector.collect(spark, root, metrics.drop("step"),
            ReportOptions.defaults()));
    assertTrue(e.getMessage().contains("column 'step' is missing"), e.getMessage());
  }

  @Test
  void reportSubcommandWritesThePage() throws Exception {
    CommandLine cl = ShockscopeCli.commandLine();
    assertTrue(cl.getSubcommands().containsKey("report"));
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    // a few tables are enough to check the wiring (a full collect is tested above)
    Path some = tmp.resolve("some");
    for (String t : List.of(Tables.RUNS, Tables.PHASE_STATS)) {
      copyTree(Path.of(root, t), some.resolve(t));
    }
    String metricsPath = tmp.resolve("metrics.parquet").toString();
    metrics.write().parquet(metricsPath);
    String file = tmp.resolve("cli/report.html").toString();
    int code = cl.execute("report", "--tables", some.toString(), "--out", file, "--title",
        "cli <t>", "--metrics", metricsPath);
    assertEquals(0, code);
    String html = Files.readString(Path.of(file), StandardCharsets.UTF_8);
    assertTrue(html.contains("<title>cli &lt;t&gt; \u2014 shockscope report</title>"));
    assertTrue(out.toString().contains("Report: " + file + " (12 runs, 0 shocks; tables not "
        + "found: "), out.toString());
    assertTrue(SvgChecks.section(html, "phase").contains("aria-label=\"Shock rate\""));
    // no observables there, but the metrics give each gallery run its loss
    String gallery = SvgChecks.section(html, "gallery");
    assertTrue(gallery.contains("aria-label=\"loss\""), gallery);
    assertTrue(gallery.contains("<article class=\"run\""));
    // the command reused this test's session and left it running
    assertEquals(1, spark.range(1).count());
  }

  @Test
  void smallTablesAreOrderedOnTheDriverAsSparkOrdersThem() {
    StructType schema = new StructType().add("target", DataTypes.StringType)
        .add("rank", DataTypes.IntegerType).add("x", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>(List.of(
        new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
            new Object[] {"shock", 2, 1.0}, schema),
        new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
            new Object[] {"divergence", 10, Double.NaN}, schema),
        new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
            new Object[] {null, 5, -1.0}, schema),
        new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
            new Object[] {"divergence", 9, 2.0}, schema),
        new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
            new Object[] {"shock", null, 0.5}, schema)));
    List<Row> expected = spark.createDataFrame(rows, schema).orderBy("target", "rank")
        .collectAsList();
    rows.sort(ReportCollector.ascending(List.of("target", "rank")));
    assertEquals(expected, rows);
    List<Row> byX = spark.createDataFrame(rows, schema).orderBy("x").collectAsList();
    rows.sort(ReportCollector.ascending(List.of("x")));
    assertEquals(byX.toString(), rows.toString());
  }
}
