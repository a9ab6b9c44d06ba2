package org.shockscope.spark.sql;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.catalog.functions.ScalarFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.shockscope.symmetry.MarchenkoPasturFit;
import org.shockscope.symmetry.SpectralSummary;

/**
 * A spectral observable of SPEC §4 as a SQL function of singular values: {@code f(sv)} or
 * {@code f(sv, rows, cols)}, computed by {@link SpectralSummary#of} exactly as the job does.
 *
 * <p>{@code sv} are the singular values σᵢ of a rows × cols matrix (any order; sorted descending
 * here). Values not given count as zero, so a top-k spectrum (the {@code spectra} table keeps at
 * most 32) gives the observables of its best rank-k approximation. Without {@code rows} and
 * {@code cols} the matrix is taken as square of size {@code size(sv)}: the rank-free measures
 * ({@code fro_norm}, {@code spectral_norm}, {@code stable_rank}, {@code effective_rank},
 * {@code participation_ratio}) do not depend on the shape; {@code spectral_entropy} does only
 * through the numerical-rank tolerance σ₁·max(rows, cols)·ε, and {@code alpha},
 * {@code mp_softrank}, {@code num_spikes} through the aspect ratio of the Marchenko–Pastur fit.
 *
 * <p>NULL when {@code sv} is NULL or empty or holds a NULL, NaN, infinite or negative value, or
 * when the shape is NULL, not positive, or smaller than {@code size(sv)} allows
 * (min(rows, cols) &lt; size(sv)). In {@code spectral_summary} an undefined field ({@code alpha}
 * with fewer than {@value SpectralSummary#MIN_ALPHA_TAIL} values in its fitted tail,
 * {@code mp_softrank} of a zero matrix, {@code mp_softrank} and {@code num_spikes} with
 * min(rows, cols) &lt; {@value MarchenkoPasturFit#MIN_EIGENVALUES}) is NULL.
 */
final class SpectralFunction implements ScalarFunction<Object> {
  private static final long serialVersionUID = 1L;

  /** What the function returns. */
  enum Measure {
    EFFECTIVE_RANK, STABLE_RANK, PARTICIPATION_RATIO, SPECTRAL_ENTROPY, SUMMARY;

    /** The SQL name: the observable's name, {@code spectral_summary} for the whole set. */
    String sqlName() {
      return this == SUMMARY ? "spectral_summary" : name().toLowerCase(Locale.ROOT);
    }
  }

  /** Index of {@code num_spikes} in {@link SpectralSummary#NAMES}: an integer, not a double. */
  private static final int NUM_SPIKES = Arrays.asList(SpectralSummary.NAMES).indexOf("num_spikes");

  /**
   * {@code spectral_summary}'s result: the fields of {@link SpectralSummary#NAMES} in that order
   * (doubles, {@code num_spikes} an int) and {@code numerical_rank}, the count of σᵢ above the
   * tolerance.
   */
  static final StructType SUMMARY_TYPE = summaryType();

  private static final DataType SV_TYPE = DataTypes.createArrayType(DataTypes.DoubleType, true);

  private final Measure measure;
  private final boolean shaped;

  /**
   * @param measure what to return
   * @param shaped  whether the call gives the matrix shape, {@code f(sv, rows, cols)}
   */
  SpectralFunction(Measure measure, boolean shaped) {
    this.measure = measure;
    this.shaped = shaped;
  }

  private static StructType summaryType() {
    StructType t = new StructType();
    for (int i = 0; i < SpectralSummary.NAMES.length; i++) {
      t = t.add(SpectralSummary.NAMES[i],
          i == NUM_SPIKES ? DataTypes.IntegerType : DataTypes.DoubleType, true);
    }
    return t.add("numerical_rank", DataTypes.IntegerType, true);
  }

  @Override
  public String name() {
    return measure.sqlName();
  }

  @Override
  public DataType[] inputTypes() {
    return shaped ? new DataType[] {SV_TYPE, DataTypes.LongType, DataTypes.LongType}
        : new DataType[] {SV_TYPE};
  }

  @Override
  public DataType resultType() {
    return measure == Measure.SUMMARY ? SUMMARY_TYPE : DataTypes.DoubleType;
  }

  @Override
  public Object produceResult(InternalRow input) {
    SpectralSummary s = summary(input);
    if (s == null) {
      return null;
    }
    switch (measure) {
      case EFFECTIVE_RANK:
        return s.effectiveRank();
      case STABLE_RANK:
        return s.stableRank();
      case PARTICIPATION_RATIO:
        return s.participationRatio();
      case SPECTRAL_ENTROPY:
        return s.spectralEntropy();
      default:
        return row(s);
    }
  }

  private SpectralSummary summary(InternalRow input) {
    if (input.isNullAt(0)) {
      return null;
    }
    double[] sv = SqlArrays.finite(input.getArray(0));
    if (sv == null) {
      return null;
    }
    int k = sv.length;
    long rows = k;
    long cols = k;
    if (shaped) {
      if (input.isNullAt(1) || input.isNullAt(2)) {
        return null;
      }
      rows = input.getLong(1);
      cols = input.getLong(2);
      if (Math.min(rows, cols) < k || Math.max(rows, cols) > Integer.MAX_VALUE) {
        return null;
      }
    }
    if (!descending(sv)) {
      return null;
    }
    return SpectralSummary.of(sv, k, (int) rows, (int) cols, new double[k], new double[k + 1]);
  }

  /** Sorts {@code sv} descending in place; false when a value is negative. */
  private static boolean descending(double[] sv) {
    boolean sorted = true;
    for (int i = 0; i < sv.length; i++) {
      if (sv[i] < 0) {
        return false;
      }
      if (i > 0 && sv[i] > sv[i - 1]) {
        sorted = false;
      }
    }
    if (!sorted) {
      Arrays.sort(sv);
      for (int i = 0, j = sv.length - 1; i < j; i++, j--) {
        double x = sv[i];
        sv[i] = sv[j];
        sv[j] = x;
      }
    }
    return true;
  }

  private static InternalRow row(SpectralSummary s) {
    double[] values = new double[SpectralSummary.NAMES.length];
    s.values(values);
    Object[] fields = new Object[values.length + 1];
    for (int i = 0; i < values.length; i++) {
      // not a conditional expression: Integer and Double operands would be unboxed to double
      if (i == NUM_SPIKES) {
        fields[i] = s.numSpikes() < 0 ? null : s.numSpikes();
      } else {
        fields[i] = SqlArrays.orNull(values[i]);
      }
    }
    fields[values.length] = s.numericalRank();
    return new GenericInternalRow(fields);
  }
}
