package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.shockscope.ErrorRecord;
import org.shockscope.forecast.Alert;
import org.shockscope.forecast.Forecast;

/**
 * The watcher's tables: reads runs' rows of {@code forecasts} back as {@link Forecast}s for the
 * {@link org.shockscope.forecast.AlertRule}, appends {@code alerts} rows
 * ({@link Tables#ALERTS_SCHEMA}) and the watcher's own errors (a webhook that failed) to
 * {@code errors}. Only collects and moves data.
 */
final class ForecastAlerts {
  private final SparkSession spark;
  private final TableStore store;

  ForecastAlerts(SparkSession spark, TableStore store) {
    this.spark = spark;
    this.store = store;
  }

  /** The forecasts of {@code runs} by run id; empty without a {@code forecasts} table. */
  Map<String, List<Forecast>> forecasts(Collection<String> runs) {
    Dataset<Row> t = store.read(Tables.FORECASTS);
    if (t == null || runs.isEmpty()) {
      return new TreeMap<>();
    }
    return collect(t.filter(col("run_id").isin(runs.toArray())));
  }

  /**
   * Each run's forecasts at its latest forecast step, by run id: all the {@link
   * org.shockscope.forecast.AlertRule} needs to take up a run's state (its last step examined,
   * and whether its risk is raised there), without collecting every step of every run.
   */
  Map<String, List<Forecast>> latestForecasts() {
    Dataset<Row> t = store.read(Tables.FORECASTS);
    if (t == null) {
      return new TreeMap<>();
    }
    Dataset<Row> latest = t.groupBy("run_id").agg(org.apache.spark.sql.functions.max("step")
        .as("step"));
    return collect(t.join(latest, scala.jdk.javaapi.CollectionConverters.asScala(
        List.of("run_id", "step")).toSeq()));
  }

  private static Map<String, List<Forecast>> collect(Dataset<Row> t) {
    Map<String, List<Forecast>> out = new TreeMap<>();
    for (Row r : t.select("run_id", "step", "horizon", "p_jump", "p_divergence",
        "expected_step", "method", "series").collectAsList()) {
      out.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new Forecast(r.getLong(1),
          r.getLong(2), r.getDouble(3), r.getDouble(4), r.isNullAt(5) ? Double.NaN
          : r.getDouble(5), r.getString(6), r.getList(7)));
    }
    return out;
  }

  /** Appends {@code alerts} to the {@code alerts} table (nothing when empty). */
  void append(List<Alert> alerts) {
    if (alerts.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    for (Alert a : alerts) {
      rows.add(RowFactory.create(a.runId(), a.step(), a.kind(), a.probability(), a.horizon(),
          a.lead(), scala.jdk.javaapi.CollectionConverters.asScala(a.series()).toSeq(),
          a.method(), Timestamp.from(a.issuedAt())));
    }
    store.append(Tables.ALERTS, spark.createDataFrame(rows, Tables.ALERTS_SCHEMA).coalesce(1));
  }

  /** Appends {@code e} to the {@code errors} table. */
  void appendError(ErrorRecord e) {
    store.append(Tables.ERRORS, SweepAnalysis.errorsFrame(spark, List.of(e)).coalesce(1));
  }
}
