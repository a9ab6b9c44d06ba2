package org.shockscope.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.hadoop.fs.FileStatus;

/**
 * Reads the metrics of a Hugging Face {@code trainer_state.json} (SPEC §3b): its
 * {@code log_history} list of entries such as
 * {@code {"step": 10, "loss": 0.5, "learning_rate": 1e-4, "epoch": 0.1}} or
 * {@code {"step": 100, "eval_loss": 0.4, ...}}. Every numeric field other than {@code step}
 * becomes a point of the series of that name (as in {@link MetricsJsonlReader}); entries
 * without a step are skipped and summarised in one error record.
 */
final class TrainerStateReader {
  private TrainerStateReader() {}

  static void read(SweepFileSystem files, FileStatus file, String runId, SeriesAccumulator into,
                   ErrorLog log) {
    String source = file.getPath().toString();
    JsonNode root = LenientJson.read(files, file, runId, null, log);
    if (root == null) {
      return;
    }
    JsonNode history = root.get("log_history");
    if (history == null || !history.isArray()) {
      log.add(source, runId, null, Problem.MALFORMED_JSON, source
          + " has no \"log_history\" list");
      return;
    }
    LineProblems problems = new LineProblems();
    for (int i = 0; i < history.size(); i++) {
      JsonNode entry = history.get(i);
      long step = entry.isObject() ? LenientJson.step(entry.get("step")) : -1;
      if (step < 0) {
        problems.add("log_history[" + i + "]", "not an object with a non-negative integer"
            + " \"step\"");
      } else {
        LenientJson.addMetrics(entry, step, into);
      }
    }
    problems.report(log, source, runId);
  }
}
