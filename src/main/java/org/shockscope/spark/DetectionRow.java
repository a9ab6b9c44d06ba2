package org.shockscope.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One row of {@link RunDetection}'s tagged output ({@link RunDetection#OUT_SCHEMA}): the row's
 * kind and run, then the columns of that kind set by name; every column not set is null. A new
 * kind of row, or a new column, touches the schema and the code that fills its own columns,
 * never the rows of the other kinds.
 */
final class DetectionRow {
  /** Row kind of a shock ({@code shocks} table). */
  static final String SHOCK = "shock";
  /** Row kind of a transition ({@code transitions} table). */
  static final String TRANSITION = "transition";
  /** Row kind of a front ({@code fronts} table). */
  static final String FRONT = "front";
  /** Row kind of a forecast ({@code forecasts} table). */
  static final String FORECAST = "forecast";
  /** Row kind of a training example of the learned forecaster (not a table). */
  static final String EXAMPLE = "example";
  /** Row kind of a run one of whose stages failed ({@code errors} table). */
  static final String ERROR = "error";

  private final Object[] values = new Object[RunDetection.OUT_SCHEMA.size()];

  private DetectionRow(String kind, String runId) {
    values[0] = kind;
    set("run_id", runId);
  }

  /** A row of {@code kind} (one of the constants) for run {@code runId}, all else null. */
  static DetectionRow of(String kind, String runId) {
    return new DetectionRow(kind, runId);
  }

  /**
   * Sets {@code column} of {@link RunDetection#OUT_SCHEMA} to {@code value} (null allowed).
   *
   * @throws IllegalArgumentException when the schema has no such column
   */
  DetectionRow set(String column, Object value) {
    values[RunDetection.OUT_SCHEMA.fieldIndex(column)] = value;
    return this;
  }

  /** The row. */
  Row row() {
    return RowFactory.create(values.clone());
  }
}
