package org.shockscope.sweep;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Reads one run folder of an MLflow file store (SPEC §3c),
 * {@code mlruns/<experiment_id>/<run_uuid>/}:
 * <ul>
 *   <li>{@code params/<key>}: the file's content is the value (a trailing line break, as left
 *       by hand-written files, is dropped); keys containing {@code /} are nested folders;</li>
 *   <li>{@code metrics/<key>}: see {@link MlflowMetricReader}; nested folders give keys such
 *       as {@code train/loss};</li>
 *   <li>{@code tags/mlflow.runName}: the run's name (other tags are not read);</li>
 *   <li>{@code meta.yaml}: only {@code lifecycle_stage}; runs deleted in MLflow
 *       ({@code lifecycle_stage: deleted}, kept on disk until {@code mlflow gc}) are skipped
 *       on purpose, without an error record;</li>
 *   <li>checkpoints anywhere under {@code artifacts/} (down to the depth limit), named as in
 *       the native layout ({@code step_<N>.*}) or Hugging Face folders {@code checkpoint-<N>/};
 *       other artifacts are ignored. The {@code artifact_uri} of meta.yaml is not followed: it
 *       is an absolute location that is wrong once a store is copied.</li>
 * </ul>
 * The run uuid is added to the parameters as {@code mlflow.run_id}.
 */
final class MlflowRunReader {
  static final String RUN_ID_PARAM = "mlflow.run_id";
  private static final String LOOKED_FOR = "metrics/<key>, artifacts/**/step_<N>.{safetensors,"
      + "npz,npy}, artifacts/**/checkpoint-<N>/";

  private MlflowRunReader() {}

  /**
   * What reading one MLflow run folder gave; the run and its error records carry the run uuid
   * as run id until the sweep's run ids are settled.
   *
   * @param uuid    the run's uuid (its folder name)
   * @param runName its {@code mlflow.runName} tag, or null
   * @param deleted true when MLflow marks it deleted (then nothing else was read)
   * @param result  the run and its error records
   */
  record MlflowRun(String uuid, String runName, boolean deleted, RunBuilder.RunResult result) {}

  /** True when {@code folder} is an MLflow run folder (has {@code params/} or {@code metrics/}). */
  static boolean isRun(Listing folder) {
    return folder.dir("params") != null || folder.dir("metrics") != null;
  }

  static MlflowRun read(SweepFileSystem files, Listing folder) {
    String uuid = folder.name();
    RunBuilder run = new RunBuilder(uuid, folder.uri());
    FileStatus meta = folder.file("meta.yaml");
    if (meta != null && isDeleted(files, meta, uuid, run.log)) {
      return new MlflowRun(uuid, null, true, null);
    }
    String runName = runName(files, folder, uuid, run.log);
    FileStatus params = folder.dir("params");
    if (params != null) {
      files.walkFiles(params.getPath(), uuid, run.log, (key, file) -> {
        byte[] value = files.readSmall(file, uuid, null, run.log);
        if (value != null) {
          run.params.put(key, stripLineBreak(new String(value, StandardCharsets.UTF_8)));
        }
      });
    }
    run.params.put(RUN_ID_PARAM, uuid);
    FileStatus metrics = folder.dir("metrics");
    if (metrics != null) {
      files.walkFiles(metrics.getPath(), uuid, run.log, (key, file) ->
          MlflowMetricReader.read(files, file, key, uuid, run.metrics, run.log));
    }
    FileStatus artifacts = folder.dir("artifacts");
    if (artifacts != null) {
      files.walk(artifacts.getPath(), uuid, run.log, new SweepFileSystem.Visitor() {
        @Override
        public boolean folder(String relative, FileStatus dir) {
          long step = CheckpointNames.hfStep(dir.getPath().getName());
          if (CheckpointNames.isCheckpointFile(dir.getPath().getName())) {
            run.log.add(dir.getPath().toString(), uuid, null, Problem.BAD_NAME, "Folder "
                + dir.getPath() + " is named like a checkpoint file; checkpoints are files"
                + " step_<N>.safetensors, step_<N>.npz or step_<N>.npy");
            return false;
          }
          if (step < 0) {
            return true;
          }
          try {
            Listing ckpt = files.list(dir.getPath());
            HfCheckpointReader.read(files, ckpt, step, uuid, run.checkpoints, run.log);
            run.checkpointConfig(step, ckpt.file(RunFolderReader.CONFIG));
          } catch (IOException e) {
            run.log.io(dir.getPath().toString(), uuid, step, e);
          }
          return false;
        }

        @Override
        public void file(String relative, FileStatus file) {
          CheckpointNames.addArtifact(file, uuid, run.checkpoints, run.log);
        }
      });
    }
    run.readConfig(files, null);
    return new MlflowRun(uuid, runName, false, run.build(LOOKED_FOR));
  }

  private static boolean isDeleted(SweepFileSystem files, FileStatus meta, String uuid,
                                   ErrorLog log) {
    try {
      for (String line : files.readSmallText(meta).split("\n")) {
        String l = line.strip();
        if (l.startsWith("lifecycle_stage:")) {
          return l.substring("lifecycle_stage:".length()).strip().equals("deleted");
        }
      }
    } catch (IOException e) {
      log.io(meta.getPath().toString(), uuid, null, e);
    }
    return false;
  }

  private static String runName(SweepFileSystem files, Listing folder, String uuid,
                                ErrorLog log) {
    if (folder.dir("tags") == null) {
      return null;
    }
    Path tag = new Path(folder.dir("tags").getPath(), "mlflow.runName");
    try {
      FileStatus status = files.status(tag);
      if (status.isDirectory()) {
        log.add(tag.toString(), uuid, null, Problem.UNREADABLE, tag + " is a folder; a file"
            + " holding the run's name was expected");
        return null;
      }
      String name = stripLineBreak(files.readSmallText(status));
      return name.isBlank() ? null : name;
    } catch (FileNotFoundException e) {
      return null;
    } catch (IOException e) {
      log.io(tag.toString(), uuid, null, e);
      return null;
    }
  }

  private static String stripLineBreak(String s) {
    if (s.endsWith("\r\n")) {
      return s.substring(0, s.length() - 2);
    }
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }
}
