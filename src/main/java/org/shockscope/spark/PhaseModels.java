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
import org.apache.spark.ml.classification.RandomForestClassificationModel;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.AFTSurvivalRegression;
import org.apache.spark.ml.regression.AFTSurvivalRegressionModel;
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
    // in run order and one partition: the forest's bootstrap samples follow the rows' order
    // and partitions, which differ between a fresh, a resumed and an incremental job, and the
    // same runs must give the same tables
    this.runs = runs.orderBy("run_id").coalesce(1).localCheckpoint();
    this.shocks = shocks;
    this.hps = hps;
    this.seed = seed;
  }

  private synchronized ModelFeatures features() {
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

  /**
   * {@code phase_boundary}: per cell of the hyperparameters other than the learning rate, the
   * learning rate at which the probability of a shock (and of divergence) crosses 0.5.
   *
   * <p>One logistic regression per target, fitted jointly over cells with a separate
   * intercept a_c and slope b_c per cell on x = ln(lr) − mean_c(ln lr):
   * P = σ(a_c + b_c·x), so lr* = exp(mean_c − a_c/b_c). The loss is MLlib's (mean log-loss
   * over the N runs fitted plus ({@value #BOUNDARY_RIDGE}/2)·Σ(a_c² + b_c²)), which separates
   * into one two-parameter fit per cell, done on the driver by {@link RidgeLogisticFit}.
   * A small ridge keeps the fit finite
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
    // the runs table is small: one collect, then the per-cell counts and fits on the driver
    // (the fits used to be MLlib jobs, one Spark job per L-BFGS iteration)
    List<Column> fetch = new ArrayList<>(keep);
    fetch.add(col("_cell"));
    fetch.add(col("_lr").cast("double"));
    fetch.add(outcome("shock"));
    fetch.add(outcome("divergence"));
    List<Row> local = base.select(fetch.toArray(Column[]::new)).collectAsList();
    int k = others.size();
    StructType schema = new StructType().add("target", DataTypes.StringType)
        .add("cell", DataTypes.StringType);
    for (String c : others) {
      schema = schema.add(runs.schema().apply(c));
    }
    schema = schema.add("n_runs", DataTypes.LongType).add("n_positive", DataTypes.LongType)
        .add("lr_min", DataTypes.DoubleType).add("lr_max", DataTypes.DoubleType)
        .add("max_negative_lr", DataTypes.DoubleType).add("min_positive_lr", DataTypes.DoubleType)
        .add("critical_lr", DataTypes.DoubleType).add("log_lr_slope", DataTypes.DoubleType)
        .add("status", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    String[] targets = {"shock", "divergence"};
    for (int t = 0; t < targets.length; t++) {
      int labelAt = k + 2 + t;
      Map<String, BoundaryFit> fits = fitBoundary(local, k, labelAt);
      // groups of (other columns, cell), in first-seen order; the output is sorted below
      Map<List<Object>, CellCounts> groups = new java.util.LinkedHashMap<>();
      for (Row r : local) {
        List<Object> key = new ArrayList<>(k + 1);
        for (int i = 0; i <= k; i++) {
          key.add(r.get(i));
        }
        groups.computeIfAbsent(key, x -> new CellCounts())
            .add(r.isNullAt(k + 1) ? null : r.getDouble(k + 1), r.getDouble(labelAt));
      }
      for (Map.Entry<List<Object>, CellCounts> g : groups.entrySet()) {
        CellCounts c = g.getValue();
        String cellName = (String) g.getKey().get(k);
        BoundaryFit f = fits.get(cellName);
        List<Object> v = new ArrayList<>();
        v.add(targets[t]);
        v.add(cellName);
        v.addAll(g.getKey().subList(0, k));
        v.add(c.n);
        v.add(c.positive);
        v.add(c.lrMin);
        v.add(c.lrMax);
        v.add(c.maxNegative);
        v.add(c.minPositive);
        v.add(f == null ? null : f.criticalLr());
        v.add(f == null ? null : f.slope());
        v.add(f != null ? f.status() : c.positive == 0 ? "all_negative"
            : c.positive == c.n ? "all_positive" : "no_learning_rate");
        rows.add(RowFactory.create(v.toArray()));
      }
    }
    return spark.createDataFrame(rows, schema).orderBy(col("target"), col("cell"));
  }

  /** Counts of one (target, cell) group, as the SQL aggregates min/max/sum would give. */
  private static final class CellCounts {
    long n;
    long positive;
    Double lrMin;
    Double lrMax;
    Double maxNegative;
    Double minPositive;

    void add(Double lr, double label) {
      n++;
      if (label == 1.0) {
        positive++;
      }
      if (lr == null) {
        return;
      }
      lrMin = lrMin == null ? lr : Math.min(lrMin, lr);
      lrMax = lrMax == null ? lr : Math.max(lrMax, lr);
      if (label == 0.0) {
        maxNegative = maxNegative == null ? lr : Math.max(maxNegative, lr);
      } else if (label == 1.0) {
        minPositive = minPositive == null ? lr : Math.min(minPositive, lr);
      }
    }
  }

  /** One cell's fitted boundary: critical_lr (null when not finite), slope, status. */
  private record BoundaryFit(Double criticalLr, double slope, String status) {}

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

  /** Number of distinct tuples of the given fields over the rows. */
  static int distinct(List<Row> rows, List<Integer> fields) {
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

  /**
   * The boundary fits of one target, by cell name: over the runs with a positive learning
   * rate, each cell with both outcomes at two or more rates gets P = σ(a + b·x) on
   * x = ln(lr) − mean(ln lr) (see {@link RidgeLogisticFit} for why this equals the joint MLlib
   * fit with {@link #BOUNDARY_RIDGE}).
   *
   * @param local   rows of (other columns..., cell, lr, shock label, divergence label)
   * @param k       number of other columns
   * @param labelAt index of this target's label
   */
  private static Map<String, BoundaryFit> fitBoundary(List<Row> local, int k, int labelAt) {
    Map<String, List<double[]>> byCell = new java.util.LinkedHashMap<>();
    for (Row r : local) {
      if (r.isNullAt(k + 1) || !(r.getDouble(k + 1) > 0)) {
        continue;
      }
      byCell.computeIfAbsent(r.getString(k), x -> new ArrayList<>())
          .add(new double[] {r.getDouble(k + 1), r.getDouble(labelAt)});
    }
    // a fixed order of each cell's runs (the table's row order differs between a full and an
    // incremental job, or a local and a cluster one): the sums, and so the fit, are then the
    // same to the last bit
    for (List<double[]> rs : byCell.values()) {
      rs.sort((p, q) -> p[0] != q[0] ? Double.compare(p[0], q[0]) : Double.compare(p[1], q[1]));
    }
    Map<String, double[]> mixed = new java.util.LinkedHashMap<>();
    Map<String, Double> centre = new HashMap<>();
    long total = 0;
    for (Map.Entry<String, List<double[]>> e : byCell.entrySet()) {
      List<double[]> rs = e.getValue();
      double pos = 0;
      double logSum = 0;
      java.util.Set<Double> rates = new java.util.HashSet<>();
      for (double[] lrLabel : rs) {
        pos += lrLabel[1];
        logSum += Math.log(lrLabel[0]);
        rates.add(lrLabel[0]);
      }
      if (pos > 0 && pos < rs.size() && rates.size() > 1) {
        centre.put(e.getKey(), logSum / rs.size());
        mixed.put(e.getKey(), null);
        total += rs.size();
      }
    }
    Map<String, BoundaryFit> out = new HashMap<>();
    for (String cell : mixed.keySet()) {
      List<double[]> rs = byCell.get(cell);
      double m = centre.get(cell);
      double[] x = new double[rs.size()];
      double[] y = new double[rs.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.log(rs.get(i)[0]) - m;
        y[i] = rs.get(i)[1];
      }
      // every cell keeps its intercept, a single mixed cell too (MLlib gave the all-ones
      // indicator column of a lone cell a zero coefficient, which put lr* at the grid's
      // geometric mean whatever the outcomes)
      double[] w = RidgeLogisticFit.fit(x, y, BOUNDARY_RIDGE * total, true);
      double a = w[0];
      double b = w[1];
      double crit = b != 0 ? Math.exp(m - a / b) : Double.NaN;
      out.put(cell, new BoundaryFit(Double.isFinite(crit) ? crit : null, b,
          b > 0 ? "ok" : "decreasing"));
    }
    return out;
  }

  static final StructType SURVIVAL_SCHEMA = new StructType()
      .add("model", DataTypes.StringType).add("term", DataTypes.StringType)
      .add("transform", DataTypes.StringType).add("coefficient", DataTypes.DoubleType)
      .add("time_ratio", DataTypes.DoubleType).add("n_runs", DataTypes.LongType)
      .add("n_events", DataTypes.LongType).add("aliased_with", DataTypes.StringType);

  /**
   * {@code survival}: Weibull accelerated-failure-time regression (MLlib
   * {@link AFTSurvivalRegression}) of the step of the first shock on the hyperparameters:
   * log T = β₀ + βᵀx + σ·ε. Runs without a shock are right-censored at their last step.
   * {@code time_ratio} = exp(β) is the factor by which one unit of the feature (one decade
   * for log10 features) multiplies the time to the first shock.
   *
   * <p>Terms confounded in the sweep ({@link AliasedTerms}: a term that is a linear combination
   * of earlier ones over the fitted runs) are left out of the fit and listed with a NULL
   * coefficient and, in {@code aliased_with}, the kept terms they equal; a kept term's
   * {@code aliased_with} names the aliased terms its coefficient also stands for.
   */
  public Dataset<Row> survival() {
    ModelFeatures all = features();
    Dataset<Row> d = runs.filter(col("last_step").isNotNull())
        .withColumn("censor", when(col("n_shocks").gt(0), 1.0).otherwise(0.0))
        .withColumn("label", greatest(lit(1.0),
            when(col("n_shocks").gt(0), col("first_shock_step")).otherwise(col("last_step"))
                .cast("double")));
    Row counts = d.selectExpr("count(1)", "sum(censor)").first();
    long n = counts.getLong(0);
    long events = counts.isNullAt(1) ? 0 : (long) counts.getDouble(1);
    List<Row> rows = new ArrayList<>();
    if (all.isEmpty() || events == 0) {
      return spark.createDataFrame(rows, SURVIVAL_SCHEMA);
    }
    AliasedTerms aliasing = all.aliasing(d);
    ModelFeatures f = all.kept(aliasing);
    if (f.isEmpty() || n < f.features().size() + 2) {
      return spark.createDataFrame(rows, SURVIVAL_SCHEMA);
    }
    AFTSurvivalRegressionModel model = new AFTSurvivalRegression().setCensorCol("censor")
        .setMaxIter(100).fit(f.assemble(d));
    rows.add(RowFactory.create("aft_weibull", "(intercept)", "identity", model.intercept(),
        Math.exp(model.intercept()), n, events, null));
    int k = 0;
    for (int i = 0; i < all.features().size(); i++) {
      ModelFeatures.Feature ft = all.features().get(i);
      String with = aliasing.aliasedWith(i, all.names());
      if (aliasing.aliased(i)) {
        rows.add(RowFactory.create("aft_weibull", ft.name(), ft.transform(), null, null, n,
            events, with));
        continue;
      }
      double c = model.coefficients().apply(k++);
      rows.add(RowFactory.create("aft_weibull", ft.name(), ft.transform(), c, Math.exp(c), n,
          events, with));
    }
    rows.add(RowFactory.create("aft_weibull", "(scale)", "identity", model.scale(), null, n,
        events, null));
    return spark.createDataFrame(rows, SURVIVAL_SCHEMA);
  }

  static final StructType IMPORTANCE_SCHEMA = new StructType()
      .add("target", DataTypes.StringType).add("hyperparameter", DataTypes.StringType)
      .add("importance", DataTypes.DoubleType).add("rank", DataTypes.IntegerType)
      .add("n_runs", DataTypes.LongType).add("aliased_with", DataTypes.StringType);

  /**
   * {@code importance}: random-forest (MLlib, {@value #FOREST_TREES} trees, fixed seed)
   * impurity importance of each hyperparameter for having a shock and for diverging, the
   * importances of a string hyperparameter's one-hot columns summed. Normalised to sum 1.
   *
   * <p>The forest is grown on the design without its aliased terms ({@link AliasedTerms}, as
   * in {@link #survival()}): trees split on one of two identical columns at random and would
   * share one effect between them. A hyperparameter all of whose terms are aliased has a NULL
   * importance and rank; {@code aliased_with} says, per aliased term, which kept terms it
   * equals ({@code optimizer=sgd = model=teacher-student}) and, for a kept term, which aliased
   * terms its importance also stands for.
   */
  public Dataset<Row> importance() {
    ModelFeatures all = features();
    List<Row> rows = new ArrayList<>();
    if (all.isEmpty()) {
      return spark.createDataFrame(rows, IMPORTANCE_SCHEMA);
    }
    AliasedTerms aliasing = all.aliasing(runs);
    ModelFeatures f = all.kept(aliasing);
    // per hyperparameter, what its terms are aliased with
    Map<String, List<String>> aliases = new java.util.LinkedHashMap<>();
    for (int i = 0; i < all.features().size(); i++) {
      ModelFeatures.Feature ft = all.features().get(i);
      String with = aliasing.aliasedWith(i, all.names());
      List<String> notes = aliases.computeIfAbsent(ft.hyperparameter(), x -> new ArrayList<>());
      if (with != null) {
        notes.add(aliasing.aliased(i) ? ft.name() + " = " + with
            : ft.name() + " also stands for " + with);
      }
    }
    for (String target : List.of("shock", "divergence")) {
      Dataset<Row> d = f.assemble(runs.withColumn("label", outcome(target))).cache();
      Row s = d.selectExpr("count(1)", "sum(label)").first();
      long n = s.getLong(0);
      double pos = s.isNullAt(1) ? 0 : s.getDouble(1);
      if (pos == 0 || pos == n || f.isEmpty()) {
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
        String hp = ranked.get(i).getKey();
        rows.add(RowFactory.create(target, hp, ranked.get(i).getValue(), i + 1, n,
            notes(aliases.get(hp))));
      }
      for (Map.Entry<String, List<String>> e : aliases.entrySet()) {
        if (!byHp.containsKey(e.getKey())) {
          rows.add(RowFactory.create(target, e.getKey(), null, null, n, notes(e.getValue())));
        }
      }
    }
    return spark.createDataFrame(rows, IMPORTANCE_SCHEMA);
  }

  private static boolean varies(List<Row> rows, java.util.function.ToDoubleFunction<Row> f) {
    java.util.Set<Double> seen = new java.util.HashSet<>();
    for (Row r : rows) {
      seen.add(f.applyAsDouble(r) + 0.0);
      if (seen.size() > 1) {
        return true;
      }
    }
    return false;
  }

  private static String notes(List<String> notes) {
    return notes == null || notes.isEmpty() ? null : String.join("; ", notes);
  }

  static final StructType VISCOSITY_SCHEMA = new StructType()
      .add("response", DataTypes.StringType).add("term", DataTypes.StringType)
      .add("estimate", DataTypes.DoubleType).add("std_error", DataTypes.DoubleType)
      .add("ci_lo", DataTypes.DoubleType).add("ci_hi", DataTypes.DoubleType)
      .add("p_value", DataTypes.DoubleType).add("n_events", DataTypes.LongType)
      .add("r2", DataTypes.DoubleType).add("aliased_with", DataTypes.StringType);

  /** Numeric optimiser settings that enter the viscosity law beside momentum (0 when absent). */
  static final List<String> OPTIMIZER_SETTINGS = List.of("weight_decay", "beta1", "beta2");
  /** The string hyperparameter naming the optimiser kind. */
  static final String OPTIMIZER_KIND = "optimizer";

  /**
   * {@code viscosity_law}: ordinary least squares ({@link OrdinaryLeastSquares}, on the
   * driver: the events are few and MLlib's summary ran a Spark job per statistic) of ln(width)
   * and of ln(viscosity) of the fronts of primary series ({@link ViscosityEvents}) on
   * ln(temperature) (temperature = lr / batch_size of its run) and the optimiser's settings where they vary over the events:
   * momentum, {@link #OPTIMIZER_SETTINGS} (weight decay, Adam's β1 and β2; 0 for a run without
   * one) and the optimiser kind (one-hot against its most common value), with 95% confidence
   * intervals estimate ± t(0.975, n − p)·se. The shock-wave picture of SPEC §1 predicts a
   * positive ln(temperature) slope of ln(width), and momentum and adaptive optimisers adding
   * viscosity. A term confounded with earlier ones over the events ({@link AliasedTerms}) is
   * left out of the fit and listed with NULL statistics and the terms it equals in
   * {@code aliased_with}.
   *
   * @param temperature column expression over {@code runs} for lr / batch_size, or null
   * @param momentumColumn the momentum column of {@code runs}, or null
   */
  public Dataset<Row> viscosityLaw(Column temperature, String momentumColumn) {
    List<Row> rows = new ArrayList<>();
    if (temperature == null) {
      return spark.createDataFrame(rows, VISCOSITY_SCHEMA);
    }
    List<String> settings = new ArrayList<>();
    List<Column> settingColumns = new ArrayList<>();
    for (String key : OPTIMIZER_SETTINGS) {
      HyperparameterColumns.Hyperparameter h = hps.byKey(key);
      if (h != null && h.numeric() && !h.column().equals(momentumColumn)) {
        settings.add(key);
        settingColumns.add(org.apache.spark.sql.functions.coalesce(col(h.column()), lit(0.0))
            .cast("double"));
      }
    }
    HyperparameterColumns.Hyperparameter kind = hps.byKey(OPTIMIZER_KIND);
    Column kindColumn = kind != null && !kind.numeric()
        ? org.apache.spark.sql.functions.coalesce(col(kind.column()), lit("(missing)"))
        : lit("(none)");
    List<Column> select = new ArrayList<>(List.of(col("run_id"), col("_temperature"),
        momentumColumn == null ? lit(0.0).as("_momentum")
            : col(momentumColumn).cast("double").as("_momentum")));
    for (int j = 0; j < settings.size(); j++) {
      select.add(settingColumns.get(j).as("_s" + j));
    }
    select.add(kindColumn.as("_kind"));
    Dataset<Row> r = runs.withColumn("_temperature", temperature)
        .select(select.toArray(Column[]::new));
    List<Column> fetch = new ArrayList<>(List.of(
        org.apache.spark.sql.functions.log(col("_temperature")).as("_log_t"), col("_momentum"),
        col("width").cast("double"), col("viscosity").cast("double"), col("_kind")));
    for (int j = 0; j < settings.size(); j++) {
      fetch.add(col("_s" + j));
    }
    // the jump events are few (one row each): one collect, the fits on the driver
    List<Row> ev = ViscosityEvents.of(shocks)
        .join(r, "run_id")
        .filter(col("_temperature").gt(0).and(col("_momentum").isNotNull()))
        .select(fetch.toArray(Column[]::new))
        .collectAsList();
    int n = ev.size();
    // the terms: ln temperature, then each setting that varies over the events
    List<String> terms = new ArrayList<>(List.of("log_temperature"));
    List<java.util.function.ToDoubleFunction<Row>> values = new ArrayList<>();
    values.add(e -> e.getDouble(0));
    if (momentumColumn != null && varies(ev, e -> e.getDouble(1))) {
      terms.add("momentum");
      values.add(e -> e.getDouble(1));
    }
    for (int j = 0; j < settings.size(); j++) {
      int at = 5 + j;
      if (varies(ev, e -> e.getDouble(at))) {
        terms.add(settings.get(j));
        values.add(e -> e.getDouble(at));
      }
    }
    Map<String, Integer> kinds = new HashMap<>();
    for (Row e : ev) {
      kinds.merge(e.getString(4), 1, Integer::sum);
    }
    List<String> levels = new ArrayList<>(kinds.keySet());
    levels.sort((a, b) -> !kinds.get(a).equals(kinds.get(b))
        ? Integer.compare(kinds.get(b), kinds.get(a)) : a.compareTo(b));
    for (String level : levels.subList(Math.min(1, levels.size()), levels.size())) {
      terms.add(OPTIMIZER_KIND + "=" + level);
      values.add(e -> level.equals(e.getString(4)) ? 1.0 : 0.0);
    }
    int p = terms.size();
    if (!varies(ev, e -> e.getDouble(0)) || n < p + 3) {
      return spark.createDataFrame(rows, VISCOSITY_SCHEMA);
    }
    double[][] x = new double[n][p];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < p; j++) {
        x[i][j] = values.get(j).applyAsDouble(ev.get(i));
      }
    }
    AliasedTerms aliasing = AliasedTerms.of(x);
    int[] kept = aliasing.kept();
    double[][] xk = aliasing.keptColumns(x);
    String[] responses = {"width", "viscosity"};
    for (int k = 0; k < responses.length; k++) {
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        y[i] = Math.log(ev.get(i).getDouble(2 + k));
      }
      OrdinaryLeastSquares.Fit fit = OrdinaryLeastSquares.fit(xk, y);
      if (fit == null) {
        // collinear beyond the aliasing tolerance: no unique law to report
        return spark.createDataFrame(List.of(), VISCOSITY_SCHEMA);
      }
      String response = "log_" + responses[k];
      int at = 0;
      for (int j = 0; j <= p; j++) {
        if (j < p && aliasing.aliased(j)) {
          rows.add(RowFactory.create(response, terms.get(j), null, null, null, null, null,
              (long) n, fit.r2(), aliasing.aliasedWith(j, terms)));
          continue;
        }
        int i = j < p ? at++ : kept.length;
        double est = fit.estimates()[i];
        double half = fit.halfWidth95(i);
        rows.add(RowFactory.create(response, j < p ? terms.get(j) : "intercept", est,
            fit.standardErrors()[i], est - half, est + half, fit.pValues()[i], (long) n, fit.r2(),
            j < p ? aliasing.aliasedWith(j, terms) : null));
      }
    }
    return spark.createDataFrame(rows, VISCOSITY_SCHEMA);
  }
}
