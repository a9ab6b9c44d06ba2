package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.ShockscopeException;

/** {@link TableReader} on a folder of Parquet tables: a present table, a missing one. */
class TableReaderTest {
  private static SparkSession spark;

  @TempDir
  Path out;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[1]").appName("TableReaderTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void readsAParquetTableOfTheFolder() {
    spark.sql("select cast(id as string) as run_id from range(3)").write()
        .parquet(out.resolve(Tables.SHOCKS).toString());
    TableReader reader = new TableReader(spark);
    assertEquals(3, reader.read(out.toString(), Tables.SHOCKS).count());
    assertEquals(3, reader.find(out.toString(), Tables.SHOCKS).orElseThrow().count());
  }

  @Test
  void aMissingTableIsEmptyToFindAndAnErrorToRead() {
    TableReader reader = new TableReader(spark);
    assertTrue(reader.find(out.toString(), Tables.FORECASTS).isEmpty());
    ShockscopeException e = assertThrows(ShockscopeException.class,
        () -> reader.read(out.toString(), Tables.FORECASTS));
    assertTrue(e.getMessage().endsWith(" does not exist: run shockscope analyze with --out "
        + out + " first"), e.getMessage());
  }
}
