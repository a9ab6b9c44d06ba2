package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The states a driver killed inside {@link TableStore}'s swap leaves on disk, made by hand,
 * and what the next job's store makes of them: the table readable as plain Parquet, with its
 * previous rows, and no leftover that a later swap could mistake for a table.
 */
class TableStoreRecoveryTest {
  private static SparkSession spark;

  @TempDir
  Path out;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[1]").appName("TableStoreRecoveryTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private Dataset<Row> rows(int n) {
    return spark.sql("select cast(id as string) as run_id, id * 0.5 as value from range(" + n
        + ")");
  }

  private TableStore store() {
    return new TableStore(spark, out.toString(), TableStore.Format.PARQUET);
  }

  private long plainCount(String table) {
    return spark.read().parquet(out.resolve(table).toString()).count();
  }

  @Test
  void tableLeftInTrashBetweenTheTwoRenamesIsPutBackWhenTheOutputIsOpened() throws IOException {
    store().replaceAll("shocks", rows(7));
    Files.createDirectories(out.resolve("_trash"));
    Files.move(out.resolve("shocks"), out.resolve("_trash/shocks")); // killed after rename 1

    store();
    assertEquals(7, plainCount("shocks"));
    assertFalse(Files.exists(out.resolve("_trash/shocks")));
  }

  @Test
  void tableInASubFolderLeftInTrashIsPutBack() throws IOException {
    store().replaceAll("_state/inputs", rows(3));
    Files.createDirectories(out.resolve("_trash/_state"));
    Files.move(out.resolve("_state/inputs"), out.resolve("_trash/_state/inputs"));

    store();
    assertEquals(3, plainCount("_state/inputs"));
  }

  @Test
  void trashedCopyWhoseReplacementIsInPlaceIsDeleted() throws IOException {
    TableStore s = store();
    s.replaceAll("runs", rows(4));
    s.replaceAll("runs", rows(5));
    copy(out.resolve("runs"), out.resolve("_trash/runs")); // killed while deleting the trash

    store().replaceAll("runs", rows(6));
    assertEquals(6, plainCount("runs"));
    assertFalse(Files.exists(out.resolve("_trash/runs")));
  }

  @Test
  void writeKilledBeforeItsSwapLeavesThePreviousTableAndIsDiscarded() throws IOException {
    store().replaceRuns("observables", rows(5), rows(5).select("run_id"));
    Path partial = Files.createDirectories(out.resolve("_staging/observables/_temporary/0"));
    Files.writeString(partial.resolve("part-00000.parquet"), "cut short");

    TableStore s = store();
    assertEquals(5, plainCount("observables"));
    s.replaceRuns("observables", rows(2), rows(2).select("run_id"));
    assertEquals(5, plainCount("observables")); // runs 0 and 1 replaced, 2..4 kept
    assertTrue(Files.notExists(out.resolve("_staging/observables")));
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path t = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else {
          Files.copy(f, t);
        }
      }
    }
  }
}
