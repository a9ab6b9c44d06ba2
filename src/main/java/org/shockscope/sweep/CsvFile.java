package org.shockscope.sweep;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.fs.FileStatus;

/**
 * Reads an RFC 4180 CSV file with a header row (quoted fields, embedded commas, blanks around
 * fields ignored, empty lines skipped), handing the header and then each row to a
 * {@link Table}. Unreadable or unparseable files become one error record.
 */
final class CsvFile {
  private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
      .setIgnoreSurroundingSpaces(true)
      .setIgnoreEmptyLines(true)
      .get();

  private CsvFile() {}

  /** What is done with the rows of a CSV file. */
  interface Table {
    /** Accepts the header's names; returns why they are unusable, or null when they are fine. */
    String header(List<String> names);

    /** One data row; {@code line} is its record number, the header being line 1. */
    void row(long line, CSVRecord row);
  }

  /**
   * Reads {@code file} into {@code table}.
   *
   * @return true when the whole file was read; false when an error was logged instead (rows
   *     already handed over must then be discarded by the caller)
   */
  static boolean read(SweepFileSystem files, FileStatus file, String runId, ErrorLog log,
                      Table table) {
    String source = file.getPath().toString();
    try (BufferedReader r = files.openLog(file); CSVParser parser = FORMAT.parse(r)) {
      var it = parser.iterator();
      if (!it.hasNext()) {
        return true;
      }
      List<String> names = new ArrayList<>();
      for (String h : it.next()) {
        names.add(h.trim());
      }
      String why = table.header(names);
      if (why != null) {
        log.add(source, runId, null, Problem.MALFORMED_CSV, source + ": unusable header "
            + names + ": " + why);
        return false;
      }
      while (it.hasNext()) {
        CSVRecord rec = it.next();
        table.row(rec.getRecordNumber(), rec);
      }
      return true;
    } catch (UncheckedIOException e) {
      return failed(source, runId, log, e.getCause());
    } catch (IOException e) {
      return failed(source, runId, log, e);
    }
  }

  private static boolean failed(String source, String runId, ErrorLog log, IOException e) {
    if (e instanceof CSVException) {
      log.add(source, runId, null, Problem.MALFORMED_CSV, source + " is not valid CSV: "
          + e.getMessage());
    } else {
      log.io(source, runId, null, e);
    }
    return false;
  }
}
