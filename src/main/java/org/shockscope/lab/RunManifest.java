package org.shockscope.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hyperparameters of a sweep's runs: {@code runs.csv} (column {@code run_id}, then every
 * key any run has, in first-seen order; empty where a run lacks the key) and each run's
 * {@code params.json} (its own keys, numbers as JSON numbers), as SPEC §3 (a) reads them.
 */
final class RunManifest {
  private final List<String> runIds = new ArrayList<>();
  private final List<Map<String, Object>> params = new ArrayList<>();

  void add(TrainedRun run) {
    runIds.add(run.runId());
    params.add(run.params());
  }

  void writeCsv(Path file) throws IOException {
    Set<String> keys = new LinkedHashSet<>();
    for (Map<String, Object> p : params) {
      keys.addAll(p.keySet());
    }
    List<String> header = new ArrayList<>();
    header.add("run_id");
    header.addAll(keys);
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < runIds.size(); i++) {
      List<String> row = new ArrayList<>();
      row.add(runIds.get(i));
      for (String k : keys) {
        Object v = params.get(i).get(k);
        row.add(v == null ? "" : LogNumberFormat.param(v));
      }
      rows.add(row);
    }
    SweepFiles.csv(file, header, rows);
  }

  static void writeParams(Path runDir, TrainedRun run) throws IOException {
    SweepFiles.json(runDir.resolve("params.json"), run.params());
  }
}
