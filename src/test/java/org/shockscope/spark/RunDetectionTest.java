package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.shockscope.shock.DetectorConfig;

/** Mode-resolved series from the spectra table, and their detection (issue 12, point 1). */
class RunDetectionTest {
  static SparkSession spark;
  static final StructType SPECTRA = new StructType()
      .add("run_id", DataTypes.StringType, false).add("step", DataTypes.LongType, false)
      .add("group", DataTypes.StringType, true).add("matrix", DataTypes.StringType, false)
      .add("sv", DataTypes.createArrayType(DataTypes.DoubleType, false), true);

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("RunDetectionTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void aRunsRowsBecomeSeriesSortedByStepWithTheLastValueOfARepeatedStep() {
    List<Row> inOrder = List.of(RowFactory.create("r", "loss", null, 0L, 3.0),
        RowFactory.create("r", "loss", null, 10L, 2.0),
        RowFactory.create("r", "sv1", "fc", 0L, 1.0),
        RowFactory.create("r", "loss", null, 20L, null));
    List<Row> shuffled = List.of(RowFactory.create("r", "loss", null, 20L, 9.0),
        RowFactory.create("r", "sv1", "fc", 0L, 1.0),
        RowFactory.create("r", "loss", null, 10L, 2.0),
        RowFactory.create("r", "loss", null, 0L, 3.0),
        RowFactory.create("r", "loss", null, 20L, null));
    for (List<Row> rows : List.of(inOrder, shuffled)) {
      var data = RunDetection.seriesOf(rows.iterator());
      assertEquals(2, data.size());
      assertEquals("loss", data.get(0).name());
      assertEquals("", data.get(0).group());
      assertEquals(List.of(0L, 10L, 20L), java.util.Arrays.stream(data.get(0).steps()).boxed()
          .toList());
      assertEquals(3.0, data.get(0).values()[0]);
      assertEquals(2.0, data.get(0).values()[1]);
      assertTrue(Double.isNaN(data.get(0).values()[2]));
      assertEquals("fc", data.get(1).group());
      assertEquals(1, data.get(1).steps().length);
    }
  }

  /**
   * A deep linear chain's end-to-end map learning its second mode at step 400 (the first is
   * learned before the run starts being logged, the third never): the mode series are named
   * matrix/sv1 … in the matrix's group, a matrix with fewer values than k gives fewer series, and
   * the one transition of the run names the mode that moved.
   */
  @Test
  void eachModeIsASeriesAndTheTransitionNamesIt() {
    List<Row> rows = new ArrayList<>();
    for (long step = 0; step <= 1000; step += 10) {
      double sv2 = 1.0 + 1.5 * Math.tanh((step - 400) / 20.0);
      double noise = 1e-3 * Math.sin(0.7 * step);
      rows.add(RowFactory.create("r1", step, "chain", "W2W1",
          scala.jdk.javaapi.CollectionConverters.asScala(
              List.of(5.0 + noise, 2.5 + sv2 + noise, 0.01 + noise)).toSeq()));
      rows.add(RowFactory.create("r1", step, "chain", "W1",
          scala.jdk.javaapi.CollectionConverters.asScala(List.of(1.0)).toSeq()));
    }
    Dataset<Row> spectra = spark.createDataFrame(rows, SPECTRA);
    Dataset<Row> modes = RunDetection.modeSeries(spectra, 2);
    assertEquals(List.of("run_id", "series", "group", "step", "value"),
        List.of(modes.columns()));
    List<String> names = modes.select("series").distinct().orderBy("series")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(List.of("W1/sv1", "W2W1/sv1", "W2W1/sv2"), names);
    Row first = modes.filter("series = 'W2W1/sv2' and step = 0").first();
    assertEquals(2.5 + 1.0 + 1.5 * Math.tanh(-20.0) + 1e-3 * Math.sin(0.0), first.getDouble(4),
        1e-12);
    Dataset<Row> detected = RunDetection.detect(modes, DetectorConfig.DEFAULTS, null);
    List<Row> transitions = RunDetection.transitions(detected).collectAsList();
    assertEquals(1, transitions.size(), transitions.toString());
    Row t = transitions.get(0);
    assertEquals("jump", t.getString(4));
    assertEquals(400, t.getLong(1), 10);
    assertTrue(t.getList(6).contains("chain/W2W1/sv2"), t.toString());
  }

  @Test
  void negativeModeCountsAreRefused() {
    Dataset<Row> spectra = spark.createDataFrame(List.of(), SPECTRA);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunDetection.modeSeries(spectra, -1));
    assertEquals("modes per matrix must be >= 0, got -1", e.getMessage());
  }

  /**
   * A stage that fails on one run's data gives that run one error row (its stage, the
   * exception's class and message) instead of its rows; a stage that completes adds its rows and
   * returns its result. The errors frame has the errors table's columns.
   */
  @Test
  void aStageThatFailsOnARunIsAnErrorRowAndTheOthersKeepTheirRows() {
    List<Row> out = new ArrayList<>();
    Row shock = DetectionRow.of(DetectionRow.SHOCK, "r1").set("kind", "jump").row();
    assertEquals("done", RunDetection.guarded("r1", RunDetection.DETECTION_STAGE, out,
        () -> new RunDetection.StageRows<>("done", List.of(shock))));
    assertEquals(List.of(shock), out);
    Object none = RunDetection.guarded("r2", RunDetection.FORECAST_STAGE, out, () -> {
      int[] samples = new int[3];
      return new RunDetection.StageRows<>(samples[samples.length], List.of(shock));
    });
    assertEquals(null, none);
    assertEquals(2, out.size());
    Dataset<Row> errors = RunDetection.errors(spark.createDataFrame(out, RunDetection.OUT_SCHEMA));
    assertEquals(List.of("source", "run_id", "step", "stage", "error", "message"),
        List.of(errors.columns()));
    Row e = errors.collectAsList().get(0);
    assertEquals("r2", e.getString(1));
    assertEquals(RunDetection.FORECAST_STAGE, e.getString(3));
    assertEquals("ArrayIndexOutOfBoundsException", e.getString(4));
    assertTrue(e.getString(5).contains("3"), e.getString(5));
    assertEquals(1, errors.count());
  }
}
