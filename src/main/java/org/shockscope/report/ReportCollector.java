package org.shockscope.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.shockscope.ErrorRecord;
import org.shockscope.ShockscopeException;
import org.shockscope.spark.HyperparameterColumns;
import org.shockscope.spark.ParallelActions;
import org.shockscope.spark.Temperature;
import org.shockscope.spark.ViscosityEvents;
import org.shockscope.spark.Tables;

/**
 * Reads the output tables (SPEC §7) with Spark and reduces them to a {@link ReportData} small
 * enough for one page: exact sweep-level counts; the runs (up to {@value #MAX_RUNS}); the
 * small model tables whole; the trajectories, metrics and shocks of the gallery runs only
 * (each series thinned to {@value #MAX_SERIES_POINTS} points); raw/balanced norms, redundancy
 * and drift fraction as per-step percentiles across runs ({@code percentile_approx} over one
 * value per run and step bin — its mean there —, at most {@value #MAX_BAND_STEPS} step bins,
 * the {@value #BAND_GROUPS} most common groups); and a
 * deterministic pseudo-random sample of jump events (ordered by a hash of their key) with
 * their run's temperature.
 *
 * <p>A table that is not there (or not readable as a table) is listed in
 * {@link ReportData#missingTables()}; its sections then say so. Tables in Delta format (a
 * {@code _delta_log} folder) are read as Delta, others as Parquet.
 */
public final class ReportCollector {
  /** Runs loaded for the per-run charts (counts stay exact beyond it). */
  static final int MAX_RUNS = 200_000;
  static final int MAX_SERIES_POINTS = 2_000;
  static final int MAX_BAND_STEPS = 200;
  static final int BAND_GROUPS = SymmetrySection.MAX_GROUPS;
  /** Shocks loaded per gallery run, on average (the page marks at most 40 per panel). */
  static final int MAX_SHOCKS_PER_RUN = 200;
  /** Fronts loaded per gallery run, on average (the front chart draws at most its own cap). */
  static final int MAX_FRONTS_PER_RUN = 400;
  static final List<String> SYMMETRY_NAMES = List.of("raw_norm", "balanced_norm", "redundancy",
      "drift_fraction");
  /** The column of {@code runs} with the run's model structure (JSON), not a hyperparameter. */
  static final String STRUCTURE = "structure";
  /** Fixed columns of {@code runs}; every other atomic column is a hyperparameter. */
  static final Set<String> RUN_COLUMNS = Set.of("run_id", "params", "n_checkpoints", "last_step",
      "final_loss", "diverged", "divergence_step", "n_shocks", "first_shock_step", STRUCTURE);
  static final List<String> TABLES = List.of(Tables.RUNS, Tables.OBSERVABLES, Tables.SHOCKS,
      Tables.TRANSITIONS, Tables.PHASE_STATS, Tables.PHASE_BOUNDARY, Tables.SURVIVAL,
      Tables.IMPORTANCE, Tables.VISCOSITY_LAW, Tables.VISCOSITY_BY_SETTING, Tables.SYMMETRY_LAW,
      Tables.ERRORS, Tables.FRONTS, Tables.FORECASTS);

  private final SparkSession spark;
  private final String root;
  private final ReportOptions opts;
  /** The caller's counts of shocks, transitions and errors, or null. */
  private final TableCounts counts;
  private final Map<String, Dataset<Row>> tables = new HashMap<>();
  private final Set<String> missing = new TreeSet<>();

  private ReportCollector(SparkSession spark, String root, ReportOptions opts,
                          TableCounts counts) {
    this.spark = spark;
    this.root = root;
    this.opts = opts;
    this.counts = counts;
  }

  /**
   * Collects the report's data.
   *
   * @param spark      session
   * @param tablesRoot the output folder holding one folder per table (any Hadoop URI)
   * @param metrics    metrics as {@code (run_id, name, step, value)}, or null
   * @param opts       what to show
   */
  public static ReportData collect(SparkSession spark, String tablesRoot, Dataset<Row> metrics,
                                   ReportOptions opts) {
    return collect(spark, tablesRoot, Map.of(), metrics, opts);
  }

  /**
   * Collects the report's data from tables the caller already holds: the job that has just
   * written the tables passes them as it reads them itself (with their schemas known, so no
   * Spark job infers them again); tables not in {@code given} are read from
   * {@code tablesRoot}.
   *
   * @param spark      session
   * @param tablesRoot the output folder holding one folder per table (any Hadoop URI)
   * @param given      tables by name ({@link #tables()}); a null value is a missing table
   * @param metrics    metrics as {@code (run_id, name, step, value)}, or null
   * @param opts       what to show
   */
  public static ReportData collect(SparkSession spark, String tablesRoot,
                                   Map<String, Dataset<Row>> given, Dataset<Row> metrics,
                                   ReportOptions opts) {
    return collect(spark, tablesRoot, given, null, metrics, opts);
  }

  /**
   * As {@link #collect(SparkSession, String, Map, Dataset, ReportOptions)}, with the counts of
   * the shocks, transitions and errors tables when the caller has them (null: counted here).
   */
  public static ReportData collect(SparkSession spark, String tablesRoot,
                                   Map<String, Dataset<Row>> given, TableCounts counts,
                                   Dataset<Row> metrics, ReportOptions opts) {
    if (metrics != null) {
      Set<String> have = Set.of(metrics.columns());
      for (String c : List.of("run_id", "name", "step", "value")) {
        if (!have.contains(c)) {
          throw new ShockscopeException("Metrics for the report need columns run_id, name, "
              + "step, value; column '" + c + "' is missing (have " + have + ")");
        }
      }
    }
    return new ReportCollector(spark, tablesRoot, opts, counts).collect(given, metrics);
  }

  /**
   * The rows of a {@code shocks} table per kind ({@code "(none)"} for a NULL kind): one Spark
   * query.
   */
  public static Map<String, Long> shocksByKind(Dataset<Row> shocks) {
    Map<String, Long> byKind = new LinkedHashMap<>();
    for (Row r : shocks.groupBy(colOrNull(shocks, "kind", "string")).count().collectAsList()) {
      byKind.put(r.isNullAt(0) ? "(none)" : r.getString(0), r.getLong(1));
    }
    return byKind;
  }

  /** The tables a report reads. */
  public static List<String> tables() {
    return TABLES;
  }

  /** Writes the page of {@code data} to {@code outUri} (any Hadoop URI), UTF-8, replacing it. */
  public static void write(SparkSession spark, ReportData data, String outUri) {
    Path p = new Path(outUri);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (p.getParent() != null) {
        fs.mkdirs(p.getParent());
      }
      try (Writer w = new OutputStreamWriter(fs.create(p, true), StandardCharsets.UTF_8)) {
        ReportWriter.write(data, w);
      }
    } catch (IOException e) {
      throw new ShockscopeException("Cannot write the report to " + outUri + ": " + e, e);
    }
  }

  private ReportData collect(Map<String, Dataset<Row>> given, Dataset<Row> metrics) {
    for (String t : TABLES) {
      Dataset<Row> d = given.containsKey(t) ? given.get(t) : read(t);
      if (d == null) {
        missing.add(t);
      } else {
        tables.put(t, d);
      }
    }
    Dataset<Row> runsTable = tables.get(Tables.RUNS);
    List<String> hps = runsTable == null ? List.of() : hyperparameterColumns(runsTable);
    List<ReportData.Run> runs = runsTable == null ? List.of() : runs(runsTable, hps);
    List<String> cellColumns = new ArrayList<>();
    List<ReportData.Cell> cells = cells(hps, cellColumns);
    if (tables.get(Tables.PHASE_STATS) == null) {
      cellColumns.addAll(varying(runs, hps));
    }
    List<GallerySelection.Pick> picks = GallerySelection.pick(runs, cellColumns,
        opts.galleryRuns());
    // the sections read the tables and nothing else of this collector's: their queries run
    // side by side, most of a small sweep's report being the planning of ~30 small queries
    ParallelActions sections = new ParallelActions();
    var summary = sections.add(() -> summary(runs));
    var boundary = sections.add(this::boundary);
    var importance = sections.add(() -> importance(cellColumns));
    var survival = sections.add(this::survival);
    var gallery = sections.add(() -> gallery(picks, metrics));
    var symmetry = sections.add(this::symmetry);
    var viscosity = sections.add(() -> viscosity(runsTable));
    var symmetryLaw = sections.add(this::symmetryLaw);
    var risk = sections.add(() -> RiskCollector.collect(spark, tables.get(Tables.FORECASTS),
        tables.get(Tables.TRANSITIONS), runs));
    sections.run();
    return new ReportData(opts.title(), root,
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), summary.get(), missing, hps,
        runs, cellColumns, cells, boundary.get(), importance.get(), survival.get(),
        gallery.get(), symmetry.get(), viscosity.get(), opts, symmetryLaw.get(), risk.get());
  }

  /** The table, or null when it is absent, empty of files or unreadable. */
  private Dataset<Row> read(String table) {
    Path p = new Path(root, table);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        return null;
      }
      if (fs.exists(new Path(p, "_delta_log"))) {
        return spark.read().format("delta").load(p.toString());
      }
      boolean data = false;
      for (FileStatus s : fs.listStatus(p)) {
        String n = s.getPath().getName();
        data |= !n.startsWith("_") && !n.startsWith(".");
      }
      return data ? spark.read().parquet(p.toString()) : null;
    } catch (IOException | RuntimeException e) {
      // an unreadable table is reported like a missing one: the page must still be written
      return null;
    }
  }

  private static boolean has(Dataset<Row> d, String column) {
    for (String c : d.columns()) {
      if (c.equals(column)) {
        return true;
      }
    }
    return false;
  }

  private static Column colOrNull(Dataset<Row> d, String column, String type) {
    return (has(d, column) ? col(column).cast(type) : lit(null).cast(type)).as(column);
  }

  private static List<String> hyperparameterColumns(Dataset<Row> runs) {
    List<String> out = new ArrayList<>();
    for (StructField f : runs.schema().fields()) {
      DataType t = f.dataType();
      boolean atomic = t instanceof NumericType || t instanceof StringType
          || t instanceof BooleanType;
      if (atomic && !RUN_COLUMNS.contains(f.name())) {
        out.add(f.name());
      }
    }
    return out;
  }

  /** A hyperparameter value as report text: numbers in exact shortest form. */
  private static String text(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return NumberLabels.exact(n.doubleValue());
    }
    return v.toString();
  }

  private static double num(Row r, String column) {
    int i = r.fieldIndex(column);
    return r.isNullAt(i) ? Double.NaN : ((Number) r.get(i)).doubleValue();
  }

  private static Long whole(Row r, String column) {
    int i = r.fieldIndex(column);
    return r.isNullAt(i) ? null : ((Number) r.get(i)).longValue();
  }

  private static String str(Row r, String column) {
    int i = r.fieldIndex(column);
    return r.isNullAt(i) ? null : r.get(i).toString();
  }

  private List<ReportData.Run> runs(Dataset<Row> runs, List<String> hps) {
    List<Column> sel = new ArrayList<>();
    sel.add(col("run_id").cast("string"));
    for (String h : hps) {
      sel.add(col(h));
    }
    sel.add(colOrNull(runs, "n_checkpoints", "long"));
    sel.add(colOrNull(runs, "last_step", "long"));
    sel.add(colOrNull(runs, "final_loss", "double"));
    sel.add(colOrNull(runs, "diverged", "boolean"));
    sel.add(colOrNull(runs, "divergence_step", "long"));
    sel.add(colOrNull(runs, "n_shocks", "long"));
    sel.add(colOrNull(runs, "first_shock_step", "long"));
    sel.add(colOrNull(runs, STRUCTURE, "string"));
    List<ReportData.Run> out = new ArrayList<>();
    for (Row r : runs.select(sel.toArray(Column[]::new)).filter(col("run_id").isNotNull())
        .orderBy("run_id").limit(MAX_RUNS).collectAsList()) {
      Map<String, String> hp = new LinkedHashMap<>();
      for (String h : hps) {
        String v = text(r.get(r.fieldIndex(h)));
        if (v != null) {
          hp.put(h, v);
        }
      }
      Long checkpoints = whole(r, "n_checkpoints");
      Long shocks = whole(r, "n_shocks");
      int div = r.fieldIndex("diverged");
      out.add(new ReportData.Run(r.getString(0), hp, checkpoints == null ? 0 : checkpoints,
          whole(r, "last_step"), num(r, "final_loss"), !r.isNullAt(div) && r.getBoolean(div),
          whole(r, "divergence_step"), shocks == null ? 0 : (int) Math.min(Integer.MAX_VALUE,
          shocks), whole(r, "first_shock_step"), str(r, STRUCTURE)));
    }
    return out;
  }

  /** Hyperparameter columns with more than one level across the runs, but the seed. */
  private List<String> varying(List<ReportData.Run> runs, List<String> hps) {
    String seed = opts.seedKey() == null ? null : HyperparameterColumns.columnName(opts.seedKey());
    List<String> out = new ArrayList<>();
    for (String h : hps) {
      Set<String> levels = new HashSet<>();
      for (ReportData.Run r : runs) {
        levels.add(r.hyperparameters().get(h));
        if (levels.size() > 1) {
          break;
        }
      }
      if (levels.size() > 1 && !h.equals(seed)) {
        out.add(h);
      }
    }
    return out;
  }

  /** {@code phase_stats} rows; fills {@code cellColumns} with its cell columns. */
  private List<ReportData.Cell> cells(List<String> hps, List<String> cellColumns) {
    Dataset<Row> ps = tables.get(Tables.PHASE_STATS);
    List<ReportData.Cell> out = new ArrayList<>();
    if (ps == null) {
      return out;
    }
    for (String c : ps.columns()) {
      if (c.equals("n_runs")) {
        break;
      }
      cellColumns.add(c);
    }
    for (Row r : ps.collectAsList()) {
      List<String> values = new ArrayList<>();
      for (String c : cellColumns) {
        String v = text(r.get(r.fieldIndex(c)));
        values.add(v == null ? ReportData.MISSING : v);
      }
      out.add(new ReportData.Cell(values, count(r, "n_runs"), count(r, "n_shock"),
          opt(r, "shock_rate"), opt(r, "shock_rate_lo"), opt(r, "shock_rate_hi"),
          count(r, "n_diverged"), opt(r, "divergence_rate"), opt(r, "divergence_rate_lo"),
          opt(r, "divergence_rate_hi"), opt(r, "first_shock_p10"), opt(r, "first_shock_p50"),
          opt(r, "first_shock_p90"), opt(r, "median_width"), opt(r, "median_viscosity"),
          opt(r, "temperature")));
    }
    return out;
  }

  /** A numeric column of a row, NaN when absent or null. */
  private static double opt(Row r, String column) {
    try {
      return num(r, column);
    } catch (IllegalArgumentException e) {
      return Double.NaN;
    }
  }

  private static long count(Row r, String column) {
    double v = opt(r, column);
    return Double.isNaN(v) ? 0 : (long) v;
  }

  private static String optText(Row r, String column) {
    try {
      return str(r, column);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The sweep's counts; {@code loaded} are the runs read for the charts. */
  private ReportData.Summary summary(List<ReportData.Run> loaded) {
    long runs = 0;
    long checkpoints = 0;
    long diverged = 0;
    Dataset<Row> rt = tables.get(Tables.RUNS);
    if (rt != null && loaded.size() < MAX_RUNS) {
      // every run is loaded already (run_id is the table's key, never NULL)
      runs = loaded.size();
      for (ReportData.Run r : loaded) {
        checkpoints += r.checkpoints();
        diverged += r.diverged() ? 1 : 0;
      }
    } else if (rt != null) {
      Row s = rt.select(functions.count(lit(1)),
          functions.sum(colOrNull(rt, "n_checkpoints", "long")),
          functions.sum(functions.when(colOrNull(rt, "diverged", "boolean"), 1L).otherwise(0L)))
          .first();
      runs = s.getLong(0);
      checkpoints = s.isNullAt(1) ? 0 : s.getLong(1);
      diverged = s.isNullAt(2) ? 0 : s.getLong(2);
    }
    Dataset<Row> st = tables.get(Tables.SHOCKS);
    Dataset<Row> tt = tables.get(Tables.TRANSITIONS);
    Dataset<Row> et = tables.get(Tables.ERRORS);
    TableCounts c = counts != null ? counts : new TableCounts(
        st == null ? Map.of() : shocksByKind(st), tt == null ? 0 : tt.count(),
        et == null ? 0 : et.count());
    List<ErrorRecord> first = new ArrayList<>();
    if (et != null && c.errors() > 0) {
      Dataset<Row> e = et.select(colOrNull(et, "source", "string"),
          colOrNull(et, "run_id", "string"), colOrNull(et, "step", "long"),
          colOrNull(et, "stage", "string"), colOrNull(et, "error", "string"),
          colOrNull(et, "message", "string"));
      for (Row r : e.orderBy("stage", "source", "run_id", "step").limit(opts.errorRows())
          .collectAsList()) {
        first.add(new ErrorRecord(orEmpty(str(r, "source")), str(r, "run_id"),
            whole(r, "step"), orEmpty(str(r, "stage")), orEmpty(str(r, "error")),
            orEmpty(str(r, "message"))));
      }
    }
    return new ReportData.Summary(runs, checkpoints, c.shocks(), c.shocksByKind(),
        c.transitions(), diverged, c.errors(), first);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /**
   * The rows of a small table (one per cell, term or hyperparameter) mapped to records, in
   * the order of {@code orderBy} where the table has those columns; empty when the table is
   * missing.
   */
  private <T> List<T> small(String table, List<String> orderBy, Function<Row, T> map) {
    Dataset<Row> t = tables.get(table);
    List<T> out = new ArrayList<>();
    if (t == null) {
      return out;
    }
    List<Row> rows = orderBy.stream().allMatch(c -> has(t, c))
        ? sorted(t, orderBy.toArray(String[]::new)) : t.collectAsList();
    for (Row r : rows) {
      out.add(map.apply(r));
    }
    return out;
  }

  /**
   * The rows of a query bounded in size (a small table, the gallery's thinned series, the
   * bands' bins), collected and then ordered on the driver: a Spark sort without a limit costs
   * a sampling job and a shuffle.
   */
  private static List<Row> sorted(Dataset<Row> d, String... orderBy) {
    List<Row> rows = new ArrayList<>(d.collectAsList());
    rows.sort(ascending(List.of(orderBy)));
    return rows;
  }

  /**
   * Spark's ascending order on the named columns (nulls first, numbers by value, strings and
   * booleans by their natural order), for rows already collected.
   */
  static Comparator<Row> ascending(List<String> columns) {
    return (a, b) -> {
      for (String c : columns) {
        int k = compareValues(a.get(a.fieldIndex(c)), b.get(b.fieldIndex(c)));
        if (k != 0) {
          return k;
        }
      }
      return 0;
    };
  }

  private static boolean integral(Number n) {
    return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareValues(Object x, Object y) {
    if (x == null || y == null) {
      return x == null ? (y == null ? 0 : -1) : 1;
    }
    if (x instanceof Number m && y instanceof Number n) {
      return integral(m) && integral(n) ? Long.compare(m.longValue(), n.longValue())
          : Double.compare(m.doubleValue(), n.doubleValue());
    }
    if (x instanceof Comparable cx && x.getClass() == y.getClass()) {
      return cx.compareTo(y);
    }
    return x.toString().compareTo(y.toString());
  }

  private List<ReportData.Boundary> boundary() {
    return small(Tables.PHASE_BOUNDARY, List.of("target", "cell"), r -> {
      String cell = optText(r, "cell");
      return new ReportData.Boundary(orEmpty(optText(r, "target")), cell == null ? "all" : cell,
          count(r, "n_runs"), count(r, "n_positive"), opt(r, "lr_min"), opt(r, "lr_max"),
          opt(r, "max_negative_lr"), opt(r, "min_positive_lr"), opt(r, "critical_lr"),
          opt(r, "log_lr_slope"), orEmpty(optText(r, "status")));
    });
  }

  /** {@code importance}, hyperparameter keys mapped to their cell column names. */
  private List<ReportData.Importance> importance(List<String> cellColumns) {
    // a hyperparameter aliased with others (NULL importance) has no rank to draw
    return small(Tables.IMPORTANCE, List.of("target", "rank"), r -> {
      String key = orEmpty(optText(r, "hyperparameter"));
      String column = HyperparameterColumns.columnName(key);
      return new ReportData.Importance(orEmpty(optText(r, "target")),
          cellColumns.contains(column) ? column : key, opt(r, "importance"),
          (int) count(r, "rank"));
    }).stream().filter(i -> i.rank() > 0).toList();
  }

  private List<ReportData.SurvivalTerm> survival() {
    return small(Tables.SURVIVAL, List.of(), r -> new ReportData.SurvivalTerm(
        orEmpty(optText(r, "model")), orEmpty(optText(r, "term")),
        orEmpty(optText(r, "transform")), opt(r, "coefficient"), opt(r, "time_ratio"),
        count(r, "n_runs"), count(r, "n_events")));
  }

  private List<ReportData.LawTerm> lawTerms() {
    return small(Tables.VISCOSITY_LAW, List.of(), r -> new ReportData.LawTerm(
        orEmpty(optText(r, "response")), orEmpty(optText(r, "term")), opt(r, "estimate"),
        opt(r, "std_error"), opt(r, "ci_lo"), opt(r, "ci_hi"), opt(r, "p_value"),
        count(r, "n_events"), opt(r, "r2"), optText(r, "aliased_with")));
  }

  private List<ReportData.SymmetryTerm> symmetryLaw() {
    return small(Tables.SYMMETRY_LAW, List.of("response", "term"), r -> new ReportData
        .SymmetryTerm(orEmpty(optText(r, "response")), orEmpty(optText(r, "term")),
        opt(r, "estimate"), opt(r, "std_error"), opt(r, "ci_lo"), opt(r, "ci_hi"),
        opt(r, "p_value"), count(r, "n_runs"), count(r, "n_cells"), opt(r, "r2"),
        optText(r, "held_fixed"), optText(r, "aliased_with")));
  }

  private List<ReportData.SettingSummary> settings() {
    return small(Tables.VISCOSITY_BY_SETTING, List.of("optimizer", "momentum", "beta1", "beta2",
        "weight_decay"), r -> new ReportData.SettingSummary(optText(r, "optimizer"),
        opt(r, "momentum"), opt(r, "beta1"), opt(r, "beta2"), opt(r, "weight_decay"),
        count(r, "n_runs"), count(r, "n_runs_with_jumps"), count(r, "n_events"),
        opt(r, "median_width"), opt(r, "median_viscosity"), opt(r, "median_temperature")));
  }

  /**
   * Keeps every k-th point of each (run, group, name) series by step, k chosen so that at
   * most {@value #MAX_SERIES_POINTS} remain, always keeping the first and last.
   */
  private static Dataset<Row> thin(Dataset<Row> d, Column... series) {
    WindowSpec w = Window.partitionBy(series);
    WindowSpec ordered = Window.partitionBy(series).orderBy(col("step"));
    return d.withColumn("_n", functions.count(lit(1)).over(w))
        .withColumn("_i", functions.row_number().over(ordered))
        .withColumn("_k", functions.ceil(col("_n").divide(MAX_SERIES_POINTS)))
        .filter(col("_i").equalTo(1).or(col("_i").equalTo(col("_n")))
            .or(functions.pmod(col("_i"), col("_k")).equalTo(0)))
        .drop("_n", "_i", "_k");
  }

  private static ReportData.Series series(String name, String group, List<Row> rows) {
    long[] steps = new long[rows.size()];
    double[] values = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      steps[i] = r.getLong(r.fieldIndex("step"));
      values[i] = num(r, "value");
    }
    return new ReportData.Series(name, group, steps, values);
  }

  private List<ReportData.GalleryRun> gallery(List<GallerySelection.Pick> picks,
                                              Dataset<Row> metrics) {
    if (picks.isEmpty()) {
      return List.of();
    }
    Object[] ids = picks.stream().map(p -> p.run().runId()).toArray();
    Map<String, Map<String, List<Row>>> obs = new HashMap<>();
    Dataset<Row> ot = tables.get(Tables.OBSERVABLES);
    if (ot != null) {
      Dataset<Row> mine = ot.filter(col("run_id").isin(ids));
      List<String> names = new ArrayList<>(opts.galleryObservables());
      if (mine.filter(col("name").isin(names.toArray())).isEmpty()) {
        // none of the usual observables: the first ones these runs have
        names.clear();
        for (Row r : mine.select("name").distinct().orderBy("name")
            .limit(GallerySection.MAX_OBSERVABLES).collectAsList()) {
          names.add(r.getString(0));
        }
      }
      Dataset<Row> sel = mine.filter(col("name").isin(names.toArray()))
          .select(col("run_id"), col("group"), col("name"), col("step").cast("long").as("step"),
              col("value").cast("double").as("value"));
      for (Row r : sorted(thin(sel, col("run_id"), col("group"), col("name")),
          "run_id", "group", "name", "step")) {
        obs.computeIfAbsent(r.getString(0), k -> new LinkedHashMap<>())
            .computeIfAbsent(r.getString(2) + "\u0000" + r.getString(1), k -> new ArrayList<>())
            .add(r);
      }
    }
    Map<String, List<Row>> loss = new HashMap<>();
    String lossName = opts.lossMetric();
    if (metrics != null) {
      Dataset<Row> mine = metrics.filter(col("run_id").isin(ids));
      if (mine.filter(col("name").equalTo(lossName)).isEmpty()) {
        List<Row> first = mine.select("name").distinct().orderBy("name").limit(1)
            .collectAsList();
        if (!first.isEmpty()) {
          lossName = first.get(0).getString(0);
        }
      }
      Dataset<Row> sel = mine.filter(col("name").equalTo(lossName))
          .select(col("run_id").cast("string").as("run_id"), col("step").cast("long").as("step"),
              col("value").cast("double").as("value"));
      for (Row r : sorted(thin(sel, col("run_id")), "run_id", "step")) {
        loss.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r);
      }
    }
    Map<String, List<ReportData.Shock>> shocks = new HashMap<>();
    Dataset<Row> st = tables.get(Tables.SHOCKS);
    if (st != null) {
      for (Row r : st.filter(col("run_id").isin(ids)).orderBy("run_id", "step", "series")
          .limit(ids.length * MAX_SHOCKS_PER_RUN).collectAsList()) {
        Long step = whole(r, "step");
        Long lo = opt(r, "step_lo") >= 0 ? (long) opt(r, "step_lo") : step;
        Long hi = opt(r, "step_hi") >= 0 ? (long) opt(r, "step_hi") : step;
        shocks.computeIfAbsent(str(r, "run_id"), k -> new ArrayList<>()).add(
            new ReportData.Shock(orEmpty(optText(r, "series")), optText(r, "group"),
                orEmpty(optText(r, "kind")), step == null ? 0 : step, lo == null ? 0 : lo,
                hi == null ? 0 : hi, opt(r, "jump"), opt(r, "width"), opt(r, "score")));
      }
    }
    Map<String, List<ReportData.Front>> fronts = fronts(ids);
    List<ReportData.GalleryRun> out = new ArrayList<>();
    for (GallerySelection.Pick p : picks) {
      String id = p.run().runId();
      List<ReportData.Series> series = new ArrayList<>();
      for (List<Row> rows : obs.getOrDefault(id, Map.of()).values()) {
        series.add(series(rows.get(0).getString(2), rows.get(0).getString(1), rows));
      }
      List<Row> l = loss.get(id);
      ReportData.Series ls = l == null ? null : series(lossName, null, l);
      List<ReportData.Shock> sh = shocks.getOrDefault(id, List.of());
      if (!series.isEmpty() || ls != null || !sh.isEmpty()) {
        out.add(new ReportData.GalleryRun(p.run(), List.of(p.reason()), series, ls, sh,
            fronts.getOrDefault(id, List.of())));
      }
    }
    return out;
  }

  /** The {@code fronts} rows of the gallery runs, by run, transition step and arrival order. */
  private Map<String, List<ReportData.Front>> fronts(Object[] ids) {
    Map<String, List<ReportData.Front>> out = new HashMap<>();
    Dataset<Row> ft = tables.get(Tables.FRONTS);
    if (ft == null) {
      return out;
    }
    for (Row r : ft.filter(col("run_id").isin(ids))
        .orderBy("run_id", "transition_step", "arrival_order", "group")
        .limit(ids.length * MAX_FRONTS_PER_RUN).collectAsList()) {
      Long transition = whole(r, "transition_step");
      Long step = whole(r, "step");
      Long order = whole(r, "arrival_order");
      Long lag = whole(r, "lag");
      Long depth = whole(r, "depth");
      String group = optText(r, "group");
      if (transition == null || step == null || group == null) {
        continue;
      }
      out.computeIfAbsent(str(r, "run_id"), k -> new ArrayList<>()).add(new ReportData.Front(
          transition, group, depth == null ? -1 : (int) (long) depth,
          orEmpty(optText(r, "series")), step, opt(r, "width"),
          order == null ? 0 : (int) (long) order, lag == null ? 0 : lag));
    }
    return out;
  }

  private List<ReportData.Band> symmetry() {
    Dataset<Row> ot = tables.get(Tables.OBSERVABLES);
    List<ReportData.Band> out = new ArrayList<>();
    if (ot == null) {
      return out;
    }
    Dataset<Row> d = ot.filter(col("name").isin(SYMMETRY_NAMES.toArray())
            .and(col("value").isNotNull()).and(functions.not(functions.isnan(col("value"))))
            .and(functions.abs(col("value")).lt(Double.POSITIVE_INFINITY)))
        .select(col("run_id"), col("group"), col("name"), col("step").cast("long").as("step"),
            col("value").cast("double").as("value"));
    List<Object> groups = new ArrayList<>();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    long distinct = 0;
    for (Row r : d.groupBy("group").agg(functions.count(lit(1)).as("n"), functions.min("step"),
            functions.max("step"), functions.approx_count_distinct("step"))
        .orderBy(col("n").desc(), col("group")).limit(BAND_GROUPS).collectAsList()) {
      groups.add(r.get(0));
      min = Math.min(min, r.getLong(2));
      max = Math.max(max, r.getLong(3));
      distinct = Math.max(distinct, r.getLong(4));
    }
    if (groups.isEmpty()) {
      return out;
    }
    d = d.filter(col("group").isin(groups.toArray()));
    Column bin = col("step");
    if (distinct > MAX_BAND_STEPS) {
      long width = (max - min) / MAX_BAND_STEPS + 1;
      bin = lit(min).plus(functions.floor(col("step").minus(min).divide(width)).multiply(width));
    }
    // one value per run and bin (its mean there), then percentiles across runs
    List<Row> rows = sorted(d.withColumn("_bin", bin.cast("long"))
        .groupBy("group", "name", "_bin", "run_id").agg(functions.avg("value").as("value"))
        .groupBy("group", "name", "_bin")
        .agg(functions.percentile_approx(col("value"), lit(new double[] {0.1, 0.5, 0.9}),
                lit(1000)).as("q"),
            functions.count(lit(1)).as("n")), "group", "name", "_bin");
    Map<String, List<Row>> byKey = new LinkedHashMap<>();
    for (Row r : rows) {
      byKey.computeIfAbsent(r.getString(0) + "\u0000" + r.getString(1), k -> new ArrayList<>())
          .add(r);
    }
    for (Object g : groups) {
      for (String name : SYMMETRY_NAMES) {
        List<Row> rs = byKey.get(g + "\u0000" + name);
        if (rs == null) {
          continue;
        }
        int n = rs.size();
        long[] steps = new long[n];
        double[] p10 = new double[n];
        double[] p50 = new double[n];
        double[] p90 = new double[n];
        long[] count = new long[n];
        for (int i = 0; i < n; i++) {
          Row r = rs.get(i);
          steps[i] = r.getLong(2);
          List<Double> q = r.getList(3);
          p10[i] = q.get(0);
          p50[i] = q.get(1);
          p90[i] = q.get(2);
          count[i] = r.getLong(4);
        }
        out.add(new ReportData.Band(String.valueOf(g), name, steps, p10, p50, p90, count));
      }
    }
    return out;
  }

  private ReportData.Viscosity viscosity(Dataset<Row> runs) {
    List<ReportData.LawTerm> terms = lawTerms();
    List<ReportData.SettingSummary> settings = settings();
    Dataset<Row> st = tables.get(Tables.SHOCKS);
    String lr = HyperparameterColumns.columnName(opts.lrKey());
    String batch = HyperparameterColumns.columnName(opts.batchKey());
    if (st == null || runs == null || !has(runs, lr) || !has(runs, batch)) {
      return new ReportData.Viscosity(List.of(), 0, Double.NaN, Double.NaN, Double.NaN, terms,
          settings);
    }
    String momentum = opts.momentumKey() == null ? null
        : HyperparameterColumns.columnName(opts.momentumKey());
    Dataset<Row> r = runs.select(col("run_id").as("_run"),
        Temperature.of(col(lr), col(batch)).as("_t"),
        momentum != null && has(runs, momentum) ? col(momentum).try_cast("double").as("_m")
            : lit(0.0).as("_m"));
    // the event set of PhaseModels.viscosityLaw, so the centroid is that of the fitted data
    Dataset<Row> ev = ViscosityEvents.of(st)
        .join(r, col("run_id").equalTo(col("_run")))
        .filter(col("_t").gt(0).and(col("_m").isNotNull()));
    Row c = ev.agg(functions.count(lit(1)), functions.avg(functions.log(col("_t"))),
        functions.avg(functions.log(col("width"))),
        functions.avg(functions.log(col("viscosity")))).first();
    long n = c.getLong(0);
    if (n == 0) {
      return new ReportData.Viscosity(List.of(), 0, Double.NaN, Double.NaN, Double.NaN, terms,
          settings);
    }
    Column key = functions.xxhash64(col("run_id"), col("series"),
        functions.coalesce(col("group"), lit("")), col("step"));
    List<ReportData.LawPoint> pts = new ArrayList<>();
    for (Row p : ev.select(col("run_id").cast("string"), col("series").cast("string"),
            col("step").cast("long"), col("_t"), col("width").cast("double"),
            col("viscosity").cast("double"), key.as("_k"))
        .orderBy(col("_k"), col("run_id"), col("step")).limit(opts.scatterPoints())
        .collectAsList()) {
      pts.add(new ReportData.LawPoint(p.getString(0), p.getString(1), p.getLong(2),
          p.getDouble(3), p.getDouble(4), p.getDouble(5)));
    }
    return new ReportData.Viscosity(pts, n, c.getDouble(1), c.getDouble(2), c.getDouble(3),
        terms, settings);
  }
}
