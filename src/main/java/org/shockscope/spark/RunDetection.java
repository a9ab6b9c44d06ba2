package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.shockscope.ErrorRecord;
import org.shockscope.forecast.Forecast;
import org.shockscope.forecast.ForecastHorizons;
import org.shockscope.forecast.LearnedForecaster;
import org.shockscope.forecast.PrecursorForecaster;
import org.shockscope.shock.DetectorConfig;
import org.shockscope.shock.Front;
import org.shockscope.shock.FrontMap;
import org.shockscope.shock.RunShocks;
import org.shockscope.shock.SeriesRole;
import org.shockscope.shock.SeriesData;
import org.shockscope.shock.ShockDetector;
import org.shockscope.shock.ShockEvent;
import org.shockscope.shock.Transition;

/**
 * Per-run shock detection on Spark: the reduced series of each run (its invariant observables
 * and its metrics — never the tensors) are grouped by run, sorted by step, and passed to
 * {@link ShockDetector#detectRun}. The deliberately raw observables ({@code raw_norm},
 * {@code raw_step} and {@code redundancy}, {@code drift_fraction} derived from them) are not
 * scanned, so that re-parametrising a run never changes its shocks (SPEC §5).
 */
final class RunDetection {
  /** Observables reported but never scanned. */
  static final Set<String> RAW = Set.of("raw_norm", "raw_step", "redundancy", "drift_fraction");

  /** Input rows: one point of one series of one run. */
  static final StructType SERIES_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("series", DataTypes.StringType, false)
      .add("group", DataTypes.StringType, true)
      .add("step", DataTypes.LongType, false)
      .add("value", DataTypes.DoubleType, true);

  /**
   * Output rows: a shock (row_kind = shock), a transition, a front ({@link FrontMap}) or a
   * forecast (issue 16), in one
   * tagged schema.
   */
  static final StructType OUT_SCHEMA;

  static {
    StructType s = new StructType().add("row_kind", DataTypes.StringType, false);
    for (var f : Tables.SHOCKS_SCHEMA.fields()) {
      s = s.add(f.name(), f.dataType(), true);
    }
    s = s.add("n_series", DataTypes.IntegerType, true)
        .add("series_list", DataTypes.createArrayType(DataTypes.StringType, false), true)
        .add("transition_step", DataTypes.LongType, true)
        .add("arrival_order", DataTypes.IntegerType, true)
        .add("lag", DataTypes.LongType, true)
        .add("depth", DataTypes.IntegerType, true)
        .add("horizon", DataTypes.LongType, true)
        .add("p_jump", DataTypes.DoubleType, true)
        .add("p_divergence", DataTypes.DoubleType, true)
        .add("expected_step", DataTypes.DoubleType, true)
        .add("method", DataTypes.StringType, true)
        .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
        .add("jump_label", DataTypes.IntegerType, true)
        .add("divergence_label", DataTypes.IntegerType, true)
        .add("source", DataTypes.StringType, true)
        .add("stage", DataTypes.StringType, true)
        .add("error", DataTypes.StringType, true)
        .add("message", DataTypes.StringType, true);
    OUT_SCHEMA = s;
  }

  private RunDetection() {}

  /** Default number of leading singular values of each matrix scanned as series. */
  static final int DEFAULT_MODES = 8;

  /**
   * The mode-resolved series of the {@code spectra} table (issue 12): the k largest singular
   * values of every balanced matrix and invariant map, one series per mode, named
   * {@code <matrix>/sv<i>} (i = 1 … k, the i-th largest at each checkpoint) in the matrix's
   * group, as SERIES_SCHEMA rows. A deep linear network learns its teacher's modes one by one:
   * each is a single front in its own singular value, while scalar summaries (norms, ranks) mix
   * them into a staircase. Modes are tracked by order: the table holds the values only, not the
   * singular vectors that would follow a mode through a crossing. A matrix with fewer than k
   * values gives fewer series; values below {@link SeriesRole#MODE_RESOLUTION} of the matrix's
   * largest are numerically zero and left out.
   *
   * @param spectra rows (run_id, step, group, matrix, sv array&lt;double&gt;)
   * @param k       modes per matrix, ≥ 0 (0 gives no rows)
   */
  static Dataset<Row> modeSeries(Dataset<Row> spectra, int k) {
    if (k < 0) {
      throw new IllegalArgumentException("modes per matrix must be >= 0, got " + k);
    }
    return spectra.select(col("run_id"), col("step"), col("group"), col("matrix"),
            element_at(col("sv"), 1).as("top"),
            posexplode(col("sv")).as(new String[] {"mode", "value"}))
        .filter(col("mode").lt(k)
            .and(col("value").gt(col("top").multiply(lit(SeriesRole.MODE_RESOLUTION)))))
        .select(col("run_id"),
            concat(col("matrix"), lit("/sv"), col("mode").plus(1).cast("string")).as("series"),
            col("group"), col("step").cast("long").as("step"),
            col("value").cast("double").as("value"));
  }

  /** Detects shocks and transitions of every run in {@code series} (SERIES_SCHEMA rows). */
  static Dataset<Row> detect(Dataset<Row> series, DetectorConfig config, LongAccumulator runs) {
    return detect(series, config, null, runs);
  }

  /**
   * Detects shocks and transitions of every run and, when {@code horizons} is not null, forecasts
   * each run at its checkpoint steps from its prefixes ({@link PrecursorForecaster}), in the same
   * pass over the run's series.
   */
  static Dataset<Row> detect(Dataset<Row> series, DetectorConfig config,
                             ForecastHorizons horizons, LongAccumulator runs) {
    return detect(series, config, horizons, true, runs);
  }

  /**
   * As {@link #detect(Dataset, DetectorConfig, ForecastHorizons, LongAccumulator)}; with
   * {@code examples} false the learned forecaster's training examples are not made (they are a
   * feature vector per run, step and horizon, only read when the learned method is on).
   */
  static Dataset<Row> detect(Dataset<Row> series, DetectorConfig config,
                             ForecastHorizons horizons, boolean examples, LongAccumulator runs) {
    // a run's rows are brought together by Spark's own exchange and sort on its binary rows;
    // groupByKey would turn every row into a Java object once more just to read its key
    return series.repartition(col("run_id")).sortWithinPartitions(col("run_id"))
        .mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new RunGroups(rows) {
          @Override
          Iterator<Row> detect(String runId, Iterator<Row> runRows) {
            return detectOne(runId, runRows, config, horizons, examples, runs);
          }
        }, Encoders.row(OUT_SCHEMA));
  }

  /**
   * The output of a partition whose rows are sorted by run: each run's rows, in turn, passed to
   * {@link #detect} and its output rows handed on before the next run is read.
   */
  private abstract static class RunGroups implements Iterator<Row> {
    private final Iterator<Row> rows;
    private Row pending;
    private Iterator<Row> out = java.util.Collections.emptyIterator();

    RunGroups(Iterator<Row> rows) {
      this.rows = rows;
      pending = rows.hasNext() ? rows.next() : null;
    }

    abstract Iterator<Row> detect(String runId, Iterator<Row> runRows);

    @Override
    public boolean hasNext() {
      while (!out.hasNext() && pending != null) {
        String runId = pending.getString(0);
        List<Row> run = new ArrayList<>();
        while (pending != null && runId.equals(pending.getString(0))) {
          run.add(pending);
          pending = rows.hasNext() ? rows.next() : null;
        }
        out = detect(runId, run.iterator());
      }
      return out.hasNext();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return out.next();
    }
  }

  private static Iterator<Row> detectOne(String runId, Iterator<Row> rows, DetectorConfig config,
                                         ForecastHorizons horizons, boolean examples,
                                         LongAccumulator runs) {
    List<SeriesData> data = seriesOf(rows);
    List<Row> out = new ArrayList<>();
    RunShocks found = guarded(runId, DETECTION_STAGE, out,
        () -> detectionRows(runId, data, config));
    if (found != null && horizons != null) {
      guarded(runId, FORECAST_STAGE, out,
          () -> forecastRows(runId, data, found, horizons, examples));
    }
    if (runs != null) {
      runs.add(1);
    }
    return out.iterator();
  }

  /** Stage of the errors table for a run whose detection failed. */
  static final String DETECTION_STAGE = "detection";
  /** Stage of the errors table for a run whose forecasting failed. */
  static final String FORECAST_STAGE = "forecast";

  /** A stage's result and the rows it made. */
  record StageRows<T>(T result, List<Row> rows) {}

  /**
   * Runs one stage of a run's analysis: its rows are added to {@code out} and its result
   * returned when it completes; when it throws, one error row instead (stage, the exception's
   * class and message; source and run the run's id) and null. A defect that one run's data
   * trips (an index running off a series' start) then costs that run's shocks or forecasts, is
   * recorded in the {@code errors} table, and the job and every other run go on.
   */
  static <T> T guarded(String runId, String stage, List<Row> out,
                       java.util.function.Supplier<StageRows<T>> work) {
    StageRows<T> done;
    try {
      done = work.get();
    } catch (RuntimeException e) {
      ErrorRecord error = ErrorRecord.of(runId, runId, null, stage, e);
      out.add(DetectionRow.of(DetectionRow.ERROR, runId)
          .set("source", error.source())
          .set("stage", error.stage())
          .set("error", error.error())
          .set("message", error.message())
          .row());
      return null;
    }
    out.addAll(done.rows());
    return done.result();
  }

  private static StageRows<RunShocks> detectionRows(String runId, List<SeriesData> data,
                                                    DetectorConfig config) {
    RunShocks found = new ShockDetector(config).detectRun(data);
    List<Row> out = new ArrayList<>();
    for (ShockEvent e : found.shocks()) {
      out.add(DetectionRow.of(DetectionRow.SHOCK, runId)
          .set("series", e.series())
          .set("group", e.group().isEmpty() ? null : e.group())
          .set("kind", e.kind())
          .set("step", e.step())
          .set("step_lo", e.stepLo())
          .set("step_hi", e.stepHi())
          .set("u_left", nan(e.uLeft()))
          .set("u_right", nan(e.uRight()))
          .set("jump", nan(e.jump()))
          .set("width", nan(e.width()))
          .set("viscosity", nan(e.viscosity()))
          .set("strength", nan(e.strength()))
          .set("score", nan(e.score()))
          .row());
    }
    for (Transition t : found.transitions()) {
      out.add(DetectionRow.of(DetectionRow.TRANSITION, runId)
          .set("kind", t.kind())
          .set("step", t.step())
          .set("step_lo", t.stepLo())
          .set("step_hi", t.stepHi())
          .set("score", nan(t.score()))
          .set("n_series", t.nSeries())
          .set("series_list", scala.jdk.javaapi.CollectionConverters.asScala(t.series()).toSeq())
          .row());
    }
    for (Front f : FrontMap.of(found)) {
      out.add(DetectionRow.of(DetectionRow.FRONT, runId)
          .set("series", f.series())
          .set("group", f.group())
          .set("step", f.step())
          .set("step_lo", f.stepLo())
          .set("step_hi", f.stepHi())
          .set("jump", nan(f.jump()))
          .set("width", nan(f.width()))
          .set("strength", nan(f.strength()))
          .set("transition_step", f.transitionStep())
          .set("arrival_order", f.arrivalOrder())
          .set("lag", f.lag())
          .set("depth", f.depth() == Front.NO_DEPTH ? null : f.depth())
          .row());
    }
    return new StageRows<>(found, out);
  }

  private static StageRows<Void> forecastRows(String runId, List<SeriesData> data,
                                              RunShocks found, ForecastHorizons horizons,
                                              boolean examples) {
    List<Row> out = new ArrayList<>();
    List<Forecast> precursor = PrecursorForecaster.forecast(data, horizons);
    for (Forecast f : precursor) {
      out.add(DetectionRow.of(DetectionRow.FORECAST, runId)
          .set("step", f.step())
          .set("series_list", scala.jdk.javaapi.CollectionConverters.asScala(f.series()).toSeq())
          .set("horizon", f.horizon())
          .set("p_jump", f.pJump())
          .set("p_divergence", f.pDivergence())
          .set("expected_step", nan(f.expectedStep()))
          .set("method", f.method())
          .row());
    }
    for (LearnedForecaster.Example x : examples
        ? LearnedForecaster.examples(data, precursor, found.transitions())
        : List.<LearnedForecaster.Example>of()) {
      out.add(DetectionRow.of(DetectionRow.EXAMPLE, runId)
          .set("step", x.step())
          .set("horizon", x.horizon())
          .set("features", scala.jdk.javaapi.CollectionConverters.asScala(
              java.util.Arrays.stream(x.x()).boxed().toList()).toSeq())
          .set("jump_label", x.jumpLabel())
          .set("divergence_label", x.divergenceLabel())
          .row());
    }
    return new StageRows<>(null, out);
  }

  /**
   * Detects the shocks and transitions of one run from its SERIES_SCHEMA rows (any order; a step
   * seen twice in a series keeps its last value). Plain Java: the detection stage's only work.
   */
  static RunShocks detectRows(Iterator<Row> rows, DetectorConfig config) {
    return new ShockDetector(config).detectRun(seriesOf(rows));
  }

  /** A run's SERIES_SCHEMA rows as the detector's series, sorted by key then step. */
  static List<SeriesData> seriesOf(Iterator<Row> rows) {
    Map<String, SeriesBuffer> byKey = new LinkedHashMap<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      String series = r.getString(1);
      // the detector's convention for run-level metrics is the empty group
      String group = r.isNullAt(2) ? "" : r.getString(2);
      String key = group + "\u0000" + series;
      byKey.computeIfAbsent(key, k -> new SeriesBuffer(series, group))
          .add(r.getLong(3), r.isNullAt(4) ? Double.NaN : r.getDouble(4));
    }
    List<String> keys = new ArrayList<>(byKey.keySet());
    java.util.Collections.sort(keys);
    List<SeriesData> data = new ArrayList<>(keys.size());
    for (String key : keys) {
      data.add(byKey.get(key).sorted());
    }
    return data;
  }

  /** A growable series of (step, value) points, sorted once at the end. */
  private static final class SeriesBuffer {
    private final String series;
    private final String group;
    private long[] steps = new long[64];
    private double[] values = new double[64];
    private int n;

    SeriesBuffer(String series, String group) {
      this.series = series;
      this.group = group;
    }

    void add(long step, double value) {
      if (n == steps.length) {
        steps = java.util.Arrays.copyOf(steps, 2 * n);
        values = java.util.Arrays.copyOf(values, 2 * n);
      }
      steps[n] = step;
      values[n++] = value;
    }

    /** Sorted by step; a step seen twice keeps its last value. */
    SeriesData sorted() {
      boolean increasing = true;
      for (int i = 1; i < n && increasing; i++) {
        increasing = steps[i - 1] < steps[i];
      }
      if (increasing) {
        // the usual case: the points arrive in step order
        return new SeriesData(series, group, java.util.Arrays.copyOf(steps, n),
            java.util.Arrays.copyOf(values, n));
      }
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, (a, b) -> steps[a] != steps[b]
          ? Long.compare(steps[a], steps[b]) : Integer.compare(a, b));
      long[] s = new long[n];
      double[] v = new double[n];
      int m = 0;
      for (int i : order) {
        if (m > 0 && s[m - 1] == steps[i]) {
          v[m - 1] = values[i];
        } else {
          s[m] = steps[i];
          v[m++] = values[i];
        }
      }
      return new SeriesData(series, group, java.util.Arrays.copyOf(s, m),
          java.util.Arrays.copyOf(v, m));
    }
  }

  private static Double nan(double v) {
    return Double.isNaN(v) ? null : v;
  }

  /** The shocks table from the tagged detection output. */
  static Dataset<Row> shocks(Dataset<Row> detected) {
    List<org.apache.spark.sql.Column> cols = new ArrayList<>();
    for (String f : Tables.SHOCKS_SCHEMA.fieldNames()) {
      cols.add(col(f));
    }
    return detected.filter(col("row_kind").equalTo(DetectionRow.SHOCK))
        .select(cols.toArray(org.apache.spark.sql.Column[]::new));
  }

  /** The fronts table ({@link Tables#FRONTS_SCHEMA}) from the tagged detection output. */
  static Dataset<Row> fronts(Dataset<Row> detected) {
    List<org.apache.spark.sql.Column> cols = new ArrayList<>();
    for (var f : Tables.FRONTS_SCHEMA.fields()) {
      cols.add(col(f.name()).cast(f.dataType()));
    }
    return detected.filter(col("row_kind").equalTo(DetectionRow.FRONT))
        .select(cols.toArray(org.apache.spark.sql.Column[]::new));
  }

  /** The forecasts table (Tables.FORECASTS_SCHEMA) from the tagged detection output. */
  static Dataset<Row> forecasts(Dataset<Row> detected) {
    return detected.filter(col("row_kind").equalTo(DetectionRow.FORECAST))
        .select(col("run_id"), col("step"), col("horizon"), col("p_jump"), col("p_divergence"),
            col("expected_step"), col("method"), col("series_list").as("series"));
  }

  /**
   * The learned forecaster's examples (issue 16) from the tagged detection output: run_id, step,
   * horizon, features (array&lt;double&gt;, {@link LearnedForecaster#NAMES}), jump_label,
   * divergence_label.
   */
  static Dataset<Row> examples(Dataset<Row> detected) {
    return detected.filter(col("row_kind").equalTo(DetectionRow.EXAMPLE))
        .select(col("run_id"), col("step"), col("horizon"), col("features"), col("jump_label"),
            col("divergence_label"));
  }

  /** The {@code errors} table's rows ({@link Tables#ERRORS_SCHEMA}) of runs a stage failed on. */
  static Dataset<Row> errors(Dataset<Row> detected) {
    return detected.filter(col("row_kind").equalTo(DetectionRow.ERROR))
        .select(col("source"), col("run_id"), col("step"), col("stage"), col("error"),
            col("message"));
  }

  /** The transitions table from the tagged detection output. */
  static Dataset<Row> transitions(Dataset<Row> detected) {
    return detected.filter(col("row_kind").equalTo(DetectionRow.TRANSITION))
        .select(col("run_id"), col("step"), col("step_lo"), col("step_hi"), col("kind"),
            col("n_series"), col("series_list").as("series"), col("score"));
  }
}
