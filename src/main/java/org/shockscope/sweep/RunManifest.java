package org.shockscope.sweep;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.fs.FileStatus;

/**
 * Reads a sweep's {@code runs.csv} manifest (SPEC §3a): a {@code run_id} column (any position,
 * any case) and one column per hyperparameter. A blank cell means the run does not set that
 * hyperparameter here (so {@code params.json} may), and columns with a blank header are
 * ignored. Rows with the wrong number of fields or a blank run id are skipped and summarised
 * in one error record; when a run id appears on several rows, the last row wins and one
 * {@code duplicate_run} error record names the run.
 */
final class RunManifest {
  static final String FILE = "runs.csv";

  private RunManifest() {}

  /** Hyperparameters by run id, in file order; empty when the file is unusable (logged). */
  static Map<String, Map<String, String>> read(SweepFileSystem files, FileStatus file,
                                               ErrorLog log) {
    String source = file.getPath().toString();
    Map<String, Map<String, String>> runs = new LinkedHashMap<>();
    Map<String, Long> firstLine = new TreeMap<>();
    LineProblems problems = new LineProblems();
    CsvFile.Table table = new CsvFile.Table() {
      private List<String> names;
      private int idCol;

      @Override
      public String header(List<String> header) {
        names = header;
        idCol = header.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList().indexOf("run_id");
        if (idCol < 0) {
          return "no 'run_id' column";
        }
        Set<String> seen = new HashSet<>();
        for (String n : header) {
          if (!n.isEmpty() && !seen.add(n.toLowerCase(Locale.ROOT))) {
            return "column '" + n + "' appears twice";
          }
        }
        return null;
      }

      @Override
      public void row(long line, CSVRecord row) {
        if (row.size() != names.size()) {
          problems.add("line " + line, row.size() + " fields where the header has "
              + names.size());
          return;
        }
        String id = row.get(idCol).trim();
        if (id.isEmpty()) {
          problems.add("line " + line, "blank run_id");
          return;
        }
        Map<String, String> params = new TreeMap<>();
        for (int j = 0; j < names.size(); j++) {
          String v = row.get(j);
          if (j != idCol && !names.get(j).isEmpty() && !v.isBlank()) {
            params.put(names.get(j), v.trim());
          }
        }
        Long first = firstLine.putIfAbsent(id, line);
        if (first != null) {
          log.add(source, id, null, Problem.DUPLICATE_RUN, source + ": run '" + id
              + "' appears again at line " + line + " (first at line " + first
              + "); the last row is used");
        }
        runs.put(id, params);
      }
    };
    if (!CsvFile.read(files, file, null, log, table)) {
      return Map.of();
    }
    problems.report(log, source, null);
    return runs;
  }
}
