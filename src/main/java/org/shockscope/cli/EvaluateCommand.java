package org.shockscope.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.shockscope.ShockscopeException;
import org.shockscope.report.WilsonInterval;
import org.shockscope.shock.DetectionScore;
import org.shockscope.shock.DetectorConfig;
import org.shockscope.shock.DetectorEvaluation;
import org.shockscope.shock.RunBootstrapF1;
import org.shockscope.spark.DetectorScoring;
import org.shockscope.spark.LabTruthFile;
import org.shockscope.spark.MomentumWidths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shockscope evaluate}: scores the analyze job's tables against a lab sweep's
 * {@code truth.csv} ({@link DetectorScoring}) and prints precision, recall, F1 and the median
 * timing error (fraction of run length) per detector, family and kind, followed by the
 * divergence/spike step checks, the width check of analytic modes and, for heavy-ball
 * deep-linear runs, measured widths against (1 − β)/(s_k η) per mode and per β
 * ({@link MomentumWidths}). {@code --json} and
 * {@code --csv} also write the score rows.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Score detected shocks against a lab sweep's truth.csv, next to the OLMo-core "
        + "and Megatron loss-spike rules.")
public final class EvaluateCommand implements Callable<Integer> {
  @Option(names = "--sweep", required = true, description = "Lab output folder (with truth.csv "
      + "and a native/ layout) or the analysed sweep folder itself (then give --truth).")
  String sweep;

  @Option(names = "--tables", required = true, description = "Output folder of shockscope "
      + "analyze for this sweep.")
  String tables;

  @Option(names = "--truth", description = "Truth file (default: <sweep>/truth.csv).")
  String truth;

  @Option(names = "--loss", defaultValue = "loss", description = "Loss metric (default: loss).")
  String loss;

  @Option(names = "--json", description = "Also write the scores as JSON to this file.")
  Path json;

  @Option(names = "--csv", description = "Also write the score rows as CSV to this file.")
  Path csv;

  @Option(names = "--master", description = "Spark master (default: local[*]).")
  String master;

  @Override
  public Integer call() {
    return run(System.out, System.err);
  }

  int run(PrintStream console, PrintStream err) {
    CommandSession session = null;
    try {
      session = CommandSession.start("shockscope evaluate", master, Map.of(), Map.of());
      SparkSession spark = session.spark();
      Configuration conf = spark.sparkContext().hadoopConfiguration();
      String sweepUri = sweep;
      String truthUri = truth;
      org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(sweep);
      org.apache.hadoop.fs.FileSystem fs = root.getFileSystem(conf);
      if (truthUri == null) {
        truthUri = new org.apache.hadoop.fs.Path(root, "truth.csv").toString();
      }
      if (fs.exists(new org.apache.hadoop.fs.Path(root, "truth.csv"))
          && fs.exists(new org.apache.hadoop.fs.Path(root, "native"))) {
        sweepUri = new org.apache.hadoop.fs.Path(root, "native").toString();
      }
      List<LabTruthFile.Row> rows = LabTruthFile.read(truthUri, conf);
      DetectorScoring.Scores s = new DetectorScoring(spark, DetectorConfig.DEFAULTS, loss)
          .score(tables, sweepUri, rows);
      console.print(text(s));
      org.shockscope.spark.ForecastEvaluation.Scores f =
          new org.shockscope.spark.ForecastEvaluation(spark, loss).score(tables, sweepUri, rows);
      if (f != null) {
        console.print(forecastText(f));
      }
      if (json != null) {
        Files.writeString(json, json(s), StandardCharsets.UTF_8);
      }
      if (csv != null) {
        Files.writeString(csv, csv(s), StandardCharsets.UTF_8);
      }
      return 0;
    } catch (ShockscopeException e) {
      err.println("shockscope evaluate: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("shockscope evaluate: " + e);
      return 2;
    } finally {
      if (session != null) {
        session.close();
      }
    }
  }

  /** The forecast section: divergence warnings per source and threshold, jump forecasts. */
  static String forecastText(org.shockscope.spark.ForecastEvaluation.Scores f) {
    StringBuilder b = new StringBuilder();
    b.append(sideBySide(f));
    b.append(String.format(Locale.ROOT, "%nFORECASTS: DIVERGENCE WARNINGS (a run is alarmed at a "
        + "forecast step when p_divergence >= threshold at some horizon; the practitioners' rules"
        + " alarm where they flag the logged loss; warned = first alarm strictly before the first"
        + " bad step; share_95%% = Wilson 95%% interval of the warned share; lead in steps and "
        + "as a share of the run's planned length; quiet = runs that do not diverge, recovering "
        + "catapults included)%n"));
    b.append(String.format(Locale.ROOT,
        "%-18s %6s %5s %6s %7s %13s %9s %9s %5s %8s %8s %9s %6s%n", "source", "thresh", "div",
        "warned", "share", "share_95%", "lead_step", "lead_run", "quiet", "alarmed", "share",
        "false/run", "prec"));
    for (org.shockscope.spark.ForecastEvaluation.DivergenceRow r : f.divergence()) {
      var c = r.score();
      WilsonInterval w = WilsonInterval.of(c.warned(), c.diverging());
      b.append(String.format(Locale.ROOT,
          "%-18s %6s %5d %6d %7s %13s %9s %9s %5d %8d %8s %9s %6s%n",
          r.source(), Double.isNaN(r.threshold()) ? "rule" : num(r.threshold(), 2),
          c.diverging(), c.warned(), num(c.warnedShare(), 3),
          interval(w.lo(), w.hi()), num(c.medianLeadSteps(), 1),
          pct(c.medianLeadShare()), c.quiet(), c.quietAlarmed(), num(c.quietAlarmedShare(), 3),
          num(c.falseAlarmsPerQuietRun(), 3), num(c.precision(), 3)));
    }
    if (!f.jumps().isEmpty()) {
      b.append(String.format(Locale.ROOT, "%nFORECASTS: JUMP TRANSITIONS (each forecast with an "
          + "expected step is assigned to the run's true jump nearest its expected step, when "
          + "issued before that jump's midpoint; on time = |expected - true| <= 20%% of the "
          + "steps that remained; first = the first forecast assigned to the jump; share_95%% = "
          + "95%% bootstrap interval of the first forecasts' share, runs resampled)%n"));
      b.append(String.format(Locale.ROOT, "%-10s %6s %9s %9s %7s %13s %9s %7s %10s %9s%n",
          "method", "jumps", "forecast", "first_ok", "share", "share_95%", "any_ok", "share",
          "lead_run", "rel_err"));
      for (org.shockscope.spark.ForecastEvaluation.JumpRow r : f.jumps()) {
        var c = r.score();
        double n = c.jumps();
        b.append(String.format(Locale.ROOT, "%-10s %6d %9d %9d %7s %13s %9d %7s %10s %9s%n",
            r.method(), c.jumps(), c.forecast(), c.firstOnTime(),
            num(n == 0 ? Double.NaN : c.firstOnTime() / n, 3),
            interval(c.firstLow(), c.firstHigh()), c.anyOnTime(),
            num(n == 0 ? Double.NaN : c.anyOnTime() / n, 3), pct(c.medianLead()),
            num(c.medianError(), 3)));
      }
    }
    return b.toString();
  }

  /**
   * The headline: each forecast method (and each practitioners' rule) in one row, divergence
   * alarms at p_divergence ≥ {@link org.shockscope.spark.ForecastEvaluation#THRESHOLD} at some
   * horizon, and the jumps whose first forecast is on time.
   */
  static String sideBySide(org.shockscope.spark.ForecastEvaluation.Scores f) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%nFORECASTS: METHODS SIDE BY SIDE (divergence alarm = "
        + "p_divergence >= %s at some horizon, rules where they flag; warned = diverging runs "
        + "alarmed before the first bad step; alarmed = quiet runs ever alarmed; lead = median "
        + "lead of the warned runs; jumps on time = first forecast within 20%% of the time that "
        + "remained)%n", num(org.shockscope.spark.ForecastEvaluation.THRESHOLD, 2)));
    b.append(String.format(Locale.ROOT, "%-12s %13s %7s %13s %7s %9s %9s %13s %7s%n", "method",
        "warned/div", "share", "alarmed/quiet", "share", "lead_step", "lead_run",
        "jumps_on_time", "share"));
    for (org.shockscope.spark.ForecastEvaluation.DivergenceRow r : f.divergence()) {
      boolean rule = Double.isNaN(r.threshold());
      if (r.source().contains("@") || !(rule
          || r.threshold() == org.shockscope.spark.ForecastEvaluation.THRESHOLD)) {
        continue;
      }
      var c = r.score();
      String jumps = "-";
      String jumpShare = "-";
      for (org.shockscope.spark.ForecastEvaluation.JumpRow j : f.jumps()) {
        if (j.method().equals(r.source())) {
          jumps = j.score().firstOnTime() + "/" + j.score().jumps();
          jumpShare = num(j.score().jumps() == 0 ? Double.NaN
              : (double) j.score().firstOnTime() / j.score().jumps(), 3);
        }
      }
      b.append(String.format(Locale.ROOT, "%-12s %13s %7s %13s %7s %9s %9s %13s %7s%n",
          r.source(), c.warned() + "/" + c.diverging(), num(c.warnedShare(), 3),
          c.quietAlarmed() + "/" + c.quiet(), num(c.quietAlarmedShare(), 3),
          num(c.medianLeadSteps(), 1), pct(c.medianLeadShare()), jumps, jumpShare));
    }
    if (f.diverging() > 0) {
      b.append(String.format(Locale.ROOT, "bound: %d of %d diverging runs showed it in the logged"
          + " loss (its last sample before the bad step >= %s x its low); no alarm on the loss "
          + "can warn the others%n", f.shown(), f.diverging(),
          num(org.shockscope.forecast.ForecastScoring.SHOWN_RISE, 0)));
    }
    return b.toString();
  }

  /** The console table: the user's view first, then the labelled series-matched view. */
  static String text(DetectorScoring.Scores s) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%d runs, %d scored truth rows%n", s.runs(),
        s.truthRows()));
    if (s.tuningSeedRuns() > 0) {
      b.append(String.format(Locale.ROOT, "NOTE: %d of the %d runs have seeds below %d, the seeds"
          + " the detector's defaults may be tuned on: these figures are not a fresh evaluation"
          + " (make the sweep with lab --randomize N --seed S, S >= %d)%n", s.tuningSeedRuns(),
          s.runs(), DetectorScoring.FRESH_SEEDS, DetectorScoring.FRESH_SEEDS));
    }
    b.append(String.format(Locale.ROOT, "%nTRANSITIONS AS A USER READS THEM (the transitions "
        + "table; every transition of a scored run that matches no truth row is a false "
        + "positive, whatever its kind and series; match by time within max(2 checkpoint "
        + "intervals, 3%% of the run); PELT: l2, best single penalty c = %s x d x ln n for the "
        + "whole sweep, on the top %d singular values of end_to_end (runs with spectral truth) "
        + "or the log of the logged loss)%n", num(s.peltBest(), 4), 3));
    b.append(String.format(Locale.ROOT,
        "%-10s %-13s %-22s %5s %5s %5s %5s %6s %6s %6s %13s %8s %6s%n", "detector", "dimension",
        "bin", "runs", "TP", "FP", "FN", "prec", "recall", "F1", "F1 95% (runs)", "timing",
        "kinds"));
    for (DetectorScoring.BinScore r : s.view()) {
      DetectionScore c = r.score();
      b.append(String.format(Locale.ROOT,
          "%-10s %-13s %-22s %5d %5d %5d %5d %6s %6s %6s %13s %8s %6s%n", r.detector(),
          r.dimension(), r.bin(), r.runs(), c.truePositives(), c.falsePositives(),
          c.falseNegatives(), num(c.precision(), 3), num(c.recall(), 3), num(c.f1(), 3),
          interval(r.f1Low(), r.f1High()), pct(c.medianTimingError()),
          pct0(r.kindAgreement())));
    }
    b.append(String.format(Locale.ROOT, "(F1 95%%: percentile bootstrap over the bin's runs, %d "
        + "resamples; figures that differ by less than its width are not told apart by the "
        + "bin)%n", RunBootstrapF1.REPLICATES));
    double oursF1 = Double.NaN;
    double peltF1 = Double.NaN;
    for (DetectorScoring.BinScore r : s.view()) {
      if (r.bin().equals("all but controls")) {
        if (r.detector().equals(DetectorScoring.OURS)) {
          oursF1 = r.score().f1();
        } else {
          peltF1 = r.score().f1();
        }
      }
    }
    b.append(String.format(Locale.ROOT, "gap to PELT (F1, all but controls): %s - %s = %s%n",
        num(oursF1, 3), num(peltF1, 3), num(oursF1 - peltF1, 3)));
    for (DetectorScoring.BinScore r : s.view()) {
      if (r.bin().equals("all with controls") && r.gradual() > 0) {
        b.append(String.format(Locale.ROOT, "gradual fronts, not scored (tanh width > %s of the "
            + "run, SPEC 5's bound on a jump): %s found %d of %d%n",
            pct0(DetectorEvaluation.SUDDEN_WIDTH_FRACTION), r.detector(), r.gradualFound(),
            r.gradual()));
      }
    }
    if (!s.controls().isEmpty()) {
      b.append(String.format(Locale.ROOT, "%nNEGATIVE CONTROLS: false transitions after t0%n"));
      b.append(String.format(Locale.ROOT, "%-10s %-22s %5s %6s %8s%n", "detector", "family",
          "runs", "false", "per run"));
      for (DetectorScoring.ControlRate c : s.controls()) {
        b.append(String.format(Locale.ROOT, "%-10s %-22s %5d %6d %8s%n", c.detector(),
            c.family(), c.runs(), c.falseAfterT0(), num(c.perRun(), 2)));
      }
    }
    b.append(String.format(Locale.ROOT, "%nPELT penalty grid (F1 all runs, controls included):"));
    for (DetectorScoring.PenaltyPoint p : s.pelt()) {
      b.append(String.format(Locale.ROOT, " %s:%s", num(p.factor(), 4), num(p.score().f1(), 3)));
    }
    b.append(String.format(Locale.ROOT, "%n%nSERIES-MATCHED VIEW (legacy, not what a user reads: "
        + "spectral truth against jumps re-detected on per-mode singular-value series, loss "
        + "spikes and divergences against the loss series' shocks, metric jumps against jump "
        + "transitions; events in other series do not count; negative controls left out)%n"));
    b.append(String.format(Locale.ROOT, "%-11s %-16s %-10s %5s %5s %5s %6s %6s %6s %8s%n",
        "detector", "family", "kind", "TP", "FP", "FN", "prec", "recall", "F1", "timing"));
    for (DetectorScoring.ScoreRow r : s.rows()) {
      DetectionScore c = r.score();
      if (c.truePositives() + c.falsePositives() + c.falseNegatives() == 0) {
        continue;
      }
      b.append(String.format(Locale.ROOT, "%-11s %-16s %-10s %5d %5d %5d %6s %6s %6s %8s%n",
          r.detector(), c.family(), r.kind(), c.truePositives(), c.falsePositives(),
          c.falseNegatives(), num(c.precision(), 3), num(c.recall(), 3), num(c.f1(), 3),
          pct(c.medianTimingError())));
    }
    for (String kind : List.of("divergence", "spike")) {
      List<DetectorScoring.StepCheck> k = s.steps().stream()
          .filter(c -> c.kind().equals(kind)).toList();
      if (!k.isEmpty()) {
        long exact = k.stream().filter(c -> c.within(0)).count();
        long one = k.stream().filter(c -> c.within(1)).count();
        b.append(String.format(Locale.ROOT, "%s: %d true, %d found at the exact step, %d within"
            + " one logged step%n", kind, k.size(), exact, one));
      }
    }
    if (!s.widths().isEmpty()) {
      List<DetectorScoring.WidthCheck> w = s.widths();
      long found = w.stream().filter(c -> !Double.isNaN(c.fittedWidth())).count();
      long within = w.stream().filter(c -> c.relativeError() <= 0.2).count();
      double[] errs = w.stream().mapToDouble(DetectorScoring.WidthCheck::relativeError)
          .filter(x -> !Double.isNaN(x)).sorted().toArray();
      b.append(String.format(Locale.ROOT, "analytic mode widths: %d modes, %d fitted, %d within "
          + "20%%; relative error median %s, max %s%n", w.size(), found, within,
          errs.length == 0 ? "-" : num(errs[errs.length / 2], 3),
          errs.length == 0 ? "-" : num(errs[errs.length - 1], 3)));
    }
    b.append(momentumWidths(s.momentumWidths()));
    return b.toString();
  }

  /**
   * Heavy-ball deep-linear modes against the slow-mode expectation (1 − β)/(s_k η): per mode,
   * then per β (slow modes, s_k η/(1 − β) ≤ 0.1): the lab's measured width (physics) and the
   * detector's fitted width, each as median ratio to the expectation and share within 20%.
   */
  static String momentumWidths(List<MomentumWidths.Check> checks) {
    if (checks.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%nHEAVY-BALL MODE WIDTHS against (1 - beta)/(s_k lr) "
        + "(tanh width w of y = m + (J/2) tanh((t - t_s)/w) on the mode's singular value of "
        + "end_to_end: lab = measured while training, every step; detector = the shocks "
        + "table's jump of end_to_end/sv<k>, checkpoints)%n"));
    b.append(String.format(Locale.ROOT, "%-66s %-5s %5s %7s %9s %9s %7s %9s %7s%n", "run",
        "mode", "beta", "s*lr/(1-b)", "expected", "lab", "ratio", "detector", "ratio"));
    for (MomentumWidths.Check c : checks) {
      b.append(String.format(Locale.ROOT, "%-66s %-5s %5s %10s %9s %9s %7s %9s %7s%n",
          c.runId(), c.series().substring(c.series().lastIndexOf('.') + 1), num(c.momentum(), 2),
          num(c.effectiveRate(), 4), num(c.expectedWidth(), 1), num(c.labWidth(), 1),
          num(c.labRatio(), 3), num(c.detectorWidth(), 1), num(c.detectorRatio(), 3)));
    }
    b.append(String.format(Locale.ROOT, "per beta, slow modes (s_k lr/(1 - beta) <= %s):%n",
        num(MomentumWidths.SLOW_MODE_LIMIT, 2)));
    b.append(String.format(Locale.ROOT, "%-6s %6s %9s %12s %10s %9s %12s %10s%n", "beta",
        "modes", "lab", "lab median", "lab <=20%", "detected", "det median", "det <=20%"));
    for (MomentumWidths.Summary m : MomentumWidths.summarise(checks)) {
      b.append(String.format(Locale.ROOT, "%-6s %6d %9d %12s %10s %9d %12s %10s%n",
          Double.isNaN(m.momentum()) ? "all" : num(m.momentum(), 2), m.modes(), m.labModes(),
          num(m.labMedianRatio(), 3), pct0(m.labWithin()), m.detected(),
          num(m.detectorMedianRatio(), 3), pct0(m.detectorWithin())));
    }
    return b.toString();
  }

  /** The scores as one JSON object: rows, step checks and width checks. */
  static String json(DetectorScoring.Scores s) throws IOException {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("runs", s.runs());
    root.put("truth_rows", s.truthRows());
    root.put("runs_with_tuning_seeds", s.tuningSeedRuns());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (DetectorScoring.ScoreRow r : s.rows()) {
      rows.add(rowMap(r));
    }
    List<Map<String, Object>> view = new ArrayList<>();
    for (DetectorScoring.BinScore r : s.view()) {
      DetectionScore c = r.score();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("detector", r.detector());
      m.put("dimension", r.dimension());
      m.put("bin", r.bin());
      m.put("gradual", r.gradual());
      m.put("gradual_found", r.gradualFound());
      m.put("runs", r.runs());
      m.put("tp", c.truePositives());
      m.put("fp", c.falsePositives());
      m.put("fn", c.falseNegatives());
      m.put("precision", finite(c.precision()));
      m.put("recall", finite(c.recall()));
      m.put("f1", finite(c.f1()));
      m.put("f1_low", finite(r.f1Low()));
      m.put("f1_high", finite(r.f1High()));
      m.put("median_timing_error", finite(c.medianTimingError()));
      m.put("kind_agreement", finite(r.kindAgreement()));
      view.add(m);
    }
    root.put("transitions_view", view);
    List<Map<String, Object>> controls = new ArrayList<>();
    for (DetectorScoring.ControlRate c : s.controls()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("detector", c.detector());
      m.put("family", c.family());
      m.put("runs", c.runs());
      m.put("false_after_t0", c.falseAfterT0());
      m.put("per_run", finite(c.perRun()));
      controls.add(m);
    }
    root.put("negative_controls", controls);
    root.put("pelt_best_penalty_factor", s.peltBest());
    List<Map<String, Object>> grid = new ArrayList<>();
    for (DetectorScoring.PenaltyPoint p : s.pelt()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("factor", p.factor());
      m.put("f1", finite(p.score().f1()));
      m.put("precision", finite(p.score().precision()));
      m.put("recall", finite(p.score().recall()));
      grid.add(m);
    }
    root.put("pelt_penalty_grid", grid);
    root.put("scores_series_matched", rows);
    List<Map<String, Object>> steps = new ArrayList<>();
    for (DetectorScoring.StepCheck c : s.steps()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("run_id", c.runId());
      m.put("kind", c.kind());
      m.put("true_step", c.trueStep());
      m.put("found_step", c.foundStep() < 0 ? null : c.foundStep());
      m.put("log_interval", c.logInterval());
      steps.add(m);
    }
    root.put("step_checks", steps);
    List<Map<String, Object>> widths = new ArrayList<>();
    for (DetectorScoring.WidthCheck c : s.widths()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("run_id", c.runId());
      m.put("series", c.series());
      m.put("analytic_width", c.analyticWidth());
      m.put("fitted_width", finite(c.fittedWidth()));
      m.put("relative_error", finite(c.relativeError()));
      widths.add(m);
    }
    root.put("width_checks", widths);
    List<Map<String, Object>> momentum = new ArrayList<>();
    for (MomentumWidths.Check c : s.momentumWidths()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("run_id", c.runId());
      m.put("series", c.series());
      m.put("momentum", finite(c.momentum()));
      m.put("effective_rate", finite(c.effectiveRate()));
      m.put("expected_width", finite(c.expectedWidth()));
      m.put("lab_width", finite(c.labWidth()));
      m.put("detector_width", finite(c.detectorWidth()));
      momentum.add(m);
    }
    root.put("momentum_width_checks", momentum);
    List<Map<String, Object>> perBeta = new ArrayList<>();
    for (MomentumWidths.Summary x : MomentumWidths.summarise(s.momentumWidths())) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("momentum", finite(x.momentum()));
      m.put("modes", x.modes());
      m.put("lab_modes", x.labModes());
      m.put("lab_median_ratio", finite(x.labMedianRatio()));
      m.put("lab_within_20pct", finite(x.labWithin()));
      m.put("detected", x.detected());
      m.put("detector_median_ratio", finite(x.detectorMedianRatio()));
      m.put("detector_within_20pct", finite(x.detectorWithin()));
      perBeta.add(m);
    }
    root.put("momentum_width_summary", perBeta);
    List<Map<String, Object>> mismatches = new ArrayList<>();
    for (DetectorScoring.Mismatch c : s.mismatches()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("run_id", c.runId());
      m.put("error", c.error());
      m.put("kind", c.kind());
      m.put("series", c.series());
      m.put("step", c.step());
      mismatches.add(m);
    }
    root.put("mismatches", mismatches);
    return new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
        .writeValueAsString(root) + "\n";
  }

  /** The score rows as CSV with a header. */
  static String csv(DetectorScoring.Scores s) {
    StringBuilder b = new StringBuilder("detector,family,kind,tp,fp,fn,precision,recall,f1,"
        + "median_timing_error\n");
    for (DetectorScoring.ScoreRow r : s.rows()) {
      DetectionScore c = r.score();
      b.append(String.join(",", r.detector(), c.family(), r.kind(),
          Integer.toString(c.truePositives()), Integer.toString(c.falsePositives()),
          Integer.toString(c.falseNegatives()), csvNum(c.precision()), csvNum(c.recall()),
          csvNum(c.f1()), csvNum(c.medianTimingError()))).append('\n');
    }
    return b.toString();
  }

  private static Map<String, Object> rowMap(DetectorScoring.ScoreRow r) {
    DetectionScore c = r.score();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("detector", r.detector());
    m.put("family", c.family());
    m.put("kind", r.kind());
    m.put("tp", c.truePositives());
    m.put("fp", c.falsePositives());
    m.put("fn", c.falseNegatives());
    m.put("precision", finite(c.precision()));
    m.put("recall", finite(c.recall()));
    m.put("f1", finite(c.f1()));
    m.put("median_timing_error", finite(c.medianTimingError()));
    return m;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static String csvNum(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "";
  }

  private static String num(double v, int digits) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "-";
  }

  /** A 95% interval of a share or an F1 as the tables print it: "0.787-0.968". */
  private static String interval(double lo, double hi) {
    return num(lo, 3) + "-" + num(hi, 3);
  }

  private static String pct0(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.0f%%", 100 * v) : "-";
  }

  private static String pct(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : "-";
  }
}
