package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.io.Tensor;
import org.shockscope.io.TensorFile;
import org.shockscope.io.TensorFiles;
import org.shockscope.sweep.CheckpointRef;
import org.shockscope.sweep.MetricSeries;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.Sweep;
import org.shockscope.sweep.SweepDiscovery;
import org.shockscope.sweep.SweepLayout;

/**
 * The two ends of the input contract meet: what the lab trains and writes in each layout is
 * what sweep discovery and the tensor readers give back — the same runs, hyperparameters,
 * metric series (non-finite values included), checkpoint steps and weights.
 */
class LabSweepDiscoveryTest {
  @TempDir
  static Path dir;
  static final Map<String, TrainedRun> TRAINED = new LinkedHashMap<>();

  @BeforeAll
  static void generate() {
    LabConfig c = TinySweep.config();
    Lab.generate(c, dir);
    for (PlannedRun p : c.plan()) {
      TRAINED.put(p.runId(), p.train());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"native", "hf", "mlflow"})
  void discoveryGivesBackWhatTheLabWrote(String layout) {
    Sweep sweep = SweepDiscovery.discover(dir.resolve(layout).toString(), new Configuration());
    assertEquals(Map.of("native", SweepLayout.NATIVE, "hf", SweepLayout.HUGGING_FACE,
        "mlflow", SweepLayout.MLFLOW).get(layout), sweep.layout());
    assertEquals(List.of(), sweep.errors());
    assertEquals(new TreeSet<>(TRAINED.keySet()),
        new TreeSet<>(sweep.runs().stream().map(RunInfo::runId).toList()));
    for (RunInfo found : sweep.runs()) {
      TrainedRun run = TRAINED.get(found.runId());
      for (String key : run.params().keySet()) {
        assertEquals(run.param(key), found.params().get(key), run.runId() + " " + key);
      }
      MetricSeries loss = found.metrics().get("loss");
      assertNotNull(loss, run.runId() + " has no loss series");
      long[] steps = new long[run.metrics().size()];
      for (int i = 0; i < steps.length; i++) {
        steps[i] = run.metrics().steps()[i];
      }
      assertArrayEquals(steps, loss.steps(), run.runId());
      assertArrayEquals(run.metrics().values(), loss.values(), 0.0, run.runId());
      assertEquals(run.checkpoints().stream().map(c -> (long) c.step()).toList(),
          found.checkpoints().stream().map(CheckpointRef::step).toList(), run.runId());
      Checkpoint last = run.checkpoints().get(run.checkpoints().size() - 1);
      assertSameWeights(last, found.checkpoints().get(found.checkpoints().size() - 1));
    }
  }

  private static void assertSameWeights(Checkpoint expected, CheckpointRef ref) {
    Map<String, Tensor> read = new LinkedHashMap<>();
    for (String f : ref.files()) {
      try (TensorFile file = TensorFiles.open(f, new Configuration())) {
        read.putAll(file.readAll());
      }
    }
    assertEquals(expected.tensors().size(), read.size(), ref.files().toString());
    for (Tensor t : expected.tensors()) {
      Tensor r = read.get(t.name());
      assertNotNull(r, t.name() + " in " + ref.files());
      assertArrayEquals(t.shape(), r.shape(), t.name());
      double[] stored = new double[t.numel()];
      for (int i = 0; i < stored.length; i++) {
        stored[i] = (float) t.data()[i];
      }
      assertArrayEquals(stored, r.data(), 0.0, t.name() + " in " + ref.files());
    }
  }
}
