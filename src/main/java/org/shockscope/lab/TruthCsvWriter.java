package org.shockscope.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code truth.csv}: one row per known transition, columns
 * {@code run_id,family,kind,series,step,source,width,detail}. Measured steps are integers,
 * analytic ones keep three decimals; {@code width} (tanh width in steps) is empty when unknown.
 */
final class TruthCsvWriter {
  static final List<String> HEADER = List.of("run_id", "family", "kind", "series", "step",
      "source", "width", "detail");

  private final List<List<String>> rows = new ArrayList<>();

  void add(TrainedRun run) {
    for (TruthEvent e : run.truth()) {
      rows.add(List.of(e.runId(), e.family().label(), e.kind(), e.series(), decimal(e.step()),
          e.source(), Double.isNaN(e.width()) ? "" : decimal(e.width()), e.detail()));
    }
  }

  int size() {
    return rows.size();
  }

  void write(Path file) throws IOException {
    SweepFiles.csv(file, HEADER, rows);
  }

  private static String decimal(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return LogNumberFormat.label(Math.round(v * 1000) / 1000.0);
  }
}
