package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finished work survives a failure (issue 15): a job that fails after its reduction was
 * committed — here its Spark jobs are cancelled while it writes the tables — leaves
 * {@code OUT/_state/reduced}; the next job over the same output reads no checkpoint, says what
 * it reused, writes tables equal to an uninterrupted job's and removes the state.
 */
class ResumeAfterFailureTest {
  @TempDir
  static Path dir;
  static SparkSession spark;
  static Path sweep;

  /** Set once the job under test has printed the stage at which it is to fail. */
  static final AtomicBoolean armed = new AtomicBoolean();
  static final AtomicInteger jobsSinceArmed = new AtomicInteger();
  static volatile String failAtStage;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("ResumeAfterFailureTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart job) {
        // the third Spark job of the stage: some tables are written, others not
        if (armed.get() && jobsSinceArmed.incrementAndGet() == 3) {
          spark.sparkContext().cancelJob(job.jobId());
        }
      }
    });
    sweep = LabSweeps.small(dir.resolve("lab")).resolve("native");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void aJobKilledAfterTheReductionIsResumedWithoutReadingACheckpointAgain() {
    Path clean = dir.resolve("clean");
    SweepAnalysis.Summary reference = analyze(clean, null);
    assertEquals(reference.checkpoints(), reference.reduced(), "a fresh job reduces everything");
    assertFalse(Files.exists(clean.resolve(ReductionState.TABLE)),
        "the state is removed once the tables are written");

    Path out = dir.resolve("interrupted");
    assertThrows(Exception.class, () -> analyze(out, "writing tables"));
    assertTrue(Files.isDirectory(out.resolve(ReductionState.TABLE)),
        "the reduction was committed before the job failed");

    SweepAnalysis.Summary resumed = analyze(out, null);
    assertEquals(0, resumed.reduced(), "no checkpoint is read twice");
    assertNotNull(resumed.reused());
    assertTrue(resumed.reused().startsWith(reference.checkpoints() + " reduced checkpoints of "
        + reference.runs() + " runs"), resumed.reused());
    assertFalse(Files.exists(out.resolve(ReductionState.TABLE)));
    for (String t : List.of(Tables.OBSERVABLES, Tables.SPECTRA, Tables.SHOCKS,
        Tables.TRANSITIONS, Tables.RUNS, Tables.ERRORS, Tables.PHASE_STATS,
        Tables.PHASE_BOUNDARY, Tables.SURVIVAL, Tables.IMPORTANCE, Tables.VISCOSITY_LAW)) {
      TableAssertions.assertSameRows(TableAssertions.rows(spark, clean, t),
          TableAssertions.rows(spark, out, t), t);
    }
  }

  /** Runs the job; with {@code failAt}, its Spark jobs are cancelled once that stage starts. */
  private static SweepAnalysis.Summary analyze(Path out, String failAt) {
    Map<String, String> cli = new LinkedHashMap<>();
    cli.put("sweep", sweep.toString());
    cli.put("out", out.toString());
    cli.put("report", "false");
    cli.put("progress_seconds", "3600");
    failAtStage = failAt;
    armed.set(false);
    jobsSinceArmed.set(0);
    PrintStream console = new PrintStream(new OutputStream() {
      private final StringBuilder line = new StringBuilder();

      @Override
      public void write(int b) {
        if (b != '\n') {
          line.append((char) b);
          return;
        }
        if (failAtStage != null && line.toString().contains("] " + failAtStage)) {
          armed.set(true);
        }
        line.setLength(0);
      }
    }, true, StandardCharsets.UTF_8);
    try {
      return new SweepAnalysis(spark, AnalyzeSettings.resolve(cli, null, Map.of()), console)
          .run();
    } finally {
      armed.set(false);
      failAtStage = null;
    }
  }
}
