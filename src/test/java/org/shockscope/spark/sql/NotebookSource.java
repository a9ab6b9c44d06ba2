package org.shockscope.spark.sql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a notebook in Databricks source format: the first line {@code <c> Databricks notebook
 * source}, cells separated by {@code <c> COMMAND ----------}, an optional first line
 * {@code <c> DBTITLE 1,<title>}, and cells in another language written as {@code <c> MAGIC}
 * lines whose first line is the magic ({@code %md}, {@code %python}, {@code %sql}), where
 * {@code <c>} is the comment marker of the notebook's language ({@code --} for .sql, {@code #}
 * for .py).
 */
final class NotebookSource {
  /** A cell's language. */
  enum Kind { SQL, PYTHON, MARKDOWN }

  /** One cell: its title ("" if none), language and text (magic lines unwrapped). */
  record Cell(int index, String title, Kind kind, String text) {}

  private NotebookSource() {}

  static List<Cell> read(Path file) throws IOException {
    String name = file.getFileName().toString();
    String c = name.endsWith(".sql") ? "--" : "#";
    Kind language = name.endsWith(".sql") ? Kind.SQL : Kind.PYTHON;
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).equals(c + " Databricks notebook source")) {
      throw new IllegalArgumentException(file + ": first line is not '" + c
          + " Databricks notebook source'");
    }
    String separator = c + " COMMAND ----------";
    List<Cell> cells = new ArrayList<>();
    List<String> current = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.equals(separator)) {
        cells.add(cell(cells.size(), current, c, language, file));
        current = new ArrayList<>();
      } else {
        current.add(line);
      }
    }
    cells.add(cell(cells.size(), current, c, language, file));
    return cells;
  }

  private static Cell cell(int index, List<String> lines, String c, Kind language, Path file) {
    List<String> body = new ArrayList<>(lines);
    while (!body.isEmpty() && body.get(0).isBlank()) {
      body.remove(0);
    }
    String title = "";
    if (!body.isEmpty() && body.get(0).startsWith(c + " DBTITLE 1,")) {
      title = body.remove(0).substring((c + " DBTITLE 1,").length());
    }
    String magic = c + " MAGIC";
    boolean magicCell = !body.isEmpty() && body.stream()
        .allMatch(l -> l.isBlank() || l.startsWith(magic));
    Kind kind = language;
    if (magicCell) {
      List<String> unwrapped = new ArrayList<>();
      for (String l : body) {
        unwrapped.add(l.isBlank() ? "" : l.substring(Math.min(l.length(), magic.length() + 1)));
      }
      String first = unwrapped.remove(0).strip();
      kind = switch (first) {
        case "%md" -> Kind.MARKDOWN;
        case "%python" -> Kind.PYTHON;
        case "%sql" -> Kind.SQL;
        default -> throw new IllegalArgumentException(file + ": cell " + index
            + " has unknown magic '" + first + "'");
      };
      body = unwrapped;
    }
    String text = String.join("\n", body).strip();
    if (text.isEmpty()) {
      throw new IllegalArgumentException(file + ": cell " + index + " is empty");
    }
    return new Cell(index, title, kind, text);
  }

  private static final Pattern STATEMENT_END = Pattern.compile(";\\s*$", Pattern.MULTILINE);

  /** The statements of a SQL cell (split at a ';' that ends a line), comment-only ones dropped. */
  static List<String> statements(String sql) {
    List<String> out = new ArrayList<>();
    for (String s : STATEMENT_END.split(sql)) {
      boolean code = s.lines().anyMatch(l -> !l.isBlank() && !l.strip().startsWith("--"));
      if (code) {
        out.add(s.strip());
      }
    }
    return out;
  }
}
