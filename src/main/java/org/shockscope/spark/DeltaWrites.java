package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * The Delta writes of {@link TableStore}, each one Delta transaction: a reader of the table
 * sees the version before it or the version after it. Delta is reached through the
 * DataFrame API only (format {@code delta}), so it stays a run-time dependency.
 */
final class DeltaWrites {
  private DeltaWrites() {}

  /** Where a write goes: {@code save(folder)} or {@code saveAsTable(name)}. */
  @FunctionalInterface
  interface Target {
    void save(DataFrameWriter<Row> writer);
  }

  /** Replaces the whole table, schema included. */
  static void overwrite(Dataset<Row> rows, Target target) {
    target.save(rows.write().format("delta").mode(SaveMode.Overwrite)
        .option("overwriteSchema", "true"));
  }

  /**
   * Replaces the rows of {@code replacedRuns} in an existing table by {@code rows}, as one
   * {@code replaceWhere} overwrite on {@code run_id}: Delta deletes the runs' old rows and adds
   * the new ones in one commit and leaves the files of other runs alone. New columns (a
   * hyperparameter the earlier runs did not have) are added to the table. When a column
   * changes type (a hyperparameter that was a number and is now text) nothing is written and
   * the caller rewrites the table whole, also in one commit.
   *
   * @param old          the table as it is
   * @param rows         rows of the runs in {@code replacedRuns} only (Delta checks it)
   * @param replacedRuns one column {@code run_id}; a null run_id stands for rows without a run
   * @return false when a column changed type and nothing was written
   */
  static boolean replaceRuns(Target target, Dataset<Row> old, Dataset<Row> rows,
                             Dataset<Row> replacedRuns) {
    if (!TableStore.changedTypes(old, rows).isEmpty()) {
      return false;
    }
    List<Row> ids = replacedRuns.select(col("run_id")).distinct().collectAsList();
    if (!ids.isEmpty()) {
      target.save(rows.write().format("delta").mode(SaveMode.Overwrite)
          .option("mergeSchema", "true").option("replaceWhere", runPredicate(ids)));
    }
    return true;
  }

  /** {@code run_id IN ('a', 'b') OR run_id IS NULL}, literals escaped for Spark SQL. */
  static String runPredicate(List<Row> ids) {
    List<String> literals = new ArrayList<>();
    boolean withNull = false;
    for (Row r : ids) {
      if (r.isNullAt(0)) {
        withNull = true;
      } else {
        literals.add("'" + r.getString(0).replace("\\", "\\\\").replace("'", "\\'") + "'");
      }
    }
    String in = literals.isEmpty() ? "false" : "run_id IN (" + String.join(", ", literals) + ")";
    return withNull ? "(" + in + ") OR run_id IS NULL" : in;
  }

}
