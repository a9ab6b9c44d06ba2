package org.shockscope.sweep;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.fs.FileStatus;

/**
 * Reads a native {@code metrics.csv} (SPEC §3a) in either shape:
 * <ul>
 *   <li>long, when the header is exactly {@code step,name,value} (any order and case): one
 *       point a row;</li>
 *   <li>wide otherwise: a {@code step} column (any position, any case) and one column per
 *       metric; columns with a blank header (a pandas index written by mistake) are not
 *       metrics.</li>
 * </ul>
 * A blank cell means "not logged at this step" (a sparse column such as an {@code eval_loss}
 * logged every 100 steps in a wide file), so it adds no point; {@code nan}, {@code inf} and
 * their variants (see {@link LogNumberParser#metric}) are kept as non-finite values, since a
 * divergence first shows as one. Rows with an unreadable step or the wrong
 * number of fields, and cells that are not numbers, are skipped and summarised in one error
 * record; an unusable header or invalid CSV discards the whole file, with one error record.
 */
final class MetricsCsvReader {
  private MetricsCsvReader() {}

  static void read(SweepFileSystem files, FileStatus file, String runId, SeriesAccumulator into,
                   ErrorLog log) {
    SeriesAccumulator local = new SeriesAccumulator();
    LineProblems problems = new LineProblems();
    CsvFile.Table table = new CsvFile.Table() {
      private int stepCol;
      private int nameCol = -1;
      private int valueCol;
      private int width;
      private List<String> header;
      private SeriesAccumulator.Column[] columns;

      @Override
      public String header(List<String> names) {
        header = names;
        width = names.size();
        List<String> lower = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        stepCol = lower.indexOf("step");
        if (stepCol < 0) {
          return "no 'step' column";
        }
        if (width == 3 && Set.copyOf(lower).equals(Set.of("step", "name", "value"))) {
          nameCol = lower.indexOf("name");
          valueCol = lower.indexOf("value");
          return null;
        }
        columns = new SeriesAccumulator.Column[width];
        Set<String> seen = new HashSet<>();
        for (int j = 0; j < width; j++) {
          String n = names.get(j);
          if (j == stepCol || n.isEmpty()) {
            continue;
          }
          if (!seen.add(n)) {
            return "metric column '" + n + "' appears twice";
          }
          columns[j] = local.column(n);
        }
        return null;
      }

      @Override
      public void row(long line, CSVRecord row) {
        if (row.size() != width) {
          problems.add("line " + line, row.size() + " fields where the header has " + width);
          return;
        }
        long step = LogNumberParser.step(row.get(stepCol));
        if (step < 0) {
          problems.add("line " + line, "step '" + row.get(stepCol)
              + "' is not a non-negative integer");
          return;
        }
        if (nameCol >= 0) {
          String name = row.get(nameCol).trim();
          if (name.isEmpty()) {
            problems.add("line " + line, "blank metric name");
          } else {
            value(line, row.get(valueCol), name, step, local.column(name));
          }
          return;
        }
        for (int j = 0; j < width; j++) {
          if (columns[j] != null) {
            value(line, row.get(j), header.get(j), step, columns[j]);
          }
        }
      }

      private void value(long line, String text, String name, long step,
                         SeriesAccumulator.Column column) {
        if (text.isBlank()) {
          return;
        }
        try {
          column.add(step, LogNumberParser.metric(text, true));
        } catch (NumberFormatException e) {
          problems.add("line " + line, "value '" + text + "' of '" + name + "' is not a number");
        }
      }
    };
    if (CsvFile.read(files, file, runId, log, table)) {
      into.addAll(local);
      problems.report(log, file.getPath().toString(), runId);
    }
  }
}
