package org.shockscope.spark;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * Progress a person can follow on a long analysis: one line every few seconds with the
 * current stage, checkpoints reduced of the total, runs analysed, Spark tasks finished and the
 * elapsed time. Checkpoint and run counts come from accumulators that executors add to; the
 * task count from a {@link SparkListener}.
 *
 * <p>It also times the job: the Spark start-up before it (from the SparkContext's creation to
 * this object's, i.e. until the session was ready; 0 for every later job of the same context,
 * such as the cycles of {@code analyze --watch}) and the wall time of every stage, from
 * its {@link #stage} call to the next. {@link #close} prints them as one line,
 * {@code [shockscope] stage times: spark start-up 6.1 s, discovery 0.4 s, ...}, so a
 * benchmark (src/bench/time-sweep.sh) reads the breakdown from the console. Stage times are
 * wall-clock: Spark runs lazily, so a stage's figure includes the deferred work its actions
 * trigger (the runs table is computed while it is written, for instance). A second line,
 * {@code [shockscope] spark jobs: discovery 0/0, reducing checkpoints 4/14, ...}, gives the
 * Spark jobs started and tasks finished in each stage: a job's fixed cost is paid per Spark
 * job, so this is the count to keep small on small sweeps.
 */
public final class JobProgress implements AutoCloseable {
  private final PrintStream out;
  private final long started = System.nanoTime();
  private final AtomicReference<String> stage = new AtomicReference<>("starting");
  private final AtomicLong tasksDone = new AtomicLong();
  private final LongAccumulator checkpointsDone;
  private final LongAccumulator runsDone;
  private volatile long checkpointsTotal;
  private volatile long runsTotal;
  private final ScheduledExecutorService ticker;
  /** Milliseconds from the SparkContext's creation until the session was handed to the job. */
  private final long sparkStartupMillis;
  /** Milliseconds from the JVM's start until the session was handed to the job. */
  private final long jvmToReadyMillis;
  /** Wall time per stage, in the order entered; a stage entered twice adds up. */
  private final Map<String, Long> stageNanos = new LinkedHashMap<>();
  /** Spark jobs started and tasks finished per stage, guarded by {@link #stageNanos}. */
  private final Map<String, long[]> stageWork = new LinkedHashMap<>();
  private String timedStage;
  /** Applications whose start-up a job has counted already. */
  private static final java.util.Set<String> STARTUP_COUNTED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final SparkSession spark;
  private final SparkListener listener;
  private long timedSince;

  /**
   * @param spark   session whose tasks are counted
   * @param out     where lines go (the console)
   * @param seconds interval between lines, at least 0.01
   */
  public JobProgress(SparkSession spark, PrintStream out, double seconds) {
    this.out = out;
    long now = System.currentTimeMillis();
    // only the first job of a context waited for its start-up (not a later watch cycle's)
    this.sparkStartupMillis = STARTUP_COUNTED.add(spark.sparkContext().applicationId())
        ? Math.max(0, now - spark.sparkContext().startTime()) : 0;
    this.spark = spark;
    this.jvmToReadyMillis = Math.max(0, now
        - ManagementFactory.getRuntimeMXBean().getStartTime());
    this.checkpointsDone = spark.sparkContext().longAccumulator("shockscope.checkpoints");
    this.runsDone = spark.sparkContext().longAccumulator("shockscope.runs");
    this.listener = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        tasksDone.incrementAndGet();
        count(1);
      }

      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        count(0);
      }
    };
    spark.sparkContext().addSparkListener(listener);
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "shockscope-progress");
      t.setDaemon(true);
      return t;
    });
    long millis = Math.max(10L, Math.round(seconds * 1000.0));
    ticker.scheduleAtFixedRate(this::print, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Accumulator executors add one to per checkpoint reduced. */
  public LongAccumulator checkpoints() {
    return checkpointsDone;
  }

  /** Accumulator executors add one to per run whose shocks were detected. */
  public LongAccumulator runs() {
    return runsDone;
  }

  /** Sets the totals shown after the discovery. */
  public void totals(long checkpoints, long runs) {
    this.checkpointsTotal = checkpoints;
    this.runsTotal = runs;
  }

  /** Enters a new stage and prints a line for it. */
  public void stage(String name) {
    stage.set(name);
    synchronized (stageNanos) {
      long t = System.nanoTime();
      endTimedStage(t);
      timedStage = "done".equals(name) ? null : name;
      timedSince = t;
    }
    print();
  }

  /** Adds one to the current stage's job (0) or task (1) count. */
  private void count(int which) {
    synchronized (stageNanos) {
      if (timedStage != null) {
        stageWork.computeIfAbsent(timedStage, k -> new long[2])[which]++;
      }
    }
  }

  private void endTimedStage(long t) {
    if (timedStage != null) {
      stageNanos.merge(timedStage, t - timedSince, Long::sum);
      timedStage = null;
    }
  }

  /**
   * Spark start-up and the wall time of each stage so far (the current one up to now), in
   * seconds, in the order entered: first {@code spark start-up}, then the stages.
   */
  public Map<String, Double> stageSeconds() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("spark start-up", sparkStartupMillis / 1e3);
    synchronized (stageNanos) {
      stageNanos.forEach((k, v) -> out.merge(k, v / 1e9, Double::sum));
      if (timedStage != null) {
        out.merge(timedStage, (System.nanoTime() - timedSince) / 1e9, Double::sum);
      }
    }
    return out;
  }

  /** The stage times as one console line (see the class comment). */
  public String stageTimesText() {
    List<String> parts = new ArrayList<>();
    stageSeconds().forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %.1f s", k, v)));
    return String.format(Locale.ROOT, "[shockscope] stage times: %s; total %.1f s "
        + "(JVM start to session ready %.1f s)", String.join(", ", parts),
        sparkStartupMillis / 1e3 + elapsed().toNanos() / 1e9, jvmToReadyMillis / 1e3);
  }

  /** Spark jobs started / tasks finished per stage, as one console line (class comment). */
  public String stageJobsText() {
    List<String> parts = new ArrayList<>();
    long jobs = 0;
    long tasks = 0;
    synchronized (stageNanos) {
      for (String k : stageNanos.keySet()) {
        long[] w = stageWork.getOrDefault(k, new long[2]);
        parts.add(k + " " + w[0] + "/" + w[1]);
        jobs += w[0];
        tasks += w[1];
      }
    }
    return "[shockscope] spark jobs/tasks: " + String.join(", ", parts) + "; total " + jobs
        + "/" + tasks;
  }

  /** Elapsed time since construction. */
  public Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - started);
  }

  /** The elapsed time as h:mm:ss. */
  public String elapsedText() {
    long s = elapsed().toSeconds();
    return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }

  private void print() {
    out.printf("[shockscope %s] %-28s checkpoints %d/%d  runs %d/%d  tasks %d%n", elapsedText(),
        stage.get(), checkpointsDone.value(), checkpointsTotal, runsDone.value(), runsTotal,
        tasksDone.get());
    out.flush();
  }

  /** Stops the ticker and prints the stage times. */
  @Override
  public void close() {
    ticker.shutdownNow();
    // a session that runs many jobs (analyze --watch) must not collect their listeners
    spark.sparkContext().removeSparkListener(listener);
    synchronized (stageNanos) {
      endTimedStage(System.nanoTime());
    }
    out.println(stageTimesText());
    out.println(stageJobsText());
    out.flush();
  }
}
