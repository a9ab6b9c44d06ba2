package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.shockscope.shock.SeriesRole;

/**
 * The events the viscosity law is about, shared by {@code viscosity_law},
 * {@code viscosity_by_setting} and the report's width–temperature chart: the {@code jump} rows
 * of {@code shocks} with a positive width and viscosity whose series is primary
 * ({@link SeriesRole#follower}: not a velocity or a shape measure of a spectrum). A velocity peaks
 * while a front passes and a rank or spike count steps between two checkpoints, so their fitted
 * widths are the sampling interval, not the front's; pooled with the fronts they pull the law
 * towards the checkpoint spacing (a momentum grid: 224 events with them, 74 fronts without).
 */
public final class ViscosityEvents {
  private ViscosityEvents() {}

  /** The law's events among {@code shocks} (which has the {@code shocks} table's columns). */
  public static Dataset<Row> of(Dataset<Row> shocks) {
    return shocks.filter(col("kind").equalTo("jump").and(col("width").gt(0))
            .and(col("viscosity").gt(0)))
        .filter((FilterFunction<Row>) e -> !SeriesRole.follower(e.<String>getAs("series")));
  }
}
