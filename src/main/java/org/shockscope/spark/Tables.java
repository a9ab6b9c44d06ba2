package org.shockscope.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Names and schemas of the output tables (SPEC §7). The column names are a public contract:
 * notebooks, SQL and downstream jobs read them.
 */
public final class Tables {
  private Tables() {}

  public static final String OBSERVABLES = "observables";
  public static final String SPECTRA = "spectra";
  public static final String SHOCKS = "shocks";
  public static final String TRANSITIONS = "transitions";
  public static final String RUNS = "runs";
  public static final String PHASE_STATS = "phase_stats";
  public static final String PHASE_BOUNDARY = "phase_boundary";
  public static final String SURVIVAL = "survival";
  public static final String IMPORTANCE = "importance";
  public static final String VISCOSITY_LAW = "viscosity_law";
  public static final String SYMMETRY_LAW = "symmetry_law";
  /** Per optimiser setting: median jump width and viscosity ({@link ViscosityBySetting}). */
  public static final String VISCOSITY_BY_SETTING = "viscosity_by_setting";
  public static final String ERRORS = "errors";
  public static final String FRONTS = "fronts";
  public static final String FORECASTS = "forecasts";
  /** Appended by {@code analyze --watch} ({@link SweepWatcher}). */
  public static final String ALERTS = "alerts";

  /** {@code observables(run_id, step, group, name, value)}. */
  public static final StructType OBSERVABLES_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("step", DataTypes.LongType, false)
      .add("group", DataTypes.StringType, false)
      .add("name", DataTypes.StringType, false)
      .add("value", DataTypes.DoubleType, true);

  /** {@code spectra(run_id, step, group, matrix, sv array<double>)}. */
  public static final StructType SPECTRA_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("step", DataTypes.LongType, false)
      .add("group", DataTypes.StringType, false)
      .add("matrix", DataTypes.StringType, false)
      .add("sv", DataTypes.createArrayType(DataTypes.DoubleType, false), false);

  /** {@code shocks(run_id, series, group, kind, step, step_lo, step_hi, u_left, ...)}. */
  public static final StructType SHOCKS_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("series", DataTypes.StringType, false)
      .add("group", DataTypes.StringType, true)
      .add("kind", DataTypes.StringType, false)
      .add("step", DataTypes.LongType, false)
      .add("step_lo", DataTypes.LongType, false)
      .add("step_hi", DataTypes.LongType, false)
      .add("u_left", DataTypes.DoubleType, true)
      .add("u_right", DataTypes.DoubleType, true)
      .add("jump", DataTypes.DoubleType, true)
      .add("width", DataTypes.DoubleType, true)
      .add("viscosity", DataTypes.DoubleType, true)
      .add("strength", DataTypes.DoubleType, true)
      .add("score", DataTypes.DoubleType, true);

  /** {@code transitions(run_id, step, step_lo, step_hi, kind, n_series, series, score)}. */
  public static final StructType TRANSITIONS_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("step", DataTypes.LongType, false)
      .add("step_lo", DataTypes.LongType, false)
      .add("step_hi", DataTypes.LongType, false)
      .add("kind", DataTypes.StringType, false)
      .add("n_series", DataTypes.IntegerType, false)
      .add("series", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("score", DataTypes.DoubleType, true);

  /**
   * {@code fronts(run_id, transition_step, group, series, step, width, arrival_order, lag, depth,
   * step_lo, step_hi, jump, strength)}: for each transition, each part of the network that moved
   * (a layer, a head, an invariant map, a symmetry group), with its front's centre {@code step}
   * and {@code width} (steps), its {@code arrival_order} (1 = first; equal steps share one) and
   * {@code lag} (steps after the transition's first front); {@code depth} is the part's layer
   * index, NULL for a map of a whole group ({@code org.shockscope.shock.FrontMap}).
   */
  public static final StructType FRONTS_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("transition_step", DataTypes.LongType, false)
      .add("group", DataTypes.StringType, false)
      .add("series", DataTypes.StringType, false)
      .add("step", DataTypes.LongType, false)
      .add("width", DataTypes.DoubleType, true)
      .add("arrival_order", DataTypes.IntegerType, false)
      .add("lag", DataTypes.LongType, false)
      .add("depth", DataTypes.IntegerType, true)
      .add("step_lo", DataTypes.LongType, false)
      .add("step_hi", DataTypes.LongType, false)
      .add("jump", DataTypes.DoubleType, true)
      .add("strength", DataTypes.DoubleType, true);

  /**
   * {@code forecasts(run_id, step, horizon, p_jump, p_divergence, expected_step, method, series)}
   * (issue 16): per run, checkpoint step, horizon (steps) and method, from data at steps ≤ step.
   */
  public static final StructType FORECASTS_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("step", DataTypes.LongType, false)
      .add("horizon", DataTypes.LongType, false)
      .add("p_jump", DataTypes.DoubleType, false)
      .add("p_divergence", DataTypes.DoubleType, false)
      .add("expected_step", DataTypes.DoubleType, true)
      .add("method", DataTypes.StringType, false)
      .add("series", DataTypes.createArrayType(DataTypes.StringType, false), false);

  /**
   * {@code alerts(run_id, step, kind, probability, horizon, lead, series, method, issued_at)}
   * (issue 16, part 3): appended by {@code analyze --watch} when a run's forecast risk crosses
   * the alert threshold ({@link org.shockscope.forecast.AlertRule}); {@code kind} is
   * {@code jump} or {@code divergence}, {@code lead} the steps to the predicted event
   * ({@code expected_step − step}, else the horizon).
   */
  public static final StructType ALERTS_SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("step", DataTypes.LongType, false)
      .add("kind", DataTypes.StringType, false)
      .add("probability", DataTypes.DoubleType, false)
      .add("horizon", DataTypes.LongType, false)
      .add("lead", DataTypes.DoubleType, false)
      .add("series", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("method", DataTypes.StringType, false)
      .add("issued_at", DataTypes.TimestampType, false);

  /** {@code errors(source, run_id, step, stage, error, message)}. */
  public static final StructType ERRORS_SCHEMA = new StructType()
      .add("source", DataTypes.StringType, false)
      .add("run_id", DataTypes.StringType, true)
      .add("step", DataTypes.LongType, true)
      .add("stage", DataTypes.StringType, false)
      .add("error", DataTypes.StringType, false)
      .add("message", DataTypes.StringType, false);
}
