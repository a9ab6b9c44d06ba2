package org.shockscope.spark;

import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * The SGD noise temperature T = lr / batch_size of a run (SPEC §6), as a Spark expression that
 * is total over whatever a sweep declares: it is NULL, never an error, unless the learning rate
 * is a finite number ≥ 0, the batch size a finite number > 0 and their quotient finite.
 *
 * <p>Sweeps write {@code batch_size: 0} for "full batch", negative or huge values by mistake, and
 * text where numbers are expected; under Spark's ANSI mode a plain division raises
 * {@code DIVIDE_BY_ZERO} and a plain cast of text raises {@code CAST_INVALID_INPUT}, which would
 * fail a whole job after its checkpoints were reduced. Inputs of any type are read with
 * {@code try_cast}; Spark orders NaN above every number, so NaN is excluded explicitly.
 */
public final class Temperature {
  private Temperature() {}

  /** T = lr / batch_size, or NULL where it is not defined (see the class comment). */
  public static Column of(Column lr, Column batchSize) {
    Column l = lr.try_cast("double");
    Column b = batchSize.try_cast("double");
    Column t = try_divide(l, b);
    Column defined = finite(l).and(l.geq(0)).and(finite(b)).and(b.gt(0)).and(finite(t));
    return when(defined, t).otherwise(lit(null).cast("double"));
  }

  /** Whether a double expression is a finite number (false, not NULL, for NULL input). */
  static Column finite(Column x) {
    return x.isNotNull().and(isnan(x).unary_$bang()).and(x.lt(Double.POSITIVE_INFINITY))
        .and(x.gt(Double.NEGATIVE_INFINITY));
  }
}
