package org.shockscope.spark.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs every cell of {@code notebooks/explore.sql} against real output tables, as Databricks
 * would: widgets from its {@code CREATE WIDGET} statements (the output folder set to the test's),
 * named parameter markers bound to the widget values, the Python cell that registers the SQL
 * functions done through the same Java call. Any statement that fails fails the test; the results
 * of the titled cells are checked against the tables.
 */
class ExploreNotebookTest {
  private static final Path NOTEBOOK = Path.of("notebooks", "explore.sql");
  private static final String REGISTER_CELL =
      "spark._jvm.org.shockscope.spark.sql.ShockscopeFunctions.register(spark._jsparkSession)";
  private static final Pattern WIDGET = Pattern.compile(
      "(?is)CREATE\\s+WIDGET\\s+(TEXT|DROPDOWN|COMBOBOX|MULTISELECT)\\s+(\\w+)\\s+DEFAULT\\s+\"([^\"]*)\".*");

  private static SparkSession spark;
  private static Path out;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("ExploreNotebookTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    out = LabTables.out(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private Row only(List<Row> rows) {
    assertEquals(1, rows.size());
    return rows.get(0);
  }

  private long count(String table, String where) {
    return spark.read().parquet(out + "/" + table).where(where).count();
  }

  @Test
  void everyCellRunsOnRealOutput() throws Exception {
    // the session has no shockscope functions until the notebook registers them
    assertThrows(AnalysisException.class, () -> spark.sql("SELECT effective_rank(array(1.0))"));
    Map<String, String> widgets = new LinkedHashMap<>();
    Map<String, List<Row>> results = new HashMap<>();
    int statements = 0;
    for (NotebookSource.Cell cell : NotebookSource.read(NOTEBOOK)) {
      switch (cell.kind()) {
        case MARKDOWN -> { }
        case PYTHON -> {
          assertEquals(REGISTER_CELL, cell.text(), "cell " + cell.index()
              + ": the only Python this test can run is the registration of the functions");
          ShockscopeFunctions.register(spark);
        }
        case SQL -> {
          for (String sql : NotebookSource.statements(cell.text())) {
            Matcher w = WIDGET.matcher(sql);
            if (w.matches()) {
              widgets.put(w.group(2), w.group(3));
              continue;
            }
            Map<String, Object> args = new HashMap<>(widgets);
            args.put("tables", out.toString());
            args.put("format", "parquet");
            try {
              results.put(cell.title(), spark.sql(sql, args).collectAsList());
            } catch (Exception e) {
              fail("cell " + cell.index() + " '" + cell.title() + "' failed: " + e.getMessage()
                  + "\n" + sql, e);
            }
            statements++;
          }
        }
        default -> fail("cell kind " + cell.kind());
      }
    }
    assertEquals(Set.of("tables", "format"), widgets.keySet());
    assertEquals(15, statements);

    Row glance = only(results.get("Sweep at a glance"));
    assertEquals(count("runs", "true"), glance.getLong(0));
    assertEquals(count("runs", "diverged"), glance.getLong(1));
    assertTrue(glance.getLong(1) > 0, "the lab sweep has diverging runs");

    List<Row> top = results.get("Top shocks by strength");
    assertEquals(Math.min(25, count("shocks", "kind <> 'divergence'")), top.size());
    for (int i = 1; i < top.size(); i++) {
      assertTrue(top.get(i - 1).getDouble(12) >= top.get(i).getDouble(12), "ordered by strength");
    }

    assertEquals(count("phase_stats", "true"), results.get("Phase table").size());
    assertEquals(count("phase_boundary", "true"),
        results.get("Phase boundary: critical learning rate per cell").size());

    List<Row> diverged = results.get("Runs that diverged");
    Set<String> divergedIds = spark.read().parquet(out + "/runs").where("diverged")
        .select("run_id").collectAsList().stream().map(r -> r.getString(0))
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(divergedIds, diverged.stream().map(r -> r.getString(0))
        .collect(Collectors.toCollection(TreeSet::new)));
    for (Row r : diverged) {
      assertFalse(r.isNullAt(5), "the series that diverged first");
    }

    List<Row> spectral = results.get("Spectral summary at each matrix's last checkpoint");
    assertEquals(spark.read().parquet(out + "/spectra").select("run_id", "group", "matrix")
        .distinct().count(), spectral.size());
    for (Row r : spectral) {
      assertTrue(r.getDouble(4) >= 0 && r.getDouble(5) >= 1.0 - 1e-12, "ranks of " + r);
    }

    List<Row> fits = results.get("One tanh front fitted to every series that jumped");
    assertEquals(spark.read().parquet(out + "/shocks").where("kind = 'jump' AND `group` IS NOT NULL")
        .select("run_id", "group", "series").distinct().count(), fits.size());
    assertFalse(fits.isEmpty());
    for (Row r : fits) {
      assertNotNull(r.get(3), "a front fitted to " + r);
    }
  }
}
