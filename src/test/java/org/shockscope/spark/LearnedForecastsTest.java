package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.shockscope.forecast.ForecastHorizons;
import org.shockscope.shock.DetectorConfig;

/** The learned rows of the forecasts table on a small synthetic sweep (issue 16). */
class LearnedForecastsTest {
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("LearnedForecastsTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /**
   * Runs of 1000 steps, loss logged every 10, a layer's spectral norm every 50 (the checkpoints):
   * every other run's loss blows up exponentially from a step between 450 and 750 until it is
   * infinite, the others decay with noise.
   */
  private static Dataset<Row> sweep(int runs) {
    Random rnd = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      String run = "run-" + r;
      boolean diverges = r % 2 == 0;
      long onset = 450 + 50L * (r % 7);
      for (long step = 0; step <= 1000; step += 10) {
        double loss = Math.exp(-step / 800.0) * (1 + 0.03 * rnd.nextGaussian());
        if (diverges && step >= onset) {
          double g = Math.exp(0.6 * (step - onset) / 10.0);
          loss = g > 1e12 ? Double.POSITIVE_INFINITY : loss * g;
        }
        rows.add(RowFactory.create(run, "loss", null, step, loss));
        if (step % 50 == 0) {
          rows.add(RowFactory.create(run, "fc.weight/spectral_norm", "mlp", step,
              1.0 + step / 1000.0 + 0.01 * rnd.nextGaussian()));
        }
      }
    }
    return spark.createDataFrame(rows, RunDetection.SERIES_SCHEMA);
  }

  private static Dataset<Row> examples(int runs) {
    return RunDetection.examples(RunDetection.detect(sweep(runs), DetectorConfig.DEFAULTS,
        ForecastHorizons.parse(ForecastHorizons.DEFAULT), null));
  }

  @Test
  void learnedRowsStandBesideThePrecursorsAndAlarmOnlyTheDivergingRuns() {
    Dataset<Row> detected = RunDetection.detect(sweep(12), DetectorConfig.DEFAULTS,
        ForecastHorizons.parse(ForecastHorizons.DEFAULT), null).cache();
    LearnedForecasts.Result result = LearnedForecasts.forecast(spark,
        RunDetection.examples(detected));
    assertTrue(result.note().startsWith("learned forecasts: logistic regression on 12 runs"),
        result.note());
    Dataset<Row> learned = result.forecasts().cache();
    Dataset<Row> precursor = RunDetection.forecasts(detected);
    assertEquals(List.of("learned"), learned.select("method").distinct()
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    // one learned row for every precursor row from the 7th logged sample (step 60) on
    Dataset<Row> comparable = precursor.filter("step >= 60");
    assertEquals(comparable.count(), learned.count());
    assertEquals(0, comparable.select("run_id", "step", "horizon")
        .except(learned.select("run_id", "step", "horizon")).count());
    assertEquals(0, learned.filter("p_divergence < 0 or p_divergence > 1 or p_jump != 0")
        .count(), "no jump in the sweep: the jump model never forecasts one");
    assertEquals(List.of(RunDetectionTestColumns.FORECASTS),
        List.of(String.join(",", learned.columns())));
    // one checkpoint ahead (50 steps), the diverging runs are alarmed and the others are not;
    // at 20 checkpoints a quiet step of this sweep honestly has even odds (half the runs
    // diverge, at onsets no quiet prefix can tell apart)
    List<Row> peak = learned.filter("horizon = 50").groupBy("run_id")
        .agg(org.apache.spark.sql.functions.max("p_divergence").as("p")).orderBy("run_id")
        .collectAsList();
    assertEquals(12, peak.size());
    for (Row r : peak) {
      boolean diverges = Integer.parseInt(r.getString(0).substring(4)) % 2 == 0;
      assertEquals(diverges, r.getDouble(1) >= 0.5, peak.toString());
    }
  }

  @Test
  void fewerThanTenRunsGiveNoRowsAndSayWhy() {
    LearnedForecasts.Result result = LearnedForecasts.forecast(spark, examples(9));
    assertNull(result.forecasts());
    assertEquals("no learned forecasts: 9 runs with labelled steps, 10 needed to learn from",
        result.note());
  }

  /** The forecasts table's columns, as Tables.FORECASTS_SCHEMA names them. */
  private static final class RunDetectionTestColumns {
    static final String FORECASTS = String.join(",", Tables.FORECASTS_SCHEMA.fieldNames());
  }
}
