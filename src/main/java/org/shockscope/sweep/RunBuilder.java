package org.shockscope.sweep;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.shockscope.ErrorRecord;

/** Gathers what the readers find in one run folder, then builds its {@link RunInfo}. */
final class RunBuilder {
  final Map<String, String> params = new TreeMap<>();
  final SeriesAccumulator metrics = new SeriesAccumulator();
  final CheckpointSet checkpoints = new CheckpointSet();
  final ErrorLog log = new ErrorLog();
  private final String runId;
  private final String location;
  private String configJson;
  private long newestConfigStep = -1;
  private FileStatus newestConfig;

  RunBuilder(String runId, String location) {
    this.runId = runId;
    this.location = location;
  }

  String runId() {
    return runId;
  }

  /**
   * Notes the {@code config.json} of the checkpoint at {@code step}; the newest is read when
   * the run has none of its own.
   */
  void checkpointConfig(long step, FileStatus config) {
    if (config != null && step > newestConfigStep) {
      newestConfigStep = step;
      newestConfig = config;
    }
  }

  /**
   * The run's Hugging Face configuration: {@code runConfig} when given (a {@code config.json}
   * in the run folder), else the newest checkpoint's. Its text is kept when it is a JSON object.
   */
  void readConfig(SweepFileSystem files, FileStatus runConfig) {
    FileStatus file = runConfig != null ? runConfig : newestConfig;
    if (file == null) {
      return;
    }
    LenientJson.Document d = LenientJson.readDocument(files, file, runId, null, log);
    if (d != null && d.tree().isObject()) {
      configJson = d.text();
    } else if (d != null) {
      log.add(file.getPath().toString(), runId, null, Problem.MALFORMED_JSON, file.getPath()
          + " is not a JSON object");
    }
  }

  /** Logs {@code dir}, a folder where a file of that name was expected; null is ignored. */
  void notAFolder(FileStatus dir) {
    if (dir != null) {
      log.add(dir.getPath().toString(), runId, null, Problem.UNREADABLE, dir.getPath()
          + " is a folder; a file was expected");
    }
  }

  /**
   * The run, or no run when it has neither a metric nor a checkpoint, which is logged naming
   * {@code lookedFor}; with the run's error records either way.
   */
  RunResult build(String lookedFor) {
    Map<String, MetricSeries> series = metrics.build();
    var ckpts = checkpoints.resolve(runId, log);
    if (series.isEmpty() && ckpts.isEmpty()) {
      log.add(location, runId, null, Problem.EMPTY_RUN, "Run folder " + location
          + " has no usable metric and no usable checkpoint (looked for " + lookedFor
          + "); the run is left out");
      return new RunResult(null, log.records());
    }
    return new RunResult(new RunInfo(runId, location, params, LogNumberParser.finiteValues(params),
        series, ckpts, configJson), log.records());
  }

  /**
   * What reading one run gave.
   *
   * @param run    the run, or null when it is left out
   * @param errors its error records
   */
  record RunResult(RunInfo run, List<ErrorRecord> errors) {}
}
