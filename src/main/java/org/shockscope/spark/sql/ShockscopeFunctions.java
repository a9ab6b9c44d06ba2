package org.shockscope.spark.sql;

import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.shockscope.spark.sql.SpectralFunction.Measure;

/**
 * The catalogue of shockscope's SQL functions and their registration in a running session.
 *
 * <table>
 *   <caption>Functions (all NULL on NULL, empty or unusable input)</caption>
 *   <tr><th>call</th><th>returns</th></tr>
 *   <tr><td>{@code effective_rank(sv [, rows, cols])}</td><td>exp of the entropy of σᵢ/Σσⱼ</td></tr>
 *   <tr><td>{@code stable_rank(sv [, rows, cols])}</td><td>‖W‖_F² / ‖W‖₂²</td></tr>
 *   <tr><td>{@code participation_ratio(sv [, rows, cols])}</td><td>(Σσᵢ²)² / Σσᵢ⁴</td></tr>
 *   <tr><td>{@code spectral_entropy(sv [, rows, cols])}</td><td>entropy of σᵢ²/Σσⱼ² over ln(rank)</td></tr>
 *   <tr><td>{@code spectral_summary(sv [, rows, cols])}</td><td>struct of the whole spectral set</td></tr>
 *   <tr><td>{@code singular_values(matrix)}, {@code singular_values(data, rows, cols)}</td>
 *       <td>array of singular values, descending</td></tr>
 *   <tr><td>{@code jump_fit(steps, values)}</td><td>struct of the tanh front fit</td></tr>
 * </table>
 * Formulas and edge cases: {@link SpectralFunction}, {@link SingularValuesFunction},
 * {@link JumpFitFunction}.
 */
public final class ShockscopeFunctions {
  private ShockscopeFunctions() {}

  private static final String SV_ARGUMENTS = """

          Arguments:
            * sv - singular values of a matrix (ARRAY of numbers, any order; missing ones count as 0)
            * rows, cols - optional shape of the matrix (default: square of size(sv))
        """;

  private static final List<SqlFunction> ALL = List.of(
      spectral(Measure.EFFECTIVE_RANK,
          "exp(-sum p_i ln p_i) with p_i = sv_i / sum(sv) (Roy & Vetterli 2007); 0 for a zero matrix",
          "array(1.0, 1.0, 1.0, 1.0)", "4.0"),
      spectral(Measure.STABLE_RANK,
          "the stable rank sum(sv_i^2) / max(sv)^2; 0 for a zero matrix",
          "array(2.0, 1.0)", "1.25"),
      spectral(Measure.PARTICIPATION_RATIO,
          "the participation ratio sum(sv_i^2)^2 / sum(sv_i^4)",
          "array(1.0, 1.0)", "2.0"),
      spectral(Measure.SPECTRAL_ENTROPY,
          "the entropy of q_i = sv_i^2 / sum(sv^2) divided by ln(numerical rank), in [0, 1]",
          "array(1.0, 1.0, 0.0)", "1.0"),
      new SqlFunction("spectral_summary",
          "_FUNC_(sv [, rows, cols]) - Returns the spectral observables of a matrix from its"
              + " singular values: struct<fro_norm, spectral_norm, stable_rank, effective_rank,"
              + " participation_ratio, spectral_entropy, alpha, mp_softrank, num_spikes,"
              + " numerical_rank>, as the job computes them.",
          SV_ARGUMENTS,
          examples("_FUNC_(array(2.0, 1.0)).stable_rank", "1.25",
              "_FUNC_(array(3.0, 0.0, 0.0), 3, 3).numerical_rank", "1"),
          List.of(new SpectralFunction(Measure.SUMMARY, false),
              new SpectralFunction(Measure.SUMMARY, true))),
      new SqlFunction("singular_values",
          "_FUNC_(matrix) - Returns the singular values of a matrix given as an array of rows,"
              + " in descending order.\n"
              + "    _FUNC_(data, rows, cols) - Returns the singular values of a rows x cols"
              + " matrix given row-major as one array.",
          """

                Arguments:
                  * matrix - ARRAY of rows, each an ARRAY of numbers of the same length
                  * data, rows, cols - the matrix's values row by row, and its shape
              """,
          examples("_FUNC_(array(array(3.0, 0.0), array(0.0, 4.0)))", "[4.0,3.0]",
              "_FUNC_(array(0.0, 2.0, 0.0, 0.0, 0.0, 1.0), 2, 3)", "[2.0,1.0]"),
          List.of(new SingularValuesFunction(false), new SingularValuesFunction(true))),
      new SqlFunction("jump_fit",
          "_FUNC_(steps, values) - Fits the viscous-shock front y = m + b (t - t_s)"
              + " + (J/2) tanh((t - t_s)/w) to a series and returns struct<step, center, u_left,"
              + " u_right, jump, width, viscosity, level, slope, rss, center_stderr, jump_stderr,"
              + " log_width_stderr, n>.",
          """

                Arguments:
                  * steps - ARRAY of the samples' steps (any order, distinct)
                  * values - ARRAY of the series' values at those steps (same length)
              """,
          examples("round(_FUNC_(sequence(0, 40), transform(sequence(0, 40),"
              + " t -> tanh((t - 20) / 3.0))).jump, 6)", "2.0"),
          List.of(new JumpFitFunction())));

  /** Every function, in the order of the table above. */
  public static List<SqlFunction> all() {
    return ALL;
  }

  /**
   * Registers every function in a running session (replacing functions of the same name), for
   * sessions started without {@link ShockscopeExtensions}: a notebook on a cluster that attached
   * the jar after start. From PySpark:
   * {@code spark._jvm.org.shockscope.spark.sql.ShockscopeFunctions.register(spark._jsparkSession)}.
   */
  public static void register(SparkSession spark) {
    FunctionRegistry registry =
        ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().functionRegistry();
    for (SqlFunction f : ALL) {
      registry.registerFunction(f.identifier(), f.info(), f.builder());
    }
  }

  private static SqlFunction spectral(Measure m, String returns, String example, String result) {
    return new SqlFunction(m.sqlName(),
        "_FUNC_(sv [, rows, cols]) - Returns " + returns + ".", SV_ARGUMENTS,
        examples("_FUNC_(" + example + ")", result),
        List.of(new SpectralFunction(m, false), new SpectralFunction(m, true)));
  }

  /** Spark's examples block from (expression, result) pairs. */
  private static String examples(String... pairs) {
    StringBuilder b = new StringBuilder("\n    Examples:\n");
    for (int i = 0; i < pairs.length; i += 2) {
      b.append("      > SELECT ").append(pairs[i]).append(";\n       ").append(pairs[i + 1])
          .append('\n');
    }
    return b.append("  ").toString();
  }
}
