package org.shockscope.sweep;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;

/**
 * Reads one metric file of an MLflow file store (SPEC §3c), {@code metrics/<key>}: one point a
 * line, {@code <timestamp_ms> <value> <step>}, the value as Python prints a float
 * ({@code 0.25}, {@code nan}, {@code inf}, {@code -inf}). Files written by very old MLflow
 * versions have no step column; the step is then the 0-based index of the line among the
 * file's non-blank lines. A file is of that old kind only when none of its lines has a step:
 * in a file that has steps, a line with two fields is a line cut short, whose index is no step,
 * so it is skipped like every unreadable line. Unreadable lines are summarised in one error
 * record.
 */
final class MlflowMetricReader {
  private MlflowMetricReader() {}

  static void read(SweepFileSystem files, FileStatus file, String key, String runId,
                   SeriesAccumulator into, ErrorLog log) {
    String source = file.getPath().toString();
    SeriesAccumulator.Column local = new SeriesAccumulator().column(key);
    SeriesAccumulator.Column column = into.column(key);
    LineProblems problems = new LineProblems();
    // lines without a step, held until the file is known to have no line with one
    SeriesAccumulator.Column stepless = new SeriesAccumulator().column(key);
    List<Long> steplessLines = new ArrayList<>();
    boolean withSteps = false;
    String[] parts = new String[4];
    try (BufferedReader r = files.openLog(file)) {
      long lineNo = 0;
      long index = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        int n = split(line.trim(), parts);
        long step = n == 3 ? LogNumberParser.step(parts[2]) : index;
        index++;
        withSteps |= n == 3;
        if (n != 2 && n != 3) {
          problems.add("line " + lineNo, "expected '<timestamp> <value> <step>'");
        } else if (!LogNumberParser.isDecimal(parts[0])) {
          problems.add("line " + lineNo, "timestamp '" + parts[0] + "' is not a number");
        } else if (step < 0) {
          problems.add("line " + lineNo, "step '" + parts[2] + "' is not a non-negative integer");
        } else {
          try {
            double v = LogNumberParser.metric(parts[1], false);
            if (n == 3) {
              local.add(step, v);
            } else {
              stepless.add(step, v);
              steplessLines.add(lineNo);
            }
          } catch (NumberFormatException e) {
            problems.add("line " + lineNo, "value '" + parts[1] + "' is not a number");
          }
        }
      }
    } catch (IOException e) {
      log.io(source, runId, null, e);
      return;
    }
    if (withSteps) {
      for (long l : steplessLines) {
        problems.add("line " + l, "no step, where the file's other lines have one");
      }
    } else {
      stepless.copyTo(local);
    }
    local.copyTo(column);
    problems.report(log, source, runId);
  }

  /** Splits on runs of blanks into {@code out}; returns the field count (capped past 3). */
  private static int split(String line, String[] out) {
    int n = 0;
    int i = 0;
    int len = line.length();
    while (i < len && n < out.length) {
      while (i < len && Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < len && !Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      if (i > start) {
        out[n++] = line.substring(start, i);
      }
    }
    return n;
  }
}
