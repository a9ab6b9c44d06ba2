package org.shockscope.spark;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * Progress a person can follow on a long analysis: one line every few seconds with the
 * current stage, checkpoints reduced of the total, runs analysed, Spark tasks finished and the
 * elapsed time. Checkpoint and run counts come from accumulators that executors add to; the
 * task count from a {@link SparkListener}.
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

  /**
   * @param spark   session whose tasks are counted
   * @param out     where lines go (the console)
   * @param seconds interval between lines
   */
  public JobProgress(SparkSession spark, PrintStream out, int seconds) {
    this.out = out;
    this.checkpointsDone = spark.sparkContext().longAccumulator("shockscope.checkpoints");
    this.runsDone = spark.sparkContext().longAccumulator("shockscope.runs");
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
        tasksDone.incrementAndGet();
      }
    });
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "shockscope-progress");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(this::print, seconds, seconds, TimeUnit.SECONDS);
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
    print();
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

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
