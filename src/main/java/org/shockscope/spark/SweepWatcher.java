package org.shockscope.spark;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.shockscope.ErrorRecord;
import org.shockscope.ShockscopeException;
import org.shockscope.forecast.Alert;
import org.shockscope.forecast.AlertRule;
import org.shockscope.forecast.Forecast;
import org.shockscope.sweep.Sweep;
import org.shockscope.sweep.SweepDiscovery;

/**
 * {@code analyze --watch} (issue 16, part 3): watches a sweep that is still training, in one
 * Spark session, one cycle every {@link AnalyzeSettings#watch()} (start to start; a cycle that
 * takes longer is followed at once).
 *
 * <p>A cycle discovers the sweep on the driver and compares its {@link InputFingerprints} with
 * those of the last analysis: when no run is new or changed it ends there, without Spark work.
 * Otherwise it runs the incremental analysis ({@link SweepAnalysis}, which reduces only the
 * new checkpoints and re-detects and re-forecasts the changed runs), then feeds the forecasts
 * of the runs that changed to the {@link AlertRule} and appends the alerts to the
 * {@link Tables#ALERTS} table, prints them (one line each) and, with a webhook, POSTs them
 * ({@link AlertWebhook}; a failed post is printed and appended to {@code errors}, and the
 * watcher goes on). Forecasts already in the output when the watcher starts set the rule's
 * state without alerting: only what the watcher sees appear is alerted. A cycle that fails
 * (an input half-written, a Spark failure) is reported and the next cycle tries again.
 *
 * <p>The watcher stops after {@link AnalyzeSettings#watchFor()} or when {@link #stop()} is
 * called (the CLI's shutdown hook on Ctrl-C): the cycle under way finishes first.
 */
public final class SweepWatcher {
  /**
   * What one cycle did.
   *
   * @param number   1, 2, ...
   * @param started  when it started
   * @param elapsed  how long it took
   * @param analysed whether something was new and the analysis ran
   * @param alerts   alerts issued
   * @param failure  why the cycle failed, or null
   */
  public record Cycle(int number, Instant started, Duration elapsed, boolean analysed,
                      List<Alert> alerts, String failure) {
    public Cycle {
      alerts = List.copyOf(alerts);
    }
  }

  private final SparkSession spark;
  private final AnalyzeSettings settings;
  private final PrintStream console;
  private final Consumer<Cycle> listener;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean stopping;

  /**
   * @param settings the job's settings; {@link AnalyzeSettings#watch()} must be set
   * @param listener told of every cycle once it has ended (on the watching thread)
   * @throws ShockscopeException when the settings have no watch interval
   */
  public SweepWatcher(SparkSession spark, AnalyzeSettings settings, PrintStream console,
                      Consumer<Cycle> listener) {
    if (settings.watch() == null) {
      throw new ShockscopeException("The watcher needs a watch interval (--watch 30s)");
    }
    this.spark = spark;
    this.settings = settings;
    this.console = console;
    this.listener = listener;
  }

  /** Asks the watcher to stop once the cycle under way (if any) has finished. */
  public void stop() {
    stopping = true;
    stopped.countDown();
  }

  /** Watches until stopped or {@link AnalyzeSettings#watchFor()} has passed; returns the cycles run. */
  public int run() {
    Duration interval = settings.watch();
    Duration limit = settings.watchFor();
    long t0 = System.nanoTime();
    TableStore store = new TableStore(spark, settings.out(), settings.format());
    ForecastAlerts tables = new ForecastAlerts(spark, store);
    AlertWebhook webhook = settings.webhook() == null ? null : new AlertWebhook(settings.webhook());
    AlertRule rule = new AlertRule(settings.alertThreshold());
    InputFingerprints seen = InputFingerprints.read(store);
    Instant start = Instant.now();
    // what is in the output already is history: it sets the rule's state, it is not alerted;
    // a run's state after its steps is that of its latest step
    for (Map.Entry<String, List<Forecast>> e : tables.latestForecasts().entrySet()) {
      rule.observe(e.getKey(), e.getValue(), start);
    }
    console.printf("[shockscope] watching %s every %s%s; alert threshold %s%s%n",
        settings.sweep(), text(interval), limit == null ? "" : " for " + text(limit),
        rule.threshold(), webhook == null ? "" : ", webhook " + webhook.url());
    int n = 0;
    while (!stopping) {
      n++;
      long c0 = System.nanoTime();
      Instant started = Instant.now();
      boolean analysed = false;
      List<Alert> alerts = new ArrayList<>();
      String failure = null;
      try {
        Sweep sweep = SweepDiscovery.discover(settings.sweep(),
            spark.sparkContext().hadoopConfiguration());
        if (!InputFingerprints.of(sweep).changedSince(seen).isEmpty()) {
          analysed = true;
          SweepAnalysis.Summary s = new SweepAnalysis(spark, settings, console).run(sweep);
          InputFingerprints after = InputFingerprints.read(store);
          // the runs the analysis saw new or changed (files that arrived since this cycle's
          // discovery wait for the next cycle)
          SortedSet<String> changed = after.changedSince(seen);
          seen = after;
          Instant now = Instant.now();
          for (Map.Entry<String, List<Forecast>> e : tables.forecasts(changed).entrySet()) {
            alerts.addAll(rule.observe(e.getKey(), e.getValue(), now));
          }
          console.printf("[shockscope] watch cycle %d: %d runs changed, %d checkpoints reduced,"
              + " %d alerts%n", n, changed.size(), s.reduced(), alerts.size());
          publish(alerts, tables, webhook);
        }
      } catch (RuntimeException e) {
        failure = e.getMessage() == null ? e.toString() : e.getMessage();
        console.printf("[shockscope] watch cycle %d failed (the next cycle tries again): %s%n",
            n, failure);
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - c0);
      listener.accept(new Cycle(n, started, elapsed, analysed, alerts, failure));
      long next = c0 + interval.toNanos();
      long end = limit == null ? Long.MAX_VALUE : t0 + limit.toNanos();
      long wake = Math.min(next, end);
      if (wake - System.nanoTime() > 0) {
        try {
          stopped.await(wake - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stopping = true;
        }
      }
      if (limit != null && System.nanoTime() - end >= 0) {
        stopping = true;
      }
    }
    console.printf("[shockscope] watcher stopped after %d cycles%n", n);
    return n;
  }

  /** Appends, prints and posts one cycle's alerts. */
  private void publish(List<Alert> alerts, ForecastAlerts tables, AlertWebhook webhook) {
    if (alerts.isEmpty()) {
      return;
    }
    tables.append(alerts);
    for (Alert a : alerts) {
      console.println(line(a));
    }
    if (webhook != null) {
      String problem = webhook.post(alerts);
      if (problem != null) {
        console.println("[shockscope] " + problem);
        tables.appendError(new ErrorRecord(webhook.url().toString(), null, null,
            AlertWebhook.STAGE, "WebhookFailed", problem));
      }
    }
  }

  /** The console line of an alert: run, step, kind, probability, lead, series. */
  static String line(Alert a) {
    return String.format(Locale.ROOT, "[shockscope] ALERT run %s step %d: %s p=%.3f lead %s "
        + "steps (horizon %d) series %s", a.runId(), a.step(), a.kind(), a.probability(),
        Double.isFinite(a.lead()) ? String.format(Locale.ROOT, "%.0f", a.lead()) : "?",
        a.horizon(), String.join(",", a.series()));
  }

  private static String text(Duration d) {
    return d.toString().substring(2).toLowerCase(Locale.ROOT);
  }
}
