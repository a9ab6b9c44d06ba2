package org.shockscope.sweep;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;

/**
 * Reads one run folder of the native layout (SPEC §3a) or of Hugging Face Trainer output
 * (§3b); the two differ only in which files a run holds, so one reader understands both, and a
 * run may mix them.
 *
 * <p>Hyperparameters: {@code params.json}, overridden key by key by the run's row of
 * {@code runs.csv} (the sweep's manifest wins where both set a key; keys only one of them sets
 * are kept). Metrics, later sources overriding earlier ones for the same (metric, step): the
 * {@code trainer_state.json} of the newest {@code checkpoint-<N>/} that has one, the run
 * folder's {@code trainer_state.json}, {@code metrics.csv}, {@code metrics.jsonl}. TensorBoard
 * event files (see {@link TensorBoardLogs}: in the folder, {@code runs/},
 * {@code lightning_logs/}) are read only when those files are absent or give no metric point,
 * so a run that logged both ways is never counted twice and its JSON or CSV logs, which hold
 * full-precision values, win.
 * Checkpoints: every file of {@code checkpoints/} (each must be {@code step_<N>.<ext>}; hidden
 * names starting with {@code .} or {@code _} are skipped) and every {@code checkpoint-<N>/}
 * folder. Weights at the run folder's top level (the Trainer's final {@code save_model}) are
 * not a checkpoint: their step is not recorded, and with {@code load_best_model_at_end} they
 * are not even the last weights. {@code config.json}: the run folder's, else the newest
 * checkpoint's. A folder named like one of these files is reported, never silently skipped.
 */
final class RunFolderReader {
  static final String PARAMS = "params.json";
  static final String METRICS_CSV = "metrics.csv";
  static final String METRICS_JSONL = "metrics.jsonl";
  static final String CHECKPOINTS = "checkpoints";
  static final String TRAINER_STATE = "trainer_state.json";
  static final String CONFIG = "config.json";
  /** Names that are files when present; a folder of such a name is an unusable input. */
  private static final List<String> EXPECTED_FILES = List.of(PARAMS, METRICS_CSV,
      METRICS_JSONL, TRAINER_STATE, CONFIG);
  private static final String LOOKED_FOR = "metrics.csv, metrics.jsonl, trainer_state.json,"
      + " TensorBoard event files (events.out.tfevents.* in the folder, runs/ or"
      + " lightning_logs/), checkpoints/step_<N>.{safetensors,npz,npy}, checkpoint-<N>/";

  private RunFolderReader() {}

  /** True when {@code folder} looks like Hugging Face Trainer output. */
  static boolean isHuggingFace(Listing folder) {
    return folder.file(TRAINER_STATE) != null
        || folder.visibleDirs().stream().anyMatch(d -> hfStep(d) >= 0);
  }

  /** True when {@code folder} holds what a run of either layout holds, besides parameters. */
  static boolean holdsRunData(Listing folder) {
    return isHuggingFace(folder) || folder.dir(CHECKPOINTS) != null
        || folder.file(METRICS_CSV) != null || folder.file(METRICS_JSONL) != null
        || TensorBoardLogs.holdsLogs(folder);
  }

  /** True when {@code folder} is a run folder of either layout. */
  static boolean isRun(Listing folder) {
    return holdsRunData(folder) || folder.file(PARAMS) != null;
  }

  /**
   * Reads run {@code runId} from {@code folder}.
   *
   * @param manifest the run's row of {@code runs.csv}, or null
   */
  static RunBuilder.RunResult read(SweepFileSystem files, Listing folder, String runId,
                         Map<String, String> manifest) {
    RunBuilder run = new RunBuilder(runId, folder.uri());
    FileStatus paramsFile = folder.file(PARAMS);
    if (paramsFile != null) {
      Map<String, String> p = ParamsJson.read(files, paramsFile, runId, run.log);
      if (p != null) {
        run.params.putAll(p);
      }
    }
    if (manifest != null) {
      run.params.putAll(manifest);
    }
    FileStatus newestState = null;
    long newestStateStep = -1;
    for (FileStatus d : folder.visibleDirs()) {
      long step = hfStep(d);
      if (step < 0) {
        continue;
      }
      Listing ckpt;
      try {
        ckpt = files.list(d.getPath());
      } catch (IOException e) {
        run.log.io(d.getPath().toString(), runId, step, e);
        continue;
      }
      HfCheckpointReader.read(files, ckpt, step, runId, run.checkpoints, run.log);
      run.notAFolder(ckpt.dir(TRAINER_STATE));
      run.checkpointConfig(step, ckpt.file(CONFIG));
      if (ckpt.file(TRAINER_STATE) != null && step > newestStateStep) {
        newestStateStep = step;
        newestState = ckpt.file(TRAINER_STATE);
      }
    }
    for (FileStatus state : new FileStatus[] {newestState, folder.file(TRAINER_STATE)}) {
      if (state != null) {
        TrainerStateReader.read(files, state, runId, run.metrics, run.log);
      }
    }
    FileStatus csv = folder.file(METRICS_CSV);
    if (csv != null) {
      MetricsCsvReader.read(files, csv, runId, run.metrics, run.log);
    }
    FileStatus jsonl = folder.file(METRICS_JSONL);
    if (jsonl != null) {
      MetricsJsonlReader.read(files, jsonl, runId, run.metrics, run.log);
    }
    if (run.metrics.isEmpty()) {
      TensorBoardLogs.read(files, folder, runId, run.metrics, run.log);
    }
    FileStatus checkpoints = folder.dir(CHECKPOINTS);
    if (checkpoints != null) {
      readCheckpointFolder(files, checkpoints, run);
    }
    run.readConfig(files, folder.file(CONFIG));
    for (String name : EXPECTED_FILES) {
      run.notAFolder(folder.dir(name));
    }
    return run.build(LOOKED_FOR);
  }

  private static void readCheckpointFolder(SweepFileSystem files, FileStatus dir,
                                           RunBuilder run) {
    Listing listing;
    try {
      listing = files.list(dir.getPath());
    } catch (IOException e) {
      run.log.io(dir.getPath().toString(), run.runId(), null, e);
      return;
    }
    for (FileStatus f : listing.visibleFiles()) {
      CheckpointNames.addNative(f, run.runId(), run.checkpoints, run.log);
    }
    for (FileStatus d : listing.visibleDirs()) {
      run.log.add(d.getPath().toString(), run.runId(), null, Problem.BAD_NAME, "Folder "
          + d.getPath() + " in checkpoints/ is not a checkpoint: checkpoints are files"
          + " step_<N>.safetensors, step_<N>.npz or step_<N>.npy");
    }
  }

  private static long hfStep(FileStatus dir) {
    return CheckpointNames.hfStep(dir.getPath().getName());
  }
}
