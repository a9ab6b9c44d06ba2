package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.lab.Lab;
import org.shockscope.lab.LabConfigJson;

/**
 * {@code analyze --watch} on a lab sweep that grows while it is watched: a background thread
 * releases the trained runs' checkpoints and metric lines step by step into the watched folder,
 * each portion once the watcher has looked at the previous one; a local HTTP receiver takes the
 * webhook's posts. The diverging run must be alerted, with its step and lead, while the
 * released data still ends before its first bad step (the lab's truth).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SweepWatcherTest {
  /**
   * Two wide two-layer networks with a linear learning-rate warm-up (a catapult grid): at
   * 4.5/λ₀ the top mode turns unstable during the warm-up and the loss grows exponentially over
   * several logged steps before it diverges (step 34); at 3/λ₀ it catapults and recovers.
   */
  static final String LAB = """
      {"name": "watched", "seeds": [0], "native_format": "safetensors", "layouts": ["native"],
       "families": {
         "catapult": {"lr_scales": [3.0, 4.5], "activations": ["linear"], "widths": [256],
                      "steps": 48, "checkpoint_every": 8, "log_every": 1,
                      "warmup_steps": 30}}}
      """;
  /** Steps released before the watcher starts, then portion by portion. */
  static final long[] PORTIONS = {16, 31, 48};
  private static final Pattern CHECKPOINT = Pattern.compile("step_([0-9]+)\\..*");
  private static final Pattern ALERT = Pattern.compile("\\{\"run_id\":\"([^\"]*)\",\"step\":"
      + "([0-9]+),\"kind\":\"([a-z]+)\",\"probability\":([^,]+),\"horizon\":([0-9]+),"
      + "\"lead\":([^,]+),\"series\":\\[([^\\]]*)\\]");

  SparkSession spark;
  Path dir;
  Path lab;
  /** First bad step of each diverging run. */
  final Map<String, Long> divergence = new HashMap<>();
  final List<String> runs = new ArrayList<>();

  @BeforeAll
  void start(@TempDir Path classDir) throws IOException {
    dir = classDir;
    lab = dir.resolve("lab");
    Lab.generate(LabConfigJson.parse(LAB, "SweepWatcherTest.LAB"), lab);
    for (LabTruthFile.Row t : LabTruthFile.read(lab.resolve("truth.csv").toString(),
        new Configuration())) {
      if (t.kind().equals("divergence")) {
        divergence.merge(t.runId(), Math.round(t.step()), Math::min);
      }
    }
    try (Stream<Path> s = Files.list(lab.resolve("native"))) {
      s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
          .forEach(runs::add);
    }
    spark = SparkSession.builder().master("local[2]").appName(getClass().getSimpleName())
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  @AfterAll
  void stop() {
    spark.stop();
  }

  /** One alert as posted, and how far the sweep had been released when it arrived. */
  record Received(String runId, long step, String kind, double probability, long horizon,
                  double lead, String series, long releasedWhenReceived) {}

  @Test
  void alertsOfADivergingRunArriveBeforeItsFirstBadStepIsWritten() throws Exception {
    assertEquals(1, divergence.size(), "the lab grid has one diverging run: " + divergence);
    String diverging = divergence.keySet().iterator().next();
    long bad = divergence.get(diverging);
    Path watched = dir.resolve("watched");
    Path out = dir.resolve("out");
    AtomicLong released = new AtomicLong(-1);
    release(watched, PORTIONS[0]);
    released.set(PORTIONS[0]);

    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/alerts", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      long at = released.get();
      Matcher m = ALERT.matcher(body);
      while (m.find()) {
        received.add(new Received(m.group(1), Long.parseLong(m.group(2)), m.group(3),
            Double.parseDouble(m.group(4)), Long.parseLong(m.group(5)),
            Double.parseDouble(m.group(6)), m.group(7), at));
      }
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    receiver.start();

    AnalyzeSettings settings = AnalyzeSettings.resolve(watchOptions(watched, out,
        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/alerts"), null, Map.of());
    BlockingQueue<SweepWatcher.Cycle> cycles = new LinkedBlockingQueue<>();
    List<SweepWatcher.Cycle> all = new CopyOnWriteArrayList<>();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream console = new PrintStream(log, true, StandardCharsets.UTF_8);
    SweepWatcher watcher = new SweepWatcher(spark, settings, console, c -> {
      all.add(c);
      cycles.add(c);
    });
    AtomicReference<Throwable> releaseFailure = new AtomicReference<>();
    Thread releaser = new Thread(() -> {
      try {
        Instant since = Instant.now();
        for (int i = 1; i < PORTIONS.length; i++) {
          awaitCycleStartedAfter(cycles, since);
          release(watched, PORTIONS[i]);
          released.set(PORTIONS[i]);
          since = Instant.now();
        }
        // one cycle that sees the last portion, one that finds nothing new
        awaitCycleStartedAfter(cycles, since);
        awaitCycleStartedAfter(cycles, Instant.now());
      } catch (Throwable t) {
        releaseFailure.set(t);
      } finally {
        watcher.stop();
      }
    }, "sweep-releaser");
    releaser.start();
    try {
      watcher.run();
    } finally {
      watcher.stop();
      releaser.join(TimeUnit.MINUTES.toMillis(2));
      receiver.stop(0);
    }
    assertNull(releaseFailure.get(), () -> "releaser: " + releaseFailure.get());
    for (SweepWatcher.Cycle c : all) {
      assertNull(c.failure(), () -> "cycle " + c.number() + " failed; console:\n" + log);
    }
    SweepWatcher.Cycle last = all.get(all.size() - 1);
    assertFalse(last.analysed(), "the last cycle found nothing new and did no analysis");

    List<Received> warned = received.stream()
        .filter(r -> r.runId().equals(diverging) && r.kind().equals("divergence")).toList();
    assertFalse(warned.isEmpty(), () -> "a divergence alert for " + diverging + ": " + received
        + "; console:\n" + log);
    // the first one; the risk may drop below the threshold and cross it again later
    Received w = warned.get(0);
    assertTrue(w.step() < bad, "alerted at step " + w.step() + ", first bad step " + bad);
    assertTrue(w.releasedWhenReceived() < bad, "the alert arrived when steps up to "
        + w.releasedWhenReceived() + " were written, before the first bad step " + bad);
    assertTrue(w.lead() > 0 && w.step() + w.lead() <= bad + w.horizon(),
        "lead " + w.lead() + " at step " + w.step() + " for a divergence at " + bad);
    assertTrue(w.probability() >= 0.5 && w.series().contains("loss"), w.toString());
    for (Received r : received) {
      assertTrue(r.runId().equals(diverging) || !r.kind().equals("divergence"),
          "a divergence alert for a run that does not diverge: " + r);
    }

    Set<String> table = new HashSet<>();
    for (Row r : spark.read().parquet(out.resolve(Tables.ALERTS).toString())
        .select("run_id", "step", "kind", "lead").collectAsList()) {
      table.add(r.getString(0) + "|" + r.getLong(1) + "|" + r.getString(2) + "|"
          + r.getDouble(3));
    }
    Set<String> posted = new HashSet<>();
    received.forEach(r -> posted.add(r.runId() + "|" + r.step() + "|" + r.kind() + "|"
        + r.lead()));
    assertEquals(posted, table, "the alerts table holds what was posted");
    assertEquals(received.size(), table.size(), "no alert posted twice");
  }

  @Test
  void aFailingWebhookIsRecordedInErrorsAndTheWatcherGoesOn()
      throws Exception {
    Path watched = dir.resolve("watched-failing");
    Path out = dir.resolve("out-failing");
    release(watched, PORTIONS[PORTIONS.length - 1]);
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/alerts", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(503, -1);
      ex.close();
    });
    receiver.start();
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/alerts";
    Map<String, String> cli = watchOptions(watched, out, url);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<SweepWatcher.Cycle> all = new CopyOnWriteArrayList<>();
    AtomicReference<SweepWatcher> self = new AtomicReference<>();
    SweepWatcher watcher = new SweepWatcher(spark, AnalyzeSettings.resolve(cli, null, Map.of()),
        new PrintStream(log, true, StandardCharsets.UTF_8), c -> {
          all.add(c);
          if (c.number() == 2) {
            self.get().stop();
          }
        });
    self.set(watcher);
    try {
      assertEquals(2, watcher.run());
    } finally {
      receiver.stop(0);
    }
    assertTrue(all.get(0).analysed() && !all.get(0).alerts().isEmpty(), () -> log.toString());
    assertNull(all.get(0).failure(), () -> log.toString());
    assertFalse(all.get(1).analysed(), "the second cycle ran and found nothing new");
    List<Row> errors = spark.read().parquet(out.resolve(Tables.ERRORS).toString())
        .filter("stage = 'webhook'").collectAsList();
    assertEquals(1, errors.size(), errors.toString());
    assertEquals(url, errors.get(0).getAs("source"));
    assertEquals("webhook " + url + " answered HTTP 503 to " + all.get(0).alerts().size()
        + " alert(s)", errors.get(0).getAs("message"));
    long alerts = all.get(0).alerts().size();
    assertEquals(alerts, spark.read().parquet(out.resolve(Tables.ALERTS).toString()).count(),
        "the alerts are in the table although the post failed");
  }

  /** Options of a watcher with a short interval and no report, posting to {@code webhook}. */
  private static Map<String, String> watchOptions(Path watched, Path out, String webhook) {
    Map<String, String> cli = new LinkedHashMap<>();
    cli.put("sweep", watched.toString());
    cli.put("out", out.toString());
    cli.put("report", "false");
    cli.put("watch", "1s");
    cli.put("watch_for", "10m");
    cli.put("webhook", webhook);
    return cli;
  }

  /** Blocks until a cycle that started at or after {@code since} has ended. */
  private static void awaitCycleStartedAfter(BlockingQueue<SweepWatcher.Cycle> cycles,
                                             Instant since) throws InterruptedException {
    SweepWatcher.Cycle c;
    do {
      c = cycles.poll(3, TimeUnit.MINUTES);
      if (c == null) {
        throw new AssertionError("no watch cycle ended within 3 minutes");
      }
    } while (c.started().isBefore(since));
  }

  /**
   * Writes every run's data up to {@code upTo} into {@code watched}: its metric lines (the file
   * replaced whole) and its checkpoints, each moved into place complete.
   */
  private void release(Path watched, long upTo) throws IOException {
    Path from = lab.resolve("native");
    Path staging = dir.resolve("staging");
    Files.createDirectories(staging);
    Files.createDirectories(watched);
    for (String f : List.of("sweep.json", "runs.csv")) {
      if (!Files.exists(watched.resolve(f))) {
        Files.copy(from.resolve(f), watched.resolve(f));
      }
    }
    for (String run : runs) {
      Path src = from.resolve(run);
      Path dst = watched.resolve(run);
      Files.createDirectories(dst.resolve("checkpoints"));
      if (!Files.exists(dst.resolve("params.json"))) {
        Files.copy(src.resolve("params.json"), dst.resolve("params.json"));
      }
      List<String> lines = Files.readAllLines(src.resolve("metrics.csv"));
      List<String> kept = new ArrayList<>(List.of(lines.get(0)));
      for (String l : lines.subList(1, lines.size())) {
        if (Long.parseLong(l.substring(0, l.indexOf(','))) <= upTo) {
          kept.add(l);
        }
      }
      Path tmp = staging.resolve(run + ".metrics.csv");
      Files.write(tmp, kept);
      Files.move(tmp, dst.resolve("metrics.csv"), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      try (Stream<Path> s = Files.list(src.resolve("checkpoints"))) {
        for (Path c : s.toList()) {
          Matcher m = CHECKPOINT.matcher(c.getFileName().toString());
          Path target = dst.resolve("checkpoints").resolve(c.getFileName());
          if (m.matches() && Long.parseLong(m.group(1)) <= upTo && !Files.exists(target)) {
            Path t = staging.resolve(run + "." + c.getFileName());
            Files.copy(c, t);
            Files.move(t, target, StandardCopyOption.ATOMIC_MOVE);
          }
        }
      }
    }
  }
}
