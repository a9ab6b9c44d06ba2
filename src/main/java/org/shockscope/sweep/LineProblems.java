package org.shockscope.sweep;

import java.util.ArrayList;
import java.util.List;

/**
 * The unusable lines (or entries) of one otherwise readable file, reported as a single error
 * record naming the file, the count and the first few examples, so that a damaged million-line
 * log gives one row of the errors table rather than a million.
 */
final class LineProblems {
  private static final int EXAMPLES = 3;

  private final List<String> examples = new ArrayList<>();
  private long count;

  /** One problem at {@code where} ({@code "line 7"}, {@code "log_history[3]"}). */
  void add(String where, String what) {
    count++;
    if (examples.size() < EXAMPLES) {
      examples.add(where + ": " + what);
    }
  }

  long count() {
    return count;
  }

  /** Adds the summary to {@code log} when there was any problem. */
  void report(ErrorLog log, String source, String runId) {
    report(log, source, runId, Problem.BAD_LINES, "lines or values");
  }

  /**
   * Adds the summary to {@code log} as a {@code problem} record when there was any problem;
   * {@code skipped} says what was skipped ({@code "lines or values"}, {@code "records"}).
   */
  void report(ErrorLog log, String source, String runId, Problem problem, String skipped) {
    if (count > 0) {
      log.add(source, runId, null, problem, source + ": " + count
          + (count == 1 ? " problem" : " problems") + " (" + skipped + " skipped, the rest was"
          + " used); " + String.join("; ", examples) + (count > examples.size() ? "; ..." : ""));
    }
  }
}
