package org.shockscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.ShockscopeException;
import picocli.CommandLine;

/**
 * The command line inside a running Spark application, as a Databricks JAR task or a notebook
 * runs it: it joins the host's session, leaves it running after success and failure alike, and
 * its {@code main} neither stops nor exits the JVM — a failure is an exception.
 */
class HostedSessionTest {
  @TempDir
  static Path dir;

  private static SparkSession spark;
  private static Path sweep;

  @BeforeAll
  static void start() throws Exception {
    spark = SparkSession.builder().master("local[2]").appName("HostedSessionTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    // three catapult runs, one of them diverging: the smallest sweep every stage has data for
    Path conf = Files.writeString(dir.resolve("tiny.json"), "{\"families\": {\"catapult\": "
        + "{\"widths\": [8], \"steps\": 40, \"activations\": [\"linear\"], "
        + "\"checkpoint_every\": 4, \"log_every\": 1}}}");
    sweep = dir.resolve("sweep");
    CommandLine lab = ShockscopeCli.commandLine();
    StringWriter err = new StringWriter();
    lab.setOut(new PrintWriter(new StringWriter()));
    lab.setErr(new PrintWriter(err));
    assertEquals(0, lab.execute("lab", "--out", sweep.toString(), "--config", conf.toString(),
        "--seeds", "0", "--lr-scales", "0.5,3,24", "--layouts", "native"), err.toString());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** A captured console stream. */
  private static final class Console {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  private static int analyze(Console out, Console err, String... args) {
    CommandLine cl = new CommandLine(new AnalyzeCommand());
    cl.parseArgs(args);
    return ((AnalyzeCommand) cl.getCommand()).run(out.stream, err.stream);
  }

  private static void assertStillRunning() {
    assertFalse(spark.sparkContext().isStopped(), "the host's SparkContext was stopped");
    assertEquals(5, spark.range(5).count());
    assertSame(spark, SparkSession.getDefaultSession().get(), "the host's session is the default");
  }

  @Test
  void analyzeRunsInTheHostSessionAndLeavesItRunning() {
    assertTrue(CommandSession.hosted());
    String appId = spark.sparkContext().applicationId();
    Path out = dir.resolve("out");
    Console console = new Console();
    Console err = new Console();
    int code = analyze(console, err, "--sweep", sweep.resolve("native").toString(),
        "--out", out.toString(), "--conf", "spark.shockscope.progress_seconds=3600");
    assertEquals(0, code, err.text());
    assertTrue(console.text().contains("runs         3 (1 diverged)"), console.text());
    assertStillRunning();
    assertEquals(appId, spark.sparkContext().applicationId(), "no second application");
    // the tables are readable through the very session the job ran in
    assertEquals(3, spark.read().parquet(out.resolve("runs").toString()).count());
  }

  @Test
  void aFailedAnalysisLeavesTheHostSessionRunning() {
    Console err = new Console();
    int code = analyze(new Console(), err, "--sweep", dir.resolve("missing").toString(),
        "--out", dir.resolve("out-missing").toString());
    assertEquals(2, code);
    assertTrue(err.text().contains("Sweep folder '" + dir.resolve("missing") + "' does not exist"),
        err.text());
    assertStillRunning();
  }

  @Test
  void mainInAHostThrowsOnFailureAndReturnsOnSuccess() {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    Console out = new Console();
    Console err = new Console();
    System.setOut(out.stream);
    System.setErr(err.stream);
    try {
      // System.exit here would end this test JVM and fail the build
      ShockscopeException e = assertThrows(ShockscopeException.class, () -> ShockscopeCli.main(
          new String[] {"analyze", "--sweep", dir.resolve("missing").toString(), "--out",
              dir.resolve("out-main").toString()}));
      assertEquals("shockscope analyze failed with exit code 2 (see the message above)",
          e.getMessage());
      assertTrue(err.text().contains("shockscope analyze: Sweep folder"), err.text());
      ShockscopeCli.main(new String[] {"--version"});
      assertTrue(out.text().lines().anyMatch(l -> l.startsWith("shockscope ")), out.text());
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
    assertStillRunning();
  }
}
