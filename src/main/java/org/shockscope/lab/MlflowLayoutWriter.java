package org.shockscope.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * SPEC §3 (c), an MLflow file store: {@code mlruns/1/meta.yaml} for one experiment named after
 * the sweep, and per run {@code mlruns/1/<run_uuid>/} with {@code meta.yaml},
 * {@code params/<key>} (the value, no newline), {@code metrics/loss} and one file per extra
 * metric (lines
 * {@code <timestamp_ms> <value> <step>}, non-finite values as Python writes them),
 * {@code tags/mlflow.runName} (the run id) and
 * {@code artifacts/checkpoints/step_<N>.safetensors}. Run uuids are name-based (RFC 4122
 * version 3) on the sweep name and run id, which contains the seed, and timestamps count
 * milliseconds from 2026-01-01T00:00:00Z (one hour per run, one millisecond per step), so that
 * the same configuration always writes the same bytes.
 */
final class MlflowLayoutWriter implements LayoutWriter {
  static final String EXPERIMENT_ID = "1";
  /** 2026-01-01T00:00:00Z in epoch milliseconds. */
  static final long BASE_TIME_MS = 1_767_225_600_000L;
  private static final long RUN_SPACING_MS = 3_600_000L;

  private final Path experiment;
  private final LabConfig config;

  MlflowLayoutWriter(Path root, LabConfig config) {
    this.experiment = root.resolve("mlruns").resolve(EXPERIMENT_ID);
    this.config = config;
  }

  /** The MLflow run id (32 hex digits) of run {@code runId} in sweep {@code sweepName}. */
  static String runUuid(String sweepName, String runId) {
    return UUID.nameUUIDFromBytes(("shockscope-lab/" + sweepName + "/" + runId)
        .getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
  }

  private static void metric(Path dir, String name, StepSeries m, long start)
      throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < m.size(); i++) {
      text.append(start + m.steps()[i]).append(' ').append(LogNumberFormat.metric(m.values()[i]))
          .append(' ').append(m.steps()[i]).append('\n');
    }
    SweepFiles.text(dir.resolve("metrics").resolve(name), text.toString());
  }

  @Override
  public void write(int index, TrainedRun run) throws IOException {
    String uuid = runUuid(config.name(), run.runId());
    Path dir = experiment.resolve(uuid);
    long start = BASE_TIME_MS + index * RUN_SPACING_MS;
    for (Map.Entry<String, Object> e : run.params().entrySet()) {
      SweepFiles.text(dir.resolve("params").resolve(e.getKey()),
          LogNumberFormat.param(e.getValue()));
    }
    metric(dir, "loss", run.metrics(), start);
    for (Map.Entry<String, StepSeries> e : run.extraMetrics().entrySet()) {
      metric(dir, e.getKey(), e.getValue(), start);
    }
    SweepFiles.text(dir.resolve("tags").resolve("mlflow.runName"), run.runId());
    SweepFiles.text(dir.resolve("tags").resolve("mlflow.user"), "shockscope");
    for (Checkpoint c : run.checkpoints()) {
      SweepFiles.safetensors(dir.resolve("artifacts").resolve("checkpoints")
          .resolve("step_" + c.step() + ".safetensors"), c.tensors());
    }
    SweepFiles.text(dir.resolve("meta.yaml"), "artifact_uri: "
        + dir.resolve("artifacts").toAbsolutePath().toUri() + "\n"
        + "end_time: " + (start + run.lastStep() + 1) + "\n"
        + "entry_point_name: ''\n"
        + "experiment_id: '" + EXPERIMENT_ID + "'\n"
        + "lifecycle_stage: active\n"
        + "run_id: " + uuid + "\n"
        + "run_name: " + quoted(run.runId()) + "\n"
        + "run_uuid: " + uuid + "\n"
        + "source_name: ''\n"
        + "source_type: 4\n"
        + "source_version: ''\n"
        + "start_time: " + start + "\n"
        + "status: 3\n"
        + "tags: []\n"
        + "user_id: shockscope\n");
  }

  @Override
  public void finish() throws IOException {
    SweepFiles.text(experiment.resolve("meta.yaml"), "artifact_location: "
        + experiment.toAbsolutePath().toUri() + "\n"
        + "creation_time: " + BASE_TIME_MS + "\n"
        + "experiment_id: '" + EXPERIMENT_ID + "'\n"
        + "last_update_time: " + BASE_TIME_MS + "\n"
        + "lifecycle_stage: active\n"
        + "name: " + quoted(config.name()) + "\n");
  }

  /** A YAML single-quoted scalar. */
  private static String quoted(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
