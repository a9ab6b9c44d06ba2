package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.regression.LinearRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Phase statistics and MLlib models over a synthetic runs table with a known boundary. */
class PhaseModelsTest {
  static SparkSession spark;
  static Dataset<Row> runs;
  static Dataset<Row> shocks;
  static HyperparameterColumns hps;
  static final double[] LRS = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5};
  static final int[] BATCHES = {16, 64};
  static final int SEEDS = 4;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("PhaseModelsTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    StructType runSchema = new StructType().add("run_id", DataTypes.StringType)
        .add("lr", DataTypes.DoubleType).add("batch_size", DataTypes.DoubleType)
        .add("seed", DataTypes.DoubleType).add("optimizer", DataTypes.StringType)
        .add("last_step", DataTypes.LongType).add("diverged", DataTypes.BooleanType)
        .add("n_shocks", DataTypes.IntegerType).add("first_shock_step", DataTypes.LongType);
    StructType shockSchema = new StructType().add("run_id", DataTypes.StringType)
        .add("kind", DataTypes.StringType).add("step", DataTypes.LongType)
        .add("width", DataTypes.DoubleType).add("viscosity", DataTypes.DoubleType)
        .add("series", DataTypes.StringType);
    List<Row> rr = new ArrayList<>();
    List<Row> ss = new ArrayList<>();
    Random rnd = new Random(7);
    for (int b : BATCHES) {
      for (double lr : LRS) {
        for (int s = 0; s < SEEDS; s++) {
          String id = "b" + b + "_lr" + lr + "_s" + s;
          // the small-batch cell diverges from lr 0.2 on, the large-batch one from 0.5 on
          boolean diverged = b == 16 ? lr >= 0.2 : lr >= 0.5;
          double temperature = lr / b;
          double width = 40 * Math.pow(temperature / 1e-3, 0.5) * Math.exp(0.05 * rnd.nextGaussian());
          long step = (long) (200 / lr / 10) + s;
          ss.add(RowFactory.create(id, "jump", step, width, 0.25 * width, "loss"));
          rr.add(RowFactory.create(id, lr, (double) b, (double) s, s % 2 == 0 ? "sgd" : "adam",
              1000L, diverged, 1, step));
        }
      }
    }
    runs = spark.createDataFrame(rr, runSchema);
    shocks = spark.createDataFrame(ss, shockSchema);
    hps = new HyperparameterColumns(List.of(
        new HyperparameterColumns.Hyperparameter("lr", "lr", true, LRS.length, rr.size()),
        new HyperparameterColumns.Hyperparameter("batch_size", "batch_size", true, 2, rr.size()),
        new HyperparameterColumns.Hyperparameter("seed", "seed", true, SEEDS, rr.size()),
        new HyperparameterColumns.Hyperparameter("optimizer", "optimizer", false, 2, rr.size())),
        "seed");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void phaseStatsCountsAddUpAndWilsonIntervalsBracketTheRate() {
    List<String> cells = List.of("lr", "batch_size");
    Dataset<Row> stats = PhaseAggregation.phaseStats(runs, shocks, cells,
        runs.col("lr").divide(runs.col("batch_size")));
    List<Row> rows = stats.collectAsList();
    assertEquals(LRS.length * BATCHES.length, rows.size());
    long total = 0;
    for (Row r : rows) {
      long n = r.getAs("n_runs");
      total += n;
      double rate = r.getAs("divergence_rate");
      double lo = r.getAs("divergence_rate_lo");
      double hi = r.getAs("divergence_rate_hi");
      assertTrue(lo <= rate && rate <= hi && lo >= 0 && hi <= 1, r.toString());
      assertEquals(SEEDS, n);
      assertEquals((double) r.getAs("lr") / (double) r.getAs("batch_size"),
          (double) r.getAs("temperature"), 1e-15);
      assertNotNull(r.getAs("median_width"));
    }
    assertEquals(runs.count(), total);
    // Wilson 95% for 0 of 4: [0, 0.4899]
    Row zero = stats.filter("lr = 0.01 and batch_size = 16").first();
    assertEquals(0.0, (double) zero.getAs("divergence_rate_lo"), 1e-12);
    assertEquals(0.48990, (double) zero.getAs("divergence_rate_hi"), 1e-4);
  }

  @Test
  void phaseBoundaryLiesBetweenLastConvergingAndFirstDivergingRate() {
    PhaseModels models = new PhaseModels(runs, shocks, hps, 1L);
    List<Row> rows = models.phaseBoundary(List.of("lr", "batch_size"), "lr")
        .filter("target = 'divergence'").collectAsList();
    assertEquals(2, rows.size());
    Map<Double, double[]> gap = Map.of(16.0, new double[] {0.1, 0.2}, 64.0,
        new double[] {0.2, 0.5});
    for (Row r : rows) {
      double[] g = gap.get((Double) r.getAs("batch_size"));
      double crit = r.getAs("critical_lr");
      assertEquals("ok", r.getAs("status"));
      assertTrue(crit > g[0] && crit < g[1], "critical lr " + crit + " for " + r);
    }
  }

  @Test
  void aSingleMixedCellKeepsItsInterceptAndItsBoundaryInTheGap() {
    // one cell: its boundary (0.1, 0.2) lies above the grid's geometric mean (~0.07), where a
    // fit without intercept would put it
    Dataset<Row> oneCell = runs.filter("batch_size = 16");
    PhaseModels models = new PhaseModels(oneCell, shocks, hps, 1L);
    List<Row> rows = models.phaseBoundary(List.of("lr"), "lr")
        .filter("target = 'divergence'").collectAsList();
    assertEquals(1, rows.size());
    double crit = rows.get(0).getAs("critical_lr");
    assertTrue(crit > 0.1 && crit < 0.2, "critical lr " + crit + " " + rows);
  }

  @Test
  void viscosityLawRecoversTheSlopeWithAnIntervalThatCoversIt() {
    PhaseModels models = new PhaseModels(runs, shocks, hps, 1L);
    Row slope = models.viscosityLaw(runs.col("lr").divide(runs.col("batch_size")), null)
        .filter("response = 'log_width' and term = 'log_temperature'").first();
    double est = slope.getAs("estimate");
    assertEquals(0.5, est, 0.05);
    assertTrue((double) slope.getAs("ci_lo") < 0.5 && (double) slope.getAs("ci_hi") > 0.5);
  }

  @Test
  void importanceRanksTheLearningRateFirstForDivergence() {
    List<Row> rows = new PhaseModels(runs, shocks, hps, 1L).importance()
        .filter("target = 'divergence'").orderBy("rank").collectAsList();
    assertFalse(rows.isEmpty());
    assertEquals("lr", rows.get(0).getAs("hyperparameter"));
    double sum = rows.stream().mapToDouble(r -> r.getAs("importance")).sum();
    assertEquals(1.0, sum, 1e-9);
  }

  @Test
  void survivalFitsWithEveryFeatureAndAPositiveScale() {
    List<Row> rows = new PhaseModels(runs, shocks, hps, 1L).survival().collectAsList();
    // intercept, log10(lr), log10(batch_size)?, optimizer one-hot, scale
    assertTrue(rows.stream().anyMatch(r -> "log10(lr)".equals(r.getAs("term"))), rows.toString());
    Row lr = rows.stream().filter(r -> "log10(lr)".equals(r.getAs("term"))).findFirst().get();
    // first shock at 20/lr steps: one decade of lr divides the time by ~10
    assertEquals(-Math.log(10), (double) lr.getAs("coefficient"), 0.3);
    Row scale = rows.stream().filter(r -> "(scale)".equals(r.getAs("term"))).findFirst().get();
    assertTrue((double) scale.getAs("coefficient") > 0);
  }

  @Test
  void anUnconfoundedDesignHasNoAliasedTerm() {
    List<Row> rows = new PhaseModels(runs, shocks, hps, 1L).survival().collectAsList();
    for (Row r : rows) {
      assertNull(r.getAs("aliased_with"), r.toString());
      assertNotNull(r.getAs("coefficient"), r.toString());
    }
    assertEquals(5, rows.size(), rows.toString());
  }

  /**
   * The runs with a {@code family} that every optimizer fixes (sgd runs are all 'ts', adam runs
   * all 'dl'), and a momentum that the temperature fixes: both confounded.
   */
  private static PhaseModels confounded() {
    Dataset<Row> r = runs.withColumn("family", org.apache.spark.sql.functions.when(
            runs.col("optimizer").equalTo("sgd"), "ts").otherwise("dl"))
        .withColumn("momentum", org.apache.spark.sql.functions.log(runs.col("lr")
            .divide(runs.col("batch_size"))).multiply(0.1).plus(1.0));
    List<HyperparameterColumns.Hyperparameter> hs = new ArrayList<>(hps.all());
    hs.add(3, new HyperparameterColumns.Hyperparameter("family", "family", false, 2, r.count()));
    return new PhaseModels(r, shocks, new HyperparameterColumns(hs, "seed"), 1L);
  }

  @Test
  void survivalGivesAConfoundedPairOneCoefficientAndMarksTheOtherAliased() {
    List<Row> rows = confounded().survival().collectAsList();
    Row family = term(rows, "family=ts");
    Row optimizer = term(rows, "optimizer=sgd");
    assertNotNull(family.getAs("coefficient"));
    assertEquals("optimizer=sgd", family.getAs("aliased_with"));
    assertNull(optimizer.getAs("coefficient"), optimizer.toString());
    assertNull(optimizer.getAs("time_ratio"));
    assertEquals("family=ts", optimizer.getAs("aliased_with"));
    assertNull(term(rows, "log10(lr)").getAs("aliased_with"));
    // the kept terms are those of the unconfounded fit: the same coefficients
    List<Row> plain = new PhaseModels(runs, shocks, hps, 1L).survival().collectAsList();
    assertEquals((double) term(plain, "log10(lr)").getAs("coefficient"),
        (double) term(rows, "log10(lr)").getAs("coefficient"), 1e-6);
    assertEquals((double) term(plain, "optimizer=sgd").getAs("coefficient"),
        (double) family.getAs("coefficient"), 1e-6);
  }

  @Test
  void importanceAndViscosityLawSayWhichTermsAreAliased() {
    PhaseModels models = confounded();
    List<Row> imp = models.importance().filter("target = 'divergence'").collectAsList();
    Row optimizer = imp.stream().filter(r -> "optimizer".equals(r.getAs("hyperparameter")))
        .findFirst().orElseThrow();
    assertNull(optimizer.getAs("importance"), imp.toString());
    assertNull(optimizer.getAs("rank"));
    assertEquals("optimizer=sgd = family=ts", optimizer.getAs("aliased_with"));
    Row family = imp.stream().filter(r -> "family".equals(r.getAs("hyperparameter")))
        .findFirst().orElseThrow();
    assertEquals("family=ts also stands for optimizer=sgd", family.getAs("aliased_with"));
    double sum = imp.stream().filter(r -> r.getAs("importance") != null)
        .mapToDouble(r -> r.getAs("importance")).sum();
    assertEquals(1.0, sum, 1e-9);

    List<Row> law = models.viscosityLaw(runs.col("lr").divide(runs.col("batch_size")),
        "momentum").filter("response = 'log_width'").collectAsList();
    // log_temperature, momentum, the optimiser kind (issue 18 item 1), intercept
    assertEquals(4, law.size(), law.toString());
    Row kind = law.stream().filter(r -> "optimizer=sgd".equals(r.getAs("term"))).findFirst()
        .orElseThrow(() -> new AssertionError(law.toString()));
    // the widths do not depend on the optimiser: its interval covers 0
    assertTrue((double) kind.getAs("ci_lo") < 0 && (double) kind.getAs("ci_hi") > 0,
        kind.toString());
    assertNull(kind.getAs("aliased_with"));
    Row momentum = law.stream().filter(r -> "momentum".equals(r.getAs("term"))).findFirst()
        .orElseThrow();
    assertNull(momentum.getAs("estimate"));
    assertNull(momentum.getAs("ci_lo"));
    assertEquals("1 + 0.1*log_temperature", momentum.getAs("aliased_with"));
    Row slope = law.stream().filter(r -> "log_temperature".equals(r.getAs("term"))).findFirst()
        .orElseThrow();
    assertEquals(0.5, (double) slope.getAs("estimate"), 0.05);
    assertEquals("momentum", slope.getAs("aliased_with"));
  }

  @Test
  void symmetryLawComparesWidthsWithinCellsAndSaysWhenItCannot() {
    // two families (cells), widths 2..16 in each; first shock at 4000 / width steps, strength
    // growing as width, a shock only from width 4 on; lr fixed by the family
    StructType schema = new StructType().add("run_id", DataTypes.StringType)
        .add("family", DataTypes.StringType).add("lr", DataTypes.DoubleType)
        .add("width", DataTypes.DoubleType).add("seed", DataTypes.DoubleType)
        .add("n_shocks", DataTypes.IntegerType).add("first_shock_step", DataTypes.LongType)
        .add("symmetry_dim", DataTypes.LongType).add("symmetry_log_order", DataTypes.DoubleType);
    List<Row> rr = new ArrayList<>();
    List<Row> ss = new ArrayList<>();
    Random rnd = new Random(9);
    for (String family : List.of("a", "b")) {
      for (int w : new int[] {2, 4, 8, 16}) {
        for (int seed = 0; seed < 3; seed++) {
          String id = family + w + "_" + seed;
          boolean shock = w >= 4;
          long step = (long) (4000.0 / w * Math.exp(0.1 * rnd.nextGaussian()));
          double logOrder = 0;
          for (int k = 2; k <= w; k++) {
            logOrder += Math.log(k);
          }
          rr.add(RowFactory.create(id, family, family.equals("a") ? 0.1 : 0.2, (double) w,
              (double) seed, shock ? 1 : 0, shock ? step : null, (long) w, logOrder));
          if (shock) {
            ss.add(RowFactory.create(id, "jump", step, 10.0, 2.0 * w, 1.0));
          }
        }
      }
    }
    Dataset<Row> r = spark.createDataFrame(rr, schema);
    Dataset<Row> sh = spark.createDataFrame(ss, new StructType().add("run_id", DataTypes.StringType)
        .add("kind", DataTypes.StringType).add("step", DataTypes.LongType)
        .add("width", DataTypes.DoubleType).add("strength", DataTypes.DoubleType)
        .add("viscosity", DataTypes.DoubleType));
    long n = rr.size();
    HyperparameterColumns h = new HyperparameterColumns(List.of(
        new HyperparameterColumns.Hyperparameter("family", "family", false, 2, n),
        new HyperparameterColumns.Hyperparameter("lr", "lr", true, 2, n),
        new HyperparameterColumns.Hyperparameter("width", "width", true, 4, n),
        new HyperparameterColumns.Hyperparameter("seed", "seed", true, 3, n)), "seed");
    List<Row> law = SymmetryLaw.of(r, sh, h).collectAsList();
    assertEquals(6, law.size(), law.toString());
    for (Row row : law) {
      assertEquals(2L, (long) row.getAs("n_cells"), row.toString());
      assertNull(row.getAs("aliased_with"));
      double est = row.getAs("estimate");
      assertTrue((double) row.getAs("ci_lo") < est && est < (double) row.getAs("ci_hi"));
    }
    Row strength = law.stream().filter(x -> "log_strength".equals(x.getAs("response"))
        && "log_symmetry_dim".equals(x.getAs("term"))).findFirst().orElseThrow();
    // ln strength = ln 2 + ln width exactly
    assertEquals(1.0, (double) strength.getAs("estimate"), 1e-9);
    Row time = law.stream().filter(x -> "log_first_shock_step".equals(x.getAs("response"))
        && "log_symmetry_dim".equals(x.getAs("term"))).findFirst().orElseThrow();
    assertEquals(-1.0, (double) time.getAs("estimate"), 0.15);
    assertTrue((double) time.getAs("ci_hi") < 0, time.toString());
    Row rate = law.stream().filter(x -> "shock".equals(x.getAs("response"))
        && "log_symmetry_dim".equals(x.getAs("term"))).findFirst().orElseThrow();
    assertTrue((double) rate.getAs("estimate") > 0, rate.toString());
    assertEquals("family", rate.getAs("held_fixed"));
    assertEquals(24L, (long) rate.getAs("n_runs"));

    // one width per family: the degree is the family's, nothing can be said within cells
    List<Row> fixed = SymmetryLaw.of(r.filter("family = 'a' and width = 4 or family = 'b' and "
        + "width = 8"), sh, h).filter("response = 'shock'").collectAsList();
    assertEquals(2, fixed.size(), fixed.toString());
    for (Row row : fixed) {
      assertNull(row.getAs("estimate"));
      assertEquals(SymmetryLaw.CONSTANT_IN_CELLS, row.getAs("aliased_with"), row.toString());
    }
  }

  private static Row term(List<Row> rows, String term) {
    return rows.stream().filter(r -> term.equals(r.getAs("term"))).findFirst()
        .orElseThrow(() -> new AssertionError("no term " + term + " in " + rows));
  }

  @Test
  void driverBoundaryFitEqualsTheJointMllibLogisticRegression() {
    // three cells of noisy outcomes, and the one-cell case, where MLlib's all-ones indicator
    // column has zero spread and gets a zero coefficient
    assertBoundaryFitMatchesMllib(3);
    assertBoundaryFitMatchesMllib(1);
  }

  /**
   * Fits the joint design the boundary used to hand to MLlib (per cell an indicator column
   * and an x column, ridge {@link PhaseModels#BOUNDARY_RIDGE}, no intercept, no
   * standardisation) and compares each cell's (a, b) with {@link RidgeLogisticFit}.
   */
  private static void assertBoundaryFitMatchesMllib(int cells) {
    Random rnd = new Random(11);
    double[] rates = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0};
    List<double[]> xs = new ArrayList<>();
    List<double[]> ys = new ArrayList<>();
    List<Row> design = new ArrayList<>();
    int total = 0;
    for (int c = 0; c < cells; c++) {
      double mean = 0;
      for (double lr : rates) {
        mean += Math.log(lr) / rates.length;
      }
      int per = 6;
      double[] x = new double[rates.length * per];
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.log(rates[i / per]) - mean;
        double p = 1 / (1 + Math.exp(-(0.3 * c - 0.5 + 1.5 * x[i])));
        y[i] = rnd.nextDouble() < p ? 1.0 : 0.0;
        double[] f = new double[2 * cells];
        f[2 * c] = 1.0;
        f[2 * c + 1] = x[i];
        design.add(RowFactory.create(y[i], Vectors.dense(f)));
      }
      xs.add(x);
      ys.add(y);
      total += x.length;
    }
    StructType schema = new StructType().add("label", DataTypes.DoubleType)
        .add("features", SQLDataTypes.VectorType());
    Vector w = new LogisticRegression().setFitIntercept(false).setStandardization(false)
        .setRegParam(PhaseModels.BOUNDARY_RIDGE).setElasticNetParam(0.0).setMaxIter(100)
        .setTol(1e-8).fit(spark.createDataFrame(design, schema)).coefficients();
    for (int c = 0; c < cells; c++) {
      double[] ab = RidgeLogisticFit.fit(xs.get(c), ys.get(c),
          PhaseModels.BOUNDARY_RIDGE * total, cells > 1);
      assertEquals(w.apply(2 * c), ab[0], 1e-4, "intercept of cell " + c + " of " + cells);
      assertEquals(w.apply(2 * c + 1), ab[1], 1e-4, "slope of cell " + c + " of " + cells);
    }
  }

  @Test
  void driverLeastSquaresEqualsMllibLinearRegressionAndItsSummary() {
    // two covariates far from zero (as ln temperature is), as the viscosity law fits them
    Random rnd = new Random(5);
    int n = 40;
    double[][] x = new double[n][2];
    double[] y = new double[n];
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      x[i][0] = -9 + 3 * rnd.nextDouble();
      x[i][1] = rnd.nextInt(3) * 0.45;
      y[i] = 2.0 + 0.5 * x[i][0] - 0.8 * x[i][1] + 0.3 * rnd.nextGaussian();
      data.add(RowFactory.create(y[i], Vectors.dense(x[i])));
    }
    StructType schema = new StructType().add("label", DataTypes.DoubleType)
        .add("features", SQLDataTypes.VectorType());
    LinearRegressionModel m = new LinearRegression().setSolver("normal").setRegParam(0.0)
        .fit(spark.createDataFrame(data, schema));
    OrdinaryLeastSquares.Fit f = OrdinaryLeastSquares.fit(x, y);
    double[] est = {m.coefficients().apply(0), m.coefficients().apply(1), m.intercept()};
    for (int j = 0; j < 3; j++) {
      assertEquals(est[j], f.estimates()[j], 1e-9 * (1 + Math.abs(est[j])), "estimate " + j);
      assertEquals(m.summary().coefficientStandardErrors()[j], f.standardErrors()[j], 1e-9,
          "std error " + j);
      assertEquals(m.summary().pValues()[j], f.pValues()[j], 1e-9, "p-value " + j);
    }
    assertEquals(m.summary().degreesOfFreedom(), f.degreesOfFreedom());
    assertEquals(m.summary().r2(), f.r2(), 1e-12);
  }
}
