package org.shockscope.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.io.SafetensorsWriter;
import org.shockscope.io.Tensor;
import org.shockscope.io.TensorFile;
import org.shockscope.io.TensorFiles;
import org.shockscope.io.TensorInfo;
import org.shockscope.sweep.CheckpointRef;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.Sweep;
import org.shockscope.sweep.SweepDiscovery;

/**
 * A Llama-named checkpoint saved by a Hugging Face Trainer in two safetensors shards with an
 * index, next to its config.json, is found by discovery, read shard by shard, and recognised
 * as grouped-query attention plus a gated MLP from the config — the path a real HF sweep takes.
 */
class ShardedLlamaCheckpointTest {
  @TempDir
  Path dir;

  @Test
  void shardedLlamaCheckpointIsRecognisedFromItsConfig() throws IOException {
    Map<String, Tensor> weights = TestModels.llama(new Random(3), 16, 4, 2, 4, 12);
    Path ckpt = Files.createDirectories(dir.resolve("run-a/checkpoint-100"));
    List<Tensor> all = new ArrayList<>(weights.values());
    List<Tensor> first = all.subList(0, all.size() / 2);
    List<Tensor> second = all.subList(all.size() / 2, all.size());
    Map<String, String> weightMap = new LinkedHashMap<>();
    write(ckpt.resolve("model-00001-of-00002.safetensors"), first);
    write(ckpt.resolve("model-00002-of-00002.safetensors"), second);
    first.forEach(t -> weightMap.put(t.name(), "model-00001-of-00002.safetensors"));
    second.forEach(t -> weightMap.put(t.name(), "model-00002-of-00002.safetensors"));
    StringBuilder json = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
    weightMap.forEach((k, v) -> json.append('"').append(k).append("\": \"").append(v)
        .append("\","));
    json.setLength(json.length() - 1);
    json.append("}}");
    Files.writeString(ckpt.resolve("model.safetensors.index.json"), json);
    Files.writeString(dir.resolve("run-a/config.json"), "{\"model_type\": \"llama\", "
        + "\"num_attention_heads\": 4, \"num_key_value_heads\": 2, \"hidden_size\": 16, "
        + "\"hidden_act\": \"silu\"}");
    Files.writeString(dir.resolve("run-a/trainer_state.json"),
        "{\"log_history\": [{\"step\": 100, \"loss\": 1.5}]}");

    Sweep sweep = SweepDiscovery.discover(dir.toString(), new Configuration());
    assertEquals(List.of(), sweep.errors());
    RunInfo run = sweep.runs().get(0);
    CheckpointRef ref = run.checkpoints().get(0);
    // a sharded checkpoint is read through its index, which names and checks the shards
    assertEquals(1, ref.files().size());
    assertTrue(ref.files().get(0).endsWith("model.safetensors.index.json"), ref.files().toString());
    Map<String, Tensor> read = new LinkedHashMap<>();
    for (String f : ref.files()) {
      try (TensorFile tf = TensorFiles.open(f, new Configuration())) {
        read.putAll(tf.readAll());
      }
    }
    assertEquals(weights.keySet(), read.keySet());
    List<TensorInfo> infos = new ArrayList<>();
    read.values().forEach(t -> infos.add(TensorInfo.of(t)));
    SymmetryStructure s = StructureInference.infer(infos,
        ModelDescription.none().withHfConfig(run.configJson()));
    AttentionGroup attention = assertInstanceOf(AttentionGroup.class,
        s.group("model.layers.0.self_attn"));
    assertEquals(2, attention.kvHeads());
    assertInstanceOf(NeuronGroup.class, s.group("model.layers.0.mlp"));
    assertFalse(new QuotientKernel(s).observe(read).observables().isEmpty());
  }

  private static void write(Path file, List<Tensor> tensors) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      SafetensorsWriter.write(out, tensors, Map.of("format", "pt"));
    }
  }
}
