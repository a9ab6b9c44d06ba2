package org.shockscope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shockscope.sweep.SweepFolder.text;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.ErrorRecord;
import org.shockscope.sweep.EventFileWriter.Encoding;

/**
 * Discovery finds TensorBoard event files where trainers write them (a native run's folder,
 * {@code runs/} of Hugging Face Trainer output, {@code lightning_logs/<version>/}), names
 * their series as the layout's JSON logs do, and uses them only where the run's own metric
 * files give nothing.
 */
class TensorBoardLayoutTest {
  @TempDir
  Path dir;
  private Path sweep;

  private static String eventName(long createdAt) {
    return "events.out.tfevents." + createdAt + ".host.77.0";
  }

  @BeforeEach
  void writeSweep() {
    sweep = dir.resolve("sweep");
    // Hugging Face Trainer output: train/<key> and eval/<key> tags under runs/<date>_<host>/
    Path hf = sweep.resolve("hf-run");
    text(hf.resolve("training_args.bin"), "pickle, never read");
    new EventFileWriter(Encoding.SIMPLE_VALUE)
        .scalars(10, Map.of("train/loss", 2.0, "train/learning_rate", 0.001))
        .scalars(20, Map.of("train/loss", 1.0, "eval/loss", 1.5))
        .write(hf.resolve("runs/Dec04_00-00-00_host/" + eventName(1733270400)));
    // Lightning: two versions, the second a resumed fit logging step 3 again
    Path pl = sweep.resolve("pl-run/lightning_logs");
    text(pl.resolve("version_0/hparams.yaml"), "lr: 0.01\n");
    new EventFileWriter(Encoding.DOUBLE_TENSOR)
        .scalars(1, Map.of("train_loss", 3.0)).scalars(2, Map.of("train_loss", 2.5))
        .scalars(3, Map.of("train_loss", 2.25))
        .write(pl.resolve("version_0/" + eventName(1000)));
    new EventFileWriter(Encoding.DOUBLE_TENSOR)
        .scalars(3, Map.of("train_loss", 2.125)).scalars(4, Map.of("train_loss", 2.0))
        .write(pl.resolve("version_10/" + eventName(2000)));
    // a native run logging with a SummaryWriter into its own folder
    Path nat = sweep.resolve("native-run");
    text(nat.resolve("params.json"), "{\"lr\": 0.1}");
    new EventFileWriter(Encoding.SIMPLE_VALUE)
        .scalars(0, Map.of("loss", 0.75)).scalars(5, Map.of("loss", 0.5))
        .write(nat.resolve(eventName(1733270400)));
  }

  private static Sweep discover(Path p) {
    return SweepDiscovery.discover(p.toString(), SweepFolder.conf(2));
  }

  private static RunInfo run(Sweep s, String id) {
    return s.runs().stream().filter(r -> r.runId().equals(id)).findFirst().orElseThrow();
  }

  private static MetricSeries series(String name, long[] steps, double... values) {
    return new MetricSeries(name, steps, values);
  }

  @Test
  void eventFilesAreFoundInTheThreeLayoutsAndNamedAsTheLayoutsJsonLogs() {
    Sweep s = discover(sweep);
    assertEquals(List.of(), s.errors());
    assertEquals(List.of("hf-run", "native-run", "pl-run"),
        s.runs().stream().map(RunInfo::runId).toList());
    assertEquals(Map.of(
            "loss", series("loss", new long[] {10, 20}, 2.0, 1.0),
            "learning_rate", series("learning_rate", new long[] {10}, 0.001),
            "eval_loss", series("eval_loss", new long[] {20}, 1.5)),
        run(s, "hf-run").metrics());
    assertEquals(Map.of("loss", series("loss", new long[] {0, 5}, 0.75, 0.5)),
        run(s, "native-run").metrics());
    assertEquals("0.1", run(s, "native-run").params().get("lr"));
    // version_10 was created after version_0: its value of step 3 wins
    assertEquals(Map.of("train_loss", series("train_loss", new long[] {1, 2, 3, 4}, 3.0, 2.5,
        2.125, 2.0)), run(s, "pl-run").metrics());
  }

  @Test
  void aLightningLogsFolderIsASweepOfItsVersions() {
    Sweep s = discover(sweep.resolve("pl-run/lightning_logs"));
    assertEquals(List.of(), s.errors());
    assertEquals(List.of("version_0", "version_10"),
        s.runs().stream().map(RunInfo::runId).toList());
    assertEquals(series("train_loss", new long[] {3, 4}, 2.125, 2.0),
        run(s, "version_10").metrics().get("train_loss"));
  }

  @Test
  void aFolderWithEventFilesIsASingleRunSweep() {
    Sweep s = discover(sweep.resolve("hf-run"));
    assertEquals(List.of("hf-run"), s.runs().stream().map(RunInfo::runId).toList());
    assertEquals(Set.of("loss", "learning_rate", "eval_loss"), run(s, "hf-run").metrics()
        .keySet());
  }

  @Test
  void eventFilesAreNotReadWhenTheRunHasItsOwnMetricLog() {
    Path nat = sweep.resolve("native-run");
    text(nat.resolve("metrics.jsonl"), "{\"step\": 0, \"loss\": 0.75}\n{\"step\": 1, \"acc\": 0.5}\n");
    Sweep s = discover(sweep);
    assertEquals(List.of(), s.errors());
    assertEquals(Map.of("loss", series("loss", new long[] {0}, 0.75),
        "acc", series("acc", new long[] {1}, 0.5)), run(s, "native-run").metrics());
  }

  @Test
  void eventFilesAreReadWhenTheRunsOwnMetricLogGivesNoPoint() {
    Path nat = sweep.resolve("native-run");
    text(nat.resolve("metrics.csv"), "epoch,loss\n1,0.5\n");
    Sweep s = discover(sweep);
    List<ErrorRecord> errors = s.errors();
    assertEquals(1, errors.size(), errors.toString());
    assertEquals("malformed_csv", errors.get(0).error());
    assertEquals(Map.of("loss", series("loss", new long[] {0, 5}, 0.75, 0.5)),
        run(s, "native-run").metrics());
  }

  @Test
  void aRunWhoseOnlyLogIsUnreadableIsLeftOutWithItsErrors() {
    text(sweep.resolve("native-run/" + eventName(1733270400)), "not a TFRecord file at all");
    Sweep s = discover(sweep);
    assertEquals(List.of("hf-run", "pl-run"), s.runs().stream().map(RunInfo::runId).toList());
    assertEquals(List.of("broken_framing", "empty_run"), s.errors().stream()
        .map(ErrorRecord::error).sorted().toList());
    assertTrue(s.errors().stream().anyMatch(e -> e.message().contains("at offset 0: the"
        + " checksum of the record length does not match")), s.errors().toString());
  }

  @Test
  void trainerTagsMapToTrainerStateKeys() {
    assertEquals("loss", TensorBoardLogs.trainerName("train/loss"));
    assertEquals("train_runtime", TensorBoardLogs.trainerName("train/train_runtime"));
    assertEquals("eval_loss", TensorBoardLogs.trainerName("eval/loss"));
    assertEquals("test_accuracy", TensorBoardLogs.trainerName("test/accuracy"));
    assertEquals("custom/x", TensorBoardLogs.trainerName("custom/x"));
    assertEquals("train/", TensorBoardLogs.trainerName("train/"));
  }
}
