package org.shockscope.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import org.apache.hadoop.fs.FileStatus;

/**
 * Reads a native {@code metrics.jsonl} (SPEC §3a): one JSON object a line,
 * {@code {"step": N, "<metric>": v, ...}}. Every field other than {@code step} whose value is a
 * number (also {@code NaN}/{@code Infinity} literals, {@code null} meaning not logged, and numeric
 * strings such as {@code "nan"}) is a point of that metric; text, booleans, objects and arrays
 * are not metrics. Blank lines are skipped; lines that are not JSON objects or lack a
 * non-negative integer {@code step} are skipped and summarised in one error record.
 */
final class MetricsJsonlReader {
  private MetricsJsonlReader() {}

  static void read(SweepFileSystem files, FileStatus file, String runId, SeriesAccumulator into,
                   ErrorLog log) {
    String source = file.getPath().toString();
    SeriesAccumulator local = new SeriesAccumulator();
    LineProblems problems = new LineProblems();
    try (BufferedReader r = files.openLog(file)) {
      long lineNo = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode rec;
        try {
          rec = LenientJson.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
          problems.add("line " + lineNo, "not JSON: " + LenientJson.describe(e));
          continue;
        }
        if (rec == null || !rec.isObject()) {
          problems.add("line " + lineNo, "not a JSON object");
          continue;
        }
        long step = LenientJson.step(rec.get("step"));
        if (step < 0) {
          problems.add("line " + lineNo, "no non-negative integer \"step\" (" + rec.get("step")
              + ")");
          continue;
        }
        LenientJson.addMetrics(rec, step, local);
      }
    } catch (IOException e) {
      log.io(source, runId, null, e);
      return;
    }
    into.addAll(local);
    problems.report(log, source, runId);
  }
}
