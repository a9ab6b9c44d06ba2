package org.shockscope.spark.sql;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.ejml.data.DMatrixRMaj;
import org.shockscope.symmetry.DenseLinearAlgebra;

/**
 * {@code singular_values(matrix)} of an {@code array<array<double>>} (one inner array per row)
 * and {@code singular_values(data, rows, cols)} of a row-major {@code array<double>} (the layout
 * of a tensor's data): the min(rows, cols) singular values in descending order, from the job's
 * linear algebra ({@link DenseLinearAlgebra#create()}: LAPACK {@code dgesdd} through netlib when
 * the native library loads, EJML otherwise), so they match the job's {@code spectra} of the same
 * matrix.
 *
 * <p>NULL when the input is NULL or empty, holds a NULL, NaN or infinite value, has rows of
 * different lengths, when {@code rows · cols ≠ size(data)} or a dimension is not positive, or
 * when the SVD does not converge.
 */
final class SingularValuesFunction implements ScalarFunction<ArrayData> {
  private static final long serialVersionUID = 1L;

  private static final DataType ROW = DataTypes.createArrayType(DataTypes.DoubleType, true);
  private static final DataType MATRIX = DataTypes.createArrayType(ROW, true);

  private final boolean flat;

  /** @param flat whether the call is {@code singular_values(data, rows, cols)} */
  SingularValuesFunction(boolean flat) {
    this.flat = flat;
  }

  @Override
  public String name() {
    return "singular_values";
  }

  @Override
  public DataType[] inputTypes() {
    return flat ? new DataType[] {ROW, DataTypes.LongType, DataTypes.LongType}
        : new DataType[] {MATRIX};
  }

  @Override
  public DataType resultType() {
    return DataTypes.createArrayType(DataTypes.DoubleType, false);
  }

  @Override
  public ArrayData produceResult(InternalRow input) {
    DMatrixRMaj m = flat ? flatMatrix(input) : nestedMatrix(input);
    if (m == null) {
      return null;
    }
    double[] sv = new double[Math.min(m.numRows, m.numCols)];
    if (!DenseLinearAlgebra.create().singularValues(m, sv)) {
      return null;
    }
    return UnsafeArrayData.fromPrimitiveArray(sv);
  }

  private static DMatrixRMaj flatMatrix(InternalRow input) {
    if (input.isNullAt(0) || input.isNullAt(1) || input.isNullAt(2)) {
      return null;
    }
    double[] data = SqlArrays.finite(input.getArray(0));
    long rows = input.getLong(1);
    long cols = input.getLong(2);
    if (data == null || rows <= 0 || cols <= 0 || rows * cols != data.length) {
      return null;
    }
    return DMatrixRMaj.wrap((int) rows, (int) cols, data);
  }

  private static DMatrixRMaj nestedMatrix(InternalRow input) {
    if (input.isNullAt(0)) {
      return null;
    }
    ArrayData outer = input.getArray(0);
    int rows = outer.numElements();
    if (rows == 0 || outer.isNullAt(0)) {
      return null;
    }
    int cols = outer.getArray(0).numElements();
    if (cols == 0) {
      return null;
    }
    double[] data = new double[Math.multiplyExact(rows, cols)];
    for (int r = 0; r < rows; r++) {
      double[] row = outer.isNullAt(r) ? null : SqlArrays.finite(outer.getArray(r));
      if (row == null || row.length != cols) {
        return null;
      }
      System.arraycopy(row, 0, data, r * cols, cols);
    }
    return DMatrixRMaj.wrap(rows, cols, data);
  }
}
