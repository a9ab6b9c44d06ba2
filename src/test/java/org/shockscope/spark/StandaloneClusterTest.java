package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real Spark standalone cluster — a master and two one-core workers started from
 * the Maven jars on 127.0.0.1, one cluster for the class, the application submitted through
 * Spark's own {@code SparkSubmit} — writes the same tables as the embedded local run, and the
 * same tables again when faults are injected: executor JVMs killed with SIGKILL while the
 * checkpoints are reduced and while the tables are written, and the driver killed while the
 * tables are written (the previous output must stay readable and complete, and the next run
 * complete).
 *
 * <p>The moment of each fault is observed, not guessed: the driver's progress lines
 * ({@link JobProgress}, one a second here) name the stage and count the checkpoints reduced,
 * and a table being written has its {@code _staging/<table>} folder ({@link TableStore}); after
 * the job, the first progress line printed after the kill must still name the stage the fault
 * was aimed at. Every outcome is compared with the clean cluster run of the same sweep.
 */
class StandaloneClusterTest {
  /** The tables compared. */
  private static final List<String> TABLES = List.of(Tables.OBSERVABLES, Tables.SPECTRA,
      Tables.SHOCKS, Tables.TRANSITIONS, Tables.RUNS, Tables.PHASE_STATS, Tables.PHASE_BOUNDARY,
      Tables.ERRORS);
  private static final String MAIN = "org.shockscope.cli.ShockscopeCli";
  private static final Duration STAGE_TIMEOUT = Duration.ofMinutes(5);
  /** A hang detector only: one job of the sweep took 5 to 11 min on 2 cores at load 25. */
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(20);
  private static final Pattern PROGRESS = Pattern.compile(
      "^\\[shockscope \\d+:\\d\\d:\\d\\d\\] (.+?)\\s+checkpoints (\\d+)/(\\d+)\\s");

  @TempDir
  static Path dir;
  private static StandaloneCluster cluster;
  private static Path sweep;
  private static Path app;
  private static Path clean;
  private static SparkSession spark;

  @BeforeAll
  static void cleanRun() throws Exception {
    sweep = LabSweeps.small(dir.resolve("lab")).resolve("native");
    app = StandaloneCluster.jarOf(Path.of("target/classes"), dir.resolve("app.jar"));
    cluster = new StandaloneCluster(dir.resolve("cluster"), 2, 1);
    clean = dir.resolve("out-clean");
    Path log = dir.resolve("clean.log");
    // the clean run writes the report too, so that its collection runs on executors once
    Process job = cluster.start(app, MAIN, log, List.of("spark.sql.shuffle.partitions=4",
        "spark.cores.max=2"), "analyze", "--sweep", sweep.toString(), "--out", clean.toString());
    assertEquals(0, finish(job, log), () -> tail(log));
    spark = SparkSession.builder().master("local[2]").appName("local twin")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void clusterRunGivesTheSameTablesAsTheLocalRun() {
    Path local = dir.resolve("out-local");
    new SweepAnalysis(spark, AnalyzeSettings.resolve(Map.of("sweep", sweep.toString(),
        "out", local.toString(), "progress_seconds", "3600"), null, Map.of()),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run();
    for (String t : TABLES) {
      TableAssertions.assertSameRows(TableAssertions.rows(spark, local, t),
          TableAssertions.rows(spark, clean, t), t);
    }
  }

  @Test
  void executorKilledWhileReducingCheckpointsChangesNoTable() throws Exception {
    Path out = dir.resolve("out-exec-reduce");
    Path log = dir.resolve("exec-reduce.log");
    Process job = start(out, log);
    // some checkpoints reduced and some not: reduction tasks have finished and others run
    await(job, log, m -> m.group(1).equals("reducing checkpoints")
        && Long.parseLong(m.group(2)) > 0 && Long.parseLong(m.group(2)) < Long.parseLong(
        m.group(3)), () -> true);
    List<ProcessHandle> executors = cluster.executors();
    assertFalse(executors.isEmpty(), "executors of the job");
    kill(executors.get(0));
    int at = lines(log).size();
    assertEquals(0, finish(job, log), () -> tail(log));
    assertEquals("reducing checkpoints", firstStageAfter(log, at),
        "stage when the executor died");
    assertTrue(Files.readString(log).contains("Lost executor"), () -> "the driver did not see "
        + "the executor die:\n" + tail(log));
    assertSameTables(out);
  }

  @Test
  void executorsKilledWhileWritingTablesChangeNoTable() throws Exception {
    Path out = dir.resolve("out-exec-write");
    Path log = dir.resolve("exec-write.log");
    Process job = start(out, log);
    // a task attempt writing the observables table: executors hold an open output file
    Path attempts = out.resolve("_staging").resolve(Tables.OBSERVABLES)
        .resolve("_temporary/0/_temporary");
    await(job, log, m -> m.group(1).equals("writing tables"), () -> nonEmpty(attempts));
    List<ProcessHandle> executors = cluster.executors();
    assertFalse(executors.isEmpty(), "executors of the job");
    // every executor, so that the running write task is certainly among the killed
    executors.forEach(StandaloneClusterTest::kill);
    int at = lines(log).size();
    assertEquals(0, finish(job, log), () -> tail(log));
    assertEquals("writing tables", firstStageAfter(log, at), "stage when the executors died");
    assertTrue(Files.readString(log).contains("Lost executor"), () -> "the driver did not see "
        + "the executors die:\n" + tail(log));
    assertSameTables(out);
  }

  @Test
  void driverKilledWhileWritingTablesLeavesThePreviousOutputAndTheNextRunCompletes()
      throws Exception {
    Path out = dir.resolve("out-driver");
    copyTree(clean, out);
    Path log = dir.resolve("driver-killed.log");
    Process job = start(out, log);
    // observables swapped in, spectra being written: the kill falls between two tables
    Path spectraStaging = out.resolve("_staging").resolve(Tables.SPECTRA);
    await(job, log, m -> m.group(1).equals("writing tables"),
        () -> Files.isDirectory(spectraStaging));
    job.destroyForcibly();
    assertTrue(job.waitFor(60, TimeUnit.SECONDS), "driver still alive after SIGKILL");
    assertTrue(Files.isDirectory(spectraStaging), "the driver died after spectra was swapped "
        + "in, not while it was written");
    // readable as plain Parquet by anyone, before any job has repaired anything
    assertSameTables(out);

    Path again = dir.resolve("driver-rerun.log");
    assertEquals(0, finish(start(out, again), again), () -> tail(again));
    assertSameTables(out);
  }

  private static Process start(Path out, Path log) throws IOException {
    // a progress line every 0.1 s and 8 reduction tasks per core: the faults are aimed from the
    // log at stages that last a second or two (this sweep's reduction on C1 executors), and the
    // reduction's tasks must end at distinct times for "some reduced, some not" to show
    return cluster.start(app, MAIN, log, List.of("spark.sql.shuffle.partitions=4",
        "spark.cores.max=2", "spark.default.parallelism=8",
        "spark.shockscope.progress_seconds=0.1", "spark.shockscope.report=false"),
        "analyze", "--sweep", sweep.toString(), "--out", out.toString());
  }

  private static int finish(Process job, Path log) throws InterruptedException {
    if (!job.waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      job.destroyForcibly();
      throw new AssertionError("job did not finish within " + JOB_TIMEOUT + ":\n" + tail(log));
    }
    return job.exitValue();
  }

  /**
   * Polls the driver's log until a progress line matches {@code line} while {@code also}
   * holds. Fails if the job ends first: the fault could not be injected where it was aimed.
   */
  private static void await(Process job, Path log, Predicate<Matcher> line,
                           java.util.function.BooleanSupplier also) throws Exception {
    long end = System.nanoTime() + STAGE_TIMEOUT.toNanos();
    while (System.nanoTime() < end) {
      List<String> lines = lines(log);
      for (String l : lines) {
        Matcher m = PROGRESS.matcher(l);
        if (m.find() && line.test(m) && also.getAsBoolean()) {
          return;
        }
      }
      if (!job.isAlive()) {
        throw new AssertionError("job ended (exit " + job.exitValue() + ") before the fault "
            + "could be injected:\n" + tail(log));
      }
      Thread.sleep(50);
    }
    job.destroyForcibly();
    throw new AssertionError("stage not reached within " + STAGE_TIMEOUT + ":\n" + tail(log));
  }

  /**
   * The stage named by the first progress line after line {@code index} of the log, the line
   * count taken once the kill had completed: the stage the job was still in after the fault.
   */
  private static String firstStageAfter(Path log, int index) {
    List<String> lines = lines(log);
    for (String l : lines.subList(Math.min(index, lines.size()), lines.size())) {
      Matcher m = PROGRESS.matcher(l);
      if (m.find()) {
        return m.group(1);
      }
    }
    return "(no progress line after the fault)";
  }

  private static void kill(ProcessHandle p) {
    p.destroyForcibly(); // SIGKILL on Unix: no shutdown hook runs
    p.onExit().join();
  }

  private static boolean nonEmpty(Path folder) {
    try (Stream<Path> s = Files.list(folder)) {
      return s.findAny().isPresent();
    } catch (IOException notYet) {
      return false;
    }
  }

  private static void assertSameTables(Path out) {
    for (String t : TABLES) {
      TableAssertions.assertSameRows(TableAssertions.rows(spark, clean, t),
          TableAssertions.rows(spark, out, t), t + " of " + out.getFileName());
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path t = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t);
        }
      }
    }
  }

  private static List<String> lines(Path log) {
    try {
      // decoded leniently: the driver may be half-way through a line
      return new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException notYet) {
      return List.of();
    }
  }

  private static String tail(Path log) {
    List<String> lines = lines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
