package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.OrderStatistics;
import org.shockscope.io.SafetensorsWriter;
import org.shockscope.io.Tensor;
import org.shockscope.io.TensorFile;
import org.shockscope.io.TensorFiles;
import org.shockscope.shock.DetectorConfig;
import org.shockscope.shock.Front;
import org.shockscope.shock.FrontMap;
import org.shockscope.shock.RunShocks;
import org.shockscope.shock.SeriesData;
import org.shockscope.shock.ShockDetector;
import org.shockscope.shock.ShockEvent;
import org.shockscope.sweep.EventFileWriter;
import org.shockscope.sweep.MetricSeries;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.SweepDiscovery;

/**
 * The analyze job end to end on a real lab sweep in local[2], written once and run for each
 * kind of output (a folder of Parquet tables: {@link SweepAnalysisTest}; managed Delta tables
 * of a catalog namespace: {@link SweepAnalysisCatalogTest}): every table with the SPEC §7
 * columns, shocks identical to the detector called directly, phase statistics that add up, a
 * phase boundary inside the learning-rate gap, re-runs that replace rather than duplicate,
 * incremental runs equal to full ones, broken inputs quarantined without touching other runs'
 * results, and MLflow tags naming the output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SweepAnalysisContract {
  /** The class's folder: the sweep, folder outputs, the warehouse of catalog outputs. */
  Path dir;
  SparkSession spark;
  Path sweep;
  /** The output of the full analysis of the native layout, which the tests compare with. */
  String out;

  /** The session's settings beyond the common ones (a catalog for the catalog outputs). */
  abstract SparkSession.Builder configure(SparkSession.Builder builder);

  /** The {@code --out} value of the output called {@code name} (an identifier). */
  abstract String output(String name);

  /** A table of an output, read as a user reads it. */
  abstract Dataset<Row> table(String output, String name);

  /** Whether an output has a table. */
  abstract boolean exists(String output, String name);

  /** What the {@code shockscope.tables} tag of an MLflow run says for an output. */
  abstract String tablesTag(String output);

  @BeforeAll
  void start(@TempDir Path classDir) {
    dir = classDir;
    spark = configure(SparkSession.builder().master("local[2]")
        .appName(getClass().getSimpleName()).config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")).getOrCreate();
    sweep = LabSweeps.small(dir.resolve("lab"));
    out = output("out_native");
    analyze(sweep.resolve("native"), out);
  }

  @AfterAll
  void stop() {
    spark.stop();
  }

  SweepAnalysis.Summary analyze(Path sweepDir, String output) {
    return analyze(sweepDir, output, false);
  }

  SweepAnalysis.Summary analyze(Path sweepDir, String output, boolean incremental) {
    return analyze(sweepDir, output, Map.of("incremental", String.valueOf(incremental)));
  }

  SweepAnalysis.Summary analyze(Path sweepDir, String output, Map<String, String> options) {
    Map<String, String> cli = new LinkedHashMap<>();
    cli.put("report", "false");
    cli.putAll(options);
    cli.put("sweep", sweepDir.toString());
    cli.put("out", output);
    cli.put("progress_seconds", "3600");
    AnalyzeSettings s = AnalyzeSettings.resolve(cli, null, Map.of());
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new SweepAnalysis(spark, s, quiet).run();
  }

  /** A table's rows as sorted strings, for exact comparison between runs of the job. */
  List<String> rows(String output, String name, String... dropColumns) {
    Dataset<Row> t = table(output, name).drop(dropColumns);
    return t.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  @Test
  void everyTableIsWrittenWithTheSpecColumns() {
    Map<String, List<String>> spec = new TreeMap<>();
    spec.put(Tables.OBSERVABLES, List.of("run_id", "step", "group", "name", "value"));
    spec.put(Tables.SPECTRA, List.of("run_id", "step", "group", "matrix", "sv"));
    spec.put(Tables.SHOCKS, List.of("run_id", "series", "group", "kind", "step", "step_lo",
        "step_hi", "u_left", "u_right", "jump", "width", "viscosity", "strength", "score"));
    spec.put(Tables.TRANSITIONS, List.of("run_id", "step", "step_lo", "step_hi", "kind",
        "n_series", "series", "score"));
    spec.put(Tables.ERRORS, List.of("source", "run_id", "step", "stage", "error", "message"));
    spec.put(Tables.FORECASTS, List.of("run_id", "step", "horizon", "p_jump", "p_divergence",
        "expected_step", "method", "series"));
    for (Map.Entry<String, List<String>> e : spec.entrySet()) {
      assertEquals(e.getValue(), Arrays.asList(table(out, e.getKey()).columns()), e.getKey());
    }
    // fronts: the SPEC's columns first, then the ones issue 18 adds
    assertEquals(List.of("run_id", "transition_step", "group", "series", "step", "width",
        "arrival_order", "lag", "depth", "step_lo", "step_hi", "jump", "strength"),
        Arrays.asList(table(out, Tables.FRONTS).columns()));
    List<String> runCols = Arrays.asList(table(out, Tables.RUNS).columns());
    assertTrue(runCols.containsAll(List.of("run_id", "params", "lr", "batch_size", "momentum",
        "n_checkpoints", "last_step", "final_loss", "diverged", "divergence_step", "n_shocks",
        "first_shock_step")), runCols.toString());
    for (String t : List.of(Tables.PHASE_STATS, Tables.PHASE_BOUNDARY, Tables.SURVIVAL,
        Tables.IMPORTANCE, Tables.VISCOSITY_LAW)) {
      assertTrue(exists(out, t), t);
    }
    assertEquals(SweepDiscovery.discover(sweep.resolve("native").toString(), new Configuration())
        .runs().size(), table(out, Tables.RUNS).count());
    assertTrue(table(out, Tables.OBSERVABLES).count() > 1000);
    assertTrue(table(out, Tables.SHOCKS).count() > 0);
    assertEquals(0, table(out, Tables.ERRORS).count());
  }

  @Test
  void shocksAreThoseTheDetectorFindsWhenCalledDirectly() {
    var discovered = SweepDiscovery.discover(sweep.resolve("native").toString(),
        new Configuration());
    Dataset<Row> obs = table(out, Tables.OBSERVABLES);
    for (RunInfo run : discovered.runs()) {
      Map<String, List<Row>> bySeries = obs.filter(obs.col("run_id").equalTo(run.runId()))
          .filter(org.apache.spark.sql.functions.not(obs.col("name")
              .isin(RunDetection.RAW.toArray())))
          .orderBy("step").collectAsList().stream()
          .collect(Collectors.groupingBy(r -> r.getString(2) + "\u0000" + r.getString(3),
              TreeMap::new, Collectors.toList()));
      List<SeriesData> series = new ArrayList<>();
      for (Map.Entry<String, List<Row>> e : bySeries.entrySet()) {
        List<Row> rs = e.getValue();
        series.add(new SeriesData(rs.get(0).getString(3), rs.get(0).getString(2),
            rs.stream().mapToLong(r -> r.getLong(1)).toArray(),
            rs.stream().mapToDouble(r -> r.getDouble(4)).toArray()));
      }
      for (MetricSeries m : run.metrics().values()) {
        series.add(new SeriesData(m.name(), "", m.steps(), m.values()));
      }
      // the mode series: each matrix's k largest singular values, one series per mode
      Map<String, List<Row>> byMatrix = table(out, Tables.SPECTRA)
          .filter("run_id = '" + run.runId() + "'").orderBy("step").collectAsList().stream()
          .collect(Collectors.groupingBy(r -> r.getAs("group") + "\u0000" + r.getAs("matrix"),
              TreeMap::new, Collectors.toList()));
      for (List<Row> rs : byMatrix.values()) {
        int modes = rs.stream().mapToInt(r -> r.getList(r.fieldIndex("sv")).size()).min()
            .orElse(0);
        for (int k = 0; k < Math.min(modes, RunDetection.DEFAULT_MODES); k++) {
          final int mode = k;
          List<Row> resolved = rs.stream().filter(r -> sv(r, mode)
              > sv(r, 0) * org.shockscope.shock.SeriesRole.MODE_RESOLUTION).toList();
          if (!resolved.isEmpty()) {
            series.add(new SeriesData(rs.get(0).getAs("matrix") + "/sv" + (k + 1),
                rs.get(0).getAs("group"),
                resolved.stream().mapToLong(r -> ((Number) r.getAs("step")).longValue())
                    .toArray(),
                resolved.stream().mapToDouble(r -> sv(r, mode)).toArray()));
          }
        }
      }
      RunShocks direct = new ShockDetector(DetectorConfig.DEFAULTS).detectRun(series);
      Set<String> expected = new HashSet<>();
      for (ShockEvent ev : direct.shocks()) {
        expected.add(ev.series() + "|" + (ev.group().isEmpty() ? null : ev.group()) + "|"
            + ev.kind() + "|" + ev.step());
      }
      Set<String> got = new HashSet<>();
      for (Row r : table(out, Tables.SHOCKS).filter("run_id = '" + run.runId() + "'")
          .collectAsList()) {
        got.add(r.getAs("series") + "|" + r.getAs("group") + "|" + r.getAs("kind") + "|"
            + r.getAs("step"));
      }
      assertEquals(expected, got, run.runId());
      // and the fronts table holds the crystallisation map of those events
      List<String> expectedFronts = new ArrayList<>();
      for (Front f : FrontMap.of(direct)) {
        expectedFronts.add(f.transitionStep() + "|" + f.group() + "|" + f.series() + "|"
            + f.step() + "|" + f.arrivalOrder() + "|" + f.lag() + "|"
            + (f.depth() == Front.NO_DEPTH ? null : f.depth()));
      }
      List<String> gotFronts = new ArrayList<>();
      for (Row r : table(out, Tables.FRONTS).filter("run_id = '" + run.runId() + "'")
          .collectAsList()) {
        gotFronts.add(r.getAs("transition_step") + "|" + r.getAs("group") + "|"
            + r.getAs("series") + "|" + r.getAs("step") + "|" + r.getAs("arrival_order") + "|"
            + r.getAs("lag") + "|" + r.getAs("depth"));
      }
      assertEquals(expectedFronts.stream().sorted().toList(), gotFronts.stream().sorted()
          .toList(), run.runId());
      if (run.runId().startsWith("deep-linear")) {
        // a depth-2 chain's transitions reach both layers (and its end-to-end map)
        assertTrue(gotFronts.stream().anyMatch(f -> f.contains("|layers/layers.0.weight|"))
            && gotFronts.stream().anyMatch(f -> f.contains("|layers/layers.1.weight|"))
            && gotFronts.stream().anyMatch(f -> f.contains("|layers/end_to_end|")),
            run.runId() + ": " + gotFronts);
      }

      // the forecasts table holds what the precursor kernel gives on the same series (beside
      // the learned method's rows, when the sweep has enough runs to learn from)
      Set<String> expectedForecasts = new HashSet<>();
      for (org.shockscope.forecast.Forecast f : org.shockscope.forecast.PrecursorForecaster
          .forecast(series, org.shockscope.forecast.ForecastHorizons.parse(
              org.shockscope.forecast.ForecastHorizons.DEFAULT))) {
        expectedForecasts.add(forecastKey(f.step(), f.horizon(), f.pJump(), f.pDivergence(),
            Double.isNaN(f.expectedStep()) ? null : f.expectedStep(), f.method(), f.series()));
      }
      Set<String> gotForecasts = new HashSet<>();
      for (Row r : table(out, Tables.FORECASTS)
          .filter("run_id = '" + run.runId() + "' and method = 'precursor'")
          .collectAsList()) {
        gotForecasts.add(forecastKey(r.getAs("step"), r.getAs("horizon"), r.getAs("p_jump"),
            r.getAs("p_divergence"), r.getAs("expected_step"), r.getAs("method"),
            r.getList(r.fieldIndex("series"))));
      }
      assertFalse(gotForecasts.isEmpty(), run.runId());
      assertEquals(expectedForecasts, gotForecasts, run.runId());
    }
  }

  private static String forecastKey(long step, long horizon, double pJump, double pDiv,
                                    Double expected, String method, List<?> series) {
    List<String> sorted = new ArrayList<>();
    series.forEach(x -> sorted.add(String.valueOf(x)));
    java.util.Collections.sort(sorted);
    return step + "|" + horizon + "|" + pJump + "|" + pDiv + "|" + expected + "|" + method + "|"
        + sorted;
  }

  private static double sv(Row r, int mode) {
    return ((Number) r.getList(r.fieldIndex("sv")).get(mode)).doubleValue();
  }

  @Test
  void phaseStatsAddUpToTheRunsAndTheBoundaryLiesInTheLearningRateGap() {
    long runs = table(out, Tables.RUNS).count();
    Row sums = table(out, Tables.PHASE_STATS).selectExpr("sum(n_runs)", "sum(n_diverged)")
        .first();
    assertEquals(runs, sums.getLong(0));
    assertEquals(table(out, Tables.RUNS).filter("diverged").count(), sums.getLong(1));
    List<Row> ok = table(out, Tables.PHASE_BOUNDARY)
        .filter("target = 'divergence' and status = 'ok'").collectAsList();
    assertFalse(ok.isEmpty(), "no divergence boundary was fitted");
    for (Row r : ok) {
      double crit = r.getAs("critical_lr");
      double below = r.getAs("max_negative_lr");
      double above = r.getAs("min_positive_lr");
      assertTrue(below < crit && crit < above, below + " < " + crit + " < " + above + " in "
          + r);
    }
  }

  @Test
  void modelTablesMarkTheConfoundedTermsAndRunsCarryTheirSymmetryDegree() {
    // in the small lab sweep every teacher-student run, and no other, is trained with SGD and
    // has ReLU units: three names of one column. The first coarse factor (activation, two
    // levels, before optimizer in the table's order) is kept; the other two are aliased to it
    List<Row> survival = table(out, Tables.SURVIVAL).collectAsList();
    for (String t : List.of("optimizer=sgd", "model=teacher-student")) {
      Row r = survival.stream().filter(x -> t.equals(x.getAs("term"))).findFirst()
          .orElseThrow(() -> new AssertionError(t + " in " + survival));
      assertNull(r.getAs("coefficient"), survival.toString());
      assertNull(r.getAs("time_ratio"));
      assertEquals("activation=relu", r.getAs("aliased_with"), survival.toString());
    }
    Row relu = survival.stream().filter(x -> "activation=relu".equals(x.getAs("term")))
        .findFirst().orElseThrow();
    assertTrue(Double.isFinite(relu.getAs("coefficient")), relu.toString());
    assertTrue(relu.<String>getAs("aliased_with").contains("model=teacher-student")
        && relu.<String>getAs("aliased_with").contains("optimizer=sgd"), relu.toString());
    Row optimizer = table(out, Tables.IMPORTANCE)
        .filter("target = 'shock' and hyperparameter = 'optimizer'").first();
    assertNull(optimizer.getAs("importance"));
    assertNull(optimizer.getAs("rank"));
    assertEquals("optimizer=sgd = activation=relu", optimizer.getAs("aliased_with"));

    // degrees by hand: two-layer linear chains of width w (GL(w): w², ln 2), the ReLU
    // student of width 2 (2 rescalings, ln 2!), the catapult's linear layer with biases
    // (permutations only: ln w!)
    for (Row r : table(out, Tables.RUNS).collectAsList()) {
      String model = r.getAs("model");
      double w = r.<Double>getAs("width");
      long dim = r.getAs("symmetry_dim");
      double logOrder = r.getAs("symmetry_log_order");
      String structure = r.getAs("structure");
      if (model.equals("teacher-student")) {
        assertEquals(2, (long) w);
        assertEquals(2, dim, structure);
        assertEquals(Math.log(2), logOrder, 1e-12, structure);
      } else if (model.equals("deep-linear")) {
        assertEquals((long) (w * w), dim, structure);
        assertEquals(Math.log(2), logOrder, 1e-12, structure);
      } else {
        double lnFactorial = 0;
        for (int k = 2; k <= w; k++) {
          lnFactorial += Math.log(k);
        }
        assertEquals(0, dim, structure);
        assertEquals(lnFactorial, logOrder, 1e-9, structure);
      }
    }
    assertTrue(exists(out, Tables.SYMMETRY_LAW));
  }

  @Test
  void viscosityBySettingHasTheMediansOfEachOptimiserSettingsJumps() {
    // recomputed here from runs and shocks as written: per (optimizer, momentum, weight_decay)
    // the jump events of primary series with positive width and viscosity, and their exact
    // medians
    List<String> runCols = Arrays.asList(table(out, Tables.RUNS).columns());
    Map<String, String> settingOf = new TreeMap<>();
    Map<String, Integer> runsOf = new TreeMap<>();
    for (Row r : table(out, Tables.RUNS).collectAsList()) {
      String key = r.getAs("optimizer") + "|" + r.getAs("momentum") + "|"
          + (runCols.contains("weight_decay") ? r.getAs("weight_decay") : null);
      settingOf.put(r.getAs("run_id"), key);
      runsOf.merge(key, 1, Integer::sum);
    }
    Map<String, List<Double>> widths = new TreeMap<>();
    Map<String, List<Double>> viscosities = new TreeMap<>();
    for (Row e : table(out, Tables.SHOCKS).filter("kind = 'jump' and width > 0 and viscosity > 0")
        .collectAsList()) {
      if (org.shockscope.shock.SeriesRole.follower(e.getAs("series"))) {
        continue;
      }
      String key = settingOf.get(e.<String>getAs("run_id"));
      widths.computeIfAbsent(key, k -> new ArrayList<>()).add(e.getAs("width"));
      viscosities.computeIfAbsent(key, k -> new ArrayList<>()).add(e.getAs("viscosity"));
    }
    List<Row> rows = table(out, Tables.VISCOSITY_BY_SETTING).collectAsList();
    assertEquals(Arrays.asList(ViscosityBySetting.SCHEMA.fieldNames()),
        Arrays.asList(table(out, Tables.VISCOSITY_BY_SETTING).columns()));
    assertEquals(runsOf.keySet(), rows.stream().map(r -> r.getAs("optimizer") + "|"
        + r.getAs("momentum") + "|" + r.getAs("weight_decay")).collect(Collectors.toSet()));
    assertTrue(rows.size() >= 2, "the small sweep trains with gd and sgd: " + rows);
    for (Row r : rows) {
      String key = r.getAs("optimizer") + "|" + r.getAs("momentum") + "|"
          + r.getAs("weight_decay");
      assertEquals((long) runsOf.get(key), r.<Long>getAs("n_runs"), key);
      List<Double> w = widths.getOrDefault(key, List.of());
      assertEquals(w.size(), r.<Long>getAs("n_events"), key);
      if (w.isEmpty()) {
        assertNull(r.getAs("median_width"), key);
      } else {
        assertEquals(OrderStatistics.median(w.stream().mapToDouble(x -> x).toArray()),
            r.<Double>getAs("median_width"), 1e-9, key);
        assertEquals(OrderStatistics.median(viscosities.get(key).stream().mapToDouble(x -> x)
            .toArray()), r.<Double>getAs("median_viscosity"), 1e-9, key);
        assertTrue(r.<Double>getAs("median_temperature") > 0, key);
      }
    }
  }

  @Test
  void aRerunReplacesRatherThanDuplicates() {
    String o = out;
    Map<String, List<String>> first = new TreeMap<>();
    for (String t : List.of(Tables.OBSERVABLES, Tables.SHOCKS, Tables.TRANSITIONS,
        Tables.FRONTS, Tables.RUNS, Tables.PHASE_STATS, Tables.ERRORS)) {
      first.put(t, rows(o, t));
    }
    analyze(sweep.resolve("native"), o);
    for (Map.Entry<String, List<String>> e : first.entrySet()) {
      assertEquals(e.getValue(), rows(o, e.getKey()), e.getKey());
    }
  }

  @Test
  void brokenInputsAreQuarantinedAndOtherRunsAreUntouched() throws IOException {
    Path broken = dir.resolve("broken");
    copy(sweep.resolve("native"), broken);
    List<String> ids;
    try (Stream<Path> s = Files.list(broken)) {
      ids = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
    // 1: a truncated safetensors file
    Path t = broken.resolve(ids.get(0)).resolve("checkpoints/step_20.safetensors");
    byte[] b = Files.readAllBytes(t);
    Files.write(t, Arrays.copyOf(b, b.length / 2));
    // 2: NaN weights
    Path n = broken.resolve(ids.get(1)).resolve("checkpoints/step_30.safetensors");
    List<Tensor> weights = new ArrayList<>();
    try (TensorFile f = TensorFiles.open(n.toString(), new Configuration())) {
      weights.addAll(f.readAll().values());
    }
    weights.get(0).data()[1] = Double.NaN;
    Files.write(n, SafetensorsWriter.toBytes(weights, null));
    // 3: a pickle
    Files.write(broken.resolve(ids.get(2)).resolve("checkpoints/step_7.pt"), new byte[] {
        (byte) 0x80, 2, 'N', '.'});
    // 4: an unreadable metrics file
    Files.write(broken.resolve(ids.get(3)).resolve("metrics.csv"), new byte[] {0, 1, 2, '\n',
        (byte) 0xff, ',', '\n'});
    String o = output("out_broken");
    SweepAnalysis.Summary s = analyze(broken, o);
    List<Row> errors = table(o, Tables.ERRORS).orderBy("run_id").collectAsList();
    assertEquals(4, errors.size(), errors.toString());
    assertEquals(Set.of("read", "observables", "discovery"),
        errors.stream().map(r -> (String) r.getAs("stage")).collect(Collectors.toSet()));
    assertTrue(errors.stream().anyMatch(r -> ((String) r.getAs("error"))
        .equals("NonFiniteWeightsException")), errors.toString());
    assertEquals(Set.of(ids.get(0), ids.get(1), ids.get(2), ids.get(3)),
        errors.stream().map(r -> (String) r.getAs("run_id")).collect(Collectors.toSet()));
    assertEquals(4, s.errors());
    Set<String> touched = Set.of(ids.get(0), ids.get(1), ids.get(2), ids.get(3));
    String others = "run_id not in ('" + String.join("','", touched) + "')";
    for (String tbl : List.of(Tables.SHOCKS, Tables.OBSERVABLES, Tables.TRANSITIONS)) {
      assertEquals(table(out, tbl).filter(others).collectAsList().stream().map(Row::toString)
          .sorted().toList(), table(o, tbl).filter(others).collectAsList().stream()
          .map(Row::toString).sorted().toList(), tbl);
    }
  }

  @Test
  void anIncrementalRunAfterNewCheckpointsAndRunsGivesTheTablesOfAFullRun() throws IOException {
    Path growing = earlierSweep("growing");
    String o = output("out_incremental");
    analyze(growing, o);
    copy(sweep.resolve("native"), growing);
    analyze(growing, o, true);
    for (String t : List.of(Tables.OBSERVABLES, Tables.SPECTRA, Tables.SHOCKS,
        Tables.TRANSITIONS, Tables.FRONTS, Tables.RUNS, Tables.PHASE_STATS)) {
      assertEquals(rows(out, t), rows(o, t), t);
    }
    // an MLlib fit sums in partition order: equal to rounding
    TableAssertions.assertSameRows(TableAssertions.rows(table(out, Tables.PHASE_BOUNDARY)),
        TableAssertions.rows(table(o, Tables.PHASE_BOUNDARY)), Tables.PHASE_BOUNDARY);
  }

  @Test
  void mlflowRunsAreTaggedWithTheirResultsIdempotently() throws IOException {
    Path store = dir.resolve("mlflow-tagged");
    copy(sweep.resolve("mlflow"), store);
    List<Path> runDirs;
    try (Stream<Path> s = Files.walk(store)) {
      runDirs = s.filter(p -> Files.isDirectory(p.resolve("metrics"))).sorted().toList();
    }
    Files.writeString(runDirs.get(0).resolve("tags/team"), "vision");
    Files.writeString(runDirs.get(0).resolve("tags/shockscope.stale"), "an old result");
    String runName = Files.readString(runDirs.get(0).resolve("tags/mlflow.runName"));
    String o = output("out_mlflow_tagged");
    analyze(store, o, Map.of("mlflow_tags", "true"));
    Map<String, Map<String, String>> tags = shockscopeTags(runDirs);
    assertEquals(runDirs.size(), tags.size());
    List<Row> runs = table(o, Tables.RUNS).collectAsList();
    assertEquals(runDirs.size(), runs.size());
    for (Row r : runs) {
      Map<String, String> expected = new TreeMap<>();
      expected.put("shockscope.transitions", String.valueOf(r.<Object>getAs("n_shocks")));
      if (r.getAs("first_shock_step") != null) {
        expected.put("shockscope.first_shock_step", String.valueOf(r.<Object>getAs(
            "first_shock_step")));
      }
      expected.put("shockscope.diverged", String.valueOf(r.<Boolean>getAs("diverged")));
      if (r.getAs("divergence_step") != null) {
        expected.put("shockscope.divergence_step", String.valueOf(r.<Object>getAs(
            "divergence_step")));
      }
      expected.put("shockscope.tables", tablesTag(o));
      Map<String, String> params = r.getJavaMap(r.fieldIndex("params"));
      String uuid = params.get("mlflow.run_id");
      assertEquals(expected, tags.get(uuid), r.getString(r.fieldIndex("run_id")));
    }
    assertTrue(runs.stream().anyMatch(r -> r.<Boolean>getAs("diverged")));
    assertEquals("vision", Files.readString(runDirs.get(0).resolve("tags/team")));
    assertEquals(runName, Files.readString(runDirs.get(0).resolve("tags/mlflow.runName")));
    java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(1_000_000L);
    for (Path d : runDirs) {
      Files.setLastModifiedTime(d.resolve("tags/shockscope.transitions"), old);
    }
    analyze(store, o, Map.of("mlflow_tags", "true"));
    assertEquals(tags, shockscopeTags(runDirs));
    for (Path d : runDirs) {
      assertEquals(old, Files.getLastModifiedTime(d.resolve("tags/shockscope.transitions")));
    }
  }

  /** The shockscope.* tag files of each run folder, by the folder's name (the run uuid). */
  private static Map<String, Map<String, String>> shockscopeTags(List<Path> runDirs)
      throws IOException {
    Map<String, Map<String, String>> out = new TreeMap<>();
    for (Path d : runDirs) {
      Map<String, String> t = new TreeMap<>();
      try (Stream<Path> s = Files.list(d.resolve("tags"))) {
        for (Path p : s.toList()) {
          String name = p.getFileName().toString();
          assertFalse(name.endsWith(".crc"), p.toString());
          if (name.startsWith("shockscope.")) {
            t.put(name, Files.readString(p));
          }
        }
      }
      out.put(d.getFileName().toString(), t);
    }
    return out;
  }

  /**
   * A copy of the native sweep as it was earlier: one run not there yet, another with only
   * its first checkpoints ({@link #copy} of the native sweep over it completes it).
   */
  Path earlierSweep(String name) throws IOException {
    Path growing = dir.resolve(name);
    copy(sweep.resolve("native"), growing);
    List<Path> runDirs;
    try (Stream<Path> s = Files.list(growing)) {
      runDirs = s.filter(Files::isDirectory).sorted().toList();
    }
    deleteTree(runDirs.get(0));
    try (Stream<Path> s = Files.list(runDirs.get(1).resolve("checkpoints"))) {
      List<Path> ck = s.sorted(java.util.Comparator.comparingLong(
          SweepAnalysisContract::stepOf)).toList();
      for (Path c : ck.subList(ck.size() / 2, ck.size())) {
        Files.delete(c);
      }
    }
    return growing;
  }

  private static long stepOf(Path checkpoint) {
    String n = checkpoint.getFileName().toString();
    return Long.parseLong(n.substring(n.indexOf('_') + 1, n.indexOf('.')));
  }

  static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!Files.exists(target)) {
          Files.copy(p, target);
        }
      }
    }
  }
}
