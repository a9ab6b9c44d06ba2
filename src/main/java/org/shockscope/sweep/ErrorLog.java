package org.shockscope.sweep;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.shockscope.ErrorRecord;

/** Collects the error records of one unit of discovery work (one run, or the sweep's files). */
final class ErrorLog {
  static final String STAGE = "discovery";

  private final List<ErrorRecord> records = new ArrayList<>();

  void add(String source, String runId, Long step, Problem problem, String message) {
    records.add(new ErrorRecord(source, runId, step, STAGE, problem.code(), message));
  }

  /** Records a failed read or listing of {@code source}. */
  void io(String source, String runId, Long step, IOException e) {
    if (e instanceof FileTooLargeException) {
      add(source, runId, step, Problem.TOO_LARGE, e.getMessage());
    } else {
      add(source, runId, step, Problem.UNREADABLE, "Cannot read " + source + ": " + e);
    }
  }

  void addAll(List<ErrorRecord> more) {
    records.addAll(more);
  }

  List<ErrorRecord> records() {
    return records;
  }
}
