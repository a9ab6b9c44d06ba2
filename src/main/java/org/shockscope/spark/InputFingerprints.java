package org.shockscope.spark;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.shockscope.sweep.CheckpointRef;
import org.shockscope.sweep.MetricSeries;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.Sweep;

/**
 * What the job has already processed, for {@code analyze --incremental}: a SHA-256 fingerprint
 * of every run's hyperparameters and metrics, and of every checkpoint (its files and their
 * sizes). Stored as the table {@code OUT/_state/inputs(run_id, step, fingerprint)} — step null
 * for the run-level fingerprint — and compared with the sweep as discovered now: a run whose
 * fingerprints all match is not touched; a changed run has only its new or changed
 * checkpoints (and their successors, whose motion observables depend on them) reduced again,
 * and its shocks re-detected over all its observables.
 */
final class InputFingerprints {
  static final String TABLE = "_state/inputs";
  static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("step", DataTypes.LongType, true)
      .add("fingerprint", DataTypes.StringType, false);

  /** Run-level fingerprints by run, checkpoint fingerprints by run then step. */
  private final Map<String, String> runs;
  private final Map<String, Map<Long, String>> checkpoints;

  private InputFingerprints(Map<String, String> runs, Map<String, Map<Long, String>> checkpoints) {
    this.runs = runs;
    this.checkpoints = checkpoints;
  }

  /** Fingerprints of the sweep as discovered now. */
  static InputFingerprints of(Sweep sweep) {
    Map<String, String> runs = new HashMap<>();
    Map<String, Map<Long, String>> ckpts = new HashMap<>();
    for (RunInfo r : sweep.runs()) {
      MessageDigest d = sha256();
      update(d, new TreeMap<>(r.params()).toString());
      for (MetricSeries m : r.metrics().values()) {
        update(d, m.name());
        ByteBuffer b = ByteBuffer.allocate(16 * m.size());
        for (int i = 0; i < m.size(); i++) {
          b.putLong(m.steps()[i]).putLong(Double.doubleToLongBits(m.values()[i]));
        }
        d.update(b.array());
      }
      update(d, String.valueOf(r.configJson()));
      runs.put(r.runId(), HexFormat.of().formatHex(d.digest()));
      Map<Long, String> byStep = new HashMap<>();
      for (CheckpointRef c : r.checkpoints()) {
        MessageDigest cd = sha256();
        update(cd, c.files() + "|" + c.bytes());
        byStep.put(c.step(), HexFormat.of().formatHex(cd.digest()));
      }
      ckpts.put(r.runId(), byStep);
    }
    return new InputFingerprints(runs, ckpts);
  }

  /** Fingerprints stored by an earlier run of the job, or null when there are none. */
  static InputFingerprints read(TableStore store) {
    Dataset<Row> t = store.read(TABLE);
    if (t == null) {
      return null;
    }
    Map<String, String> runs = new HashMap<>();
    Map<String, Map<Long, String>> ckpts = new HashMap<>();
    for (Row r : t.collectAsList()) {
      if (r.isNullAt(1)) {
        runs.put(r.getString(0), r.getString(2));
      } else {
        ckpts.computeIfAbsent(r.getString(0), k -> new HashMap<>()).put(r.getLong(1),
            r.getString(2));
      }
    }
    return new InputFingerprints(runs, ckpts);
  }

  /** Writes these fingerprints as the state of the output. */
  void write(SparkSession spark, TableStore store) {
    List<Row> rows = new ArrayList<>();
    runs.forEach((run, fp) -> rows.add(RowFactory.create(run, null, fp)));
    checkpoints.forEach((run, m) -> m.forEach((step, fp) -> rows.add(RowFactory.create(run,
        step, fp))));
    store.replaceAll(TABLE, spark.createDataFrame(rows, SCHEMA).coalesce(1));
  }

  /** One digest of the fingerprints of every checkpoint of {@code run}, in step order. */
  String checkpointDigest(String run) {
    return new TreeMap<>(checkpoints.getOrDefault(run, Map.of())).toString();
  }

  /**
   * The runs that are new or changed since {@code before} (every run when it is null), in id
   * order. Plain comparison of fingerprints held in memory: no Spark work.
   */
  java.util.SortedSet<String> changedSince(InputFingerprints before) {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    for (String run : runs.keySet()) {
      if (before == null || !unchanged(run, before)) {
        out.add(run);
      }
    }
    return out;
  }

  /** Whether {@code run} is exactly as {@code before} saw it. */
  boolean unchanged(String run, InputFingerprints before) {
    return runs.get(run).equals(before.runs.get(run))
        // a run without checkpoints has no checkpoint rows in the stored table
        && checkpoints.getOrDefault(run, Map.of())
            .equals(before.checkpoints.getOrDefault(run, Map.of()));
  }

  /**
   * The checkpoints of {@code run} to reduce again: new or changed ones, and the successor of
   * each (its motion observables start from the changed one).
   */
  List<Long> stale(RunInfo run, InputFingerprints before) {
    Map<Long, String> old = before.checkpoints.getOrDefault(run.runId(), Map.of());
    List<Long> out = new ArrayList<>();
    boolean previousStale = false;
    for (CheckpointRef c : run.checkpoints()) {
      boolean changed = !checkpoints.get(run.runId()).get(c.step()).equals(old.get(c.step()));
      if (changed || previousStale) {
        out.add(c.step());
      }
      previousStale = changed;
    }
    return out;
  }

  /** Adds {@code s} and a separator to {@code d}. */
  static void update(MessageDigest d, String s) {
    d.update(s.getBytes(StandardCharsets.UTF_8));
    d.update((byte) 0);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }
}
