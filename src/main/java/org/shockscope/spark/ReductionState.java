package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.shockscope.sweep.CheckpointRef;
import org.shockscope.sweep.RunInfo;

/**
 * The reduction's output, committed under {@code OUT/_state/reduced} (the table
 * {@code _state_reduced} of a catalog namespace) before detection and
 * aggregation start, so that a job that fails or is killed after the reduction is resumed by
 * the next one instead of reading every checkpoint again.
 *
 * <p>Every committed row carries its run's <em>commit key</em>: the SHA-256 of the structure
 * option, the run's checkpoint fingerprints ({@link InputFingerprints}) and the steps reduced. A
 * later job takes a run's rows from the state only when it would reduce the same steps of the
 * same files with the same structure, so the rows are exactly those a new reduction would give;
 * any other run is reduced again. The table is written with the store's swap-in (a killed write
 * leaves the previous state or the new one) and removed once the job has written every output
 * table, when the tables themselves hold the results.
 */
final class ReductionState {
  static final String TABLE = "_state/reduced";
  private static final String KEY = "_commit_key";

  private final SparkSession spark;
  private final TableStore store;

  ReductionState(SparkSession spark, TableStore store) {
    this.spark = spark;
    this.store = store;
  }

  /**
   * The commit key of each run to reduce.
   *
   * @param runs  the runs this job reduces
   * @param stale per run, the steps to reduce (null: every checkpoint)
   * @param model the structure option (JSON) or null
   * @param now   the fingerprints of the sweep as discovered now
   */
  static Map<String, String> keys(List<RunInfo> runs, Map<String, Set<Long>> stale, String model,
                                  InputFingerprints now) {
    Map<String, String> out = new HashMap<>();
    for (RunInfo r : runs) {
      MessageDigest d = InputFingerprints.sha256();
      InputFingerprints.update(d, String.valueOf(model));
      InputFingerprints.update(d, now.checkpointDigest(r.runId()));
      Set<Long> steps = new TreeSet<>();
      for (CheckpointRef c : r.checkpoints()) {
        if (stale == null || stale.get(r.runId()).contains(c.step())) {
          steps.add(c.step());
        }
      }
      InputFingerprints.update(d, steps.toString());
      out.put(r.runId(), HexFormat.of().formatHex(d.digest()));
    }
    return out;
  }

  /**
   * The committed rows (without the key column) of the runs whose committed key equals
   * {@code keys}; empty when nothing matches or there is no state.
   *
   * @param matched receives the ids of the runs whose rows are returned
   */
  Dataset<Row> committed(Map<String, String> keys, Set<String> matched) {
    Dataset<Row> t = store.read(TABLE);
    if (t == null || !List.of(t.columns()).contains(KEY)) {
      return null;
    }
    // one row per (run, key) committed: a handful of rows to compare on the driver
    for (Row r : t.select(col("run_id"), col(KEY)).distinct().collectAsList()) {
      if (r.getString(1).equals(keys.get(r.getString(0)))) {
        matched.add(r.getString(0));
      }
    }
    if (matched.isEmpty()) {
      return null;
    }
    return t.filter(col("run_id").isin(matched.toArray())).drop(KEY);
  }

  /**
   * Writes {@code reduced} (rows of {@link CheckpointReducer#SCHEMA}) as the state with each
   * run's key, and returns the committed rows, read back from the state.
   */
  Dataset<Row> commit(Dataset<Row> reduced, Map<String, String> keys) {
    List<Row> keyRows = new ArrayList<>();
    keys.forEach((run, key) -> keyRows.add(RowFactory.create(run, key)));
    Dataset<Row> keyed = reduced.join(org.apache.spark.sql.functions.broadcast(
        spark.createDataFrame(keyRows, KEY_SCHEMA)), "run_id");
    store.replaceAll(TABLE, keyed);
    Dataset<Row> back = store.read(TABLE);
    List<org.apache.spark.sql.Column> cols = new ArrayList<>();
    for (String f : CheckpointReducer.SCHEMA.fieldNames()) {
      cols.add(col(f));
    }
    return back.select(cols.toArray(org.apache.spark.sql.Column[]::new));
  }

  /** Removes the state once every output table is written. */
  void clear() {
    store.drop(TABLE);
  }

  private static final StructType KEY_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false).add(KEY, DataTypes.StringType, false);

  /** The runs of {@code runs} whose id is not in {@code matched}, in order. */
  static List<RunInfo> remaining(List<RunInfo> runs, Set<String> matched) {
    List<RunInfo> out = new ArrayList<>();
    for (RunInfo r : runs) {
      if (!matched.contains(r.runId())) {
        out.add(r);
      }
    }
    return out;
  }
}
