package org.shockscope.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.io.Tensor;
import org.shockscope.io.TensorInfo;
import org.shockscope.lab.Lab;
import org.shockscope.lab.LabConfigJson;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.SweepDiscovery;

/**
 * The invariance contract of SPEC §4 on float64 checkpoints of the lab's transformer families,
 * read back from their Hugging Face layout (GPT-2 names, config.json) through discovery and
 * structure inference as a user's checkpoints are: a trained two-layer attention-only
 * transformer (induction family) under head permutations × GL(d_head) on every layer's Q/K and
 * V/O circuits, and a trained grokking MLP block under permutations × positive rescalings of
 * its ReLU units — every observable but the deliberately raw ones unchanged to 1e-9 relative
 * over 20 random elements each, raw_norm changed. ({@link InvarianceTest} covers GPT-2 fused
 * attention only on one random untrained layer.)
 */
class LabTransformerInvarianceTest {
  static final String CONFIG = """
      {"name": "transformer-invariance", "seeds": [0], "dtype": "F64", "layouts": ["hf"],
       "families": {
         "induction": {"lrs": [0.01], "batch_sizes": [4], "widths": [8], "heads": [2],
                       "spans": [4], "vocab": 6, "held_out": 4, "steps": 40,
                       "checkpoint_every": 20, "log_every": 10},
         "grokking": {"lrs": [0.003], "widths": [12], "modulus": 7, "embed_dim": 6,
                      "train_fractions": [0.6], "steps": 40, "checkpoint_every": 20,
                      "log_every": 10}}}
      """;
  static final Set<String> RAW = Set.of("raw_norm", "redundancy");
  static final int ELEMENTS = 20;

  @TempDir
  static Path dir;
  static List<RunInfo> runs;

  @BeforeAll
  static void train() {
    Lab.generate(LabConfigJson.parse(CONFIG, "LabTransformerInvarianceTest"), dir);
    runs = SweepDiscovery.discover(dir.resolve("hf").toString(), new Configuration()).runs();
  }

  static QuotientKernel kernel(RunInfo run, Map<String, Tensor> ckpt) {
    List<TensorInfo> infos = new ArrayList<>();
    ckpt.values().forEach(t -> infos.add(TensorInfo.of(t)));
    return new QuotientKernel(StructureInference.infer(infos, ModelDescription.none()
        .withHfConfig(run.configJson()).withActivationHint(run.params().get("activation"))));
  }

  static Map<String, Tensor> scramble(RunInfo run, Map<String, Tensor> ckpt, Random r) {
    Map<String, Tensor> moved = GroupActions.copy(ckpt);
    if (run.params().get("model").equals("induction")) {
      int heads = Integer.parseInt(run.params().get("n_head"));
      for (int l = 0; l < 2; l++) {
        String p = "transformer.h." + l + ".attn.";
        moved.putAll(GroupActions.attention(AttentionParams.fromGpt2(ckpt, p, heads), r)
            .toGpt2(p));
      }
    } else {
      String p = "transformer.h.0.mlp.";
      int[] s = moved.get(p + "c_fc.weight").shape();
      int n = s[1];
      int[] perm = GroupActions.permutation(r, n);
      double[] f = GroupActions.factors(r, n, GroupActions.Kind.POSITIVE_SCALE);
      GroupActions.neurons(moved, p + "c_fc.weight", s[0], n, 1, perm, f);
      GroupActions.neurons(moved, p + "c_fc.bias", 1, n, 1, perm, f);
      GroupActions.neurons(moved, p + "c_proj.weight", 1, n, s[0], perm,
          GroupActions.inverse(f));
    }
    return moved;
  }

  @Test
  void observablesOfTrainedTransformerCheckpointsAreInvariantAndRawNormsAreNot() {
    assertEquals(2, runs.size());
    Random rnd = new Random(17);
    for (RunInfo run : runs) {
      Map<String, Tensor> ckpt = LabCheckpointInvarianceTest.read(
          run.checkpoints().get(run.checkpoints().size() - 1));
      QuotientKernel k = kernel(run, ckpt);
      CheckpointObservables base = k.observe(ckpt);
      Set<String> groups = new java.util.TreeSet<>();
      base.observables().forEach(o -> groups.add(o.group()));
      int expected = run.params().get("model").equals("induction") ? 2 : 1;
      assertTrue(groups.size() >= expected, run.runId() + ": groups " + groups);
      double rawMoved = 0;
      for (int i = 0; i < ELEMENTS; i++) {
        CheckpointObservables o = k.observe(scramble(run, ckpt, rnd));
        assertEquals(base.observables().size(), o.observables().size());
        for (int j = 0; j < o.observables().size(); j++) {
          Observable a = base.observables().get(j);
          Observable b = o.observables().get(j);
          double rel = Math.abs(a.value() - b.value())
              / Math.max(1e-300, Math.max(Math.abs(a.value()), Math.abs(b.value())));
          if (RAW.contains(a.name())) {
            rawMoved = Math.max(rawMoved, rel);
          } else {
            assertTrue(rel <= 1e-9, run.runId() + " " + a + " vs " + b);
          }
        }
      }
      assertTrue(rawMoved > 1e-3, run.runId() + ": raw_norm did not move (" + rawMoved + ")");
    }
  }

  /**
   * SPEC §5 end to end on a trained transformer: a float64 twin of an induction run whose
   * every checkpoint is moved by its own head permutation × GL(d_head) element in both layers
   * gives the same events (series, kinds, count; steps within one step) and transitions as the
   * original, and the original has events to compare.
   */
  @Test
  void scrambledTwinOfAnInductionRunHasTheSameEvents() throws Exception {
    Path out = dir.resolve("events");
    Lab.generate(LabConfigJson.parse("""
        {"name": "transformer-twin", "seeds": [0], "dtype": "F64", "layouts": ["hf"],
         "families": {"induction": {"lrs": [0.01], "batch_sizes": [16], "widths": [16],
           "heads": [2], "spans": [6], "vocab": 8, "held_out": 16, "steps": 400,
           "checkpoint_every": 16, "log_every": 8}}}
        """, "LabTransformerInvarianceTest"), out);
    RunInfo run = SweepDiscovery.discover(out.resolve("hf").toString(), new Configuration())
        .runs().get(0);
    Random rnd = new Random(23);
    Path twinDir = java.nio.file.Files.createDirectories(out.resolve("twin"));
    List<String> originalFiles = new ArrayList<>();
    List<String> twinFiles = new ArrayList<>();
    for (org.shockscope.sweep.CheckpointRef ref : run.checkpoints()) {
      originalFiles.add(ref.files().get(0));
      Map<String, Tensor> moved = scramble(run, ScrambledTwinTest.read(ref.files().get(0)), rnd);
      Path file = twinDir.resolve("step_" + ref.step() + ".safetensors");
      try (java.io.OutputStream o = java.nio.file.Files.newOutputStream(file)) {
        org.shockscope.io.SafetensorsWriter.write(o, new ArrayList<>(moved.values()), Map.of());
      }
      twinFiles.add(file.toUri().toString());
    }
    org.shockscope.shock.RunShocks a = ScrambledTwinTest.detect(run, originalFiles);
    org.shockscope.shock.RunShocks b = ScrambledTwinTest.detect(run, twinFiles);
    assertEquals(ScrambledTwinTest.describe(a.shocks()), ScrambledTwinTest.describe(b.shocks()));
    for (int i = 0; i < a.shocks().size(); i++) {
      assertTrue(Math.abs(a.shocks().get(i).step() - b.shocks().get(i).step()) <= 1,
          a.shocks().get(i) + " vs " + b.shocks().get(i));
    }
    assertEquals(a.transitions().size(), b.transitions().size());
    long inWeights = a.shocks().stream().filter(e -> !e.group().isEmpty()).count();
    assertTrue(inWeights >= 2, "only " + inWeights + " events in the weights: " + a.shocks());
  }
}
