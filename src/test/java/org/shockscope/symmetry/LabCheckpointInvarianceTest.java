package org.shockscope.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.io.Tensor;
import org.shockscope.io.TensorFile;
import org.shockscope.io.TensorFiles;
import org.shockscope.io.TensorInfo;
import org.shockscope.lab.Lab;
import org.shockscope.lab.LabConfigJson;
import org.shockscope.sweep.CheckpointRef;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.SweepDiscovery;

/**
 * The invariance contract of SPEC §4 on checkpoints of real lab training runs (float64): deep
 * linear chains of depth 2 and 3 under random GL(h) elements, ReLU MLPs (teacher–student and
 * a catapult network with biases) under permutations × positive rescalings — every observable
 * but the deliberately raw ones unchanged to 1e-9 relative over 100 elements each, raw_norm
 * changed; and along every run, permutation-only quotient steps never above the raw steps.
 */
class LabCheckpointInvarianceTest {
  static final String CONFIG = """
      {"name": "invariance", "seeds": [0], "dtype": "F64", "layouts": ["native"],
       "families": {
         "deep-linear": {"optimizers": ["gd"], "lrs": [0.02], "depths": [2, 3],
                         "inits": ["random"], "steps": 300, "checkpoint_every": 50,
                         "log_every": 10},
         "teacher-student": {"lrs": [0.01], "widths": [4], "inputs": 20, "steps": 2000,
                             "checkpoint_every": 400, "log_every": 100, "test_samples": 100},
         "catapult": {"lr_scales": [0.5], "activations": ["relu"], "widths": [16],
                      "steps": 40, "checkpoint_every": 10, "log_every": 5}}}
      """;
  static final Set<String> RAW = Set.of("raw_norm", "redundancy");

  @TempDir
  static Path dir;
  static List<RunInfo> runs;

  @BeforeAll
  static void train() {
    Lab.generate(LabConfigJson.parse(CONFIG, "LabCheckpointInvarianceTest"), dir);
    runs = SweepDiscovery.discover(dir.resolve("native").toString(), new Configuration()).runs();
  }

  static Map<String, Tensor> read(CheckpointRef ref) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    try (TensorFile f = TensorFiles.open(ref.files().get(0), new Configuration())) {
      m.putAll(f.readAll());
    }
    return m;
  }

  static QuotientKernel kernel(Map<String, Tensor> ckpt, String activation) {
    List<TensorInfo> infos = new ArrayList<>();
    ckpt.values().forEach(t -> infos.add(TensorInfo.of(t)));
    return new QuotientKernel(StructureInference.infer(infos,
        ModelDescription.none().withActivationHint(activation)));
  }

  @Test
  void observablesOfLabCheckpointsAreInvariantAndRawNormsAreNot() {
    Random rnd = new Random(11);
    int checked = 0;
    for (RunInfo run : runs) {
      boolean chain = run.params().get("model").equals("deep-linear");
      Map<String, Tensor> ckpt = read(run.checkpoints().get(run.checkpoints().size() - 1));
      QuotientKernel k = kernel(ckpt, run.params().get("activation"));
      CheckpointObservables base = k.observe(ckpt);
      double worst = 0;
      double rawMoved = 0;
      for (int i = 0; i < 100; i++) {
        Map<String, Tensor> moved;
        if (chain) {
          moved = GroupActions.linearChain(ckpt, rnd);
        } else {
          moved = GroupActions.copy(ckpt);
          GroupActions.linearLayer(moved, rnd, "fc1.weight",
              moved.containsKey("fc1.bias") ? "fc1.bias" : null, "fc2.weight",
              GroupActions.Kind.POSITIVE_SCALE);
        }
        CheckpointObservables o = k.observe(moved);
        assertEquals(base.observables().size(), o.observables().size());
        for (int j = 0; j < o.observables().size(); j++) {
          Observable a = base.observables().get(j);
          Observable b = o.observables().get(j);
          double rel = Math.abs(a.value() - b.value())
              / Math.max(1e-300, Math.max(Math.abs(a.value()), Math.abs(b.value())));
          if (RAW.contains(a.name())) {
            rawMoved = Math.max(rawMoved, rel);
          } else {
            worst = Math.max(worst, rel);
            assertTrue(rel <= 1e-9, run.runId() + " " + a + " vs " + b);
          }
        }
        checked++;
      }
      assertTrue(rawMoved > 1e-3, run.runId() + ": raw_norm did not move (" + rawMoved + ")");
    }
    assertEquals(100 * runs.size(), checked);
  }

  @Test
  void permutationOnlyQuotientStepsNeverExceedRawStepsAlongLabRuns() {
    int pairs = 0;
    for (RunInfo run : runs) {
      if (run.params().get("model").equals("deep-linear")) {
        continue;
      }
      Map<String, Tensor> prev = null;
      QuotientKernel k = null;
      for (CheckpointRef ref : run.checkpoints()) {
        Map<String, Tensor> cur = read(ref);
        if (k == null) {
          // no activation hint: the group is permutations only
          k = kernel(cur, null);
        }
        if (prev != null) {
          Map<String, Double> raw = new LinkedHashMap<>();
          Map<String, Double> quotient = new LinkedHashMap<>();
          for (Observable o : k.motion(prev, cur)) {
            if (o.name().equals("raw_step")) {
              raw.put(o.group(), o.value());
            } else if (o.name().equals("quotient_step")) {
              quotient.put(o.group(), o.value());
            }
          }
          for (String g : quotient.keySet()) {
            assertTrue(quotient.get(g) <= raw.get(g) * (1 + 1e-12),
                run.runId() + " step " + ref.step() + " group " + g);
            pairs++;
          }
        }
        prev = cur;
      }
    }
    assertTrue(pairs >= 8, "only " + pairs + " checkpoint pairs compared");
  }
}
