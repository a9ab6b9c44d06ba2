package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.shockscope.ShockscopeException;

/**
 * The output tables of SPEC §7: under one folder, one sub-folder per table, in Parquet (default)
 * or Delta Lake; or managed Delta tables of a catalog namespace ({@link OutputTarget}).
 *
 * <p>Writes replace by run: the rows of the runs being written replace that run's previous
 * rows, other runs' rows are kept, so re-running a sweep never duplicates rows. A failed job
 * leaves the previous complete output readable:
 * <ul>
 *   <li>Parquet: the new table is written in full to {@code OUT/_staging/<table>} and then
 *       swapped in with two renames ({@code OUT/<table>} → {@code OUT/_trash/<table>},
 *       staging → {@code OUT/<table>}). A driver killed while a table is written leaves that
 *       table as it was (staging is never read); one killed between the two renames leaves
 *       the table in {@code _trash}, and the next {@code TableStore} over the output puts it
 *       back before anything else ({@link #recover}): a trashed copy is deleted only once its
 *       replacement is in place. On stores whose renames are atomic (HDFS, local, ABFS with
 *       HNS) readers see the old table or the new one, never a mixture. Each table is swapped
 *       on its own: a job killed between two tables leaves some tables of the new job and
 *       the others of the previous one, each complete.</li>
 *   <li>Delta, in a folder or a catalog namespace: one transaction per table
 *       ({@code replaceWhere} on the {@code run_id}s written, or a full overwrite), so a reader
 *       sees the previous version of a table or the new one, never a mixture, on any store
 *       (Delta's commit is atomic where a rename is a copy: S3, GCS, ADLS without HNS). A table
 *       a catalog does not have yet is created with {@code saveAsTable}; the namespace is
 *       created when missing.</li>
 * </ul>
 */
public final class TableStore {
  /** Output table formats. */
  public enum Format {
    PARQUET, DELTA;

    /** Parses {@code parquet} / {@code delta}, case-insensitive. */
    public static Format parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ShockscopeException("Unknown output format '" + s
            + "': expected parquet or delta");
      }
    }
  }

  private final SparkSession spark;
  private final OutputTarget target;
  private final Format format;
  /** The output folder and its file system; null for a catalog namespace. */
  private final Path root;
  private final FileSystem fs;
  /**
   * The schema of each Parquet table this store wrote: reading it back with its schema skips
   * Spark's schema inference, a Spark job (footer reads) per read that a job reading its own
   * tables back several times paid again and again.
   */
  private final Map<String, StructType> written = new ConcurrentHashMap<>();

  /**
   * @param spark  session
   * @param out    output folder (any Hadoop URI; created when missing) or catalog namespace
   *               ({@link OutputTarget}; created when missing)
   * @param format table format, or null: Parquet in a folder, Delta in a catalog
   */
  public TableStore(SparkSession spark, String out, Format format) {
    this.spark = spark;
    this.target = OutputTarget.resolve(out, spark);
    if (target.isCatalog()) {
      if (format == Format.PARQUET) {
        throw new ShockscopeException("--out " + out + " is a catalog namespace, whose tables "
            + "are Delta tables: --format parquet applies to an output folder only (leave "
            + "--format out, or give a folder such as ./" + out + ")");
      }
      this.format = Format.DELTA;
      this.root = null;
      this.fs = null;
      requireDelta("catalog tables (--out " + out + ") are Delta tables and need");
      CatalogNamespace.create(spark, target);
      return;
    }
    this.format = format == null ? Format.PARQUET : format;
    this.root = new Path(target.path());
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      this.fs = root.getFileSystem(conf);
      fs.mkdirs(root);
      Path probe = new Path(root, "_staging/.probe");
      fs.create(probe, true).close();
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      throw new ShockscopeException("Output folder " + out + " is not writable: " + e, e);
    }
    if (this.format == Format.PARQUET) {
      recoverAll();
    } else {
      requireDelta("--format delta needs");
    }
  }

  /** Where a table is: its folder, or its catalog name. */
  public String location(String table) {
    return target.isCatalog() ? target.tableSql(table) : path(table);
  }

  private String path(String table) {
    return new Path(root, table).toString();
  }

  /** The output: its folder, or the namespace ({@code catalog.schema}). */
  public String root() {
    return target.toString();
  }

  /** Whether the tables are in a catalog namespace rather than a folder. */
  public boolean inCatalog() {
    return target.isCatalog();
  }

  /** Whether {@code table} exists with data. */
  public boolean exists(String table) {
    if (target.isCatalog()) {
      return spark.catalog().tableExists(target.tableSql(table));
    }
    try {
      Path p = new Path(root, table);
      return fs.exists(p) && (format == Format.DELTA ? fs.exists(new Path(p, "_delta_log"))
          : fs.listStatus(p).length > 0);
    } catch (IOException e) {
      throw new ShockscopeException("Cannot list output table " + path(table) + ": " + e, e);
    }
  }

  /** Reads a table, or null when it does not exist yet. */
  public Dataset<Row> read(String table) {
    recover(table);
    if (!exists(table)) {
      return null;
    }
    StructType schema = written.get(table);
    if (format == Format.PARQUET && schema != null) {
      return spark.read().schema(schema).parquet(path(table));
    }
    if (target.isCatalog()) {
      return spark.read().table(target.tableSql(table));
    }
    return spark.read().format(format == Format.DELTA ? "delta" : "parquet").load(path(table));
  }

  /**
   * Writes {@code rows} as the rows of the runs listed in {@code replacedRuns} (a one-column
   * {@code run_id} dataset, which may hold a null run_id: rows without a run): previous rows
   * of those runs are replaced, other runs' rows kept.
   */
  public void replaceRuns(String table, Dataset<Row> rows, Dataset<Row> replacedRuns) {
    Dataset<Row> old = read(table);
    if (old == null) {
      writeWhole(table, rows);
      return;
    }
    if (format == Format.DELTA
        && DeltaWrites.replaceRuns(deltaWriter(table), old, rows, replacedRuns)) {
      return;
    }
    writeWhole(table, merged(old, rows, replacedRuns));
  }

  /**
   * The rows of {@code old} whose run is not in {@code replacedRuns}, and {@code rows}. A column
   * whose type differs between the two (a hyperparameter that was a number in earlier runs and
   * is text in these) becomes text on both sides: casting the text to a number would fail.
   */
  static Dataset<Row> merged(Dataset<Row> old, Dataset<Row> rows, Dataset<Row> replacedRuns) {
    Dataset<Row> ids = replacedRuns.select(col("run_id")).distinct();
    Dataset<Row> kept = old.join(ids, old.col("run_id").eqNullSafe(ids.col("run_id")),
        "left_anti");
    for (String c : changedTypes(old, rows)) {
      kept = kept.withColumn(c, col(c).cast("string"));
      rows = rows.withColumn(c, col(c).cast("string"));
    }
    return kept.unionByName(rows, true);
  }

  /** The columns of {@code rows} that {@code old} has with another type. */
  static List<String> changedTypes(Dataset<Row> old, Dataset<Row> rows) {
    Map<String, String> types = new HashMap<>();
    for (StructField f : old.schema().fields()) {
      types.put(f.name(), f.dataType().catalogString());
    }
    List<String> out = new ArrayList<>();
    for (StructField f : rows.schema().fields()) {
      String t = types.get(f.name());
      // catalogString leaves nullability out: stored columns are nullable
      if (t != null && !t.equals(f.dataType().catalogString())) {
        out.add(f.name());
      }
    }
    return out;
  }

  /**
   * Adds {@code rows} to a table (created when missing), keeping its rows: one Spark write,
   * whose files appear together when it commits (a Delta commit for a Delta table).
   */
  public void append(String table, Dataset<Row> rows) {
    recover(table);
    if (format == Format.DELTA) {
      DataFrameWriter<Row> w = rows.write().format("delta").mode(SaveMode.Append);
      if (target.isCatalog()) {
        w.saveAsTable(target.tableSql(table));
      } else {
        w.save(path(table));
      }
      return;
    }
    rows.write().mode(SaveMode.Append).parquet(path(table));
    written.putIfAbsent(table, rows.schema().toNullable());
  }

  /** Writes {@code rows} as the whole table (sweep-level tables such as phase_stats). */
  public void replaceAll(String table, Dataset<Row> rows) {
    writeWhole(table, rows);
  }

  /** Removes a table (the reduction state once the job is done); absent tables are fine. */
  public void drop(String table) {
    if (target.isCatalog()) {
      spark.sql("DROP TABLE IF EXISTS " + target.tableSql(table));
      return;
    }
    Path p = new Path(root, table);
    try {
      fs.delete(p, true);
    } catch (IOException e) {
      throw new ShockscopeException("Cannot remove " + p + ": " + e, e);
    }
  }

  /** Writes a Delta table: to its folder, or as the catalog's managed table. */
  private DeltaWrites.Target deltaWriter(String table) {
    return target.isCatalog()
        ? w -> w.saveAsTable(target.tableSql(table))
        : w -> w.save(path(table));
  }

  private void writeWhole(String table, Dataset<Row> rows) {
    if (format == Format.DELTA) {
      DeltaWrites.overwrite(rows, deltaWriter(table));
      return;
    }
    Path target = new Path(root, table);
    Path staging = new Path(root, "_staging/" + table);
    Path trash = new Path(root, "_trash/" + table);
    try {
      fs.delete(staging, true);
      rows.write().mode(SaveMode.Overwrite).parquet(staging.toString());
      fs.mkdirs(trash.getParent());
      // a trashed copy whose table is missing is the only copy: put it back, do not delete it
      recover(table);
      fs.delete(trash, true);
      if (fs.exists(target) && !fs.rename(target, trash)) {
        throw new IOException("rename " + target + " -> " + trash + " failed");
      }
      if (!fs.rename(staging, target)) {
        throw new IOException("rename " + staging + " -> " + target + " failed");
      }
      written.put(table, rows.schema().toNullable());
      fs.delete(trash, true);
    } catch (IOException e) {
      throw new ShockscopeException("Cannot write output table " + target + ": " + e, e);
    }
  }

  /** Restores a table whose swap was interrupted (target gone, trashed copy present). */
  void recover(String table) {
    if (format == Format.DELTA) {
      return;
    }
    Path target = new Path(root, table);
    Path trash = new Path(root, "_trash/" + table);
    try {
      if (!fs.exists(target) && fs.exists(trash)) {
        fs.mkdirs(target.getParent());
        if (!fs.rename(trash, target)) {
          throw new IOException("rename " + trash + " -> " + target + " failed");
        }
      }
    } catch (IOException e) {
      throw new ShockscopeException("Cannot recover output table " + target + ": " + e, e);
    }
  }

  /**
   * Settles every swap a killed job left in {@code _trash}: a table whose folder is missing is
   * put back; a trashed copy whose replacement is in place is deleted (the job died while
   * cleaning up). Tables may sit in sub-folders ({@code _state/inputs}), so a trash folder
   * holding files is a table and one holding only folders is walked into.
   */
  private void recoverAll() {
    Path trashRoot = new Path(root, "_trash");
    try {
      if (fs.exists(trashRoot)) {
        settle(trashRoot, "");
      }
    } catch (IOException e) {
      throw new ShockscopeException("Cannot recover output tables from " + trashRoot + ": " + e,
          e);
    }
  }

  private void settle(Path dir, String prefix) throws IOException {
    for (FileStatus st : fs.listStatus(dir)) {
      if (!st.isDirectory()) {
        continue;
      }
      String table = prefix + st.getPath().getName();
      boolean holdsFiles = false;
      for (FileStatus c : fs.listStatus(st.getPath())) {
        holdsFiles |= c.isFile();
      }
      if (!holdsFiles) {
        settle(st.getPath(), table + "/");
      } else if (fs.exists(new Path(root, table))) {
        fs.delete(st.getPath(), true);
      } else {
        recover(table);
      }
    }
  }

  /** Fails with {@code what} + where to get Delta when Delta is not on the classpath. */
  private static void requireDelta(String what) {
    try {
      Class.forName("io.delta.tables.DeltaTable");
    } catch (ClassNotFoundException e) {
      throw new ShockscopeException(what + " Delta Lake on the classpath "
          + "(e.g. --packages io.delta:delta-spark_2.13:4.0.1 with "
          + "spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension); it is not there");
    }
  }
}
