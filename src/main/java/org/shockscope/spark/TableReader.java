package org.shockscope.spark;

import java.io.IOException;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.shockscope.ShockscopeException;

/**
 * Reads the output tables of an earlier analyze job from its output folder
 * ({@code <tables>/<table>}), for the commands that score or evaluate those tables: a table
 * with a {@code _delta_log} folder is read as Delta, any other as Parquet. Unlike
 * {@link TableStore} it never writes (no probe, no recovery of interrupted swaps).
 */
public final class TableReader {
  private final SparkSession spark;

  /** @param spark session whose Hadoop configuration resolves the folder's file system */
  public TableReader(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * The table {@code table} under {@code tablesUri}.
   *
   * @throws ShockscopeException when the table does not exist (with the analyze run that would
   *                             write it) or its folder cannot be listed
   */
  public Dataset<Row> read(String tablesUri, String table) {
    return find(tablesUri, table).orElseThrow(() -> new ShockscopeException("Table "
        + new Path(tablesUri, table) + " does not exist: run shockscope analyze with --out "
        + tablesUri + " first"));
  }

  /**
   * The table {@code table} under {@code tablesUri}, or empty when its folder does not exist
   * (tables written before the table was introduced).
   *
   * @throws ShockscopeException when the folder cannot be listed
   */
  public Optional<Dataset<Row>> find(String tablesUri, String table) {
    Path p = new Path(tablesUri, table);
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        return Optional.empty();
      }
      boolean delta = fs.exists(new Path(p, "_delta_log"));
      return Optional.of(spark.read().format(delta ? "delta" : "parquet").load(p.toString()));
    } catch (IOException e) {
      throw new ShockscopeException("Cannot read table " + p + ": " + e.getMessage(), e);
    }
  }
}
