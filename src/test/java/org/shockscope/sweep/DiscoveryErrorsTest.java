package org.shockscope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shockscope.sweep.SweepFolder.text;
import static org.shockscope.sweep.SweepFolder.uri;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.shockscope.ErrorRecord;

/**
 * Every kind of bad input gives exactly one error record naming the file, and leaves the rest
 * of the sweep as it was.
 */
class DiscoveryErrorsTest {
  private static final int LIMIT = 4096;

  @TempDir
  Path dir;
  private Path sweep;
  private RunInfo goodBaseline;

  /** One kind of bad input, written into a sweep whose runs are {@code good} and {@code bad}. */
  record Case(String name, Consumer<Path> write, String code, String source, Long step,
              String runId, boolean badRunKept) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("malformed params.json", s -> text(s.resolve("bad/params.json"), "{\"lr\": 1"),
            "malformed_json", "bad/params.json", null, "bad", true),
        new Case("params.json not an object", s -> text(s.resolve("bad/params.json"), "[1, 2]"),
            "malformed_json", "bad/params.json", null, "bad", true),
        new Case("invalid CSV", s -> text(s.resolve("bad/metrics.csv"),
            "step,loss\n1,0.5\n2,\"0.4\n"), "malformed_csv", "bad/metrics.csv", null, "bad", true),
        new Case("metrics.csv without step", s -> text(s.resolve("bad/metrics.csv"),
            "epoch,loss\n1,0.5\n"), "malformed_csv", "bad/metrics.csv", null, "bad", true),
        new Case("non-numeric step", s -> text(s.resolve("bad/metrics.csv"),
            "step,loss\n1,0.5\nabc,0.4\n3,0.3\n"), "bad_lines", "bad/metrics.csv", null, "bad",
            true),
        new Case("non-numeric value", s -> text(s.resolve("bad/metrics.csv"),
            "step,loss\n1,0.5\n2,oops\n"), "bad_lines", "bad/metrics.csv", null, "bad", true),
        new Case("short row", s -> text(s.resolve("bad/metrics.csv"),
            "step,loss,acc\n1,0.5,0.1\n2,0.4\n"), "bad_lines", "bad/metrics.csv", null, "bad",
            true),
        new Case("bad jsonl line", s -> text(s.resolve("bad/metrics.jsonl"),
            "{\"step\": 1, \"acc\": 0.5}\n{oops\n[1]\n{\"acc\": 1}\n"), "bad_lines",
            "bad/metrics.jsonl", null, "bad", true),
        new Case("trainer_state without log_history", s -> text(s.resolve(
            "bad/trainer_state.json"), "{\"log_history\": 5}"), "malformed_json",
            "bad/trainer_state.json", null, "bad", true),
        new Case("trainer_state not JSON", s -> text(s.resolve("bad/trainer_state.json"),
            "{\"log_history\": [}"), "malformed_json", "bad/trainer_state.json", null, "bad", true),
        new Case("pickle checkpoint", s -> text(s.resolve("bad/checkpoints/step_100.pt"), "x"),
            "pickle_refused", "bad/checkpoints/step_100.pt", 100L, "bad", true),
        new Case("unknown checkpoint extension", s -> text(s.resolve(
            "bad/checkpoints/step_100.h5"), "x"), "unknown_format", "bad/checkpoints/step_100.h5",
            100L, "bad", true),
        new Case("checkpoint not named by step", s -> text(s.resolve(
            "bad/checkpoints/final.safetensors"), "x"), "bad_name",
            "bad/checkpoints/final.safetensors", null, "bad", true),
        new Case("folder in checkpoints", s -> text(s.resolve("bad/checkpoints/old/a.txt"), "x"),
            "bad_name", "bad/checkpoints/old", null, "bad", true),
        new Case("two checkpoints for one step", s -> SweepFolder.npy(s.resolve(
            "bad/checkpoints/step_1.npy"), 3), "duplicate_step", "bad/checkpoints/step_1.npy", 1L,
            "bad", true),
        new Case("empty run folder", s -> mkdir(s.resolve("empty")), "empty_run", "empty", null,
            "empty", true),
        new Case("run with unusable files only", s -> {
          text(s.resolve("broken/params.json"), "{}");
          text(s.resolve("broken/metrics.csv"), "step,loss\n");
        }, "empty_run", "broken", null, "broken", true),
        new Case("run listed without folder", s -> text(s.resolve("runs.csv"),
            "run_id,lr\ngood,0.1\nbad,0.2\nghost,0.3\n"), "missing_run_folder", "runs.csv", null,
            "ghost", true),
        new Case("run listed twice", s -> text(s.resolve("runs.csv"),
            "run_id,lr\ngood,0.1\nbad,0.5\nbad,0.2\n"), "duplicate_run", "runs.csv", null, "bad",
            true),
        new Case("runs.csv row too long", s -> text(s.resolve("runs.csv"),
            "run_id,lr\ngood,0.1\nbad,0.2\nx,1,2\n"), "bad_lines", "runs.csv", null, null, true),
        new Case("malformed sweep.json", s -> text(s.resolve("sweep.json"), "{\"name\": "),
            "malformed_json", "sweep.json", null, null, true),
        new Case("sweep.json group_by not a list", s -> text(s.resolve("sweep.json"),
            "{\"group_by\": \"lr\"}"), "bad_value", "sweep.json", null, null, true),
        new Case("metric log over the limit", s -> text(s.resolve("bad/metrics.jsonl"),
            "{\"step\": 1, \"acc\": 0.5}\n".repeat(LIMIT / 10)), "too_large",
            "bad/metrics.jsonl", null, "bad", true),
        new Case("params.json over the limit", s -> text(s.resolve("bad/params.json"),
            "{\"note\": \"" + "x".repeat(LIMIT) + "\"}"), "too_large", "bad/params.json", null,
            "bad", true));
  }

  private static void mkdir(Path p) {
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Configuration conf() {
    Configuration c = SweepFolder.conf(2);
    c.setLong(DiscoveryLimits.MAX_JSON_BYTES, LIMIT);
    c.setLong(DiscoveryLimits.MAX_METRICS_BYTES, LIMIT);
    return c;
  }

  @BeforeEach
  void writeSweep() {
    sweep = dir.resolve("sweep");
    text(sweep.resolve("runs.csv"), "run_id,lr\ngood,0.1\nbad,0.2\n");
    text(sweep.resolve("good/metrics.csv"), "step,loss\n0,1.0\n1,0.5\n");
    SweepFolder.safetensors(sweep.resolve("good/checkpoints/step_1.safetensors"), 1);
    text(sweep.resolve("bad/metrics.csv"), "step,loss\n0,1.0\n");
    SweepFolder.safetensors(sweep.resolve("bad/checkpoints/step_1.safetensors"), 2);
    Sweep clean = SweepDiscovery.discover(sweep.toString(), conf());
    assertEquals(List.of(), clean.errors());
    goodBaseline = clean.runs().get(1);
    assertEquals("good", goodBaseline.runId());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInputIsOneErrorNamingTheFile(Case c) {
    c.write().accept(sweep);
    Sweep s = SweepDiscovery.discover(sweep.toString(), conf());
    assertEquals(1, s.errors().size(), s.errors().toString());
    ErrorRecord e = s.errors().get(0);
    assertEquals(c.code(), e.error(), e.toString());
    assertEquals("discovery", e.stage());
    assertEquals(uri(sweep.resolve(c.source())), e.source());
    assertEquals(c.step(), e.step());
    assertEquals(c.runId(), e.runId());
    String file = Path.of(c.source()).getFileName().toString();
    assertTrue(e.message().contains(file), e.message());
    RunInfo good = s.runs().stream().filter(r -> r.runId().equals("good")).findFirst()
        .orElseThrow();
    if (!c.name().startsWith("run listed")) {
      assertEquals(goodBaseline, good);
    }
    assertEquals(c.badRunKept(), s.runs().stream().anyMatch(r -> r.runId().equals("bad")));
    assertEquals(List.of(1L), s.runs().stream().filter(r -> r.runId().equals("bad")).findFirst()
        .orElseThrow().checkpoints().stream().map(CheckpointRef::step).toList());
  }

  @Test
  void rowsWithABadStepAreSkippedAndTheRestKept() {
    text(sweep.resolve("bad/metrics.csv"), "step,loss\n1,0.5\nabc,0.4\n3.0,nan\n-2,0.1\n");
    Sweep s = SweepDiscovery.discover(sweep.toString(), conf());
    assertEquals(new MetricSeries("loss", new long[] {1, 3}, new double[] {0.5, Double.NaN}),
        s.runs().get(0).metrics().get("loss"));
    assertTrue(s.errors().get(0).message().contains("2 problems"), s.errors().toString());
  }

  @Test
  void missingFolderFileAndFolderWithoutSweepAreRefused() {
    SweepDiscoveryException missing = assertThrows(SweepDiscoveryException.class,
        () -> SweepDiscovery.discover(dir.resolve("nope").toString(), conf()));
    assertTrue(missing.getMessage().contains("nope") && missing.getMessage()
        .contains("does not exist"), missing.getMessage());
    Path file = text(dir.resolve("file.txt"), "x");
    SweepDiscoveryException notFolder = assertThrows(SweepDiscoveryException.class,
        () -> SweepDiscovery.discover(file.toString(), conf()));
    assertTrue(notFolder.getMessage().contains("file.txt"), notFolder.getMessage());
    Path other = dir.resolve("photos");
    text(other.resolve("2024/a.jpg"), "x");
    SweepDiscoveryException none = assertThrows(SweepDiscoveryException.class,
        () -> SweepDiscovery.discover(other.toString(), conf()));
    assertTrue(none.getMessage().contains("No sweep found at '" + other + "'")
        && none.getMessage().contains("checkpoint-<N>/")
        && none.getMessage().contains("mlruns/"), none.getMessage());
  }

  @Test
  void unreadableFileAndUnlistableRunAreOneErrorEach() {
    text(sweep.resolve("sealed/metrics.csv"), "step,loss\n0,1\n");
    SweepFolder.safetensors(sweep.resolve("sealed/checkpoints/step_2.safetensors"), 3);
    text(sweep.resolve("locked/metrics.csv"), "step,loss\n0,1\n");
    Configuration c = conf();
    c.set("fs." + FailingFileSystem.SCHEME + ".impl", FailingFileSystem.class.getName());
    c.setBoolean("fs." + FailingFileSystem.SCHEME + ".impl.disable.cache", true);
    String root = FailingFileSystem.SCHEME + ":" + sweep.toAbsolutePath();
    Sweep s = SweepDiscovery.discover(root, c);
    assertEquals(root, s.uri());
    assertEquals(2, s.errors().size(), s.errors().toString());
    ErrorRecord locked = s.errors().get(0);
    assertEquals("unreadable", locked.error());
    assertEquals(root + "/locked", locked.source());
    assertEquals("locked", locked.runId());
    assertTrue(locked.message().contains("simulated listing failure"), locked.message());
    ErrorRecord sealed = s.errors().get(1);
    assertEquals("unreadable", sealed.error());
    assertEquals(root + "/sealed/metrics.csv", sealed.source());
    assertEquals("sealed", sealed.runId());
    assertTrue(sealed.message().contains("simulated read failure"), sealed.message());
    assertEquals(List.of("bad", "good", "sealed"), s.runs().stream().map(RunInfo::runId)
        .toList());
    assertEquals(Map.of(), s.runs().get(2).metrics());
    assertEquals(root + "/good/checkpoints/step_1.safetensors",
        s.runs().get(1).checkpoints().get(0).files().get(0));
    assertEquals(goodBaseline.metrics(), s.runs().get(1).metrics());
  }

  @Test
  void invalidLimitIsRefused() {
    Configuration c = conf();
    c.setInt(DiscoveryLimits.THREADS, 0);
    SweepDiscoveryException e = assertThrows(SweepDiscoveryException.class,
        () -> SweepDiscovery.discover(sweep.toString(), c));
    assertTrue(e.getMessage().contains(DiscoveryLimits.THREADS + " = 0"), e.getMessage());
  }
}
