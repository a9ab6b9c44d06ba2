package org.shockscope.spark;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.shockscope.forecast.Forecast;
import org.shockscope.forecast.LearnedForecaster;
import org.shockscope.forecast.LearnedForecaster.Logit;
import org.shockscope.forecast.RunFolds;

/**
 * The learned rows of the {@code forecasts} table (issue 16, method {@code learned}): trains, with
 * MLlib, one logistic regression per target (a jump within H, a divergence within H) on the
 * examples of the sweep's runs ({@link LearnedForecaster#examples}: prefix features and labels
 * from each run's own detected transitions, the examples whose outcome the run shows), and
 * forecasts every run.
 *
 * <p><b>Leave-run-out</b>: runs are dealt into {@value #FOLDS} folds ({@link RunFolds}); the
 * forecasts of a run come from the models trained on the other folds only, so no run's forecast
 * comes from a model that saw any step of it.
 *
 * <p>Logistic regression rather than gradient-boosted trees: a sweep has tens of runs to learn
 * from, with few positive steps; a regularised linear logit over scale-free features overfits
 * less, fits in seconds ({@value #FOLDS} folds × 2 targets), gives calibrated probabilities for a
 * threshold, and its terms w_i·x_i name the features that carry a warning.
 *
 * <p>With fewer than {@value #MIN_RUNS} runs that have labelled examples, or no positive example
 * of either target, it writes no rows and says why. Only moves data: the features, labels and the
 * application of a model are {@link LearnedForecaster}'s.
 */
final class LearnedForecasts {
  /** Folds of the leave-run-out validation. */
  static final int FOLDS = 5;
  /** Fewest runs with labelled examples to learn from. */
  static final int MIN_RUNS = 10;
  /** Seed of the fold assignment. */
  static final long SEED = 16L;
  /** Partitions of the training examples. */
  static final int FIT_PARTITIONS = 2;
  /** L2 penalty of the logistic regression (MLlib regParam, on standardised features). */
  static final double REGULARISATION = 1e-3;
  /**
   * Iterations of the fit: each is a Spark job over the examples, and L-BFGS has converged on the
   * lab's sweeps well before.
   */
  static final int MAX_ITER = 50;

  /**
   * The outcome.
   *
   * @param forecasts rows of Tables.FORECASTS_SCHEMA with method 'learned', or null
   * @param note      what was done, or why no rows were written
   */
  record Result(Dataset<Row> forecasts, String note) {}

  private LearnedForecasts() {}

  /**
   * Trains and applies the learned forecaster.
   *
   * @param examples rows of {@link RunDetection#examples}
   */
  static Result forecast(SparkSession spark, Dataset<Row> examples) {
    Dataset<Row> labelled = examples.filter(col("jump_label").geq(0)
        .or(col("divergence_label").geq(0)));
    List<String> trained = labelled.select("run_id").distinct().as(Encoders.STRING())
        .collectAsList();
    if (trained.size() < MIN_RUNS) {
      return new Result(null, "no learned forecasts: " + trained.size()
          + " runs with labelled steps, " + MIN_RUNS + " needed to learn from");
    }
    Row positives = labelled.agg(sum(when(col("jump_label").equalTo(1), 1).otherwise(0)),
        sum(when(col("divergence_label").equalTo(1), 1).otherwise(0))).first();
    long jumps = positives.getLong(0);
    long divergences = positives.getLong(1);
    if (jumps == 0 && divergences == 0) {
      return new Result(null, "no learned forecasts: the " + trained.size()
          + " runs have no jump transition and no divergence to learn from");
    }
    List<String> all = examples.select("run_id").distinct().as(Encoders.STRING())
        .collectAsList();
    Map<String, Integer> folds = RunFolds.assign(all, FOLDS, SEED);
    List<Row> foldRows = new ArrayList<>();
    folds.forEach((run, f) -> foldRows.add(RowFactory.create(run, f)));
    Dataset<Row> foldTable = spark.createDataFrame(foldRows, new StructType()
        .add("run_id", DataTypes.StringType, false).add("fold", DataTypes.IntegerType, false));
    // few partitions: the examples are small, and every iteration of a fit is a job over them
    Dataset<Row> data = labelled.join(broadcast(foldTable), "run_id")
        .withColumn("v", org.apache.spark.ml.functions.array_to_vector(col("features")))
        .coalesce(FIT_PARTITIONS).persist(StorageLevel.MEMORY_AND_DISK());
    Logit[] jump = new Logit[FOLDS];
    Logit[] divergence = new Logit[FOLDS];
    try {
      for (int k = 0; k < FOLDS; k++) {
        Dataset<Row> train = data.filter(col("fold").notEqual(k));
        jump[k] = fit(train, "jump_label");
        divergence[k] = fit(train, "divergence_label");
      }
    } finally {
      data.unpersist();
    }
    Dataset<Row> rows = examples.groupByKey((MapFunction<Row, String>) r -> r.getString(0),
            Encoders.STRING())
        .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (run, it) ->
            apply(run, it, jump[folds.get(run)], divergence[folds.get(run)]),
            Encoders.row(Tables.FORECASTS_SCHEMA));
    return new Result(rows, "learned forecasts: logistic regression on " + trained.size()
        + " runs (" + jumps + " jump and " + divergences + " divergence examples), "
        + FOLDS + " folds by run");
  }

  /** One target's model on the training examples whose label is known. */
  private static Logit fit(Dataset<Row> train, String label) {
    Dataset<Row> known = train.filter(col(label).geq(0))
        .select(col("v"), col(label).cast("double").as("label"));
    if (known.filter(col("label").equalTo(1.0)).isEmpty()) {
      return Logit.never();
    }
    LogisticRegressionModel m = new LogisticRegression().setFeaturesCol("v").setLabelCol("label")
        .setRegParam(REGULARISATION).setElasticNetParam(0.0).setMaxIter(MAX_ITER)
        .setStandardization(true).fit(known);
    return new Logit(m.coefficients().toArray(), m.intercept());
  }

  /** The learned forecasts of one run from its examples and its fold's models. */
  private static Iterator<Row> apply(String run, Iterator<Row> examples, Logit jump,
                                     Logit divergence) {
    // step -> horizon -> design vector
    TreeMap<Long, TreeMap<Long, double[]>> byStep = new TreeMap<>();
    while (examples.hasNext()) {
      Row r = examples.next();
      List<Double> f = r.getList(3);
      double[] x = new double[f.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = f.get(i);
      }
      byStep.computeIfAbsent(r.getLong(1), k -> new TreeMap<>()).put(r.getLong(2), x);
    }
    List<Row> out = new ArrayList<>();
    for (Map.Entry<Long, TreeMap<Long, double[]>> e : byStep.entrySet()) {
      long t = e.getKey();
      long[] h = e.getValue().keySet().stream().mapToLong(Long::longValue).toArray();
      double[] pJump = new double[h.length];
      double[] pDiv = new double[h.length];
      int i = 0;
      for (double[] x : e.getValue().values()) {
        pJump[i] = jump.probability(x);
        pDiv[i++] = divergence.probability(x);
      }
      double expected = LearnedForecaster.expectedStep(t, h, pJump);
      i = 0;
      for (double[] x : e.getValue().values()) {
        List<String> series = LearnedForecaster.carriers(x, LearnedForecaster.MEDIAN, jump,
            divergence);
        out.add(RowFactory.create(run, t, h[i], pJump[i], pDiv[i],
            Double.isNaN(expected) ? null : expected, Forecast.LEARNED,
            scala.jdk.javaapi.CollectionConverters.asScala(series).toSeq()));
        i++;
      }
    }
    return out.iterator();
  }
}
