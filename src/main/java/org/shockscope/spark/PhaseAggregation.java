package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The per-cell phase statistics of SPEC §6 ({@code phase_stats}), computed with Spark SQL from
 * the {@code runs} and {@code shocks} tables.
 *
 * <p>A cell is one combination of the cell columns (by default every varying hyperparameter
 * but the seed). Per cell: the run count; shock and divergence counts and rates with Wilson
 * score 95% intervals (Wilson 1927: centre (p̂ + z²/2n)/(1 + z²/n), half-width
 * z·sqrt(p̂(1−p̂)/n + z²/4n²)/(1 + z²/n), z = 1.959964); p10, p50, p90 of the first-shock step
 * over the runs that had one (exact percentiles); the median width and viscosity of the cell's
 * {@code jump} events; and the temperature lr / batch_size (mean over the cell's runs).
 */
public final class PhaseAggregation {
  /** Two-sided 95% normal quantile. */
  static final double Z95 = 1.959963984540054;

  private PhaseAggregation() {}

  /**
   * Computes {@code phase_stats}.
   *
   * @param runs        the runs table (SPEC §7), with typed hyperparameter columns
   * @param shocks      the shocks table
   * @param cellColumns columns of {@code runs} that define a cell (may be empty: one cell)
   * @param temperature a column expression for lr / batch_size over {@code runs}, or null
   */
  public static Dataset<Row> phaseStats(Dataset<Row> runs, Dataset<Row> shocks,
                                        List<String> cellColumns, Column temperature) {
    Dataset<Row> r = runs
        .withColumn("_temperature", temperature == null ? lit(null).cast("double") : temperature)
        .withColumn("_shocked", when(col("n_shocks").gt(0), 1).otherwise(0))
        .withColumn("_diverged", when(col("diverged"), 1).otherwise(0));
    Column[] keys = cellColumns.stream().map(c -> col(c)).toArray(Column[]::new);
    Dataset<Row> counts = r.groupBy(keys).agg(
        count(lit(1)).as("n_runs"),
        expr("sum(_shocked)").as("n_shock"),
        expr("sum(_diverged)").as("n_diverged"),
        expr("percentile(first_shock_step, array(0.1, 0.5, 0.9))").as("_fs"),
        expr("avg(_temperature)").as("temperature"));
    // medians over the cell's jump events, not over per-run medians
    List<Column> eventCols = new ArrayList<>();
    for (String c : cellColumns) {
      eventCols.add(r.col(c));
    }
    eventCols.add(col("_ev_width"));
    eventCols.add(col("_ev_viscosity"));
    // renamed: a hyperparameter may itself be called width
    Dataset<Row> events = r.join(shocks.filter(col("kind").equalTo("jump"))
            .select(col("run_id"), col("width").as("_ev_width"),
                col("viscosity").as("_ev_viscosity")), "run_id")
        .select(eventCols.toArray(Column[]::new));
    Dataset<Row> widths = events.groupBy(keys).agg(
        expr("percentile(_ev_width, 0.5)").as("median_width"),
        expr("percentile(_ev_viscosity, 0.5)").as("median_viscosity"));
    Dataset<Row> g = joinCells(counts, widths, cellColumns);
    List<Column> out = new ArrayList<>();
    for (String c : cellColumns) {
      out.add(col(c));
    }
    out.add(col("n_runs"));
    out.add(col("n_shock").cast("long").as("n_shock"));
    out.addAll(rateWithWilson("shock_rate", col("n_shock"), col("n_runs")));
    out.add(col("n_diverged").cast("long").as("n_diverged"));
    out.addAll(rateWithWilson("divergence_rate", col("n_diverged"), col("n_runs")));
    out.add(expr("_fs[0]").as("first_shock_p10"));
    out.add(expr("_fs[1]").as("first_shock_p50"));
    out.add(expr("_fs[2]").as("first_shock_p90"));
    out.add(col("median_width"));
    out.add(col("median_viscosity"));
    out.add(col("temperature"));
    Dataset<Row> result = g.select(out.toArray(Column[]::new));
    return cellColumns.isEmpty() ? result : result.orderBy(keys);
  }

  /** Rate k/n with its Wilson score 95% interval, as three columns named base, base_lo, base_hi. */
  static List<Column> rateWithWilson(String base, Column k, Column n) {
    Column nd = n.cast("double");
    Column p = k.cast("double").divide(nd);
    double z2 = Z95 * Z95;
    Column denom = lit(1.0).plus(lit(z2).divide(nd));
    Column centre = p.plus(lit(z2).divide(nd.multiply(2))).divide(denom);
    Column half = lit(Z95).multiply(org.apache.spark.sql.functions.sqrt(
        p.multiply(lit(1.0).minus(p)).divide(nd).plus(lit(z2).divide(nd.multiply(nd).multiply(4)))))
        .divide(denom);
    return List.of(p.as(base), centre.minus(half).as(base + "_lo"), centre.plus(half).as(base + "_hi"));
  }

  private static Dataset<Row> joinCells(Dataset<Row> counts, Dataset<Row> widths,
                                        List<String> cellColumns) {
    if (cellColumns.isEmpty()) {
      // a global aggregation always yields exactly one row, so this is a 1×1 join
      return counts.crossJoin(widths);
    }
    // the widths' cell columns are renamed before the join: both sides derive from the same
    // runs frame, so their columns share lineage and dropping "the right side's" copy by
    // reference could drop the left one (cells without jump events then lost their values)
    Dataset<Row> w = widths;
    Column cond = null;
    for (int i = 0; i < cellColumns.size(); i++) {
      String c = cellColumns.get(i);
      w = w.withColumnRenamed(c, "_cell" + i);
      Column eq = counts.col(c).eqNullSafe(col("_cell" + i));
      cond = cond == null ? eq : cond.and(eq);
    }
    Dataset<Row> j = counts.join(w, cond, "left");
    for (int i = 0; i < cellColumns.size(); i++) {
      j = j.drop("_cell" + i);
    }
    return j;
  }
}
