package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.StructField;

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

  /** The rows of {@code old} whose run is not in {@code replacedRuns}. */
  static Dataset<Row> keptRows(Dataset<Row> old, Dataset<Row> replacedRuns) {
    Dataset<Row> ids = replacedRuns.select(col("run_id")).distinct();
    return old.join(ids, old.col("run_id").eqNullSafe(ids.col("run_id")), "left_anti");
  }

  /**
   * Replaces the rows of {@code replacedRuns} in an existing table by {@code rows}, as one
   * {@code replaceWhere} overwrite on {@code run_id}: Delta deletes the runs' old rows and adds
   * the new ones in one commit and leaves the files of other runs alone. New columns (a
   * hyperparameter the earlier runs did not have) are added to the table; when a column
   * changes type (a hyperparameter that was a number and is now text) the table is rewritten
   * whole instead, also in one commit.
   *
   * @param old          the table as it is
   * @param rows         rows of the runs in {@code replacedRuns} only (Delta checks it)
   * @param replacedRuns one column {@code run_id}; a null run_id stands for rows without a run
   */
  static void replaceRuns(Target target, Dataset<Row> old, Dataset<Row> rows,
                          Dataset<Row> replacedRuns) {
    if (!compatible(old, rows)) {
      overwrite(keptRows(old, replacedRuns).unionByName(rows, true), target);
      return;
    }
    List<Row> ids = replacedRuns.select(col("run_id")).distinct().collectAsList();
    if (ids.isEmpty()) {
      return;
    }
    target.save(rows.write().format("delta").mode(SaveMode.Overwrite)
        .option("mergeSchema", "true").option("replaceWhere", runPredicate(ids)));
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

  /** Whether every column of {@code rows} that {@code old} has is of the same type there. */
  private static boolean compatible(Dataset<Row> old, Dataset<Row> rows) {
    Map<String, String> types = new HashMap<>();
    for (StructField f : old.schema().fields()) {
      types.put(f.name().toLowerCase(Locale.ROOT), f.dataType().catalogString());
    }
    for (StructField f : rows.schema().fields()) {
      String t = types.get(f.name().toLowerCase(Locale.ROOT));
      // catalogString leaves nullability out: Delta stores columns nullable
      if (t != null && !t.equals(f.dataType().catalogString())) {
        return false;
      }
    }
    return true;
  }
}
