package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.shockscope.forecast.ForecastScoring;
import org.shockscope.shock.BaselineRule;
import org.shockscope.sweep.MetricSeries;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.Sweep;
import org.shockscope.sweep.SweepDiscovery;

/**
 * {@code evaluate}'s forecast section (issue 16, part 2): reads the {@code forecasts} table and
 * the lab's truth, turns each method's forecasts into alarms (a run is alarmed at a forecast step
 * when its largest {@code p_divergence} over the horizons is at least a threshold; as
 * {@code <method>@shortest}, when that of its shortest horizon is) and replays
 * the practitioners' rules ({@link BaselineRule}) on the same logged loss, then counts with
 * {@link ForecastScoring}, also the diverging runs whose logged loss showed the divergence before
 * its bad step ({@link ForecastScoring#showedInLoss}, the bound on alarms read from the loss).
 * Only collects and moves data.
 */
public final class ForecastEvaluation {
  /** The alarm threshold the headline figures use. */
  public static final double THRESHOLD = 0.5;
  /** Thresholds of the lead-time vs false-alarm curve. */
  public static final double[] CURVE = {0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.99};

  /** Divergence figures of one source at one threshold (NaN for the rules). */
  public record DivergenceRow(String source, double threshold,
                              ForecastScoring.DivergenceScore score) {}

  /** Jump figures of one method. */
  public record JumpRow(String method, ForecastScoring.JumpScore score) {}

  /**
   * Everything the section prints.
   *
   * @param divergence one row per source and threshold
   * @param jumps      one row per method
   * @param diverging  diverging runs
   * @param shown      of them, those whose logged loss showed the divergence before its bad step
   *                   ({@link ForecastScoring#showedInLoss}): the bound on loss-based warnings
   */
  public record Scores(List<DivergenceRow> divergence, List<JumpRow> jumps, int diverging,
                       int shown) {}

  private final SparkSession spark;
  private final TableReader tables;
  private final String lossMetric;

  public ForecastEvaluation(SparkSession spark, String lossMetric) {
    this.spark = spark;
    this.tables = new TableReader(spark);
    this.lossMetric = lossMetric;
  }

  /** Scores, or null when the tables have no forecasts table (made before issue 16). */
  public Scores score(String tablesUri, String sweepUri, List<LabTruthFile.Row> truth) {
    Optional<Dataset<Row>> forecasts = tables.find(tablesUri, Tables.FORECASTS);
    if (forecasts.isEmpty()) {
      return null;
    }
    Dataset<Row> table = forecasts.get();
    Sweep sweep = SweepDiscovery.discover(sweepUri, spark.sparkContext().hadoopConfiguration());
    Map<String, RunInfo> runs = new LinkedHashMap<>();
    sweep.runs().forEach(r -> runs.put(r.runId(), r));
    Map<String, String> family = new HashMap<>();
    Map<String, Long> divergence = new HashMap<>();
    for (LabTruthFile.Row t : truth) {
      family.putIfAbsent(t.runId(), t.family());
      if ("divergence".equals(t.kind())) {
        divergence.merge(t.runId(), Math.round(t.step()), Math::min);
      }
    }
    List<ForecastScoring.TrueJump> jumps = trueJumps(truth);
    Map<String, Double> length = new HashMap<>();
    for (RunInfo r : runs.values()) {
      length.put(r.runId(), length(r));
    }

    // per method and run: forecast step -> max p_divergence over horizons
    Map<String, Map<String, TreeMap<Long, Double>>> pDiv = new TreeMap<>();
    // and, as "<method>@shortest", the p_divergence of the shortest horizon alone
    for (Row r : table.groupBy("method", "run_id", "step")
        .agg(max(col("p_divergence")).as("p"),
            org.apache.spark.sql.functions.min_by(col("p_divergence"), col("horizon")).as("p1"))
        .collectAsList()) {
      pDiv.computeIfAbsent(r.getString(0), k -> new HashMap<>())
          .computeIfAbsent(r.getString(1), k -> new TreeMap<>()).put(r.getLong(2), r.getDouble(3));
      pDiv.computeIfAbsent(r.getString(0) + "@shortest", k -> new HashMap<>())
          .computeIfAbsent(r.getString(1), k -> new TreeMap<>()).put(r.getLong(2), r.getDouble(4));
    }
    Map<String, List<ForecastScoring.JumpForecast>> jumpForecasts = new TreeMap<>();
    for (Row r : table.where(col("expected_step").isNotNull().and(col("p_jump").gt(0)))
        .select("method", "run_id", "step", "expected_step").distinct().collectAsList()) {
      jumpForecasts.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(
          new ForecastScoring.JumpForecast(r.getString(1), r.getLong(2), r.getDouble(3)));
    }

    List<DivergenceRow> div = new ArrayList<>();
    for (Map.Entry<String, Map<String, TreeMap<Long, Double>>> m : pDiv.entrySet()) {
      for (double th : CURVE) {
        List<ForecastScoring.RunAlarms> alarms = new ArrayList<>();
        for (RunInfo r : runs.values()) {
          TreeMap<Long, Double> p = m.getValue().getOrDefault(r.runId(), new TreeMap<>());
          long[] all = p.keySet().stream().mapToLong(Long::longValue).toArray();
          long[] on = p.entrySet().stream().filter(e -> e.getValue() >= th)
              .mapToLong(Map.Entry::getKey).toArray();
          alarms.add(new ForecastScoring.RunAlarms(r.runId(), family.getOrDefault(r.runId(), ""),
              length.get(r.runId()), divergence.getOrDefault(r.runId(), -1L), on, all));
        }
        div.add(new DivergenceRow(m.getKey(), th, ForecastScoring.divergence(alarms)));
      }
    }
    for (BaselineRule rule : BaselineRule.values()) {
      List<ForecastScoring.RunAlarms> alarms = new ArrayList<>();
      for (RunInfo r : runs.values()) {
        MetricSeries loss = r.metrics().get(lossMetric);
        long[] on = new long[0];
        long[] all = new long[0];
        if (loss != null) {
          boolean[] f = rule.flags(loss.values());
          TreeSet<Long> s = new TreeSet<>();
          for (int i = 0; i < f.length; i++) {
            if (f[i]) {
              s.add(loss.steps()[i]);
            }
          }
          on = s.stream().mapToLong(Long::longValue).toArray();
          all = loss.steps();
        }
        alarms.add(new ForecastScoring.RunAlarms(r.runId(), family.getOrDefault(r.runId(), ""),
            length.get(r.runId()), divergence.getOrDefault(r.runId(), -1L), on, all));
      }
      div.add(new DivergenceRow(DetectorScoring.label(rule), Double.NaN,
          ForecastScoring.divergence(alarms)));
    }
    List<JumpRow> jumpRows = new ArrayList<>();
    for (Map.Entry<String, List<ForecastScoring.JumpForecast>> e : jumpForecasts.entrySet()) {
      jumpRows.add(new JumpRow(e.getKey(), ForecastScoring.jumps(jumps, e.getValue(), length)));
    }
    if (jumpRows.isEmpty() && !jumps.isEmpty()) {
      for (String m : pDiv.keySet()) {
        jumpRows.add(new JumpRow(m, ForecastScoring.jumps(jumps, List.of(), length)));
      }
    }
    LossBound bound = lossBound(runs.values(), divergence, lossMetric);
    return new Scores(div, jumpRows, bound.diverging(), bound.shown());
  }

  /** The diverging runs, and those of them whose logged loss showed it before the bad step. */
  record LossBound(int diverging, int shown) {}

  /**
   * Counts, among {@code runs}, those with a first bad step in {@code divergence} and those of
   * them whose {@code lossMetric} showed the divergence ({@link ForecastScoring#showedInLoss}).
   */
  static LossBound lossBound(Iterable<RunInfo> runs, Map<String, Long> divergence,
                             String lossMetric) {
    int diverging = 0;
    int shown = 0;
    for (RunInfo r : runs) {
      Long bad = divergence.get(r.runId());
      if (bad == null) {
        continue;
      }
      diverging++;
      MetricSeries loss = r.metrics().get(lossMetric);
      if (loss != null && ForecastScoring.showedInLoss(loss.steps(), loss.values(), bad)) {
        shown++;
      }
    }
    return new LossBound(diverging, shown);
  }

  /**
   * The true jumps scored: as for detection ({@link DetectorScoring#scoredRows}), the measured
   * rows, and an analytic row only where the run has no measured row of the same series — a
   * deep-linear mode has both (its analytic step predicts the measured one), and counting it twice
   * would leave one of the two without a forecast, since each forecast goes to one jump.
   */
  static List<ForecastScoring.TrueJump> trueJumps(List<LabTruthFile.Row> truth) {
    List<ForecastScoring.TrueJump> jumps = new ArrayList<>();
    for (LabTruthFile.Row t : DetectorScoring.scoredRows(truth)) {
      if ("jump".equals(t.kind())) {
        jumps.add(new ForecastScoring.TrueJump(t.runId(), t.family(), t.step()));
      }
    }
    return jumps;
  }

  /** Planned length: the run's {@code steps} hyperparameter (the lab writes it), else its last
   * logged loss step. */
  private double length(RunInfo r) {
    String s = r.params().get("steps");
    if (s != null) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        // not a number: fall back to the logged steps
      }
    }
    MetricSeries loss = r.metrics().get(lossMetric);
    return loss == null || loss.steps().length == 0 ? Double.NaN
        : loss.steps()[loss.steps().length - 1];
  }
}
