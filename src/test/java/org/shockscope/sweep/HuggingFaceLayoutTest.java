package org.shockscope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shockscope.sweep.SweepFolder.text;
import static org.shockscope.sweep.SweepFolder.uri;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.ErrorRecord;

class HuggingFaceLayoutTest {
  private static final String CONFIG = "{\n  \"model_type\": \"gpt2\",\n  \"n_head\": 4\n}\n";
  private static final String SHARD1 = "model-00001-of-00002.safetensors";
  private static final String SHARD2 = "model-00002-of-00002.safetensors";

  @TempDir
  Path dir;
  private Path sweep;
  private long small10;
  private long shards20;

  /** Aux files the Trainer writes next to the weights; all must be ignored silently. */
  private static void trainerAux(Path ckpt) {
    for (String f : List.of("optimizer.pt", "scheduler.pt", "rng_state.pth", "rng_state_0.pth",
        "scaler.pt", "training_args.bin", "tokenizer.json", "tokenizer_config.json",
        "special_tokens_map.json", "generation_config.json")) {
      text(ckpt.resolve(f), "not read");
    }
  }

  private static String index(String... shardOfTensor) {
    StringBuilder sb = new StringBuilder("{\"metadata\": {\"total_size\": 48}, \"weight_map\": {");
    for (int i = 0; i < shardOfTensor.length; i++) {
      sb.append(i == 0 ? "" : ", ").append("\"t").append(i).append("\": \"")
          .append(shardOfTensor[i]).append('"');
    }
    return sb.append("}}").toString();
  }

  @BeforeEach
  void writeSweep() {
    sweep = dir.resolve("hf");
    text(sweep.resolve("runs.csv"), "run_id,lr,warmup\nrun1,5e-5,100\nrun2,1e-4,0\n");
    // run1: one plain and one sharded checkpoint, config.json at the run root, trainer states
    // at the root (final) and in both checkpoints (only the newest one is read).
    Path r1 = sweep.resolve("run1");
    text(r1.resolve("config.json"), CONFIG);
    Path c10 = r1.resolve("checkpoint-10");
    small10 = SweepFolder.safetensors(c10.resolve("model.safetensors"), 1);
    trainerAux(c10);
    text(c10.resolve("trainer_state.json"), "{\"global_step\": 10, \"log_history\": ["
        + "{\"step\": 5, \"loss\": 9.0, \"epoch\": 0.5}]}");
    Path c20 = r1.resolve("checkpoint-20");
    shards20 = SweepFolder.safetensors(c20.resolve(SHARD1), 2)
        + SweepFolder.safetensors(c20.resolve(SHARD2), 3);
    text(c20.resolve("model.safetensors.index.json"), index(SHARD2, SHARD1, SHARD2));
    trainerAux(c20);
    text(c20.resolve("trainer_state.json"), "{\"global_step\": 20, \"log_history\": ["
        + "{\"step\": 10, \"loss\": 2.0, \"learning_rate\": 5e-5, \"epoch\": 1.0},"
        + "{\"step\": 20, \"loss\": 1.0, \"learning_rate\": 4e-5, \"epoch\": 2.0},"
        + "{\"step\": 20, \"eval_loss\": 1.5, \"eval_runtime\": 0.3, \"epoch\": 2.0}]}");
    text(r1.resolve("trainer_state.json"), "{\"global_step\": 30, \"log_history\": ["
        + "{\"step\": 10, \"loss\": 2.0, \"learning_rate\": 5e-5, \"epoch\": 1.0},"
        + "{\"step\": 20, \"loss\": 1.0, \"learning_rate\": 4e-5, \"epoch\": 2.0},"
        + "{\"step\": 30, \"loss\": NaN, \"grad_norm\": Infinity, \"epoch\": 3.0},"
        + "{\"step\": 30, \"train_runtime\": 12.5, \"train_loss\": 1.7, \"total_flos\": 1e9}]}");
    text(r1.resolve("training_args.bin"), "pickle, never read");
    SweepFolder.safetensors(r1.resolve("model.safetensors"), 9);
    // run2: config.json only in its checkpoints (the newest one's is kept).
    Path r2 = sweep.resolve("run2");
    SweepFolder.safetensors(r2.resolve("checkpoint-100/model.safetensors"), 5);
    text(r2.resolve("checkpoint-100/config.json"), "{\"n_head\": 2}");
    SweepFolder.safetensors(r2.resolve("checkpoint-200/model.safetensors"), 6);
    text(r2.resolve("checkpoint-200/config.json"), "{\"n_head\": 8}");
    text(r2.resolve("trainer_state.json"), "{\"log_history\": [{\"step\": 100, \"loss\": 0.5}]}");
  }

  @Test
  void discoversTrainerRunsCheckpointsShardsAndLogHistory() {
    Sweep s = SweepDiscovery.discover(sweep.toString(), SweepFolder.conf(2));
    assertEquals(List.of(), s.errors());
    assertEquals(SweepLayout.HUGGING_FACE, s.layout());
    assertEquals(List.of("run1", "run2"), s.runs().stream().map(RunInfo::runId).toList());

    RunInfo r1 = s.runs().get(0);
    assertEquals(Map.of("lr", "5e-5", "warmup", "100"), r1.params());
    assertEquals(Map.of("lr", 5e-5, "warmup", 100.0), r1.numericParams());
    Path c = sweep.resolve("run1");
    assertEquals(List.of(
        new CheckpointRef(10, List.of(uri(c.resolve("checkpoint-10/model.safetensors"))),
            small10, "safetensors"),
        new CheckpointRef(20, List.of(uri(c.resolve("checkpoint-20/model.safetensors.index.json"))),
            shards20, "safetensors")),
        r1.checkpoints());
    assertEquals(CONFIG, r1.configJson());
    assertEquals(Map.of(
        "loss", new MetricSeries("loss", new long[] {10, 20, 30},
            new double[] {2.0, 1.0, Double.NaN}),
        "learning_rate", new MetricSeries("learning_rate", new long[] {10, 20},
            new double[] {5e-5, 4e-5}),
        "epoch", new MetricSeries("epoch", new long[] {10, 20, 30}, new double[] {1, 2, 3}),
        "eval_loss", new MetricSeries("eval_loss", new long[] {20}, new double[] {1.5}),
        "eval_runtime", new MetricSeries("eval_runtime", new long[] {20}, new double[] {0.3}),
        "grad_norm", new MetricSeries("grad_norm", new long[] {30},
            new double[] {Double.POSITIVE_INFINITY}),
        "train_runtime", new MetricSeries("train_runtime", new long[] {30}, new double[] {12.5}),
        "train_loss", new MetricSeries("train_loss", new long[] {30}, new double[] {1.7}),
        "total_flos", new MetricSeries("total_flos", new long[] {30}, new double[] {1e9})),
        r1.metrics());

    RunInfo r2 = s.runs().get(1);
    assertEquals(List.of(100L, 200L), r2.checkpoints().stream().map(CheckpointRef::step)
        .toList());
    assertEquals("{\"n_head\": 8}", r2.configJson());
    assertEquals(Map.of("loss", new MetricSeries("loss", new long[] {100}, new double[] {0.5})),
        r2.metrics());
  }

  @Test
  void trainerOutputFolderIsASweepOfOneRun() {
    Sweep s = SweepDiscovery.discover(uri(sweep.resolve("run2")), SweepFolder.conf(1));
    assertEquals(List.of(), s.errors());
    assertEquals(SweepLayout.HUGGING_FACE, s.layout());
    assertEquals(List.of("run2"), s.runs().stream().map(RunInfo::runId).toList());
    assertEquals(Map.of(), s.runs().get(0).params());
    assertEquals(2, s.runs().get(0).checkpoints().size());
  }

  @Test
  void missingShardIsOneErrorAndTheOtherCheckpointsStay() {
    Path c30 = sweep.resolve("run1/checkpoint-30");
    SweepFolder.safetensors(c30.resolve(SHARD1), 7);
    text(c30.resolve("model.safetensors.index.json"), index(SHARD1, SHARD2));
    ErrorRecord e = onlyError(SweepDiscovery.discover(sweep.toString(), SweepFolder.conf(1)),
        "missing_shard");
    assertEquals(uri(c30.resolve("model.safetensors.index.json")), e.source());
    assertEquals(30L, e.step());
    assertTrue(e.message().contains("[" + SHARD2 + "]"), e.message());
  }

  @Test
  void shardNameLeavingTheCheckpointFolderIsRefused() {
    Path c30 = sweep.resolve("run1/checkpoint-30");
    SweepFolder.safetensors(c30.resolve(SHARD1), 7);
    SweepFolder.safetensors(sweep.resolve("run1/evil.safetensors"), 7);
    text(c30.resolve("model.safetensors.index.json"), index(SHARD1, "../evil.safetensors"));
    ErrorRecord e = onlyError(SweepDiscovery.discover(sweep.toString(), SweepFolder.conf(1)),
        "bad_shard_name");
    assertTrue(e.message().contains("'../evil.safetensors'"), e.message());
    assertTrue(e.message().contains("model.safetensors.index.json"), e.message());
  }

  @Test
  void pickleOnlyCheckpointIsRefusedWithHowToConvert() {
    Path c30 = sweep.resolve("run1/checkpoint-30");
    text(c30.resolve("pytorch_model.bin"), "pickle");
    trainerAux(c30);
    ErrorRecord e = onlyError(SweepDiscovery.discover(sweep.toString(), SweepFolder.conf(1)),
        "pickle_refused");
    assertEquals(uri(c30), e.source());
    assertEquals("run1", e.runId());
    assertTrue(e.message().contains("safe_serialization=True"), e.message());
  }

  @Test
  void checkpointFolderWithoutWeightsIsRecorded() {
    Path c30 = sweep.resolve("run1/checkpoint-30");
    trainerAux(c30);
    ErrorRecord e = onlyError(SweepDiscovery.discover(sweep.toString(), SweepFolder.conf(1)),
        "no_weights");
    assertTrue(e.message().contains("checkpoint-30"), e.message());
  }

  /** The single error of {@code s}, of kind {@code code}; the two runs are otherwise intact. */
  private ErrorRecord onlyError(Sweep s, String code) {
    assertEquals(1, s.errors().size(), s.errors().toString());
    ErrorRecord e = s.errors().get(0);
    assertEquals(code, e.error());
    assertEquals("discovery", e.stage());
    assertEquals(List.of(10L, 20L), s.runs().get(0).checkpoints().stream()
        .map(CheckpointRef::step).toList());
    assertEquals(2, s.runs().get(1).checkpoints().size());
    return e;
  }
}
