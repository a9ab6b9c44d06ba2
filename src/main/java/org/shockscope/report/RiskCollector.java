package org.shockscope.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.shockscope.forecast.ForecastScoring;
import org.shockscope.spark.Tables;

/**
 * Collects the "Runs at risk" data ({@link ReportData.Risk}) from the {@code forecasts},
 * {@code transitions} and {@code runs} tables, read through their shared schemas
 * ({@link Tables#FORECASTS_SCHEMA}):
 * <ul>
 *   <li>a run is <i>running</i> when it has not diverged and its last step is below its
 *       planned length (its {@code steps} hyperparameter; a run without one counts as
 *       running); its risk is read at its latest forecast step;</li>
 *   <li>on the other, completed runs each detected event — the divergence
 *       ({@code runs.divergence_step}) and each other transition ({@code transitions}) — gets the
 *       lead of the first alarm before it ({@link ForecastScoring#firstAlarmLead}): the first
 *       forecast step after the run's previous transition at which {@code p_divergence} (resp.
 *       {@code p_jump}), at any horizon, is at least {@link #THRESHOLD}, the threshold of
 *       {@code evaluate}'s headline figures and of {@code --watch}'s default.</li>
 * </ul>
 */
final class RiskCollector {
  /** Alarm threshold of the leads and of the runs counted at risk. */
  static final double THRESHOLD = 0.5;
  /** Running runs listed, highest risk first. */
  static final int MAX_AT_RISK = 50;

  private RiskCollector() {}

  /**
   * The section's data; {@link ReportData.Risk#empty()} without a forecasts table.
   *
   * @param forecasts   the {@code forecasts} table, or null
   * @param transitions the {@code transitions} table, or null
   * @param runs        the runs of the report
   */
  static ReportData.Risk collect(SparkSession spark, Dataset<Row> forecasts,
                                 Dataset<Row> transitions, List<ReportData.Run> runs) {
    if (forecasts == null) {
      return ReportData.Risk.empty();
    }
    Map<String, ReportData.Run> running = new TreeMap<>();
    Map<String, ReportData.Run> completed = new TreeMap<>();
    for (ReportData.Run r : runs) {
      (isRunning(r) ? running : completed).put(r.runId(), r);
    }
    return new ReportData.Risk(THRESHOLD, running.size(), atRisk(spark, forecasts, running),
        leads(forecasts, transitions, completed));
  }

  /** Whether the run has neither diverged nor reached its planned {@code steps}. */
  static boolean isRunning(ReportData.Run r) {
    if (r.diverged()) {
      return false;
    }
    double planned = plannedSteps(r);
    return Double.isNaN(planned) || r.lastStep() == null || r.lastStep() < planned;
  }

  private static double plannedSteps(ReportData.Run r) {
    String s = r.hyperparameters().get("steps");
    try {
      return s == null ? Double.NaN : Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static final StructType IDS = new StructType().add("run_id", DataTypes.StringType);

  private static List<ReportData.RunRisk> atRisk(SparkSession spark, Dataset<Row> forecasts,
                                                 Map<String, ReportData.Run> running) {
    if (running.isEmpty()) {
      return List.of();
    }
    List<Row> ids = new ArrayList<>();
    running.keySet().forEach(id -> ids.add(org.apache.spark.sql.RowFactory.create(id)));
    Dataset<Row> f = forecasts.join(spark.createDataFrame(ids, IDS), "run_id");
    Dataset<Row> latest = f.groupBy("run_id").agg(max("step").as("step"));
    Map<String, ReportData.RunRisk> byRun = new TreeMap<>();
    for (Row r : f.join(latest, scala.jdk.javaapi.CollectionConverters.asScala(
            List.of("run_id", "step")).toSeq())
        .select("run_id", "step", "p_jump", "p_divergence", "expected_step", "series")
        .collectAsList()) {
      String id = r.getString(0);
      ReportData.RunRisk old = byRun.get(id);
      double pj = r.isNullAt(2) ? 0 : r.getDouble(2);
      double pd = r.isNullAt(3) ? 0 : r.getDouble(3);
      double e = r.isNullAt(4) ? Double.NaN : r.getDouble(4);
      Set<String> series = new LinkedHashSet<>();
      if (old != null) {
        series.addAll(old.series());
        pj = Math.max(pj, old.pJump());
        pd = Math.max(pd, old.pDivergence());
        e = Double.isNaN(e) ? old.expectedStep() : Double.isNaN(old.expectedStep()) ? e
            : Math.min(e, old.expectedStep());
      }
      if (!r.isNullAt(5)) {
        series.addAll(r.getList(5));
      }
      byRun.put(id, new ReportData.RunRisk(id, r.getLong(1), pj, pd, e, List.copyOf(series)));
    }
    List<ReportData.RunRisk> out = new ArrayList<>(byRun.values());
    out.sort(Comparator.comparingDouble(ReportData.RunRisk::risk).reversed()
        .thenComparing(ReportData.RunRisk::runId));
    return out.subList(0, Math.min(MAX_AT_RISK, out.size()));
  }

  private static List<ReportData.Lead> leads(Dataset<Row> forecasts, Dataset<Row> transitions,
                                             Map<String, ReportData.Run> completed) {
    if (completed.isEmpty()) {
      return List.of();
    }
    // alarm steps of every run, by kind
    Map<String, TreeSet<Long>> divAlarms = new HashMap<>();
    Map<String, TreeSet<Long>> jumpAlarms = new HashMap<>();
    for (Row r : forecasts.filter(col("p_divergence").geq(THRESHOLD)
            .or(col("p_jump").geq(THRESHOLD)))
        .groupBy("run_id", "step").agg(max("p_divergence"), max("p_jump")).collectAsList()) {
      if (!completed.containsKey(r.getString(0))) {
        continue;
      }
      if (r.getDouble(2) >= THRESHOLD) {
        divAlarms.computeIfAbsent(r.getString(0), k -> new TreeSet<>()).add(r.getLong(1));
      }
      if (r.getDouble(3) >= THRESHOLD) {
        jumpAlarms.computeIfAbsent(r.getString(0), k -> new TreeSet<>()).add(r.getLong(1));
      }
    }
    Map<String, TreeSet<Long>> jumps = new HashMap<>();
    if (transitions != null) {
      for (Row r : transitions.filter(col("kind").notEqual("divergence"))
          .select("run_id", "step").collectAsList()) {
        if (completed.containsKey(r.getString(0))) {
          jumps.computeIfAbsent(r.getString(0), k -> new TreeSet<>()).add(r.getLong(1));
        }
      }
    }
    List<ReportData.Lead> out = new ArrayList<>();
    for (ReportData.Run run : completed.values()) {
      double length = plannedSteps(run);
      if (Double.isNaN(length) && run.lastStep() != null) {
        length = run.lastStep();
      }
      if (run.divergenceStep() != null) {
        out.add(lead(run, "divergence", Long.MIN_VALUE, run.divergenceStep(),
            divAlarms.get(run.runId()), length));
      }
      long previous = Long.MIN_VALUE;
      for (long s : jumps.getOrDefault(run.runId(), new TreeSet<>())) {
        out.add(lead(run, "jump", previous, s, jumpAlarms.get(run.runId()), length));
        previous = s;
      }
    }
    return out;
  }

  private static ReportData.Lead lead(ReportData.Run run, String kind, long after, long event,
                                      TreeSet<Long> alarms, double length) {
    long[] a = alarms == null ? new long[0]
        : alarms.stream().mapToLong(Long::longValue).toArray();
    double lead = ForecastScoring.firstAlarmLead(a, after, event);
    return new ReportData.Lead(run.runId(), kind, event, lead,
        length > 0 ? lead / length : Double.NaN);
  }
}
