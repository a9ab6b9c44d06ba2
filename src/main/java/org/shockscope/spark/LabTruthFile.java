package org.shockscope.spark;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.shockscope.ShockscopeException;

/**
 * Reads the training lab's {@code truth.csv} (SPEC §8): header
 * {@code run_id,family,kind,series,step,source,width,detail}, RFC 4180 quoting, {@code width}
 * empty when unknown. Any Hadoop URI.
 */
public final class LabTruthFile {
  /** Columns that must be present. */
  static final List<String> REQUIRED = List.of("run_id", "family", "kind", "series", "step",
      "source", "width");

  private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setHeader()
      .setSkipHeaderRecord(true).setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true)
      .get();

  /**
   * One row of {@code truth.csv}.
   *
   * @param runId  the run
   * @param family its model family
   * @param kind   {@code jump}, {@code spike} or {@code divergence}
   * @param series what moved: a metric ({@code loss}) or {@code <matrix>.sv<k>}, the k-th
   *               largest singular value of an invariant matrix
   * @param step   when, in steps (fractional for analytic rows)
   * @param source {@code measured} or {@code analytic}
   * @param width  tanh width in steps, NaN when unknown
   */
  public record Row(String runId, String family, String kind, String series, double step,
                    String source, double width) {
    public Row {
      Objects.requireNonNull(runId, "runId");
      Objects.requireNonNull(family, "family");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(series, "series");
      Objects.requireNonNull(source, "source");
    }
  }

  private LabTruthFile() {}

  /**
   * The rows of the truth file at {@code uri}.
   *
   * @throws ShockscopeException when the file cannot be read, lacks a column, or a step or
   *                             width is not a number (the message names file and line)
   */
  public static List<Row> read(String uri, Configuration conf) {
    Path path = new Path(uri);
    List<Row> out = new ArrayList<>();
    try {
      FileSystem fs = path.getFileSystem(conf);
      try (Reader in = new InputStreamReader(fs.open(path), StandardCharsets.UTF_8);
           CSVParser parser = FORMAT.parse(in)) {
        Map<String, Integer> header = parser.getHeaderMap();
        for (String c : REQUIRED) {
          if (!header.containsKey(c)) {
            throw new ShockscopeException("Truth file " + uri + " has no column '" + c
                + "' (columns: " + header.keySet() + ")");
          }
        }
        for (CSVRecord r : parser) {
          out.add(new Row(r.get("run_id"), r.get("family"), r.get("kind"), r.get("series"),
              number(uri, r, "step", false), r.get("source"), number(uri, r, "width", true)));
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ShockscopeException se) {
        throw se;
      }
      throw new ShockscopeException("Cannot read truth file " + uri + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static double number(String uri, CSVRecord r, String column, boolean blankIsNaN) {
    String text = r.get(column).trim();
    if (text.isEmpty() && blankIsNaN) {
      return Double.NaN;
    }
    try {
      double v = Double.parseDouble(text);
      if (Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below with the line
    }
    throw new ShockscopeException("Truth file " + uri + ", line " + (r.getRecordNumber() + 1)
        + ": " + column + " '" + text + "' is not a finite number");
  }
}
