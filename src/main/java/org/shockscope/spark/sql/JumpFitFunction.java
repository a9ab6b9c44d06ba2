package org.shockscope.spark.sql;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.shockscope.shock.ViscousShockFit;

/**
 * {@code jump_fit(steps, values)}: the viscous-shock profile
 * y(t) = m + b·(t − t_s) + (J/2)·tanh((t − t_s)/w) fitted by {@link ViscousShockFit} to a whole
 * series (SPEC §5), with the front's centre searched over the full range of steps.
 *
 * <p>The pairs (steps[i], values[i]) are sorted by step; pairs with a NULL, NaN or infinite
 * member are left out. Result fields, in the series' units and steps: {@code step} = t_s rounded,
 * {@code center} = t_s, {@code u_left}/{@code u_right} = m ∓ J/2, {@code jump} = J, {@code width}
 * = w, {@code viscosity} = |J|·w/4 (Burgers' ν, as in the {@code shocks} table), {@code level} =
 * m, {@code slope} = b, {@code rss}, {@code center_stderr}, {@code jump_stderr},
 * {@code log_width_stderr} (NULL when not identifiable), {@code n} = samples fitted.
 *
 * <p>NULL when an argument is NULL, the arrays differ in length, two usable pairs share a step,
 * fewer than 7 usable pairs remain, the values are constant, or the fit is not finite. Unlike the
 * detector this fits one front to the whole series (no windows, no acceptance test): it measures
 * a front, it does not decide whether there is one.
 */
final class JumpFitFunction implements ScalarFunction<InternalRow> {
  private static final long serialVersionUID = 1L;

  private static final DataType SERIES = DataTypes.createArrayType(DataTypes.DoubleType, true);

  /** The result's fields. */
  static final StructType RESULT_TYPE = new StructType()
      .add("step", DataTypes.LongType, false)
      .add("center", DataTypes.DoubleType, false)
      .add("u_left", DataTypes.DoubleType, false)
      .add("u_right", DataTypes.DoubleType, false)
      .add("jump", DataTypes.DoubleType, false)
      .add("width", DataTypes.DoubleType, false)
      .add("viscosity", DataTypes.DoubleType, false)
      .add("level", DataTypes.DoubleType, false)
      .add("slope", DataTypes.DoubleType, false)
      .add("rss", DataTypes.DoubleType, false)
      .add("center_stderr", DataTypes.DoubleType, true)
      .add("jump_stderr", DataTypes.DoubleType, true)
      .add("log_width_stderr", DataTypes.DoubleType, true)
      .add("n", DataTypes.IntegerType, false);

  @Override
  public String name() {
    return "jump_fit";
  }

  @Override
  public DataType[] inputTypes() {
    return new DataType[] {SERIES, SERIES};
  }

  @Override
  public DataType resultType() {
    return RESULT_TYPE;
  }

  @Override
  public InternalRow produceResult(InternalRow input) {
    if (input.isNullAt(0) || input.isNullAt(1)) {
      return null;
    }
    ArrayData steps = input.getArray(0);
    ArrayData values = input.getArray(1);
    int n = steps.numElements();
    if (n != values.numElements()) {
      return null;
    }
    double[] t = new double[n];
    double[] y = new double[n];
    int used = 0;
    boolean sorted = true;
    for (int i = 0; i < n; i++) {
      if (steps.isNullAt(i) || values.isNullAt(i)) {
        continue;
      }
      double ti = steps.getDouble(i);
      double yi = values.getDouble(i);
      if (Double.isFinite(ti) && Double.isFinite(yi)) {
        sorted &= used == 0 || ti > t[used - 1];
        t[used] = ti;
        y[used] = yi;
        used++;
      }
    }
    if (!sorted) {
      sortByStep(t, y, used);
    }
    for (int i = 1; i < used; i++) {
      if (t[i] == t[i - 1]) {
        return null;
      }
    }
    ViscousShockFit fit = new ViscousShockFit();
    if (used == 0 || !fit.fit(t, y, 0, used, t[0], t[used - 1], used)) {
      return null;
    }
    return new GenericInternalRow(new Object[] {
        Math.round(fit.center()), fit.center(), fit.leftLevel(), fit.rightLevel(), fit.jump(),
        fit.width(), Math.abs(fit.jump()) * fit.width() / 4.0, fit.level(), fit.slope(),
        fit.rss(), SqlArrays.orNull(fit.centerStdError()), SqlArrays.orNull(fit.jumpStdError()),
        SqlArrays.orNull(fit.logWidthStdError()), fit.count()});
  }

  /** Sorts the first {@code n} pairs (t[i], y[i]) by t: bottom-up merge sort on both arrays. */
  private static void sortByStep(double[] t, double[] y, int n) {
    double[] ta = t;
    double[] ya = y;
    double[] tb = new double[n];
    double[] yb = new double[n];
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
          boolean left = i < mid && (j >= hi || ta[i] <= ta[j]);
          int from = left ? i++ : j++;
          tb[k] = ta[from];
          yb[k] = ya[from];
        }
      }
      double[] swap = ta;
      ta = tb;
      tb = swap;
      swap = ya;
      ya = yb;
      yb = swap;
    }
    if (ta != t) {
      System.arraycopy(ta, 0, t, 0, n);
      System.arraycopy(ya, 0, y, 0, n);
    }
  }
}
