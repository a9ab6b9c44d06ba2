package org.shockscope.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SPEC §3 (a): {@code native/sweep.json}, {@code native/runs.csv}, and per run
 * {@code <run_id>/params.json}, {@code <run_id>/metrics.csv} (wide: {@code step,loss} and any extra metrics) and
 * {@code <run_id>/checkpoints/step_<N>.safetensors} (or {@code .npz}, per
 * {@link NativeFormat}).
 */
final class NativeLayoutWriter implements LayoutWriter {
  /** The hyperparameters that define a grid cell (everything but the seed). */
  static final List<String> GROUP_BY = List.of("model", "optimizer", "lr", "lr_scale",
      "momentum", "batch_size", "weight_decay", "width", "depth", "init", "activation");

  private final Path root;
  private final LabConfig config;
  private final Map<String, Object> description;
  private final RunManifest manifest = new RunManifest();

  /** {@code description} is written as sweep.json's {@code lab} entry (how it was made). */
  NativeLayoutWriter(Path root, LabConfig config, Map<String, Object> description) {
    this.root = root;
    this.config = config;
    this.description = description;
  }

  @Override
  public void write(int index, TrainedRun run) throws IOException {
    Path dir = root.resolve(run.runId());
    manifest.add(run);
    RunManifest.writeParams(dir, run);
    StepSeries m = run.metrics();
    List<String> header = new ArrayList<>(List.of("step", "loss"));
    header.addAll(run.extraMetrics().keySet());
    List<List<String>> rows = new ArrayList<>(m.size());
    for (int i = 0; i < m.size(); i++) {
      List<String> row = new ArrayList<>(header.size());
      row.add(Integer.toString(m.steps()[i]));
      row.add(LogNumberFormat.metric(m.values()[i]));
      for (StepSeries x : run.extraMetrics().values()) {
        row.add(LogNumberFormat.metric(x.values()[i]));
      }
      rows.add(row);
    }
    SweepFiles.csv(dir.resolve("metrics.csv"), header, rows);
    boolean npz = config.nativeFormat().npz(index);
    for (Checkpoint c : run.checkpoints()) {
      Path file = dir.resolve("checkpoints").resolve("step_" + c.step()
          + (npz ? ".npz" : ".safetensors"));
      if (npz) {
        SweepFiles.npz(file, c.tensors());
      } else {
        SweepFiles.safetensors(file, c.tensors());
      }
    }
  }

  @Override
  public void finish() throws IOException {
    manifest.writeCsv(root.resolve("runs.csv"));
    Map<String, Object> sweep = new LinkedHashMap<>();
    sweep.put("name", config.name());
    sweep.put("generator", "shockscope lab");
    sweep.put("group_by", GROUP_BY);
    sweep.put("lab", description);
    SweepFiles.json(root.resolve("sweep.json"), sweep);
  }
}
