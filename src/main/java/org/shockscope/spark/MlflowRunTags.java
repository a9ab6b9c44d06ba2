package org.shockscope.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.shockscope.sweep.MlflowTagWriter;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.Sweep;
import org.shockscope.sweep.SweepLayout;

/**
 * Writes each analysed run's results back into its MLflow file-store run as tags
 * ({@code analyze --mlflow-tags}), so that the MLflow UI can filter and sort runs by them.
 * Only values of the {@code runs} table as written, no time stamp, so a re-run over unchanged
 * inputs rewrites nothing:
 * <ul>
 *   <li>{@code shockscope.transitions}: the run's transitions other than divergence
 *       ({@code n_shocks});</li>
 *   <li>{@code shockscope.first_shock_step}: the step of the first one, absent when none;</li>
 *   <li>{@code shockscope.diverged}: {@code true} or {@code false};</li>
 *   <li>{@code shockscope.divergence_step}: absent unless the run diverged;</li>
 *   <li>{@code shockscope.tables}: where the tables with the details are.</li>
 * </ul>
 * Other {@code shockscope.*} tags of the run (a result that no longer holds) are removed; tags
 * outside {@code shockscope.} are never touched. Runs on the driver after every table is
 * written; a run whose tags cannot be written is a warning of the job, never its failure.
 */
final class MlflowRunTags {
  static final String PREFIX = "shockscope.";

  private MlflowRunTags() {}

  /**
   * Tags the runs of {@code runs} (the runs table rows of this job) in the store of
   * {@code sweep}; returns the warnings.
   *
   * @param tables where the tables are, as the {@code shockscope.tables} tag says it: a
   *               qualified folder URI ({@link #qualified}) or a catalog namespace
   */
  static List<String> write(Sweep sweep, Dataset<Row> runs, String tables, Configuration conf) {
    if (sweep.layout() != SweepLayout.MLFLOW) {
      return List.of("MLflow tags not written: the sweep " + sweep.uri() + " is in the "
          + sweep.layout().name().toLowerCase(java.util.Locale.ROOT) + " layout, not an MLflow"
          + " file store");
    }
    Map<String, String> folders = new HashMap<>();
    for (RunInfo r : sweep.runs()) {
      folders.put(r.runId(), r.location());
    }
    List<String> warnings = new ArrayList<>();
    for (Row row : runs.select("run_id", "n_shocks", "first_shock_step", "diverged",
        "divergence_step").collectAsList()) {
      String runId = row.getString(0);
      String folder = folders.get(runId);
      if (folder == null) {
        continue;
      }
      try {
        MlflowTagWriter.replace(folder, PREFIX, tags(row, tables), conf);
      } catch (IOException | RuntimeException e) {
        warnings.add("MLflow tags of run " + runId + " not written (" + folder + "): " + e);
      }
    }
    return warnings;
  }

  /** {@code uri} with its file system's scheme, so that the tag names the tables anywhere. */
  static String qualified(String uri, Configuration conf) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
      return p.getFileSystem(conf).makeQualified(p).toString();
    } catch (IOException | IllegalArgumentException e) {
      return uri;
    }
  }

  /** The tags of one row of the runs table. */
  static Map<String, String> tags(Row row, String tables) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put(PREFIX + "transitions", row.isNullAt(1) ? "0" : String.valueOf(row.get(1)));
    if (!row.isNullAt(2)) {
      t.put(PREFIX + "first_shock_step", String.valueOf(row.get(2)));
    }
    t.put(PREFIX + "diverged", String.valueOf(!row.isNullAt(3) && row.getBoolean(3)));
    if (!row.isNullAt(4)) {
      t.put(PREFIX + "divergence_step", String.valueOf(row.get(4)));
    }
    t.put(PREFIX + "tables", tables);
    return t;
  }
}
