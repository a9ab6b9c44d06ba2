package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.ShockscopeException;

/**
 * {@link TableStore} over a catalog namespace (Delta's catalog, local warehouse): the namespace
 * made when missing, clear refusals, replace-by-run as one Delta commit per write (also rows
 * without a run, new columns, a column changing type), and dropping the state.
 */
class CatalogTableStoreTest {
  @TempDir
  static Path warehouse;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[1]").appName("CatalogTableStoreTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog",
            "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.warehouse.dir", warehouse.toString())
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** Rows (run_id, value) for runs {@code from} .. {@code to - 1}, value = run × scale. */
  private static Dataset<Row> rows(int from, int to, double scale) {
    return spark.sql("select cast(id as string) as run_id, id * " + scale + "d as value from "
        + "range(" + from + ", " + to + ")");
  }

  private static List<String> sorted(Dataset<Row> t) {
    return t.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  private static long versions(String table) {
    return spark.sql("DESCRIBE HISTORY " + table).count();
  }

  @Test
  void theNamespaceIsMadeWhenMissingAndTheTablesAreManagedDeltaTables() {
    assertFalse(spark.catalog().databaseExists("fresh"));
    TableStore store = new TableStore(spark, "catalog:fresh", null);
    assertTrue(spark.catalog().databaseExists("fresh"));
    assertTrue(store.inCatalog());
    assertEquals("fresh", store.root());
    assertNull(store.read(Tables.SHOCKS));
    store.replaceRuns(Tables.SHOCKS, rows(0, 3, 1), rows(0, 3, 1).select("run_id"));
    assertEquals("`fresh`.`shocks`", store.location(Tables.SHOCKS));
    assertEquals(3, spark.table("fresh.shocks").count());
    assertEquals("MANAGED", spark.sql("DESCRIBE TABLE EXTENDED fresh.shocks")
        .filter("col_name = 'Type'").first().getString(1));
  }

  @Test
  void replacingRunsIsOneCommitThatKeepsTheOtherRuns() {
    TableStore store = new TableStore(spark, "spark_catalog.byrun", null);
    store.replaceRuns(Tables.OBSERVABLES, rows(0, 6, 1), rows(0, 6, 1).select("run_id"));
    long before = versions("spark_catalog.byrun.observables");
    // runs 3, 4 again, run 5 without rows now, run 6 new
    Dataset<Row> fresh = rows(3, 5, 10).union(rows(6, 7, 10));
    store.replaceRuns(Tables.OBSERVABLES, fresh, rows(3, 7, 1).select("run_id"));
    assertEquals(before + 1, versions("spark_catalog.byrun.observables"));
    assertEquals(sorted(rows(0, 3, 1).union(fresh)), sorted(store.read(Tables.OBSERVABLES)));
  }

  @Test
  void rowsWithoutARunAreReplacedByTheNullRun() {
    TableStore store = new TableStore(spark, "spark_catalog.nullrun", null);
    Dataset<Row> sweepError = spark.sql("select cast(null as string) as run_id, 1.0d as value");
    Dataset<Row> runsAndNull = rows(0, 2, 1).select("run_id").union(sweepError.select("run_id"));
    store.replaceRuns(Tables.ERRORS, rows(0, 2, 1).union(sweepError), runsAndNull);
    store.replaceRuns(Tables.ERRORS, rows(0, 2, 1).union(sweepError), runsAndNull);
    assertEquals(3, store.read(Tables.ERRORS).count());
  }

  @Test
  void aNewColumnIsAddedAndAColumnChangingTypeRewritesTheTable() {
    TableStore store = new TableStore(spark, "spark_catalog.evolve", null);
    store.replaceRuns(Tables.RUNS, rows(0, 2, 1), rows(0, 2, 1).select("run_id"));
    Dataset<Row> withWidth = rows(2, 3, 1).selectExpr("run_id", "value", "64.0d as width");
    store.replaceRuns(Tables.RUNS, withWidth, withWidth.select("run_id"));
    assertEquals(List.of("[0,0.0,null]", "[1,1.0,null]", "[2,2.0,64.0]"),
        sorted(store.read(Tables.RUNS)));
    // a hyperparameter that was a number is text in a new run: the column becomes text
    Dataset<Row> text = rows(1, 2, 1).selectExpr("run_id", "value", "'wide' as width");
    store.replaceRuns(Tables.RUNS, text, text.select("run_id"));
    Dataset<Row> t = store.read(Tables.RUNS);
    assertEquals("string", t.schema().apply("width").dataType().catalogString());
    assertEquals(List.of("[0,0.0,null]", "[1,1.0,wide]", "[2,2.0,64.0]"), sorted(t));
  }

  @Test
  void theStateIsDropped() {
    TableStore store = new TableStore(spark, "spark_catalog.state", null);
    store.replaceAll(ReductionState.TABLE, rows(0, 2, 1));
    assertTrue(store.exists(ReductionState.TABLE));
    assertTrue(spark.catalog().tableExists("spark_catalog.state._state_reduced"));
    store.drop(ReductionState.TABLE);
    assertFalse(store.exists(ReductionState.TABLE));
    store.drop(ReductionState.TABLE);
  }

  @Test
  void parquetInACatalogAndAnUnknownCatalogAreRefusedWithTheReason() {
    ShockscopeException parquet = assertThrows(ShockscopeException.class,
        () -> new TableStore(spark, "spark_catalog.pq", TableStore.Format.PARQUET));
    assertEquals("--out spark_catalog.pq is a catalog namespace, whose tables are Delta "
        + "tables: --format parquet applies to an output folder only (leave --format out, or "
        + "give a folder such as ./spark_catalog.pq)", parquet.getMessage());
    ShockscopeException unknown = assertThrows(ShockscopeException.class,
        () -> new TableStore(spark, "catalog:nowhere.sweeps", null));
    assertTrue(unknown.getMessage().startsWith("Catalog namespace nowhere.sweeps does not exist "
        + "and cannot be created (is 'nowhere' a catalog of this Spark session?): "),
        unknown.getMessage());
  }
}
