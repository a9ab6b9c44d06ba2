package org.shockscope.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.io.DType;
import org.shockscope.io.SafetensorsWriter;
import org.shockscope.io.Tensor;
import org.shockscope.shock.SeriesRole;
import org.shockscope.io.TensorFile;
import org.shockscope.io.TensorFiles;
import org.shockscope.io.TensorInfo;
import org.shockscope.lab.Lab;
import org.shockscope.lab.LabConfigJson;
import org.shockscope.shock.DetectorConfig;
import org.shockscope.shock.RunShocks;
import org.shockscope.shock.SeriesData;
import org.shockscope.shock.ShockDetector;
import org.shockscope.shock.ShockEvent;
import org.shockscope.sweep.CheckpointRef;
import org.shockscope.sweep.MetricSeries;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.SweepDiscovery;

/**
 * SPEC §5's symmetry contract end to end, from files to events: a twin of each lab run whose
 * every checkpoint is moved by its own random group element (GL(h) for linear chains,
 * permutations × positive rescalings for ReLU networks) and stored in float64, with the same
 * metrics, gives the same events as the original — the same series, kinds and count, steps
 * equal up to one step of rounding. The series are those the job scans (every observable but
 * the deliberately raw ones, and every metric).
 */
class ScrambledTwinTest {
  static final String CONFIG = """
      {"name": "twin", "seeds": [5], "dtype": "F32", "layouts": ["native"],
       "families": {
         "deep-linear": {"optimizers": ["gd"], "lrs": [0.02], "depths": [2, 3],
                         "inits": ["aligned", "random"], "steps": 800, "checkpoint_every": 10,
                         "log_every": 2},
         "catapult": {"lr_scales": [3.0], "activations": ["relu"], "widths": [32],
                      "steps": 300, "checkpoint_every": 5, "log_every": 1}}}
      """;
  /** The observables the job reports but never scans (RunDetection). */
  static final Set<String> RAW = Set.of("raw_norm", "raw_step", "redundancy", "drift_fraction");

  @TempDir
  static Path dir;
  static List<RunInfo> runs;

  @BeforeAll
  static void train() {
    Lab.generate(LabConfigJson.parse(CONFIG, "ScrambledTwinTest"), dir);
    runs = SweepDiscovery.discover(dir.resolve("native").toString(), new Configuration()).runs();
  }

  @Test
  void scrambledTwinsHaveTheSameEventsAsTheirOriginals() throws IOException {
    int events = 0;
    for (RunInfo run : runs) {
      Random rnd = new Random(run.runId().hashCode());
      boolean chain = run.params().get("model").equals("deep-linear");
      Path twinDir = Files.createDirectories(dir.resolve("twin").resolve(run.runId()));
      List<String> twinFiles = new ArrayList<>();
      for (CheckpointRef ref : run.checkpoints()) {
        Map<String, Tensor> moved = scramble(read(ref.files().get(0)), chain, rnd);
        Path file = twinDir.resolve("step_" + ref.step() + ".safetensors");
        List<Tensor> f64 = new ArrayList<>();
        moved.values().forEach(t -> f64.add(new Tensor(t.name(), DType.F64, t.shape(),
            t.data())));
        try (OutputStream out = Files.newOutputStream(file)) {
          SafetensorsWriter.write(out, f64, Map.of());
        }
        twinFiles.add(file.toUri().toString());
      }
      List<String> originalFiles = new ArrayList<>();
      run.checkpoints().forEach(c -> originalFiles.add(c.files().get(0)));

      RunShocks original = detect(run, originalFiles);
      RunShocks twin = detect(run, twinFiles);
      List<ShockEvent> a = original.shocks();
      List<ShockEvent> b = twin.shocks();
      assertEquals(describe(a), describe(b), run.runId() + ": series and kinds of the events");
      for (int i = 0; i < a.size(); i++) {
        assertTrue(Math.abs(a.get(i).step() - b.get(i).step()) <= 1,
            run.runId() + ": " + a.get(i) + " vs " + b.get(i));
      }
      assertEquals(original.transitions().size(), twin.transitions().size(), run.runId());
      events += a.size();
    }
    // the comparison means something only if the runs have events in their observables
    assertTrue(events >= 2 * runs.size(), "only " + events + " events in " + runs.size()
        + " runs");
  }

  static List<String> describe(List<ShockEvent> events) {
    List<String> out = new ArrayList<>();
    for (ShockEvent e : events) {
      out.add(e.group() + "/" + e.series() + ":" + e.kind());
    }
    return out;
  }

  private static Map<String, Tensor> scramble(Map<String, Tensor> ckpt, boolean chain,
                                              Random rnd) {
    if (chain) {
      return GroupActions.linearChain(ckpt, rnd);
    }
    Map<String, Tensor> moved = GroupActions.copy(ckpt);
    GroupActions.linearLayer(moved, rnd, "fc1.weight",
        moved.containsKey("fc1.bias") ? "fc1.bias" : null, "fc2.weight",
        GroupActions.Kind.POSITIVE_SCALE);
    return moved;
  }

  /** Modes per matrix scanned as series (the job's RunDetection.DEFAULT_MODES). */
  private static final int MODES = 8;

  /**
   * The run's scanned series from the given checkpoint files, as the job forms them (structure
   * from the run's config.json when it has one, and its activation).
   */
  static RunShocks detect(RunInfo run, List<String> files) {
    Map<String, TreeMap<Long, Double>> series = new TreeMap<>();
    QuotientKernel kernel = null;
    Map<String, Tensor> prev = null;
    for (int i = 0; i < files.size(); i++) {
      long step = run.checkpoints().get(i).step();
      Map<String, Tensor> cur = read(files.get(i));
      if (kernel == null) {
        List<TensorInfo> infos = new ArrayList<>();
        cur.values().forEach(t -> infos.add(TensorInfo.of(t)));
        ModelDescription d = run.configJson() == null ? ModelDescription.none()
            : ModelDescription.none().withHfConfig(run.configJson());
        kernel = new QuotientKernel(StructureInference.infer(infos,
            d.withActivationHint(run.params().get("activation"))));
      }
      CheckpointObservables seen = kernel.observe(cur);
      List<Observable> obs = new ArrayList<>(seen.observables());
      // the mode series: the k largest singular values of every matrix, one series per mode
      for (Spectrum sp : seen.spectra()) {
        for (int k = 0; k < Math.min(sp.sv().length, MODES); k++) {
          if (!(sp.sv()[k] > sp.sv()[0] * SeriesRole.MODE_RESOLUTION)) {
            continue;
          }
          series.computeIfAbsent(sp.group() + "\u0000" + sp.matrix() + "/sv" + (k + 1),
              x -> new TreeMap<>()).put(step, sp.sv()[k]);
        }
      }
      if (prev != null) {
        obs.addAll(kernel.motion(prev, cur));
      }
      for (Observable o : obs) {
        if (!RAW.contains(o.name())) {
          series.computeIfAbsent(o.group() + "\u0000" + o.name(), k -> new TreeMap<>())
              .put(step, o.value());
        }
      }
      prev = cur;
    }
    List<SeriesData> data = new ArrayList<>();
    for (Map.Entry<String, TreeMap<Long, Double>> e : series.entrySet()) {
      String[] key = e.getKey().split("\u0000", -1);
      data.add(of(key[1], key[0], e.getValue()));
    }
    for (Map.Entry<String, MetricSeries> m : run.metrics().entrySet()) {
      data.add(new SeriesData(m.getKey(), "", m.getValue().steps(), m.getValue().values()));
    }
    return new ShockDetector(DetectorConfig.DEFAULTS).detectRun(data);
  }

  private static SeriesData of(String name, String group, TreeMap<Long, Double> points) {
    long[] steps = new long[points.size()];
    double[] values = new double[points.size()];
    int i = 0;
    for (Map.Entry<Long, Double> p : points.entrySet()) {
      steps[i] = p.getKey();
      values[i++] = p.getValue();
    }
    return new SeriesData(name, group, steps, values);
  }

  static Map<String, Tensor> read(String uri) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    try (TensorFile f = TensorFiles.open(uri, new Configuration())) {
      m.putAll(f.readAll());
    }
    return m;
  }
}
