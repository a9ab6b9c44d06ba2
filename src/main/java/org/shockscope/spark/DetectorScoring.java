package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.shockscope.OrderStatistics;
import org.shockscope.ShockscopeException;
import org.shockscope.shock.BaselineRule;
import org.shockscope.shock.Detection;
import org.shockscope.shock.DetectionScore;
import org.shockscope.shock.DetectorConfig;
import org.shockscope.shock.DetectorEvaluation;
import org.shockscope.shock.PeltBaseline;
import org.shockscope.shock.RunBootstrapF1;
import org.shockscope.shock.RunSpan;
import org.shockscope.shock.ShockDetector;
import org.shockscope.shock.ShockEvent;
import org.shockscope.shock.TruthEvent;
import org.shockscope.sweep.CheckpointRef;
import org.shockscope.sweep.MetricSeries;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.Sweep;
import org.shockscope.sweep.SweepDiscovery;

/**
 * Scores the analyze job's output against a lab's {@code truth.csv}.
 *
 * <p><b>The user's view (the default figures).</b> Every row of the job's {@code transitions}
 * table is a detection, as a user reads the table: each transition of a scored run (every run
 * of the sweep) that matches no truth row is a false positive, whatever its kind and series.
 * Matching is one-to-one and optimal per run within max(2 checkpoint intervals, 3% of the
 * run), by time only (kinds and series are not compared; the share of matched pairs whose
 * kinds agree is reported beside). Negative controls (truth kind {@code none} at t0): every
 * transition after t0 is a false alarm, counted per run. The same protocol scores the PELT
 * baseline ({@link PeltBaseline}: the top three singular values of {@code end_to_end} from the
 * {@code spectra} table in runs with spectral truth, otherwise the logged loss on a log
 * scale), at its single best penalty for the whole sweep. Scores are reported per family and
 * per regime bin ({@link #binsOf}).
 *
 * <p><b>Series-matched view (labelled as such; the figures of earlier versions).</b> Next to
 * the two practitioner baselines ({@link BaselineRule}) replayed on the same loss series.
 * Which detection counts against which true event (one-to-one, optimal per run, within
 * max(2 checkpoint intervals, 3% of the run's length): {@link DetectorEvaluation}):
 * <ul>
 *   <li>a truth {@code jump} of {@code <matrix>.sv<k>} (a deep linear network's mode k) ↔ a
 *       {@code jump} event of the k-th singular value of that matrix in the {@code spectra}
 *       table. These per-mode series are invariant (quotient) observables of the linear-chain
 *       group; the scalar summaries the job scans (Frobenius norm, effective rank, ...) add the
 *       modes up, so that two modes whose fronts overlap are one event there and cannot be told
 *       apart. The same {@link ShockDetector} with the same options is applied here to the
 *       singular-value series;</li>
 *   <li>a truth {@code jump} of a metric (teacher–student specialisation, a drop of the loss)
 *       ↔ a run-level {@code jump} transition ({@code transitions} table), whichever series
 *       moved: specialisation is a change of the whole network, seen in the loss and in the
 *       weights' observables together;</li>
 *   <li>a truth {@code spike} or {@code divergence} of a metric ↔ an event of the same kind in
 *       that metric's series ({@code shocks} table).</li>
 * </ul>
 * Measured truth rows are scored; an analytic row is scored only where no measured row of the
 * same run, kind and series exists (analytic rows predict the measured ones and are used for
 * the width check). Detections count (as false positives when unmatched) in the channels the
 * truth labels: loss spikes and divergences in every run, spectral jumps in the runs of
 * families with spectral truth, run-level jumps in the runs of families with metric-jump truth
 * (the lab labels no jumps for catapult runs, so their jumps are neither right nor wrong).
 *
 * <p>Baselines: each rule's events on the loss series, matched to every truth row of the run
 * whatever its kind and series (they are general alarms, so any true event they hit counts).
 *
 * <p>Also: for every analytic row with a width, the fitted width of the spectral jump matched
 * to it (relative error), every divergence's step error and every spike's peak error in units
 * of the logging interval.
 */
public final class DetectorScoring {
  /** Name of this product's detector in the score rows. */
  public static final String OURS = "shockscope";
  /** Row kind pooling every kind. */
  public static final String ALL_KINDS = "all";
  /**
   * The first seed of the evaluation: the detector's defaults may be tuned on seeds below it
   * only, so a fresh evaluation uses seeds from it up (issue 12).
   */
  public static final long FRESH_SEEDS = 1000;
  /** Name of the PELT baseline in the user's view. */
  public static final String PELT = "pelt";
  /** The invariant map whose top singular values PELT sees in deep linear runs. */
  static final String END_TO_END = "end_to_end";
  /** Singular values PELT sees in deep linear runs. */
  static final int PELT_MODES = 3;

  private static final Pattern SPECTRAL = Pattern.compile("(.+)\\.sv(\\d+)");

  /**
   * One line of the score table.
   *
   * @param detector {@link #OURS} or a {@link BaselineRule}'s label
   * @param kind     the truth kind scored, or {@link #ALL_KINDS}
   * @param score    counts and rates; its family is a family or
   *                 {@link DetectorEvaluation#OVERALL}
   */
  public record ScoreRow(String detector, String kind, DetectionScore score) {}

  /**
   * The fitted width of a mode's jump against the analytic one.
   *
   * @param runId         the run
   * @param series        {@code <matrix>.sv<k>}
   * @param analyticWidth the truth width, steps
   * @param fittedWidth   width of the matched jump, steps; NaN when none matched
   * @param relativeError |fitted − analytic| / analytic; NaN when none matched
   */
  public record WidthCheck(String runId, String series, double analyticWidth, double fittedWidth,
                           double relativeError) {}

  /**
   * How far a matched spike or divergence is from its true step.
   *
   * @param runId       the run
   * @param kind        {@code spike} or {@code divergence}
   * @param trueStep    the truth step
   * @param foundStep   the matched detection's step, or −1 when none matched
   * @param logInterval the run's median logging interval of the metric, steps
   */
  public record StepCheck(String runId, String kind, long trueStep, long foundStep,
                          double logInterval) {
    /** Whether a detection matched within {@code intervals} logging intervals. */
    public boolean within(double intervals) {
      return foundStep >= 0 && Math.abs(foundStep - trueStep) <= intervals * logInterval + 1e-9;
    }
  }

  /**
   * A true event this product's detector missed, or a detection matching no true event.
   *
   * @param runId  the run
   * @param error  {@code missed} or {@code false_alarm}
   * @param kind   the event's kind
   * @param series the truth series, or the detection's series joined by {@code ;}
   * @param step   its step
   */
  public record Mismatch(String runId, String error, String kind, String series, long step) {}

  /**
   * A score of the user's view over a group of runs.
   *
   * @param detector      {@link #OURS} or {@link #PELT}
   * @param dimension     {@code family}, {@code run length}, {@code checkpoints},
   *                      {@code mode spacing} or {@code all}
   * @param bin           the bin's label
   * @param runs          runs in the bin
   * @param score         counts and rates (family field = the bin)
   * @param f1Low         lower end of the 95% bootstrap interval of the F1, runs resampled
   *                      ({@link RunBootstrapF1}); NaN when undefined
   * @param f1High        upper end of that interval
   * @param kindAgreement share of matched pairs whose kinds agree (NaN without matches; PELT's
   *                      detections have no kind)
   * @param gradual       true fronts wider than
   *                      {@link DetectorEvaluation#SUDDEN_WIDTH_FRACTION} of their run, not scored
   * @param gradualFound  of those, the ones a detection matched
   */
  public record BinScore(String detector, String dimension, String bin, int runs,
                         DetectionScore score, double f1Low, double f1High,
                         double kindAgreement, int gradual, int gradualFound) {}

  /**
   * False transitions after t0 in the negative controls of one family.
   *
   * @param detector     {@link #OURS} or {@link #PELT}
   * @param family       the control family
   * @param runs         its runs
   * @param falseAfterT0 transitions after t0, summed over the runs
   */
  public record ControlRate(String detector, String family, int runs, int falseAfterT0) {
    /** False transitions per run. */
    public double perRun() {
      return runs == 0 ? Double.NaN : falseAfterT0 / (double) runs;
    }
  }

  /**
   * The PELT baseline's F1 (all runs, controls included) at one penalty factor.
   *
   * @param factor c in β = c · d · ln n
   * @param score  pooled score
   */
  public record PenaltyPoint(double factor, DetectionScore score) {}

  /**
   * Everything the scoring found.
   *
   * @param view      the user's view: ours and PELT, per family and regime bin
   * @param controls  negative controls' false transitions after t0
   * @param pelt      PELT's pooled score at each penalty factor
   * @param peltBest  the penalty factor with PELT's best F1
   * @param rows      the series-matched view (legacy), with the OLMo-core and Megatron rules
   * @param momentumWidths heavy-ball deep-linear modes: lab and detector widths against
   *                  (1 − β)/(s_k η) ({@link MomentumWidths})
   * @param tuningSeedRuns runs whose seed ({@code lab_seed}'s run seed, else {@code seed}) is
   *                  below {@link #FRESH_SEEDS}: seeds defaults may be tuned on
   */
  public record Scores(List<BinScore> view, List<ControlRate> controls, List<PenaltyPoint> pelt,
                       double peltBest, List<ScoreRow> rows, List<WidthCheck> widths,
                       List<StepCheck> steps, List<Mismatch> mismatches, int runs,
                       int truthRows, int tuningSeedRuns,
                       List<MomentumWidths.Check> momentumWidths) {
    public Scores {
      momentumWidths = List.copyOf(momentumWidths);
      view = List.copyOf(view);
      controls = List.copyOf(controls);
      pelt = List.copyOf(pelt);
      rows = List.copyOf(rows);
      widths = List.copyOf(widths);
      steps = List.copyOf(steps);
      mismatches = List.copyOf(mismatches);
    }
  }

  private final SparkSession spark;
  private final TableReader tables;
  private final DetectorConfig config;
  private final String lossMetric;

  /**
   * @param spark      session used to read the tables
   * @param config     detector options for the spectral series (those of the job)
   * @param lossMetric the metric the baselines watch and the job's loss (default {@code loss})
   */
  public DetectorScoring(SparkSession spark, DetectorConfig config, String lossMetric) {
    this.spark = spark;
    this.tables = new TableReader(spark);
    this.config = config;
    this.lossMetric = lossMetric;
  }

  /**
   * Scores the tables under {@code tablesUri} (written by the analyze job for the sweep at
   * {@code sweepUri}) against {@code truth}.
   *
   * @throws ShockscopeException when a table is missing or a truth row names a run that is not
   *                             in the sweep
   */
  public Scores score(String tablesUri, String sweepUri, List<LabTruthFile.Row> truth) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Sweep sweep = SweepDiscovery.discover(sweepUri, conf);
    Map<String, RunInfo> runs = new LinkedHashMap<>();
    for (RunInfo r : sweep.runs()) {
      runs.put(r.runId(), r);
    }
    Map<String, String> familyOf = new HashMap<>();
    for (LabTruthFile.Row t : truth) {
      if (!runs.containsKey(t.runId())) {
        throw new ShockscopeException("Truth row for run '" + t.runId() + "' but the sweep "
            + sweepUri + " has no such run");
      }
      familyOf.putIfAbsent(t.runId(), t.family());
    }
    List<RunSpan> spans = new ArrayList<>();
    Map<String, Double> logInterval = new HashMap<>();
    for (RunInfo r : runs.values()) {
      String family = familyOf.getOrDefault(r.runId(), r.params().getOrDefault("model", "other"));
      familyOf.put(r.runId(), family);
      spans.add(span(r, family));
      MetricSeries loss = r.metrics().get(lossMetric);
      logInterval.put(r.runId(), loss == null ? 0.0 : medianGap(loss.steps()));
    }
    List<LabTruthFile.Row> all = scoredRows(truth);
    List<LabTruthFile.Row> scored = all.stream()
        .filter(t -> !DetectorEvaluation.NONE.equals(t.kind())).toList();
    Set<String> spectralFamilies = new HashSet<>();
    Set<String> metricJumpFamilies = new HashSet<>();
    Map<String, Integer> matrices = new HashMap<>();
    for (LabTruthFile.Row t : scored) {
      if (ShockEvent.JUMP.equals(t.kind())) {
        Matcher m = SPECTRAL.matcher(t.series());
        if (m.matches()) {
          spectralFamilies.add(t.family());
          matrices.merge(m.group(1), Integer.parseInt(m.group(2)), Math::max);
        } else {
          metricJumpFamilies.add(t.family());
        }
      }
    }
    List<Detection> ours = new ArrayList<>();
    ours.addAll(metricEvents(tablesUri));
    Map<String, List<ShockEvent>> spectralEvents = spectralJumps(tablesUri, matrices);
    for (Map.Entry<String, List<ShockEvent>> e : spectralEvents.entrySet()) {
      if (spectralFamilies.contains(familyOf.get(e.getKey()))) {
        for (ShockEvent ev : e.getValue()) {
          ours.add(new Detection(e.getKey(), ev.kind(), List.of(ev.series()), ev.step(),
              ev.score()));
        }
      }
    }
    for (Detection d : runJumps(tablesUri)) {
      if (metricJumpFamilies.contains(familyOf.get(d.runId()))) {
        ours.add(d);
      }
    }
    ours.removeIf(d -> !runs.containsKey(d.runId()));

    List<TruthEvent> oursTruth = new ArrayList<>();
    List<TruthEvent> anyTruth = new ArrayList<>();
    for (LabTruthFile.Row t : scored) {
      boolean runLevel = ShockEvent.JUMP.equals(t.kind()) && !SPECTRAL.matcher(t.series())
          .matches();
      long step = Math.round(t.step());
      oursTruth.add(new TruthEvent(t.runId(), t.family(), t.kind(), runLevel ? "" : t.series(),
          step, t.width()));
      anyTruth.add(new TruthEvent(t.runId(), t.family(), "", "", step, t.width()));
    }
    List<ScoreRow> rows = new ArrayList<>();
    // the series-matched view leaves the negative controls out (the user's view scores them)
    Set<String> controlRuns = new HashSet<>();
    for (LabTruthFile.Row t : all) {
      if (DetectorEvaluation.NONE.equals(t.kind())) {
        controlRuns.add(t.runId());
      }
    }
    List<RunSpan> legacySpans = spans.stream()
        .filter(x -> !controlRuns.contains(x.runId())).toList();
    List<Detection> legacyOurs = ours.stream()
        .filter(d -> !controlRuns.contains(d.runId())).toList();
    rows.addAll(rows(OURS, legacySpans, oursTruth, legacyOurs));
    for (BaselineRule rule : BaselineRule.values()) {
      rows.addAll(rows(label(rule), legacySpans, anyTruth, baseline(rule, runs.values()).stream()
          .filter(d -> !controlRuns.contains(d.runId())).toList()));
    }
    Map<String, RunSpan> spanOf = new HashMap<>();
    spans.forEach(s -> spanOf.put(s.runId(), s));
    UserView view = userView(tablesUri, runs, spans, all, spectralFamilies);
    return new Scores(view.bins, view.controls, view.grid, view.best, rows,
        widths(truth, spectralEvents, spanOf),
        stepChecks(spans, oursTruth, ours, logInterval), mismatches(spans, oursTruth, ours),
        spans.size(), all.size(), tuningSeedRuns(runs.values()),
        momentumWidths(truth, runs, tablesUri, spanOf));
  }

  /** The {@code optimizer} value of heavy-ball momentum runs (lab and SPEC §2). */
  static final String HEAVY_BALL = "momentum";

  /**
   * Heavy-ball modes: every analytic spectral jump row with a width of a run whose
   * {@code optimizer} is {@value #HEAVY_BALL}. The lab writes those rows with the slow-mode
   * expectation (1 − β)/(s'η) as width (s' = s_k − weight decay), so the effective rate
   * s'η/(1 − β) is 1/width. The lab's width is the measured row's of the same run and series,
   * the detector's the width of the {@code shocks} table's jump of {@code <matrix>/sv<k>}
   * nearest the measured step (else the analytic one) within the run's matching tolerance.
   */
  private List<MomentumWidths.Check> momentumWidths(List<LabTruthFile.Row> truth,
                                                    Map<String, RunInfo> runs, String tablesUri,
                                                    Map<String, RunSpan> spans) {
    List<LabTruthFile.Row> rows = new ArrayList<>();
    Map<String, LabTruthFile.Row> measured = new HashMap<>();
    for (LabTruthFile.Row t : truth) {
      if (!ShockEvent.JUMP.equals(t.kind()) || !SPECTRAL.matcher(t.series()).matches()) {
        continue;
      }
      RunInfo run = runs.get(t.runId());
      if (run == null || !HEAVY_BALL.equals(run.params().get("optimizer"))) {
        continue;
      }
      if ("analytic".equals(t.source())) {
        if (!Double.isNaN(t.width()) && t.width() > 0) {
          rows.add(t);
        }
      } else {
        measured.put(t.runId() + "\u0000" + t.series(), t);
      }
    }
    List<MomentumWidths.Check> out = new ArrayList<>();
    if (rows.isEmpty()) {
      return out;
    }
    Set<String> ids = new HashSet<>();
    rows.forEach(t -> ids.add(t.runId()));
    Map<String, List<Row>> jumps = new HashMap<>();
    for (Row r : tables.read(tablesUri, Tables.SHOCKS).where(col("kind").equalTo(ShockEvent.JUMP)
        .and(col("run_id").isin(ids.toArray())).and(col("series").contains("/sv")))
        .select("run_id", "series", "step", "width").collectAsList()) {
      jumps.computeIfAbsent(r.getString(0) + "\u0000" + r.getString(1),
          k -> new ArrayList<>()).add(r);
    }
    for (LabTruthFile.Row t : rows) {
      LabTruthFile.Row m = measured.get(t.runId() + "\u0000" + t.series());
      double at = m != null ? m.step() : t.step();
      Matcher mm = SPECTRAL.matcher(t.series());
      mm.matches();
      String series = mm.group(1) + "/sv" + mm.group(2);
      double tolerance = spans.get(t.runId()).tolerance();
      double fitted = Double.NaN;
      double best = Double.POSITIVE_INFINITY;
      for (Row r : jumps.getOrDefault(t.runId() + "\u0000" + series, List.of())) {
        double d = Math.abs(r.getLong(2) - at);
        if (d <= tolerance && d < best && !r.isNullAt(3)) {
          best = d;
          fitted = r.getDouble(3);
        }
      }
      double beta = parse(runs.get(t.runId()).params().get("momentum"));
      out.add(new MomentumWidths.Check(t.runId(), t.series(), beta, 1 / t.width(), t.width(),
          m == null ? Double.NaN : m.width(), fitted));
    }
    return out;
  }

  private static double parse(String v) {
    try {
      return v == null ? 0.0 : Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private record UserView(List<BinScore> bins, List<ControlRate> controls,
                          List<PenaltyPoint> grid, double best) {}

  /** The user's view: transitions table and PELT, one protocol, per family and regime bin. */
  private UserView userView(String tablesUri, Map<String, RunInfo> runs, List<RunSpan> spans,
                            List<LabTruthFile.Row> scored, Set<String> spectralFamilies) {
    List<TruthEvent> truth = new ArrayList<>();
    for (LabTruthFile.Row t : scored) {
      truth.add(new TruthEvent(t.runId(), t.family(), t.kind(), t.series(),
          Math.round(t.step()), t.width()));
    }
    List<Detection> ours = new ArrayList<>();
    for (Row r : tables.read(tablesUri, Tables.TRANSITIONS)
        .select("run_id", "step", "kind", "series", "score").collectAsList()) {
      if (runs.containsKey(r.getString(0))) {
        ours.add(new Detection(r.getString(0), r.getString(2), r.getList(3), r.getLong(1),
            r.isNullAt(4) ? Double.NaN : r.getDouble(4)));
      }
    }
    Map<String, RunSpan> spanOf = new HashMap<>();
    spans.forEach(x -> spanOf.put(x.runId(), x));
    List<DetectorEvaluation.RunTally> oursTally = DetectorEvaluation.tally(spans, truth, ours,
        DetectorEvaluation.SeriesMatching.IGNORE, DetectorEvaluation.KindMatching.IGNORE);

    // PELT: each run's series, segmented at every penalty factor
    Set<String> spectralRuns = new HashSet<>();
    for (RunSpan x : spans) {
      if (spectralFamilies.contains(x.family())) {
        spectralRuns.add(x.runId());
      }
    }
    Map<String, TreeMap<Long, double[]>> spectra = endToEnd(tablesUri, spectralRuns);
    double[] factors = PeltBaseline.penaltyFactors();
    List<List<Detection>> peltDets = new ArrayList<>();
    for (int i = 0; i < factors.length; i++) {
      peltDets.add(new ArrayList<>());
    }
    for (RunSpan x : spans) {
      List<List<Detection>> perFactor;
      TreeMap<Long, double[]> sv = spectra.get(x.runId());
      if (spectralRuns.contains(x.runId()) && sv != null && !sv.isEmpty()) {
        int n = sv.size();
        long[] steps = new long[n];
        double[] v = new double[n * PELT_MODES];
        int i = 0;
        for (Map.Entry<Long, double[]> e : sv.entrySet()) {
          steps[i] = e.getKey();
          for (int k = 0; k < PELT_MODES; k++) {
            v[i * PELT_MODES + k] = k < e.getValue().length ? e.getValue()[k] : 0.0;
          }
          i++;
        }
        perFactor = PeltBaseline.detections(x.runId(), END_TO_END + ".sv1-" + PELT_MODES,
            steps, v, PELT_MODES);
      } else {
        MetricSeries loss = runs.get(x.runId()).metrics().get(lossMetric);
        long[] steps = loss == null ? new long[0] : loss.steps();
        double[] v = new double[steps.length];
        for (int i = 0; i < v.length; i++) {
          double y = loss.values()[i];
          v[i] = y > 0 ? Math.log(y) : (y == 0 ? Math.log(Double.MIN_NORMAL) : Double.NaN);
        }
        perFactor = PeltBaseline.detections(x.runId(), "log(" + lossMetric + ")", steps, v, 1);
      }
      for (int i = 0; i < factors.length; i++) {
        peltDets.get(i).addAll(perFactor.get(i));
      }
    }
    List<PenaltyPoint> grid = new ArrayList<>();
    int best = 0;
    List<List<DetectorEvaluation.RunTally>> peltTallies = new ArrayList<>();
    for (int i = 0; i < factors.length; i++) {
      List<DetectorEvaluation.RunTally> t = DetectorEvaluation.tally(spans, truth,
          peltDets.get(i), DetectorEvaluation.SeriesMatching.IGNORE,
          DetectorEvaluation.KindMatching.IGNORE);
      peltTallies.add(t);
      DetectionScore sc = DetectorEvaluation.pool(DetectorEvaluation.OVERALL, t);
      grid.add(new PenaltyPoint(factors[i], sc));
      if (f1(sc) > f1(grid.get(best).score())) {
        best = i;
      }
    }
    List<BinScore> bins = new ArrayList<>();
    List<ControlRate> controls = new ArrayList<>();
    bin(OURS, oursTally, runs, bins, controls);
    bin(PELT, peltTallies.get(best), runs, bins, controls);
    return new UserView(bins, controls, grid, factors[best]);
  }

  /** Runs whose {@code seed} parameter is below {@link #FRESH_SEEDS} (runs without one: none). */
  private static int tuningSeedRuns(Iterable<RunInfo> runs) {
    int n = 0;
    for (RunInfo r : runs) {
      double seed = number(r.params().get("seed"));
      if (!Double.isNaN(seed) && seed < FRESH_SEEDS) {
        n++;
      }
    }
    return n;
  }

  private static double f1(DetectionScore s) {
    return Double.isNaN(s.f1()) ? -1 : s.f1();
  }

  /** Pools per family and per regime bin (non-control runs), and the controls' rates. */
  static void bin(String detector, List<DetectorEvaluation.RunTally> tallies,
                          Map<String, RunInfo> runs, List<BinScore> out,
                          List<ControlRate> controls) {
    Map<String, List<DetectorEvaluation.RunTally>> groups = new LinkedHashMap<>();
    Map<String, List<DetectorEvaluation.RunTally>> controlGroups = new TreeMap<>();
    List<DetectorEvaluation.RunTally> scoredRuns = new ArrayList<>();
    for (DetectorEvaluation.RunTally t : tallies) {
      if (t.control()) {
        controlGroups.computeIfAbsent(t.family(), k -> new ArrayList<>()).add(t);
        continue;
      }
      scoredRuns.add(t);
      for (String[] b : binsOf(t.family(), runs.get(t.runId()))) {
        groups.computeIfAbsent(b[0] + "\u0000" + b[1], k -> new ArrayList<>()).add(t);
      }
    }
    out.add(binScore(detector, "all", "all but controls", scoredRuns));
    out.add(binScore(detector, "all", "all with controls", tallies));
    List<String> keys = new ArrayList<>(groups.keySet());
    keys.sort(java.util.Comparator.comparing((String k) -> dimensionOrder(k.split("\u0000")[0]))
        .thenComparing(k -> binOrder(k.split("\u0000")[1])));
    for (String k : keys) {
      String[] parts = k.split("\u0000");
      out.add(binScore(detector, parts[0], parts[1], groups.get(k)));
    }
    for (Map.Entry<String, List<DetectorEvaluation.RunTally>> e : controlGroups.entrySet()) {
      int fp = 0;
      for (DetectorEvaluation.RunTally t : e.getValue()) {
        fp += t.falseAfterT0();
      }
      controls.add(new ControlRate(detector, e.getKey(), e.getValue().size(), fp));
    }
  }

  private static int dimensionOrder(String d) {
    return List.of("family", "run length", "checkpoints", "mode spacing").indexOf(d);
  }

  private static String binOrder(String b) {
    // bins start with their lower bound or a "<": order "<" first, then by number
    if (b.startsWith("<")) {
      return "0";
    }
    String digits = b.replaceAll("[^0-9.].*", "");
    return digits.isEmpty() ? "9" + b : String.format(java.util.Locale.ROOT, "1%012.3f",
        Double.parseDouble(digits));
  }

  private static BinScore binScore(String detector, String dimension, String bin,
                                   List<DetectorEvaluation.RunTally> tallies) {
    int matched = 0;
    int agree = 0;
    int gradual = 0;
    int gradualFound = 0;
    for (DetectorEvaluation.RunTally t : tallies) {
      matched += t.truePositives();
      agree += t.kindAgrees();
      gradual += t.gradual();
      gradualFound += t.gradualFound();
    }
    double[] f1 = RunBootstrapF1.interval(tallies, 0.05);
    return new BinScore(detector, dimension, bin, tallies.size(),
        DetectorEvaluation.pool(bin, tallies), f1[0], f1[1],
        matched == 0 || PELT.equals(detector) ? Double.NaN : agree / (double) matched, gradual,
        gradualFound);
  }

  /**
   * The regime bins of a (non-control) run, as {dimension, bin} pairs: its family; its run
   * length (&lt; 1,000, 1,000–10,000, ≥ 10,000 steps, from the {@code steps} parameter, else
   * the last checkpoint or logged step); its checkpoints (&lt; 30, 30–100, ≥ 100, from the
   * sweep); for runs with a {@code modes} parameter the mode spacing (the smallest ratio of
   * consecutive modes' learning times: 1 mode, &lt; 1.8, 1.8–3, ≥ 3).
   */
  static List<String[]> binsOf(String family, RunInfo run) {
    List<String[]> out = new ArrayList<>();
    out.add(new String[] {"family", family});
    Map<String, String> p = run.params();
    double steps = number(p.get("steps"));
    if (Double.isNaN(steps)) {
      long last = 0;
      for (MetricSeries m : run.metrics().values()) {
        if (m.size() > 0) {
          last = Math.max(last, m.steps()[m.size() - 1]);
        }
      }
      steps = last;
    }
    out.add(new String[] {"run length", steps < 1000 ? "<1k steps"
        : steps < 10_000 ? "1k-10k steps" : "10k+ steps"});
    int cps = run.checkpoints().size();
    out.add(new String[] {"checkpoints", cps < 30 ? "<30 checkpoints"
        : cps < 100 ? "30-99 checkpoints" : "100+ checkpoints"});
    double modes = number(p.get("modes"));
    if (!Double.isNaN(modes)) {
      double spacing = number(p.get("mode_spacing"));
      out.add(new String[] {"mode spacing", modes < 2 || Double.isNaN(spacing) ? "1 mode"
          : spacing < 1.8 ? "<1.8x" : spacing < 3 ? "1.8-3x" : "3x+"});
    }
    return out;
  }

  private static double number(String s) {
    if (s == null || s.isBlank()) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** The singular values of {@link #END_TO_END} per run and step, for the named runs. */
  private Map<String, TreeMap<Long, double[]>> endToEnd(String tablesUri, Set<String> runIds) {
    Map<String, TreeMap<Long, double[]>> out = new HashMap<>();
    if (runIds.isEmpty()) {
      return out;
    }
    for (Row r : tables.read(tablesUri, Tables.SPECTRA).where(col("matrix").equalTo(END_TO_END)
        .and(col("run_id").isin(runIds.toArray()))).select("run_id", "step", "sv")
        .collectAsList()) {
      List<Double> sv = r.getList(2);
      double[] v = new double[sv.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = sv.get(i);
      }
      Arrays.sort(v);
      for (int i = 0; i < v.length / 2; i++) {
        double t = v[i];
        v[i] = v[v.length - 1 - i];
        v[v.length - 1 - i] = t;
      }
      out.computeIfAbsent(r.getString(0), k -> new TreeMap<>()).put(r.getLong(1), v);
    }
    return out;
  }

  /** The label of a baseline in the score rows ({@code olmo-core}, {@code megatron}). */
  public static String label(BaselineRule rule) {
    return rule == BaselineRule.OLMO_CORE_STABILITY ? "olmo-core" : "megatron";
  }

  /** Per family and overall (kind {@link #ALL_KINDS}), then per family and kind. */
  private static List<ScoreRow> rows(String detector, List<RunSpan> spans,
                                     List<TruthEvent> truth, List<Detection> dets) {
    List<ScoreRow> out = new ArrayList<>();
    for (DetectionScore s : DetectorEvaluation.score(spans, truth, dets,
        DetectorEvaluation.SeriesMatching.REQUIRE)) {
      out.add(new ScoreRow(detector, ALL_KINDS, s));
    }
    Set<String> kinds = new java.util.TreeSet<>();
    truth.forEach(t -> kinds.add(t.kind()));
    dets.forEach(d -> kinds.add(d.kind()));
    for (String kind : kinds) {
      if (kind.isEmpty()) {
        continue;
      }
      List<TruthEvent> t = truth.stream().filter(e -> kind.equals(e.kind())).toList();
      List<Detection> d = dets.stream().filter(e -> kind.equals(e.kind())).toList();
      for (DetectionScore s : DetectorEvaluation.score(spans, t, d,
          DetectorEvaluation.SeriesMatching.REQUIRE)) {
        if (s.truePositives() + s.falseNegatives() > 0) {
          out.add(new ScoreRow(detector, kind, s));
        }
      }
    }
    return out;
  }

  /** Measured rows, and analytic rows of (run, kind, series) without a measured row. */
  static List<LabTruthFile.Row> scoredRows(List<LabTruthFile.Row> truth) {
    Set<String> measured = new HashSet<>();
    for (LabTruthFile.Row t : truth) {
      if (!"analytic".equals(t.source())) {
        measured.add(t.runId() + "\u0000" + t.kind() + "\u0000" + t.series());
      }
    }
    List<LabTruthFile.Row> out = new ArrayList<>();
    for (LabTruthFile.Row t : truth) {
      if (!"analytic".equals(t.source())
          || !measured.contains(t.runId() + "\u0000" + t.kind() + "\u0000" + t.series())) {
        out.add(t);
      }
    }
    return out;
  }

  static RunSpan span(RunInfo r, String family) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (MetricSeries m : r.metrics().values()) {
      if (m.size() > 0) {
        first = Math.min(first, m.steps()[0]);
        last = Math.max(last, m.steps()[m.size() - 1]);
      }
    }
    List<CheckpointRef> cps = r.checkpoints();
    long[] cpSteps = new long[cps.size()];
    for (int i = 0; i < cpSteps.length; i++) {
      cpSteps[i] = cps.get(i).step();
      first = Math.min(first, cpSteps[i]);
      last = Math.max(last, cpSteps[i]);
    }
    if (first > last) {
      first = 0;
      last = 0;
    }
    return new RunSpan(r.runId(), family, first, last, medianGap(cpSteps));
  }

  private static double medianGap(long[] steps) {
    if (steps.length < 2) {
      return 0.0;
    }
    double[] g = new double[steps.length - 1];
    for (int i = 1; i < steps.length; i++) {
      g[i - 1] = steps[i] - steps[i - 1];
    }
    return OrderStatistics.median(g);
  }

  /** Spikes and divergences of the loss metric (run-level series: null group). */
  private List<Detection> metricEvents(String tablesUri) {
    List<Detection> out = new ArrayList<>();
    for (Row r : tables.read(tablesUri, Tables.SHOCKS)
        .where(col("series").equalTo(lossMetric).and(col("group").isNull())
            .and(col("kind").isin(ShockEvent.SPIKE, ShockEvent.DIVERGENCE)))
        .select("run_id", "kind", "step", "score").collectAsList()) {
      out.add(new Detection(r.getString(0), r.getString(1), List.of(lossMetric), r.getLong(2),
          r.isNullAt(3) ? Double.NaN : r.getDouble(3)));
    }
    return out;
  }

  /** Run-level jump transitions. */
  private List<Detection> runJumps(String tablesUri) {
    List<Detection> out = new ArrayList<>();
    for (Row r : tables.read(tablesUri, Tables.TRANSITIONS)
        .where(col("kind").equalTo(ShockEvent.JUMP))
        .select("run_id", "step", "series", "score").collectAsList()) {
      out.add(new Detection(r.getString(0), ShockEvent.JUMP, r.getList(2), r.getLong(1),
          r.isNullAt(3) ? Double.NaN : r.getDouble(3)));
    }
    return out;
  }

  /**
   * Jumps of the singular values of the named matrices, per run; each event's series is
   * {@code <matrix>.sv<k>} (the truth's naming), its group the matrix's group. Only the modes the
   * truth labels (k up to the largest k of the matrix in the truth) are scanned: beyond the
   * teacher's rank the singular values stay at rounding level, where any wiggle is a change
   * relative to the series' own (tiny) range and no statement about the network.
   */
  private Map<String, List<ShockEvent>> spectralJumps(String tablesUri,
                                                      Map<String, Integer> matrices) {
    Map<String, List<ShockEvent>> out = new TreeMap<>();
    if (matrices.isEmpty()) {
      return out;
    }
    Map<String, TreeMap<Long, double[]>> byKey = new TreeMap<>();
    for (Row r : tables.read(tablesUri, Tables.SPECTRA)
        .where(col("matrix").isin(matrices.keySet().toArray()))
        .select("run_id", "group", "matrix", "step", "sv").collectAsList()) {
      String key = r.getString(0) + "\u0000" + r.getString(1) + "\u0000" + r.getString(2);
      List<Double> sv = r.getList(4);
      double[] v = new double[sv.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = sv.get(i);
      }
      byKey.computeIfAbsent(key, k -> new TreeMap<>()).put(r.getLong(3), v);
    }
    ShockDetector detector = new ShockDetector(config);
    for (Map.Entry<String, TreeMap<Long, double[]>> e : byKey.entrySet()) {
      String[] parts = e.getKey().split("\u0000", -1);
      TreeMap<Long, double[]> points = e.getValue();
      int n = points.size();
      long[] steps = new long[n];
      int rank = Integer.MAX_VALUE;
      int i = 0;
      for (Map.Entry<Long, double[]> p : points.entrySet()) {
        steps[i++] = p.getKey();
        rank = Math.min(rank, p.getValue().length);
      }
      List<ShockEvent> events = out.computeIfAbsent(parts[0], k -> new ArrayList<>());
      int modes = Math.min(rank, matrices.get(parts[2]));
      for (int k = 0; k < modes; k++) {
        double[] values = new double[n];
        i = 0;
        for (double[] sv : points.values()) {
          values[i++] = sv[k];
        }
        for (ShockEvent ev : detector.detect(parts[2] + ".sv" + (k + 1), parts[1], steps,
            values)) {
          if (ShockEvent.JUMP.equals(ev.kind())) {
            events.add(ev);
          }
        }
      }
    }
    return out;
  }

  private List<Detection> baseline(BaselineRule rule, Iterable<RunInfo> runs) {
    List<Detection> out = new ArrayList<>();
    for (RunInfo r : runs) {
      MetricSeries loss = r.metrics().get(lossMetric);
      if (loss != null) {
        out.addAll(rule.detections(r.runId(), lossMetric, loss.steps(), loss.values()));
      }
    }
    return out;
  }

  /** Fitted against analytic widths, for every analytic row with a width. */
  private static List<WidthCheck> widths(List<LabTruthFile.Row> truth,
                                         Map<String, List<ShockEvent>> spectral,
                                         Map<String, RunSpan> spans) {
    List<WidthCheck> out = new ArrayList<>();
    for (LabTruthFile.Row t : truth) {
      if (!"analytic".equals(t.source()) || Double.isNaN(t.width())
          || !SPECTRAL.matcher(t.series()).matches()) {
        continue;
      }
      RunSpan span = spans.get(t.runId());
      ShockEvent best = null;
      for (ShockEvent e : spectral.getOrDefault(t.runId(), List.of())) {
        double d = Math.abs(e.step() - t.step());
        if (e.series().equals(t.series()) && d <= span.tolerance()
            && (best == null || d < Math.abs(best.step() - t.step()))) {
          best = e;
        }
      }
      double fitted = best == null ? Double.NaN : best.width();
      out.add(new WidthCheck(t.runId(), t.series(), t.width(), fitted,
          Math.abs(fitted - t.width()) / t.width()));
    }
    return out;
  }

  /** This product's misses and false alarms under the optimal one-to-one matching. */
  private static List<Mismatch> mismatches(List<RunSpan> spans, List<TruthEvent> truth,
                                           List<Detection> dets) {
    Map<String, List<TruthEvent>> t = new HashMap<>();
    truth.forEach(e -> t.computeIfAbsent(e.runId(), k -> new ArrayList<>()).add(e));
    Map<String, List<Detection>> d = new HashMap<>();
    dets.forEach(e -> d.computeIfAbsent(e.runId(), k -> new ArrayList<>()).add(e));
    List<Mismatch> out = new ArrayList<>();
    for (RunSpan span : spans) {
      List<TruthEvent> rt = t.getOrDefault(span.runId(), List.of());
      List<Detection> rd = d.getOrDefault(span.runId(), List.of());
      int[] match = DetectorEvaluation.match(rt, rd, span.tolerance());
      boolean[] used = new boolean[rd.size()];
      for (int i = 0; i < rt.size(); i++) {
        if (match[i] >= 0) {
          used[match[i]] = true;
        } else {
          TruthEvent e = rt.get(i);
          out.add(new Mismatch(span.runId(), "missed", e.kind(), e.series(), e.step()));
        }
      }
      for (int j = 0; j < rd.size(); j++) {
        if (!used[j]) {
          Detection e = rd.get(j);
          out.add(new Mismatch(span.runId(), "false_alarm", e.kind(),
              String.join(";", e.series()), e.step()));
        }
      }
    }
    return out;
  }

  /** Step errors of spikes and divergences under the optimal one-to-one matching. */
  private static List<StepCheck> stepChecks(List<RunSpan> spans, List<TruthEvent> truth,
                                            List<Detection> dets,
                                            Map<String, Double> logInterval) {
    List<StepCheck> out = new ArrayList<>();
    for (RunSpan span : spans) {
      for (String kind : List.of(ShockEvent.DIVERGENCE, ShockEvent.SPIKE)) {
        List<TruthEvent> t = truth.stream().filter(e -> e.runId().equals(span.runId())
            && kind.equals(e.kind())).toList();
        if (t.isEmpty()) {
          continue;
        }
        List<Detection> d = dets.stream().filter(e -> e.runId().equals(span.runId())
            && kind.equals(e.kind())).toList();
        int[] match = DetectorEvaluation.match(t, d, span.tolerance());
        for (int i = 0; i < t.size(); i++) {
          out.add(new StepCheck(span.runId(), kind, t.get(i).step(),
              match[i] >= 0 ? d.get(match[i]).step() : -1, logInterval.get(span.runId())));
        }
      }
    }
    return out;
  }
}
