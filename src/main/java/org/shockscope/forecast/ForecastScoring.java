package org.shockscope.forecast;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.shockscope.OrderStatistics;
import org.shockscope.RunBootstrap;

/**
 * Scores early warnings against known truth (issue 16, part 2). Plain Java: the Spark adapter
 * collects per run its alarms (and its jump forecasts) and the truth, this class counts.
 *
 * <p><b>Divergence</b>, for one alarm source (a forecast method at a probability threshold, or a
 * practitioners' rule replayed on the loss): a diverging run is <i>warned</i> when its first alarm
 * comes strictly before its first bad step (the truth step); its lead is the difference, in steps
 * and as a share of the run's planned length. Every run without a divergence (catapults that
 * recover, negative controls, every other family) is <i>quiet</i>; a quiet run with any alarm is
 * falsely alarmed, and every maximal stretch of alarmed forecast steps counts as one false alarm.
 * Precision is the share of alarmed runs that diverge.
 *
 * <p><b>Jumps</b>: a forecast issued at step t with an expected step e is about the run's true
 * jump nearest to e; it is scored for that jump when it was issued before the jump's midpoint
 * t_s, and it is <i>on time</i> when {@code |e − t_s| ≤ 0.2·(t_s − t)}. A forecast nearest to a
 * jump whose midpoint it came after (a mode already half learned, its end still being timed) is
 * scored for none: it is not a warning of the next jump, whose first forecast it would otherwise
 * be, far too early. For each true jump the first forecast scored for it counts (the first
 * warning a user sees), and also whether any is on time.
 */
public final class ForecastScoring {
  /** Relative accuracy a jump forecast must reach: 20% of the time that remained. */
  public static final double ON_TIME = 0.2;

  /**
   * How far above its low a diverging run's last logged loss before the bad step must stand for
   * the divergence to have shown in the loss ({@link #showedInLoss}).
   */
  public static final double SHOWN_RISE = 2.0;

  private ForecastScoring() {}

  /**
   * Whether a divergence had begun to show in the logged loss before its first bad step: the last
   * finite sample logged before {@code badStep} stands at least {@value #SHOWN_RISE}× above the
   * lowest finite sample before it. A divergence that breaks between two logged samples of a loss
   * still falling or flat shows nothing an alarm on the loss could read, so the share of diverging
   * runs for which this holds bounds the warned share of every loss-based source (the precursor's
   * logit-bound triggers read weights, not the loss).
   *
   * @param steps   input, the loss's logged steps, ascending
   * @param loss    input, the loss at those steps
   * @param badStep the run's first bad step
   */
  public static boolean showedInLoss(long[] steps, double[] loss, long badStep) {
    int last = -1;
    for (int i = 0; i < steps.length && steps[i] < badStep; i++) {
      if (Double.isFinite(loss[i])) {
        last = i;
      }
    }
    double low = Double.POSITIVE_INFINITY;
    for (int i = 0; i < last; i++) {
      if (Double.isFinite(loss[i])) {
        low = Math.min(low, Math.abs(loss[i]));
      }
    }
    return last > 0 && low < Double.POSITIVE_INFINITY
        && Math.abs(loss[last]) >= SHOWN_RISE * low;
  }

  /**
   * One run as scored.
   *
   * @param runId          run
   * @param family         lab family
   * @param length         planned run length in steps (share of the run = lead / length)
   * @param divergenceStep first bad step, or −1 when the run does not diverge
   * @param alarmSteps     steps at which the source alarms, ascending
   * @param forecastSteps  every step the source could alarm at (to count stretches), ascending
   */
  public record RunAlarms(String runId, String family, double length, long divergenceStep,
                          long[] alarmSteps, long[] forecastSteps) {}

  /**
   * Divergence figures of one alarm source.
   *
   * @param diverging       diverging runs
   * @param warned          diverging runs alarmed strictly before the first bad step
   * @param medianLeadSteps median lead of the warned runs, steps
   * @param medianLeadShare median lead of the warned runs, share of the run
   * @param quiet           runs that do not diverge
   * @param quietAlarmed    quiet runs alarmed at least once
   * @param falseAlarms     alarm stretches in quiet runs
   * @param alarmedRuns     runs alarmed at least once
   */
  public record DivergenceScore(int diverging, int warned, double medianLeadSteps,
                                double medianLeadShare, int quiet, int quietAlarmed,
                                int falseAlarms, int alarmedRuns) {
    /** Share of diverging runs warned in time. */
    public double warnedShare() {
      return diverging == 0 ? Double.NaN : (double) warned / diverging;
    }

    /** Share of quiet runs ever alarmed. */
    public double quietAlarmedShare() {
      return quiet == 0 ? Double.NaN : (double) quietAlarmed / quiet;
    }

    /** False alarms per quiet run. */
    public double falseAlarmsPerQuietRun() {
      return quiet == 0 ? Double.NaN : (double) falseAlarms / quiet;
    }

    /** Share of alarmed runs that diverge. */
    public double precision() {
      int tp = alarmedRuns - quietAlarmed;
      return alarmedRuns == 0 ? Double.NaN : (double) tp / alarmedRuns;
    }
  }

  /** Scores divergence alarms over runs. */
  public static DivergenceScore divergence(List<RunAlarms> runs) {
    int diverging = 0;
    int warned = 0;
    int quiet = 0;
    int quietAlarmed = 0;
    int falseAlarms = 0;
    int alarmed = 0;
    List<Double> leadSteps = new ArrayList<>();
    List<Double> leadShare = new ArrayList<>();
    for (RunAlarms r : runs) {
      boolean any = r.alarmSteps().length > 0;
      if (any) {
        alarmed++;
      }
      if (r.divergenceStep() >= 0) {
        diverging++;
        double lead = firstAlarmLead(r.alarmSteps(), Long.MIN_VALUE, r.divergenceStep());
        if (!Double.isNaN(lead)) {
          warned++;
          leadSteps.add(lead);
          leadShare.add(r.length() > 0 ? lead / r.length() : Double.NaN);
        }
      } else {
        quiet++;
        if (any) {
          quietAlarmed++;
          falseAlarms += stretches(r.alarmSteps(), r.forecastSteps());
        }
      }
    }
    return new DivergenceScore(diverging, warned, median(leadSteps), median(leadShare), quiet,
        quietAlarmed, falseAlarms, alarmed);
  }

  /**
   * The lead of the first alarm before an event: {@code event − a} for the first alarm step a
   * with {@code after < a < event}, NaN when there is none.
   *
   * @param alarmSteps input, alarm steps, ascending
   * @param after      alarms at or before this step belong to an earlier event
   * @param event      the event's step
   */
  public static double firstAlarmLead(long[] alarmSteps, long after, long event) {
    for (long a : alarmSteps) {
      if (a > after) {
        return a < event ? (double) (event - a) : Double.NaN;
      }
    }
    return Double.NaN;
  }

  /** Maximal runs of consecutive forecast steps that are all alarm steps. */
  static int stretches(long[] alarms, long[] all) {
    if (all.length == 0) {
      return alarms.length == 0 ? 0 : 1;
    }
    int n = 0;
    boolean prev = false;
    for (long t : all) {
      boolean a = Arrays.binarySearch(alarms, t) >= 0;
      if (a && !prev) {
        n++;
      }
      prev = a;
    }
    return Math.max(n, alarms.length > 0 ? 1 : 0);
  }

  /** A true jump: run, family and midpoint step. */
  public record TrueJump(String runId, String family, double step) {}

  /** A jump forecast: run, issue step, expected step. */
  public record JumpForecast(String runId, long step, double expected) {}

  /**
   * Jump figures.
   *
   * @param jumps         true jumps scored
   * @param forecast      jumps with at least one forecast assigned before their midpoint
   * @param firstOnTime   jumps whose first assigned forecast is on time
   * @param anyOnTime     jumps with some assigned forecast on time
   * @param medianLead    median of (t_s − t) / length over the first forecasts, share of run
   * @param medianError   median |e − t_s| / (t_s − t) over the first forecasts
   * @param firstLow      low end of the 95% interval of firstOnTime / jumps, runs resampled
   *                      ({@link RunBootstrap}); NaN without jumps
   * @param firstHigh     its high end
   */
  public record JumpScore(int jumps, int forecast, int firstOnTime, int anyOnTime,
                          double medianLead, double medianError, double firstLow,
                          double firstHigh) {}

  /**
   * Scores jump forecasts.
   *
   * @param truth     true jumps
   * @param forecasts forecasts with an expected step (any order)
   * @param lengths   run lengths in steps, by run
   */
  public static JumpScore jumps(List<TrueJump> truth, List<JumpForecast> forecasts,
                                Map<String, Double> lengths) {
    Map<TrueJump, List<JumpForecast>> assigned = assign(truth, forecasts);
    int withForecast = 0;
    int first = 0;
    int any = 0;
    List<Double> leads = new ArrayList<>();
    List<Double> errors = new ArrayList<>();
    // per run: its jumps and those whose first forecast is on time, for the interval
    Map<String, long[]> perRun = new LinkedHashMap<>();
    for (TrueJump j : truth) {
      long[] counts = perRun.computeIfAbsent(j.runId(), k -> new long[2]);
      counts[1]++;
      List<JumpForecast> fs = assigned.get(j);
      if (fs == null || fs.isEmpty()) {
        continue;
      }
      withForecast++;
      JumpForecast f0 = fs.get(0);
      double remaining = j.step() - f0.step();
      double err = Math.abs(f0.expected() - j.step()) / remaining;
      errors.add(err);
      double len = lengths.getOrDefault(j.runId(), Double.NaN);
      leads.add(remaining / len);
      if (err <= ON_TIME) {
        first++;
        counts[0]++;
      }
      for (JumpForecast f : fs) {
        if (Math.abs(f.expected() - j.step()) <= ON_TIME * (j.step() - f.step())) {
          any++;
          break;
        }
      }
    }
    long[] onTime = new long[perRun.size()];
    long[] jumps = new long[perRun.size()];
    int i = 0;
    for (long[] c : perRun.values()) {
      onTime[i] = c[0];
      jumps[i++] = c[1];
    }
    double[] ci = RunBootstrap.ratio(onTime, jumps, 0.05, RunBootstrap.REPLICATES,
        RunBootstrap.SEED);
    return new JumpScore(truth.size(), withForecast, first, any, median(leads), median(errors),
        ci[0], ci[1]);
  }

  /**
   * The forecasts scored for each true jump, in issue order: each forecast goes to its run's
   * true jump nearest its expected step when it was issued before that jump's midpoint, else to
   * none (see the class comment). Jumps without a forecast are absent.
   */
  public static Map<TrueJump, List<JumpForecast>> assign(List<TrueJump> truth,
                                                       List<JumpForecast> forecasts) {
    Map<String, List<TrueJump>> byRun = new HashMap<>();
    for (TrueJump j : truth) {
      byRun.computeIfAbsent(j.runId(), k -> new ArrayList<>()).add(j);
    }
    Map<TrueJump, List<JumpForecast>> assigned = new HashMap<>();
    for (JumpForecast f : forecasts) {
      TrueJump best = null;
      for (TrueJump j : byRun.getOrDefault(f.runId(), List.of())) {
        if (best == null
            || Math.abs(j.step() - f.expected()) < Math.abs(best.step() - f.expected())) {
          best = j;
        }
      }
      if (best != null && best.step() > f.step()) {
        assigned.computeIfAbsent(best, k -> new ArrayList<>()).add(f);
      }
    }
    for (List<JumpForecast> fs : assigned.values()) {
      fs.sort((a, b) -> Long.compare(a.step(), b.step()));
    }
    return assigned;
  }

  /** The median of the values that are not NaN; NaN for none. */
  static double median(List<Double> v) {
    return OrderStatistics.median(v.stream().filter(d -> !Double.isNaN(d))
        .mapToDouble(Double::doubleValue).toArray());
  }
}
