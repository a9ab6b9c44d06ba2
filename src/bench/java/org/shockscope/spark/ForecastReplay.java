package org.shockscope.spark;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.shockscope.forecast.Forecast;
import org.shockscope.forecast.ForecastHorizons;
import org.shockscope.forecast.ForecastScoring;
import org.shockscope.forecast.PrecursorForecaster;
import org.shockscope.shock.BaselineRule;
import org.shockscope.shock.SeriesData;
import org.shockscope.sweep.MetricSeries;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.SweepDiscovery;

/**
 * Re-runs the precursor forecaster on an analysed sweep from a detector cache
 * ({@link DetectorReplay} {@code export}) and scores it as {@code evaluate}'s forecast section
 * does ({@link ForecastEvaluation}: alarm = p_divergence ≥ 0.5 at some horizon; jump forecasts =
 * rows with an expected step and p_jump &gt; 0), per family, in seconds instead of an analysis.
 *
 * <pre>
 *   score CACHE LAB [DETAIL]   LAB is the lab's --out folder (native/ and truth.csv); DETAIL gets
 *                              one line per true jump (first forecast, its error) and per alarmed
 *                              quiet run
 * </pre>
 * Tune on labs made with seeds below 1000 only.
 */
public final class ForecastReplay {
  private ForecastReplay() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 4 && args[0].equals("probe")) {
      probe(args[1], args[2], args[3]);
      return;
    }
    if (args.length < 3 || !args[0].equals("score")) {
      System.err.println("usage: ForecastReplay score CACHE LAB [DETAIL] | probe CACHE LAB RUN");
      System.exit(2);
    }
    score(args[1], args[2], args.length > 3 ? args[3] : null);
  }

  /** Prints one run's forecasts at its shortest horizon: step, expected step, p's, series. */
  private static void probe(String cache, String lab, String runId) throws Exception {
    List<Row> rows = new ArrayList<>(DetectorReplay.load(cache,
        Integer.getInteger("replay.modes", RunDetection.DEFAULT_MODES))
        .getOrDefault(runId, List.of()));
    for (RunInfo r : SweepDiscovery.discover(DetectorReplay.sweepFolder(lab),
        new Configuration()).runs()) {
      if (r.runId().equals(runId)) {
        DetectorReplay.addMetrics(rows, r);
      }
    }
    List<SeriesData> data = RunDetection.seriesOf(rows.iterator());
    if (Boolean.getBoolean("replay.dump")) {
      // the chain's end-to-end modes and the loss, one line per series (to read a mode's rise)
      for (SeriesData s : data) {
        if (s.name().startsWith("end_to_end/") || s.name().equals("loss")) {
          StringBuilder sb = new StringBuilder(s.group() + "/" + s.name());
          for (int i = 0; i < s.steps().length; i++) {
            sb.append(String.format(" %d:%.4g", s.steps()[i], s.values()[i]));
          }
          System.out.println(sb);
        }
      }
    }
    long last = -1;
    for (Forecast f : PrecursorForecaster.forecast(data,
        ForecastHorizons.parse(ForecastHorizons.DEFAULT))) {
      if (f.step() != last) {
        System.out.printf("%d expected %.1f p_jump %.3g p_div %.3g %s%n", f.step(),
            f.expectedStep(), f.pJump(), f.pDivergence(), f.series());
        last = f.step();
      }
    }
  }

  private static void score(String cache, String lab, String detail) throws Exception {
    Map<String, List<Row>> byRun = DetectorReplay.load(cache,
        Integer.getInteger("replay.modes", RunDetection.DEFAULT_MODES));
    Map<String, RunInfo> runs = new LinkedHashMap<>();
    for (RunInfo r : SweepDiscovery.discover(DetectorReplay.sweepFolder(lab), new Configuration())
        .runs()) {
      runs.put(r.runId(), r);
    }
    List<LabTruthFile.Row> truth = LabTruthFile.read("file://" + lab + "/truth.csv",
        new Configuration());
    Map<String, String> family = new HashMap<>();
    Map<String, Long> divergence = new HashMap<>();
    List<ForecastScoring.TrueJump> jumps = new ArrayList<>();
    Map<ForecastScoring.TrueJump, String> jumpSeries = new HashMap<>();
    for (LabTruthFile.Row t : DetectorScoring.scoredRows(truth)) {
      family.putIfAbsent(t.runId(), t.family());
      if ("divergence".equals(t.kind())) {
        divergence.merge(t.runId(), Math.round(t.step()), Math::min);
      } else if ("jump".equals(t.kind())) {
        ForecastScoring.TrueJump j = new ForecastScoring.TrueJump(t.runId(), t.family(),
            t.step());
        jumps.add(j);
        jumpSeries.put(j, t.series());
      }
    }
    for (RunInfo r : runs.values()) {
      family.putIfAbsent(r.runId(), r.params().getOrDefault("model", "?"));
    }
    ForecastHorizons horizons = ForecastHorizons.parse(ForecastHorizons.DEFAULT);
    Map<String, Double> length = new HashMap<>();
    List<ForecastScoring.RunAlarms> alarms = new ArrayList<>();
    List<ForecastScoring.RunAlarms> olmo = new ArrayList<>();
    List<ForecastScoring.RunAlarms> megatron = new ArrayList<>();
    List<ForecastScoring.JumpForecast> jf = new ArrayList<>();
    Map<String, TreeMap<Long, String>> alarmSeries = new HashMap<>();
    Map<String, TreeMap<Long, String>> jumpCarriers = new HashMap<>();
    long t0 = System.nanoTime();
    for (RunInfo r : runs.values()) {
      List<Row> rows = new ArrayList<>(byRun.getOrDefault(r.runId(), List.of()));
      DetectorReplay.addMetrics(rows, r);
      List<SeriesData> data = RunDetection.seriesOf(rows.iterator());
      length.put(r.runId(), length(r));
      TreeMap<Long, Double> p = new TreeMap<>();
      TreeMap<Long, String> carriers = new TreeMap<>();
      for (Forecast f : PrecursorForecaster.forecast(data, horizons)) {
        p.merge(f.step(), f.pDivergence(), Math::max);
        if (f.pDivergence() >= ForecastEvaluation.THRESHOLD) {
          carriers.put(f.step(), String.join(";", f.series()));
        }
        if (!Double.isNaN(f.expectedStep()) && f.pJump() > 0
            && !(Boolean.getBoolean("replay.oracleLeftover")
                && leftover(f, r.runId(), jumps, jumpSeries))) {
          jf.add(new ForecastScoring.JumpForecast(r.runId(), f.step(), f.expectedStep()));
          jumpCarriers.computeIfAbsent(r.runId(), k -> new TreeMap<>())
              .put(f.step(), String.join(";", f.series()));
        }
      }
      alarmSeries.put(r.runId(), carriers);
      long[] all = p.keySet().stream().mapToLong(Long::longValue).toArray();
      long[] on = p.entrySet().stream().filter(e -> e.getValue() >= ForecastEvaluation.THRESHOLD)
          .mapToLong(Map.Entry::getKey).toArray();
      alarms.add(new ForecastScoring.RunAlarms(r.runId(), family.getOrDefault(r.runId(), ""),
          length.get(r.runId()), divergence.getOrDefault(r.runId(), -1L), on, all));
      MetricSeries loss = r.metrics().get("loss");
      for (BaselineRule rule : BaselineRule.values()) {
        long[] ron = new long[0];
        long[] rall = new long[0];
        if (loss != null) {
          boolean[] fl = rule.flags(loss.values());
          TreeSet<Long> s = new TreeSet<>();
          for (int i = 0; i < fl.length; i++) {
            if (fl[i]) {
              s.add(loss.steps()[i]);
            }
          }
          ron = s.stream().mapToLong(Long::longValue).toArray();
          rall = loss.steps();
        }
        (rule.ordinal() == 0 ? olmo : megatron).add(new ForecastScoring.RunAlarms(r.runId(),
            family.getOrDefault(r.runId(), ""), length.get(r.runId()),
            divergence.getOrDefault(r.runId(), -1L), ron, rall));
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    PrintStream o = System.out;
    o.printf("runs %d, forecasting %.1f s%n", runs.size(), secs);
    printDivergence(o, "precursor", ForecastScoring.divergence(alarms));
    printDivergence(o, BaselineRule.values()[0].name(), ForecastScoring.divergence(olmo));
    printDivergence(o, BaselineRule.values()[1].name(), ForecastScoring.divergence(megatron));
    ForecastEvaluation.LossBound bound = ForecastEvaluation.lossBound(runs.values(), divergence,
        "loss");
    o.printf("DIV bound: %d of %d diverging runs showed it in the logged loss%n", bound.shown(),
        bound.diverging());
    TreeSet<String> families = new TreeSet<>();
    jumps.forEach(j -> families.add(j.family()));
    printJumps(o, "all", ForecastScoring.jumps(jumps, jf, length));
    for (String f : families) {
      List<ForecastScoring.TrueJump> sub = jumps.stream().filter(j -> j.family().equals(f))
          .toList();
      printJumps(o, f, ForecastScoring.jumps(sub, jf, length));
    }
    printQuiet(o, jumps, jf, runs.keySet(), family);
    if (detail != null) {
      try (PrintStream d = new PrintStream(detail)) {
        writeDetail(d, jumps, jumpSeries, jf, alarms, alarmSeries, jumpCarriers, runs);
      }
    }
  }

  private static void printDivergence(PrintStream o, String source,
                                      ForecastScoring.DivergenceScore s) {
    o.printf("DIV %-24s warned %d/%d (%.1f%%) lead %.1f steps (%.2f%%) quiet alarmed %d/%d "
            + "(%.1f%%)%n", source, s.warned(), s.diverging(), 100 * s.warnedShare(),
        s.medianLeadSteps(), 100 * s.medianLeadShare(), s.quietAlarmed(), s.quiet(),
        100 * s.quietAlarmedShare());
  }

  private static void printJumps(PrintStream o, String family, ForecastScoring.JumpScore s) {
    o.printf("JUMP %-18s n %4d forecast %4d first on time %4d (%.1f%%) any %4d (%.1f%%) "
            + "median lead %.3f error %.3f first 95%% %.1f-%.1f%%%n", family, s.jumps(),
        s.forecast(), s.firstOnTime(), 100.0 * s.firstOnTime() / Math.max(1, s.jumps()),
        s.anyOnTime(), 100.0 * s.anyOnTime() / Math.max(1, s.jumps()), s.medianLead(),
        s.medianError(), 100 * s.firstLow(), 100 * s.firstHigh());
  }

  /**
   * Jump forecasts on runs without a true jump (negative controls, catapults, runs that never
   * leave their plateau), per family: runs that get any, and forecast steps in all.
   */
  private static void printQuiet(PrintStream o, List<ForecastScoring.TrueJump> jumps,
                                 List<ForecastScoring.JumpForecast> jf, Iterable<String> runs,
                                 Map<String, String> family) {
    TreeSet<String> withJump = new TreeSet<>();
    jumps.forEach(j -> withJump.add(j.runId()));
    Map<String, Integer> quiet = new TreeMap<>();
    Map<String, TreeSet<String>> forecastRuns = new TreeMap<>();
    Map<String, Integer> forecastSteps = new TreeMap<>();
    for (String r : runs) {
      if (!withJump.contains(r)) {
        quiet.merge(family.getOrDefault(r, "?"), 1, Integer::sum);
      }
    }
    for (ForecastScoring.JumpForecast f : jf) {
      if (!withJump.contains(f.runId())) {
        String fam = family.getOrDefault(f.runId(), "?");
        forecastRuns.computeIfAbsent(fam, k -> new TreeSet<>()).add(f.runId());
        forecastSteps.merge(fam, 1, Integer::sum);
      }
    }
    int runsWith = forecastRuns.values().stream().mapToInt(TreeSet::size).sum();
    int steps = forecastSteps.values().stream().mapToInt(Integer::intValue).sum();
    int all = quiet.values().stream().mapToInt(Integer::intValue).sum();
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Integer> e : quiet.entrySet()) {
      sb.append(String.format(" %s %d/%d", e.getKey(),
          forecastRuns.getOrDefault(e.getKey(), new TreeSet<>()).size(), e.getValue()));
    }
    o.printf("QUIET jump forecasts on runs without a true jump: runs %d/%d, forecast rows %d;%s%n",
        runsWith, all, steps, sb);
    forecastRuns.values().forEach(rs -> rs.forEach(r -> o.println("QUIET run " + r)));
  }

  /** One line per true jump: its first assigned forecast (as ForecastScoring assigns). */
  private static void writeDetail(PrintStream d, List<ForecastScoring.TrueJump> jumps,
                                  Map<ForecastScoring.TrueJump, String> series,
                                  List<ForecastScoring.JumpForecast> jf,
                                  List<ForecastScoring.RunAlarms> alarms,
                                  Map<String, TreeMap<Long, String>> carriers,
                                  Map<String, TreeMap<Long, String>> jumpCarriers,
                                  Map<String, RunInfo> runs) {
    Map<String, List<ForecastScoring.TrueJump>> byRun = new HashMap<>();
    jumps.forEach(j -> byRun.computeIfAbsent(j.runId(), k -> new ArrayList<>()).add(j));
    Map<ForecastScoring.TrueJump, List<ForecastScoring.JumpForecast>> assigned =
        ForecastScoring.assign(jumps, jf);
    for (ForecastScoring.TrueJump j : jumps) {
      List<ForecastScoring.JumpForecast> fs = assigned.getOrDefault(j, List.of());
      StringBuilder sb = new StringBuilder();
      boolean any = false;
      for (ForecastScoring.JumpForecast f : fs) {
        double err = Math.abs(f.expected() - j.step()) / (j.step() - f.step());
        any |= err <= ForecastScoring.ON_TIME;
        if (sb.length() < 400) {
          sb.append(String.format(" %d->%.0f(%.2f)", f.step(), f.expected(), err));
        }
      }
      String status = fs.isEmpty() ? "NONE"
          : Math.abs(fs.get(0).expected() - j.step()) / (j.step() - fs.get(0).step())
              <= ForecastScoring.ON_TIME ? "FIRST" : any ? "ANY" : "LATE";
      RunInfo ri = runs.get(j.runId());
      String opt = ri == null ? "?" : ri.params().getOrDefault("optimizer", "?")
          + (ri.params().getOrDefault("momentum", "0").matches("0(\\.0*)?") ? "" : "+m");
      String by = fs.isEmpty() ? "-" : jumpCarriers.getOrDefault(j.runId(), new TreeMap<>())
          .getOrDefault(fs.get(0).step(), "?");
      // the first forecast's predicted over true remaining time (< 1: early) and, after an
      // earlier true jump of the run, how far into the interval between the two it was issued
      // (near 0: a leftover of the previous stage rather than a forecast of this one)
      String first = "";
      if (!fs.isEmpty()) {
        ForecastScoring.JumpForecast f0 = fs.get(0);
        double prev = Double.NaN;
        for (ForecastScoring.TrueJump o : byRun.get(j.runId())) {
          if (o.step() < j.step() && !(o.step() <= prev)) {
            prev = o.step();
          }
        }
        first = String.format(" ratio=%.2f%s", (f0.expected() - f0.step()) / (j.step() - f0.step()),
            Double.isNaN(prev) ? "" : String.format(" sincePrev=%.2f",
                (f0.step() - prev) / (j.step() - prev)));
      }
      d.printf("J %-6s %s %s %s %.0f n=%d opt=%s by=%s%s%s%n", status, j.family(), j.runId(),
          series.get(j), j.step(), fs.size(), opt, by, first, sb);
    }
    // leftovers: forecasts carried by a chain mode issued at or after that mode's own midpoint
    Map<String, Double> expectedAt = new HashMap<>();
    for (ForecastScoring.JumpForecast f : jf) {
      expectedAt.put(f.runId() + "@" + f.step(), f.expected());
    }
    for (Map.Entry<String, TreeMap<Long, String>> e : jumpCarriers.entrySet()) {
      for (Map.Entry<Long, String> c : e.getValue().entrySet()) {
        for (String ser : c.getValue().split(";")) {
          int k = ser.lastIndexOf("end_to_end/sv");
          String mode = k < 0 ? (ser.equals("loss") ? "sv1" : null) : ser.substring(k + 11);
          if (mode == null) {
            continue;
          }
          for (ForecastScoring.TrueJump j : byRun.getOrDefault(e.getKey(), List.of())) {
            if (series.get(j).endsWith("." + mode) && c.getKey() >= j.step()) {
              double ex = expectedAt.get(e.getKey() + "@" + c.getKey());
              d.printf("L %s %s %s t=%d expected=%.1f mid=%.0f ahead=%.1f%n", e.getKey(),
                  runs.get(e.getKey()).params().getOrDefault("optimizer", "?"), ser,
                  c.getKey(), ex, j.step(), ex - c.getKey());
            }
          }
        }
      }
    }
    for (ForecastScoring.RunAlarms r : alarms) {
      if (r.alarmSteps().length > 0) {
        d.printf("D %s %s %s div=%d first=%d carriers=%s%n",
            r.divergenceStep() >= 0 ? "DIV" : "QUIET", r.family(), r.runId(),
            r.divergenceStep(), r.alarmSteps()[0], carriers.get(r.runId()).firstEntry());
      } else if (r.divergenceStep() >= 0) {
        d.printf("D MISSED %s %s div=%d%n", r.family(), r.runId(), r.divergenceStep());
      }
    }
  }

  /**
   * Diagnostic oracle (truth-based, never a rule): whether every chain mode carrying a jump
   * forecast had already passed its own midpoint at the forecast's step.
   */
  private static boolean leftover(Forecast f, String run, List<ForecastScoring.TrueJump> jumps,
                                  Map<ForecastScoring.TrueJump, String> series) {
    boolean any = false;
    for (String ser : f.series()) {
      int k = ser.lastIndexOf("end_to_end/sv");
      String mode = k < 0 ? (ser.equals("loss") ? "sv1" : null) : ser.substring(k + 11);
      if (mode == null) {
        return false;
      }
      boolean past = false;
      for (ForecastScoring.TrueJump j : jumps) {
        if (j.runId().equals(run) && series.get(j).endsWith("." + mode) && f.step() >= j.step()) {
          past = true;
        }
      }
      if (!past) {
        return false;
      }
      any = true;
    }
    return any;
  }

  private static double length(RunInfo r) {
    String s = r.params().get("steps");
    if (s != null) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        // not a number: the logged steps
      }
    }
    MetricSeries loss = r.metrics().get("loss");
    return loss == null || loss.steps().length == 0 ? Double.NaN
        : loss.steps()[loss.steps().length - 1];
  }
}
