package org.shockscope.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.shockscope.io.Tensor;

/**
 * SPEC §3 (b), as the Hugging Face Trainer lays out its output: per run
 * {@code <run>/checkpoint-<N>/model.safetensors} (or {@code model-0000k-of-0000n.safetensors}
 * shards with {@code model.safetensors.index.json}) and {@code config.json}, the run's
 * {@code config.json} and {@code trainer_state.json} (whose {@code log_history} holds
 * {@code {"loss", "step"}} entries, with any extra metrics in the same entry; also copied
 * into the last checkpoint, as the Trainer saves
 * it there), and — since the Trainer's own {@code training_args.bin} is a pickle — the
 * hyperparameters in {@code hf/runs.csv} and {@code <run>/params.json}. JSON keys are sorted,
 * as {@code transformers} writes them.
 */
final class HfLayoutWriter implements LayoutWriter {
  private final Path root;
  private final LabConfig config;
  private final RunManifest manifest = new RunManifest();

  HfLayoutWriter(Path root, LabConfig config) {
    this.root = root;
    this.config = config;
  }

  @Override
  public void write(int index, TrainedRun run) throws IOException {
    Path dir = root.resolve(run.runId());
    manifest.add(run);
    RunManifest.writeParams(dir, run);
    Map<String, Object> modelConfig = new TreeMap<>(run.modelConfig());
    modelConfig.put("torch_dtype", config.dtype() == org.shockscope.io.DType.F64 ? "float64"
        : config.dtype() == org.shockscope.io.DType.F32 ? "float32"
        : config.dtype() == org.shockscope.io.DType.F16 ? "float16" : "bfloat16");
    SweepFiles.json(dir.resolve("config.json"), modelConfig);
    Map<String, Object> state = trainerState(run);
    SweepFiles.json(dir.resolve("trainer_state.json"), state);
    List<Checkpoint> cps = run.checkpoints();
    for (int c = 0; c < cps.size(); c++) {
      Path cdir = dir.resolve("checkpoint-" + cps.get(c).step());
      writeModel(cdir, cps.get(c).tensors());
      SweepFiles.json(cdir.resolve("config.json"), modelConfig);
      if (c == cps.size() - 1) {
        SweepFiles.json(cdir.resolve("trainer_state.json"), state);
      }
    }
  }

  private void writeModel(Path cdir, List<Tensor> tensors) throws IOException {
    int shards = Math.min(config.hfShards(), tensors.size());
    if (shards <= 1) {
      SweepFiles.safetensors(cdir.resolve("model.safetensors"), tensors);
      return;
    }
    Map<String, Object> weightMap = new TreeMap<>();
    long total = 0;
    for (int s = 0; s < shards; s++) {
      List<Tensor> part = tensors.subList(s * tensors.size() / shards,
          (s + 1) * tensors.size() / shards);
      String name = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
      SweepFiles.safetensors(cdir.resolve(name), part);
      for (Tensor t : part) {
        weightMap.put(t.name(), name);
        total += (long) t.numel() * t.dtype().size();
      }
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("metadata", Map.of("total_size", total));
    index.put("weight_map", weightMap);
    SweepFiles.json(cdir.resolve("model.safetensors.index.json"), index);
  }

  private static Map<String, Object> trainerState(TrainedRun run) {
    StepSeries m = run.metrics();
    List<Map<String, Object>> history = new ArrayList<>(m.size());
    for (int i = 0; i < m.size(); i++) {
      Map<String, Object> e = new TreeMap<>();
      e.put("loss", m.values()[i]);
      e.put("step", m.steps()[i]);
      for (Map.Entry<String, StepSeries> x : run.extraMetrics().entrySet()) {
        e.put(x.getKey(), x.getValue().values()[i]);
      }
      history.add(e);
    }
    Schedule s = run.schedule();
    int perEpoch = Math.max(1, run.stepsPerEpoch());
    Map<String, Object> state = new TreeMap<>();
    state.put("best_metric", null);
    state.put("best_model_checkpoint", null);
    state.put("epoch", (double) run.lastStep() / perEpoch);
    state.put("eval_steps", s.logEvery());
    state.put("global_step", run.lastStep());
    state.put("is_hyper_param_search", false);
    state.put("is_local_process_zero", true);
    state.put("is_world_process_zero", true);
    state.put("log_history", history);
    state.put("logging_steps", s.logEvery());
    state.put("max_steps", s.steps());
    state.put("num_input_tokens_seen", 0);
    state.put("num_train_epochs", (s.steps() + perEpoch - 1) / perEpoch);
    state.put("save_steps", s.checkpointEvery());
    state.put("total_flos", 0.0);
    state.put("train_batch_size", run.params().get("batch_size"));
    state.put("trial_name", null);
    state.put("trial_params", null);
    return state;
  }

  @Override
  public void finish() throws IOException {
    manifest.writeCsv(root.resolve("runs.csv"));
  }
}
