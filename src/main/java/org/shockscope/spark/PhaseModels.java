package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.AFTSurvivalRegression;
import org.apache.spark.ml.regression.AFTSurvivalRegressionModel;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.ml.regression.LinearRegressionTrainingSummary;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The MLlib models of SPEC §6 over the {@code runs} and {@code shocks} tables: the phase
 * boundary (logistic regression), time to first shock (accelerated-failure-time survival
 * regression), hyperparameter importance (random forest) and the viscosity law (ordinary
 * least squares with t-based confidence intervals). Each returns a small table; when the
 * sweep cannot support a model (a constant outcome, no varying hyperparameter, no events) the
 * table is empty or says so in a {@code status} column, never an exception.
 */
public final class PhaseModels {
  /** L2 penalty of the boundary fit: keeps slopes finite when a cell's outcomes separate. */
  static final double BOUNDARY_RIDGE = 1e-3;
  static final int FOREST_TREES = 100;

  private final SparkSession spark;
  private final Dataset<Row> runs;
  private final Dataset<Row> shocks;
  private final HyperparameterColumns hps;
  private final long seed;
  private ModelFeatures features;

  /**
   * @param runs   the runs table (typed hyperparameter columns, n_shocks, diverged, ...)
   * @param shocks the shocks table
   * @param hps    the sweep's hyperparameter columns
   * @param seed   random seed of the forest
   */
  public PhaseModels(Dataset<Row> runs, Dataset<Row> shocks, HyperparameterColumns hps,
                     long seed) {
    this.spark = runs.sparkSession();
    // materialised, not cached: a cache is keyed by plan, and a plan that reads a table's
    // folder would serve stale rows to a later job of the same session after the folder changed
    this.runs = runs.localCheckpoint();
    this.shocks = shocks;
    this.hps = hps;
    this.seed = seed;
  }

  private ModelFeatures features() {
    if (features == null) {
      features = ModelFeatures.of(runs, hps);
    }
    return features;
  }

  /** The two binary outcomes modelled: a shock ({@code n_shocks > 0}) and divergence. */
  private static Column outcome(String target) {
    return "shock".equals(target) ? when(col("n_shocks").gt(0), 1.0).otherwise(0.0)
        : when(col("diverged"), 1.0).otherwise(0.0);
  }

  static final StructType BOUNDARY_FIT_SCHEMA = new StructType()
      .add("_target", DataTypes.StringType).add("_cell", DataTypes.StringType)
      .add("critical_lr", DataTypes.DoubleType).add("log_lr_slope", DataTypes.DoubleType)
      .add("status", DataTypes.StringType);

  /**
   * {@code phase_boundary}: per cell of the hyperparameters other than the learning rate, the
   * learning rate at which the probability of a shock (and of divergence) crosses 0.5.
   *
   * <p>One logistic regression per target, fitted jointly over cells with a separate
   * intercept a_c and slope b_c per cell on x = ln(lr) − mean_c(ln lr):
   * P = σ(a_c + b_c·x), so lr* = exp(mean_c − a_c/b_c). A small ridge keeps the fit finite
   * when outcomes separate perfectly (a converging-then-diverging grid), which puts lr*
   * inside the gap between the last negative and the first positive rate. Cells whose runs all
   * share one outcome get no estimate and a status saying which side of the boundary they
   * are on.
   *
   * @param cellColumns the phase-diagram cell columns (the lr column among them is ignored)
   * @param lrKey       the learning-rate hyperparameter key
   */
  public Dataset<Row> phaseBoundary(List<String> cellColumns, String lrKey) {
    HyperparameterColumns.Hyperparameter lr = hps.byKey(lrKey);
    List<String> others = new ArrayList<>(cellColumns);
    if (lr != null) {
      others.remove(lr.column());
      if (lr.numeric() && lr.varies()) {
        others = independentOfLearningRate(others, lr.column());
      }
    }
    Column cell = others.isEmpty() ? lit("all")
        : concat_ws(", ", others.stream().map(c -> org.apache.spark.sql.functions.concat(
            lit(c + "="), org.apache.spark.sql.functions.coalesce(col(c).cast("string"),
                lit("(missing)")))).toArray(Column[]::new));
    List<Column> keep = new ArrayList<>();
    for (String c : others) {
      keep.add(col(c));
    }
    Dataset<Row> base;
    if (lr == null || !lr.numeric() || !lr.varies()) {
      base = runs.withColumn("_lr", lit(null).cast("double"));
    } else {
      base = runs.withColumn("_lr", col(lr.column()));
    }
    base = base.withColumn("_cell", cell);
    List<Row> fits = new ArrayList<>();
    for (String target : List.of("shock", "divergence")) {
      Dataset<Row> d = base.withColumn("label", outcome(target));
      fits.addAll(fitBoundary(target, d.filter(col("_lr").gt(0))));
    }
    Dataset<Row> fitted = spark.createDataFrame(fits, BOUNDARY_FIT_SCHEMA);
    Dataset<Row> perTarget = null;
    for (String target : List.of("shock", "divergence")) {
      List<Column> groupCols = new ArrayList<>(keep);
      groupCols.add(col("_cell"));
      Dataset<Row> s = base.withColumn("label", outcome(target))
          .groupBy(groupCols.toArray(Column[]::new))
          .agg(org.apache.spark.sql.functions.count(lit(1)).as("n_runs"),
              org.apache.spark.sql.functions.sum("label").cast("long").as("n_positive"),
              org.apache.spark.sql.functions.min("_lr").as("lr_min"),
              org.apache.spark.sql.functions.max("_lr").as("lr_max"),
              org.apache.spark.sql.functions.max(when(col("label").equalTo(0.0), col("_lr")))
                  .as("max_negative_lr"),
              org.apache.spark.sql.functions.min(when(col("label").equalTo(1.0), col("_lr")))
                  .as("min_positive_lr"))
          .withColumn("_target", lit(target));
      perTarget = perTarget == null ? s : perTarget.unionByName(s);
    }
    Dataset<Row> joined = perTarget.join(fitted,
        perTarget.col("_target").equalTo(fitted.col("_target"))
            .and(perTarget.col("_cell").equalTo(fitted.col("_cell"))), "left");
    List<Column> out = new ArrayList<>();
    out.add(perTarget.col("_target").as("target"));
    out.add(perTarget.col("_cell").as("cell"));
    for (String c : others) {
      out.add(perTarget.col(c));
    }
    out.add(col("n_runs"));
    out.add(col("n_positive"));
    out.add(col("lr_min"));
    out.add(col("lr_max"));
    out.add(col("max_negative_lr"));
    out.add(col("min_positive_lr"));
    out.add(col("critical_lr"));
    out.add(col("log_lr_slope"));
    out.add(org.apache.spark.sql.functions.coalesce(col("status"),
        when(col("n_positive").equalTo(0), lit("all_negative"))
            .when(col("n_positive").equalTo(col("n_runs")), lit("all_positive"))
            .otherwise(lit("no_learning_rate"))).as("status"));
    return joined.select(out.toArray(Column[]::new)).orderBy(col("target"), col("cell"));
  }

  /**
   * Drops the cell columns that the learning rate (with the other columns) determines — a
   * learning-rate multiplier such as {@code lr_scale}, or a label of the lr regime — since a
   * cell fixing one of them would hold a single learning rate and no boundary could be seen.
   * A column c goes when the runs have as many distinct (others, lr) as (others − c, lr).
   */
  private List<String> independentOfLearningRate(List<String> others, String lrColumn) {
    // the runs table is small: one collect, then the distinct counts on the driver
    List<String> cols = new ArrayList<>(others);
    cols.add(lrColumn);
    List<Row> local = runs.selectExpr(quoted(cols)).collectAsList();
    List<String> kept = new ArrayList<>(others);
    for (String c : others) {
      List<Integer> with = new ArrayList<>();
      for (String k : kept) {
        with.add(cols.indexOf(k));
      }
      with.add(cols.size() - 1);
      List<Integer> without = new ArrayList<>(with);
      without.remove(Integer.valueOf(cols.indexOf(c)));
      if (distinct(local, with) == distinct(local, without)) {
        kept.remove(c);
      }
    }
    return kept;
  }

  private static int distinct(List<Row> rows, List<Integer> fields) {
    java.util.Set<List<Object>> seen = new java.util.HashSet<>();
    for (Row r : rows) {
      List<Object> key = new ArrayList<>(fields.size());
      for (int i : fields) {
        key.add(r.get(i));
      }
      seen.add(key);
    }
    return seen.size();
  }

  private static String[] quoted(List<String> cols) {
    return cols.stream().map(c -> "`" + c + "`").toArray(String[]::new);
  }

  private List<Row> fitBoundary(String target, Dataset<Row> d) {
    List<Row> cells = d.groupBy("_cell")
        .agg(org.apache.spark.sql.functions.avg(org.apache.spark.sql.functions.log(col("_lr")))
                .as("m"),
            org.apache.spark.sql.functions.sum("label").as("pos"),
            org.apache.spark.sql.functions.count(lit(1)).as("n"),
            org.apache.spark.sql.functions.countDistinct(col("_lr")).as("k"))
        .collectAsList();
    List<String> mixed = new ArrayList<>();
    Map<String, Double> centre = new HashMap<>();
    for (Row r : cells) {
      double pos = r.<Double>getAs("pos");
      long n = r.<Long>getAs("n");
      if (pos > 0 && pos < n && r.<Long>getAs("k") > 1) {
        mixed.add(r.getAs("_cell"));
        centre.put(r.getAs("_cell"), r.<Double>getAs("m"));
      }
    }
    List<Row> out = new ArrayList<>();
    if (mixed.isEmpty()) {
      return out;
    }
    Dataset<Row> m = d.filter(col("_cell").isin(mixed.toArray()));
    String[] names = new String[2 * mixed.size()];
    Column x = org.apache.spark.sql.functions.log(col("_lr"));
    for (int i = 0; i < mixed.size(); i++) {
      Column in = col("_cell").equalTo(mixed.get(i));
      names[2 * i] = "_a" + i;
      names[2 * i + 1] = "_b" + i;
      m = m.withColumn(names[2 * i], when(in, 1.0).otherwise(0.0))
          .withColumn(names[2 * i + 1],
              when(in, x.minus(lit(centre.get(mixed.get(i))))).otherwise(0.0));
    }
    Dataset<Row> design = new VectorAssembler().setInputCols(names).setOutputCol("features")
        .transform(m);
    LogisticRegressionModel model = new LogisticRegression().setFitIntercept(false)
        .setStandardization(false).setRegParam(BOUNDARY_RIDGE).setElasticNetParam(0.0)
        .setMaxIter(100).setTol(1e-8).fit(design);
    Vector w = model.coefficients();
    for (int i = 0; i < mixed.size(); i++) {
      double a = w.apply(2 * i);
      double b = w.apply(2 * i + 1);
      String status = b > 0 ? "ok" : "decreasing";
      double crit = b != 0 ? Math.exp(centre.get(mixed.get(i)) - a / b) : Double.NaN;
      out.add(RowFactory.create(target, mixed.get(i), Double.isFinite(crit) ? crit : null, b,
          status));
    }
    return out;
  }

  static final StructType SURVIVAL_SCHEMA = new StructType()
      .add("model", DataTypes.StringType).add("term", DataTypes.StringType)
      .add("transform", DataTypes.StringType).add("coefficient", DataTypes.DoubleType)
      .add("time_ratio", DataTypes.DoubleType).add("n_runs", DataTypes.LongType)
      .add("n_events", DataTypes.LongType);

  /**
   * {@code survival}: Weibull accelerated-failure-time regression (MLlib
   * {@link AFTSurvivalRegression}) of the step of the first shock on the hyperparameters:
   * log T = β₀ + βᵀx + σ·ε. Runs without a shock are right-censored at their last step.
   * {@code time_ratio} = exp(β) is the factor by which one unit of the feature (one decade
   * for log10 features) multiplies the time to the first shock.
   */
  public Dataset<Row> survival() {
    ModelFeatures f = features();
    Dataset<Row> d = runs.filter(col("last_step").isNotNull())
        .withColumn("censor", when(col("n_shocks").gt(0), 1.0).otherwise(0.0))
        .withColumn("label", greatest(lit(1.0),
            when(col("n_shocks").gt(0), col("first_shock_step")).otherwise(col("last_step"))
                .cast("double")));
    Row counts = d.selectExpr("count(1)", "sum(censor)").first();
    long n = counts.getLong(0);
    long events = counts.isNullAt(1) ? 0 : (long) counts.getDouble(1);
    List<Row> rows = new ArrayList<>();
    if (f.isEmpty() || events == 0 || n < f.features().size() + 2) {
      return spark.createDataFrame(rows, SURVIVAL_SCHEMA);
    }
    AFTSurvivalRegressionModel model = new AFTSurvivalRegression().setCensorCol("censor")
        .setMaxIter(100).fit(f.assemble(d));
    rows.add(RowFactory.create("aft_weibull", "(intercept)", "identity", model.intercept(),
        Math.exp(model.intercept()), n, events));
    for (int i = 0; i < f.features().size(); i++) {
      ModelFeatures.Feature ft = f.features().get(i);
      double c = model.coefficients().apply(i);
      rows.add(RowFactory.create("aft_weibull", ft.name(), ft.transform(), c, Math.exp(c), n,
          events));
    }
    rows.add(RowFactory.create("aft_weibull", "(scale)", "identity", model.scale(), null, n,
        events));
    return spark.createDataFrame(rows, SURVIVAL_SCHEMA);
  }

  static final StructType IMPORTANCE_SCHEMA = new StructType()
      .add("target", DataTypes.StringType).add("hyperparameter", DataTypes.StringType)
      .add("importance", DataTypes.DoubleType).add("rank", DataTypes.IntegerType)
      .add("n_runs", DataTypes.LongType);

  /**
   * {@code importance}: random-forest (MLlib, {@value #FOREST_TREES} trees, fixed seed)
   * impurity importance of each hyperparameter for having a shock and for diverging, the
   * importances of a string hyperparameter's one-hot columns summed. Normalised to sum 1.
   */
  public Dataset<Row> importance() {
    ModelFeatures f = features();
    List<Row> rows = new ArrayList<>();
    if (f.isEmpty()) {
      return spark.createDataFrame(rows, IMPORTANCE_SCHEMA);
    }
    for (String target : List.of("shock", "divergence")) {
      Dataset<Row> d = f.assemble(runs.withColumn("label", outcome(target))).cache();
      Row s = d.selectExpr("count(1)", "sum(label)").first();
      long n = s.getLong(0);
      double pos = s.isNullAt(1) ? 0 : s.getDouble(1);
      if (pos == 0 || pos == n) {
        d.unpersist();
        continue;
      }
      RandomForestClassificationModel model = new RandomForestClassifier()
          .setNumTrees(FOREST_TREES).setSeed(seed).setMaxDepth(6).fit(d);
      d.unpersist();
      Vector imp = model.featureImportances();
      Map<String, Double> byHp = new java.util.LinkedHashMap<>();
      for (int i = 0; i < f.features().size(); i++) {
        byHp.merge(f.features().get(i).hyperparameter(), imp.apply(i), Double::sum);
      }
      List<Map.Entry<String, Double>> ranked = new ArrayList<>(byHp.entrySet());
      ranked.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
      for (int i = 0; i < ranked.size(); i++) {
        rows.add(RowFactory.create(target, ranked.get(i).getKey(), ranked.get(i).getValue(),
            i + 1, n));
      }
    }
    return spark.createDataFrame(rows, IMPORTANCE_SCHEMA);
  }

  static final StructType VISCOSITY_SCHEMA = new StructType()
      .add("response", DataTypes.StringType).add("term", DataTypes.StringType)
      .add("estimate", DataTypes.DoubleType).add("std_error", DataTypes.DoubleType)
      .add("ci_lo", DataTypes.DoubleType).add("ci_hi", DataTypes.DoubleType)
      .add("p_value", DataTypes.DoubleType).add("n_events", DataTypes.LongType)
      .add("r2", DataTypes.DoubleType);

  /**
   * {@code viscosity_law}: ordinary least squares (MLlib {@link LinearRegression}, normal
   * equations) of ln(width) and of ln(viscosity) of every {@code jump} event on
   * ln(temperature) (temperature = lr / batch_size of its run) and, where it varies, momentum,
   * with 95% confidence intervals estimate ± t(0.975, n − p)·se. The shock-wave picture of
   * SPEC §1 predicts a positive ln(temperature) slope of ln(width).
   *
   * @param temperature column expression over {@code runs} for lr / batch_size, or null
   * @param momentumColumn the momentum column of {@code runs}, or null
   */
  public Dataset<Row> viscosityLaw(Column temperature, String momentumColumn) {
    List<Row> rows = new ArrayList<>();
    if (temperature == null) {
      return spark.createDataFrame(rows, VISCOSITY_SCHEMA);
    }
    Dataset<Row> r = runs.withColumn("_temperature", temperature)
        .select(col("run_id"), col("_temperature"),
            momentumColumn == null ? lit(0.0).as("_momentum")
                : col(momentumColumn).cast("double").as("_momentum"));
    Dataset<Row> ev = shocks.filter(col("kind").equalTo("jump")
            .and(col("width").gt(0)).and(col("viscosity").gt(0)))
        .join(r, "run_id")
        .filter(col("_temperature").gt(0).and(col("_momentum").isNotNull()))
        .withColumn("_log_t", org.apache.spark.sql.functions.log(col("_temperature")))
        .cache();
    Row spread = ev.selectExpr("count(1)", "count(distinct _log_t)", "count(distinct _momentum)")
        .first();
    long n = spread.getLong(0);
    boolean withMomentum = momentumColumn != null && spread.getLong(2) > 1;
    String[] inputs = withMomentum ? new String[] {"_log_t", "_momentum"}
        : new String[] {"_log_t"};
    if (spread.getLong(1) < 2 || n < inputs.length + 3) {
      ev.unpersist();
      return spark.createDataFrame(rows, VISCOSITY_SCHEMA);
    }
    Dataset<Row> design = new VectorAssembler().setInputCols(inputs).setOutputCol("features")
        .transform(ev);
    for (String response : List.of("width", "viscosity")) {
      Dataset<Row> d = design.withColumn("label",
          org.apache.spark.sql.functions.log(col(response)));
      LinearRegressionModel model = new LinearRegression().setSolver("normal")
          .setRegParam(0.0).fit(d);
      LinearRegressionTrainingSummary s = model.summary();
      double[] se = s.coefficientStandardErrors();
      double[] p = s.pValues();
      long dof = s.degreesOfFreedom();
      double t = new TDistribution(Math.max(1, dof)).inverseCumulativeProbability(0.975);
      String[] terms = withMomentum ? new String[] {"log_temperature", "momentum"}
          : new String[] {"log_temperature"};
      for (int i = 0; i < terms.length; i++) {
        double est = model.coefficients().apply(i);
        rows.add(RowFactory.create("log_" + response, terms[i], est, se[i], est - t * se[i],
            est + t * se[i], p[i], n, s.r2()));
      }
      int k = terms.length;
      rows.add(RowFactory.create("log_" + response, "intercept", model.intercept(), se[k],
          model.intercept() - t * se[k], model.intercept() + t * se[k], p[k], n, s.r2()));
    }
    ev.unpersist();
    return spark.createDataFrame(rows, VISCOSITY_SCHEMA);
  }
}
