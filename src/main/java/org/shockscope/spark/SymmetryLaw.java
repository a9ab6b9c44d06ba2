package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code symmetry_law} (SPEC §7): how shock-proneness changes with the amount of parameter
 * symmetry, among runs that differ only in their network's size. The theory of SPEC §1 expects
 * more symmetry (wider layers, more identical heads) to make shocks more likely.
 *
 * <p>A run's symmetry degree is the {@code runs} columns {@code symmetry_dim} (dimension of the
 * continuous symmetry group) and {@code symmetry_log_order} (ln of the order of its discrete
 * part), see {@link org.shockscope.symmetry.SymmetryDegree}. Runs are grouped into cells that fix
 * every varying hyperparameter except the seed, the size keys ({@link #SIZE_KEYS}: width,
 * heads) and what changes with the size inside a family (a value measured on the network). Within cells, each response y is regressed on one
 * degree term x with a fixed effect per cell (ordinary least squares on cell indicators and x,
 * {@link OrdinaryLeastSquares}): y = α_cell + β·x + ε, reporting β with its 95% interval
 * β̂ ± t(0.975, n − cells − 1)·se. Responses: {@code shock} (1 when the run has a transition
 * other than divergence, a linear probability model: β is the change of the shock rate per unit
 * of x), {@code log_first_shock_step} (ln of the first transition's step, runs with one) and
 * {@code log_strength} (ln of the largest {@code strength} of the run's {@code jump} events).
 * Terms: {@code log_symmetry_dim} = ln(symmetry_dim) (runs with a continuous symmetry) and
 * {@code symmetry_log_order}. A term constant within every cell cannot be told from the cells
 * ({@link AliasedTerms}): its row has NULL statistics and {@code aliased_with} is
 * {@value #CONSTANT_IN_CELLS}.
 */
final class SymmetryLaw {
  /** Hyperparameter keys that set a network's size, and with it its symmetry degree. */
  static final List<String> SIZE_KEYS = List.of("width", "heads", "n_head", "num_heads",
      "num_attention_heads", "hidden_size", "n_embd", "d_model");

  static final StructType SCHEMA = new StructType()
      .add("response", DataTypes.StringType).add("term", DataTypes.StringType)
      .add("estimate", DataTypes.DoubleType).add("std_error", DataTypes.DoubleType)
      .add("ci_lo", DataTypes.DoubleType).add("ci_hi", DataTypes.DoubleType)
      .add("p_value", DataTypes.DoubleType).add("n_runs", DataTypes.LongType)
      .add("n_cells", DataTypes.LongType).add("r2", DataTypes.DoubleType)
      .add("held_fixed", DataTypes.StringType).add("aliased_with", DataTypes.StringType);

  /** {@code aliased_with} of a term the cells determine: no run differs from another in it. */
  static final String CONSTANT_IN_CELLS = "cell (constant within every cell)";
  private static final String[] RESPONSES = {"shock", "log_first_shock_step", "log_strength"};
  private static final String[] TERMS = {"log_symmetry_dim", "symmetry_log_order"};

  private SymmetryLaw() {}

  /**
   * @param runs   the runs table as written (with the symmetry degree columns)
   * @param shocks the shocks table
   * @param hps    the sweep's hyperparameter columns
   * @return the table; empty when the runs have no degree or the sweep varies no size key
   */
  static Dataset<Row> of(Dataset<Row> runs, Dataset<Row> shocks, HyperparameterColumns hps) {
    SparkSession spark = runs.sparkSession();
    List<Row> rows = new ArrayList<>();
    List<String> sizes = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (HyperparameterColumns.Hyperparameter h : hps.features()) {
      (SIZE_KEYS.contains(h.key().toLowerCase(Locale.ROOT)) ? sizes : others).add(h.column());
    }
    if (sizes.isEmpty() || !java.util.Arrays.asList(runs.columns()).contains("symmetry_dim")) {
      return spark.createDataFrame(rows, SCHEMA);
    }
    List<String> fixed = heldFixed(runs, others, sizes);
    Column cell = fixed.isEmpty() ? lit("all") : concat_ws(", ", fixed.stream()
        .map(c -> org.apache.spark.sql.functions.concat(lit(c + "="),
            org.apache.spark.sql.functions.coalesce(col(c).cast("string"), lit("(missing)"))))
        .toArray(Column[]::new));
    Dataset<Row> strength = shocks.filter(col("kind").equalTo("jump")
            .and(col("strength").gt(0)))
        .groupBy("run_id").agg(max("strength").as("_strength"));
    // the runs table is small: one collect, the fits on the driver
    List<Row> local = runs.join(strength, "run_id", "left")
        .filter(col("symmetry_dim").isNotNull().and(col("symmetry_log_order").isNotNull()))
        .select(cell.as("_cell"), col("symmetry_dim").cast("double"),
            col("symmetry_log_order"), col("n_shocks"), col("first_shock_step").cast("double"),
            col("_strength").cast("double"))
        .orderBy("_cell", "symmetry_dim", "symmetry_log_order", "first_shock_step", "_strength")
        .collectAsList();
    String heldFixed = String.join(", ", fixed);
    for (String response : RESPONSES) {
      for (String term : TERMS) {
        Row r = fit(local, response, term, heldFixed);
        if (r != null) {
          rows.add(r);
        }
      }
    }
    return spark.createDataFrame(rows, SCHEMA);
  }

  /**
   * The columns that define the cells. A column goes when the size keys (with the other kept
   * columns) determine it but the other kept columns alone do not: it changes with the size
   * within a family (a value measured on the network), so fixing it would put every size in a
   * cell of its own. A column the others determine (the family's label beside its optimizer)
   * stays, or the families would merge whenever their widths differ; the cells are then named
   * by as few columns as give the same cells, later columns left out first.
   */
  private static List<String> heldFixed(Dataset<Row> runs, List<String> others,
                                        List<String> sizes) {
    List<String> cols = new ArrayList<>(others);
    cols.addAll(sizes);
    // the runs table is small: one collect, then the distinct counts on the driver
    List<Row> local = runs.selectExpr(cols.stream().map(c -> "`" + c + "`")
        .toArray(String[]::new)).collectAsList();
    List<Integer> sizeAt = new ArrayList<>();
    for (int g = others.size(); g < cols.size(); g++) {
      sizeAt.add(g);
    }
    List<Integer> kept = new ArrayList<>();
    for (int c = 0; c < others.size(); c++) {
      kept.add(c);
    }
    for (int c = 0; c < others.size(); c++) {
      List<Integer> rest = new ArrayList<>(kept);
      rest.remove(Integer.valueOf(c));
      List<Integer> restAndSizes = new ArrayList<>(rest);
      restAndSizes.addAll(sizeAt);
      if (determines(local, restAndSizes, c) && !determines(local, rest, c)) {
        kept.remove(Integer.valueOf(c));
      }
    }
    for (int i = kept.size() - 1; i >= 0; i--) {
      List<Integer> rest = new ArrayList<>(kept);
      int c = rest.remove(i);
      if (determines(local, rest, c)) {
        kept.remove(i);
      }
    }
    return kept.stream().map(others::get).toList();
  }

  /** Whether the columns {@code by} determine column c over the rows. */
  private static boolean determines(List<Row> rows, List<Integer> by, int c) {
    List<Integer> with = new ArrayList<>(by);
    with.add(c);
    return PhaseModels.distinct(rows, by) == PhaseModels.distinct(rows, with);
  }

  /** One response on one term with cell fixed effects, or null when there are too few runs. */
  private static Row fit(List<Row> local, String response, String term, String heldFixed) {
    List<String> cellOf = new ArrayList<>();
    List<double[]> xy = new ArrayList<>();
    for (Row r : local) {
      double dim = r.getDouble(1);
      double x = term.equals(TERMS[0]) ? (dim > 0 ? Math.log(dim) : Double.NaN) : r.getDouble(2);
      double y;
      boolean shocked = r.getInt(3) > 0 && !r.isNullAt(4);
      switch (response) {
        case "shock" -> y = r.getInt(3) > 0 ? 1 : 0;
        case "log_first_shock_step" -> y = shocked && r.getDouble(4) > 0
            ? Math.log(r.getDouble(4)) : Double.NaN;
        default -> y = r.isNullAt(5) ? Double.NaN : Math.log(r.getDouble(5));
      }
      if (Double.isFinite(x) && Double.isFinite(y)) {
        cellOf.add(r.getString(0));
        xy.add(new double[] {x, y});
      }
    }
    Map<String, Integer> cells = new LinkedHashMap<>();
    for (String c : cellOf) {
      cells.putIfAbsent(c, cells.size());
    }
    int n = xy.size();
    int k = cells.size();
    // cell indicators (the first cell is the reference), then the term
    int p = k;
    if (n < p + 2) {
      return null;
    }
    double[][] x = new double[n][p];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      int c = cells.get(cellOf.get(i));
      if (c > 0) {
        x[i][c - 1] = 1;
      }
      x[i][p - 1] = xy.get(i)[0];
      y[i] = xy.get(i)[1];
    }
    AliasedTerms aliasing = AliasedTerms.of(x);
    if (aliasing.aliased(p - 1)) {
      // a combination of cell indicators: constant within every cell
      return RowFactory.create(response, term, null, null, null, null, null, (long) n,
          (long) k, null, heldFixed, CONSTANT_IN_CELLS);
    }
    int[] kept = aliasing.kept();
    double[][] xk = aliasing.keptColumns(x);
    OrdinaryLeastSquares.Fit f = OrdinaryLeastSquares.fit(xk, y);
    if (f == null || f.degreesOfFreedom() < 1) {
      return null;
    }
    int at = kept.length - 1;
    double est = f.estimates()[at];
    double half = f.halfWidth95(at);
    return RowFactory.create(response, term, est, f.standardErrors()[at], est - half,
        est + half, f.pValues()[at], (long) n, (long) k, f.r2(), heldFixed, null);
  }
}
