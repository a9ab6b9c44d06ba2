package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code viscosity_by_setting}, the companion of {@code viscosity_law} (issue 18): one row per
 * optimiser setting — the runs' {@code optimizer} kind, {@code momentum} (heavy-ball β; the lab
 * records Adam's β1 there), {@code beta1}, {@code beta2} and {@code weight_decay}, each as the
 * run declared it (NULL when it does not) — with its runs, its fronts (the event set of
 * {@code viscosity_law}, {@link ViscosityEvents}: jumps of primary series with positive
 * width and viscosity), and their median width (steps), median
 * viscosity |J|·w/4 and median temperature lr / batch_size (exact medians: the mean of the
 * middle two for an even count; NULL without events). Other hyperparameters are pooled within a
 * setting, so compare settings at equal temperature ({@code median_temperature}) or read the
 * adjusted effects in {@code viscosity_law}.
 *
 * <p>Columns: {@code optimizer, momentum, beta1, beta2, weight_decay, n_runs,
 * n_runs_with_jumps, n_events, median_width, median_viscosity, median_temperature}; rows ordered
 * by the setting's columns. Measured widths against the analytic expectation (1 − β)/(s_k η) of a
 * lab sweep need the lab's truth and are printed by {@code evaluate} ({@link MomentumWidths}).
 */
public final class ViscosityBySetting {
  /** The numeric setting columns, in order, after {@code optimizer}. */
  static final List<String> NUMERIC = List.of("momentum", "beta1", "beta2", "weight_decay");

  /** The table's schema. */
  public static final StructType SCHEMA = new StructType()
      .add("optimizer", DataTypes.StringType)
      .add("momentum", DataTypes.DoubleType)
      .add("beta1", DataTypes.DoubleType)
      .add("beta2", DataTypes.DoubleType)
      .add("weight_decay", DataTypes.DoubleType)
      .add("n_runs", DataTypes.LongType)
      .add("n_runs_with_jumps", DataTypes.LongType)
      .add("n_events", DataTypes.LongType)
      .add("median_width", DataTypes.DoubleType)
      .add("median_viscosity", DataTypes.DoubleType)
      .add("median_temperature", DataTypes.DoubleType);

  private ViscosityBySetting() {}

  /**
   * The summary over {@code runs} and {@code shocks}.
   *
   * @param runs        the runs table
   * @param shocks      the shocks table
   * @param hps         the sweep's hyperparameter columns
   * @param momentumKey the hyperparameter key of momentum (the job's option)
   * @param temperature lr / batch_size over {@code runs}, or null when the sweep lacks either
   */
  public static Dataset<Row> of(Dataset<Row> runs, Dataset<Row> shocks, HyperparameterColumns hps,
                                String momentumKey, Column temperature) {
    List<Column> select = new ArrayList<>();
    select.add(col("run_id"));
    HyperparameterColumns.Hyperparameter kind = hps.byKey(PhaseModels.OPTIMIZER_KIND);
    select.add((kind == null ? lit(null).cast("string") : col(kind.column()).cast("string"))
        .as("optimizer"));
    for (String name : NUMERIC) {
      HyperparameterColumns.Hyperparameter h = hps.byKey("momentum".equals(name) ? momentumKey
          : name);
      select.add((h != null && h.numeric() ? col(h.column()).cast("double")
          : lit(null).cast("double")).as(name));
    }
    select.add((temperature == null ? lit(null).cast("double") : temperature.cast("double"))
        .as("_temperature"));
    Dataset<Row> settings = runs.select(select.toArray(Column[]::new));
    Dataset<Row> events = ViscosityEvents.of(shocks)
        .select(col("run_id"), col("width").cast("double").as("_width"),
            col("viscosity").cast("double").as("_viscosity"));
    Column[] keys = new Column[1 + NUMERIC.size()];
    keys[0] = col("optimizer");
    for (int i = 0; i < NUMERIC.size(); i++) {
      keys[i + 1] = col(NUMERIC.get(i));
    }
    Dataset<Row> joined = settings.join(events, settings.col("run_id").equalTo(
        events.col("run_id")), "left").drop(events.col("run_id"));
    return joined.groupBy(keys).agg(
            countDistinct(col("run_id")).as("n_runs"),
            countDistinct(expr("CASE WHEN _width IS NOT NULL THEN run_id END"))
                .as("n_runs_with_jumps"),
            count(col("_width")).as("n_events"),
            expr("percentile(_width, 0.5)").as("median_width"),
            expr("percentile(_viscosity, 0.5)").as("median_viscosity"),
            expr("percentile(CASE WHEN _width IS NOT NULL THEN _temperature END, 0.5)")
                .as("median_temperature"))
        .orderBy(keys)
        .select(SCHEMA.fieldNames()[0], java.util.Arrays.copyOfRange(SCHEMA.fieldNames(), 1,
            SCHEMA.fieldNames().length));
  }
}
