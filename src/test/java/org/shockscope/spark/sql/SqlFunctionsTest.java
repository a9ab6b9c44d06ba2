package org.shockscope.spark.sql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.shockscope.shock.ViscousShockFit;
import org.shockscope.symmetry.DenseLinearAlgebra;
import org.shockscope.symmetry.SpectralSummary;

/**
 * The SQL functions, enabled by {@code spark.sql.extensions}, give the kernels' numbers on the
 * job's real output (spectra and observables of a lab sweep) and on inputs with known answers,
 * NULL on unusable input, Spark's analysis errors on bad calls, and their documented examples.
 */
class SqlFunctionsTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("SqlFunctionsTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.extensions", ShockscopeExtensions.class.getName())
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    String out = LabTables.out(spark).toString();
    for (String t : List.of("spectra", "observables", "shocks")) {
      spark.read().parquet(out + "/" + t).createOrReplaceTempView(t);
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static double[] doubles(Row r, int i) {
    List<Double> l = r.getList(i);
    return l.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static SpectralSummary kernel(double[] sv, int rows, int cols) {
    return SpectralSummary.of(sv, sv.length, rows, cols, new double[sv.length],
        new double[sv.length + 1]);
  }

  /** The struct of spectral_summary against the kernel's record, field by field, exactly. */
  private static void assertSummary(SpectralSummary k, Row s) {
    double[] v = new double[SpectralSummary.NAMES.length];
    k.values(v);
    for (int i = 0; i < v.length; i++) {
      String name = SpectralSummary.NAMES[i];
      if (name.equals("num_spikes") && k.numSpikes() >= 0) {
        assertEquals(k.numSpikes(), s.<Integer>getAs(name));
      } else if (Double.isNaN(v[i])) {
        assertTrue(s.isNullAt(s.fieldIndex(name)), name + " undefined is NULL");
      } else {
        assertEquals(v[i], s.<Double>getAs(name), 0.0, name);
      }
    }
    assertEquals(k.numericalRank(), s.<Integer>getAs("numerical_rank"));
  }

  @Test
  void spectralFunctionsGiveTheKernelsNumbersOnEverySpectraRow() {
    List<Row> rows = spark.sql("SELECT sv, effective_rank(sv), stable_rank(sv),"
        + " participation_ratio(sv), spectral_entropy(sv), spectral_summary(sv),"
        + " spectral_summary(sv, 24, 10) FROM spectra").collectAsList();
    assertTrue(rows.size() > 400, "spectra rows: " + rows.size());
    int withAlpha = 0;
    for (Row r : rows) {
      double[] sv = doubles(r, 0);
      SpectralSummary square = kernel(sv, sv.length, sv.length);
      assertEquals(square.effectiveRank(), r.getDouble(1), 0.0);
      assertEquals(square.stableRank(), r.getDouble(2), 0.0);
      assertEquals(square.participationRatio(), r.getDouble(3), 0.0);
      assertEquals(square.spectralEntropy(), r.getDouble(4), 0.0);
      assertSummary(square, r.getStruct(5));
      assertSummary(kernel(sv, 24, 10), r.getStruct(6));
      withAlpha += r.getStruct(5).isNullAt(6) ? 0 : 1;
    }
    // the lab's matrices have at most 8 singular values: too few for a power-law tail
    assertEquals(0, withAlpha, "alpha from fewer than " + SpectralSummary.MIN_ALPHA_TAIL
        + " eigenvalues");
    // a spectrum with a long power-law tail: σᵢ² = (i + 1)^(-1/(α-1)) quantiles, α = 2.5
    StringBuilder sql = new StringBuilder("SELECT spectral_summary(array(");
    double[] tail = new double[60];
    for (int i = 0; i < tail.length; i++) {
      tail[i] = Math.sqrt(Math.pow((i + 1.0) / tail.length, -1.0 / 1.5));
      sql.append(i == 0 ? "" : ", ").append("CAST(").append(tail[i]).append(" AS DOUBLE)");
    }
    Row power = spark.sql(sql.append("))").toString()).first().getStruct(0);
    SpectralSummary expected = kernel(tail, tail.length, tail.length);
    assertTrue(Double.isFinite(expected.alpha()), "alpha of a 60-value power law");
    assertSummary(expected, power);
  }

  @Test
  void rankFreeMeasuresEqualTheJobsObservables() {
    // The spectra of this sweep are complete (at most 8 values, the job keeps 32), so the
    // shape-free observables the job recorded are those of the same singular values.
    for (String m : List.of("effective_rank", "stable_rank", "participation_ratio")) {
      List<Row> rows = spark.sql("SELECT " + m + "(s.sv), o.value FROM spectra s JOIN observables o"
          + " ON o.run_id = s.run_id AND o.step = s.step AND o.`group` = s.`group`"
          + " AND o.name = concat(s.matrix, '/" + m + "')").collectAsList();
      assertEquals(spark.table("spectra").count(), rows.size(), m);
      for (Row r : rows) {
        assertEquals(r.getDouble(1), r.getDouble(0), 0.0, m);
      }
    }
    List<Row> norms = spark.sql("SELECT spectral_summary(s.sv).fro_norm, o.value FROM spectra s"
        + " JOIN observables o ON o.run_id = s.run_id AND o.step = s.step"
        + " AND o.`group` = s.`group` AND o.name = concat(s.matrix, '/fro_norm')").collectAsList();
    assertFalse(norms.isEmpty());
    for (Row r : norms) {
      assertEquals(r.getDouble(1), r.getDouble(0), 0.0);
    }
  }

  @Test
  void singularValuesOfAMatrixWithKnownSpectrum() {
    Random random = new Random(7);
    double[] s = {5.0, 3.0, 2.0, 0.5};
    DMatrixRMaj u = RandomMatrices_DDRM.orthogonal(6, 4, random);
    DMatrixRMaj v = RandomMatrices_DDRM.orthogonal(4, 4, random);
    DMatrixRMaj us = u.copy();
    for (int r = 0; r < 6; r++) {
      for (int c = 0; c < 4; c++) {
        us.set(r, c, us.get(r, c) * s[c]);
      }
    }
    DMatrixRMaj w = new DMatrixRMaj(6, 4);
    CommonOps_DDRM.multTransB(us, v, w);
    List<Object> matrix = new ArrayList<>();
    List<Object> flat = new ArrayList<>();
    for (int r = 0; r < 6; r++) {
      List<Double> row = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        row.add(w.get(r, c));
        flat.add(w.get(r, c));
      }
      matrix.add(row);
    }
    StructType schema = new StructType()
        .add("m", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)))
        .add("flat", DataTypes.createArrayType(DataTypes.DoubleType));
    Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create(
        scala.jdk.javaapi.CollectionConverters.asScala(matrix.stream().map(
            x -> scala.jdk.javaapi.CollectionConverters.asScala((List<?>) x).toSeq()).toList())
            .toSeq(),
        scala.jdk.javaapi.CollectionConverters.asScala(flat).toSeq())), schema);
    Row r = df.selectExpr("singular_values(m)", "singular_values(flat, 6, 4)",
        "spectral_summary(singular_values(m), 6, 4)").first();
    double[] nested = doubles(r, 0);
    double[] expected = new double[4];
    assertTrue(DenseLinearAlgebra.create().singularValues(w, expected));
    assertArrayEquals(expected, nested, 0.0);
    assertArrayEquals(expected, doubles(r, 1), 0.0);
    assertArrayEquals(s, nested, 1e-12 * s[0]);
    assertSummary(kernel(expected, 6, 4), r.getStruct(2));
  }

  /** y = 1 + 0.001 t + tanh((t − 500)/30) + N(0, 0.02²) at t = 0, 10, ..., 1000. */
  private static double[][] noisyFront() {
    Random random = new Random(11);
    double[] t = new double[101];
    double[] y = new double[101];
    for (int i = 0; i < t.length; i++) {
      t[i] = 10.0 * i;
      y[i] = 1 + 0.001 * t[i] + Math.tanh((t[i] - 500) / 30.0) + 0.02 * random.nextGaussian();
    }
    return new double[][] {t, y};
  }

  @Test
  void jumpFitMatchesTheKernelAndRecoversAKnownFront() {
    double[][] ty = noisyFront();
    // shuffled, with a NULL and a NaN value that the function leaves out
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < ty[0].length; i++) {
      order.add(i);
    }
    java.util.Collections.shuffle(order, new Random(3));
    List<Object> steps = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    for (int i : order) {
      steps.add((long) ty[0][i]);
      values.add(ty[1][i]);
    }
    steps.add(2000L);
    values.add(null);
    steps.add(3000L);
    values.add(Double.NaN);
    StructType schema = new StructType()
        .add("steps", DataTypes.createArrayType(DataTypes.LongType))
        .add("values", DataTypes.createArrayType(DataTypes.DoubleType));
    Row fit = spark.createDataFrame(List.of(RowFactory.create(
            scala.jdk.javaapi.CollectionConverters.asScala(steps).toSeq(),
            scala.jdk.javaapi.CollectionConverters.asScala(values).toSeq())), schema)
        .selectExpr("jump_fit(steps, values) AS f").first().getStruct(0);

    ViscousShockFit k = new ViscousShockFit();
    assertTrue(k.fit(ty[0], ty[1], 0, 101, 0, 1000, 101));
    assertEquals(Math.round(k.center()), fit.<Long>getAs("step"));
    assertEquals(k.center(), fit.<Double>getAs("center"), 0.0);
    assertEquals(k.leftLevel(), fit.<Double>getAs("u_left"), 0.0);
    assertEquals(k.rightLevel(), fit.<Double>getAs("u_right"), 0.0);
    assertEquals(k.jump(), fit.<Double>getAs("jump"), 0.0);
    assertEquals(k.width(), fit.<Double>getAs("width"), 0.0);
    assertEquals(Math.abs(k.jump()) * k.width() / 4, fit.<Double>getAs("viscosity"), 0.0);
    assertEquals(k.slope(), fit.<Double>getAs("slope"), 0.0);
    assertEquals(k.rss(), fit.<Double>getAs("rss"), 0.0);
    assertEquals(k.centerStdError(), fit.<Double>getAs("center_stderr"), 0.0);
    assertEquals(101, fit.<Integer>getAs("n"));

    assertEquals(500.0, fit.<Double>getAs("center"), 3 * fit.<Double>getAs("center_stderr") + 1);
    assertEquals(2.0, fit.<Double>getAs("jump"), 0.05);
    assertEquals(30.0, fit.<Double>getAs("width"), 5.0);
    assertEquals(0.001, fit.<Double>getAs("slope"), 2e-4);
  }

  @Test
  void jumpFitOnTheSeriesThatJumpedMatchesTheKernel() {
    List<Row> rows = spark.sql("SELECT o.run_id, o.`group`, o.name,"
        + " jump_fit(collect_list(o.step), collect_list(o.value)) AS fit,"
        + " array_sort(collect_list(struct(o.step, o.value))) AS points"
        + " FROM observables o JOIN (SELECT DISTINCT run_id, `group`, series FROM shocks"
        + " WHERE kind = 'jump') j ON o.run_id = j.run_id AND o.`group` = j.`group`"
        + " AND o.name = j.series GROUP BY o.run_id, o.`group`, o.name").collectAsList();
    assertFalse(rows.isEmpty());
    for (Row r : rows) {
      List<Row> points = r.getList(4);
      double[] t = points.stream().mapToDouble(p -> p.getLong(0)).toArray();
      double[] y = points.stream().mapToDouble(p -> p.getDouble(1)).toArray();
      ViscousShockFit k = new ViscousShockFit();
      assertTrue(k.fit(t, y, 0, t.length, t[0], t[t.length - 1], t.length), r.getString(2));
      Row fit = r.getStruct(3);
      assertNotNull(fit, r.getString(2));
      assertEquals(k.center(), fit.<Double>getAs("center"), 0.0);
      assertEquals(k.jump(), fit.<Double>getAs("jump"), 0.0);
      assertEquals(k.width(), fit.<Double>getAs("width"), 0.0);
      assertTrue(fit.<Long>getAs("step") >= t[0] && fit.<Long>getAs("step") <= t[t.length - 1]);
    }
  }

  @Test
  void unusableInputGivesNullNotAnError() {
    String[] calls = {
        "effective_rank(NULL)", "effective_rank(array())", "stable_rank(CAST(NULL AS ARRAY<DOUBLE>))",
        "participation_ratio(array(1.0, NULL))", "spectral_entropy(array(1.0, double('NaN')))",
        "effective_rank(array(1.0, double('Infinity')))", "stable_rank(array(2.0, -1.0))",
        "spectral_summary(array(3.0, 2.0, 1.0), 2, 5)", "spectral_summary(array(1.0), NULL, 1)",
        "spectral_summary(array(1.0), 0, 0)",
        "singular_values(NULL)", "singular_values(array())", "singular_values(array(array()))",
        "singular_values(array(array(1.0, 2.0), array(3.0)))",
        "singular_values(array(array(1.0, 2.0), NULL))",
        "singular_values(array(1.0, 2.0, 3.0), 2, 2)", "singular_values(array(1.0), -1, -1)",
        "jump_fit(NULL, array(1.0))", "jump_fit(array(1, 2), array(1.0))",
        "jump_fit(sequence(1, 6), transform(sequence(1, 6), x -> x * 1.0))",
        "jump_fit(sequence(1, 20), transform(sequence(1, 20), x -> 3.0))",
        "jump_fit(array(1, 1, 2, 3, 4, 5, 6, 7), array(0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0))"};
    for (String call : calls) {
      assertTrue(spark.sql("SELECT " + call).first().isNullAt(0), call);
    }
  }

  @Test
  void otherNumericTypesAreCastAndColumnsAreNamedAfterTheFunction() {
    Dataset<Row> d = spark.sql("SELECT effective_rank(array(3.0D, 2.0D, 1.0D)),"
        + " effective_rank(array(3, 2, 1)), effective_rank(array(3.0F, 2.0F, 1.0F)),"
        + " effective_rank(array(3.0BD, 2.0BD, 1.0BD)), effective_rank(array(3L, 2L, 1L), 3S, 3Y)");
    assertEquals("effective_rank(array(3.0, 2.0, 1.0))", d.columns()[0]);
    Row r = d.first();
    for (int i = 1; i < 5; i++) {
      assertEquals(r.getDouble(0), r.getDouble(i), 0.0, d.columns()[i]);
    }
  }

  @Test
  void badCallsFailAnalysisWithSparksErrors() {
    AnalysisException type = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT effective_rank('not singular values')"));
    assertEquals("UNEXPECTED_INPUT_TYPE", type.getCondition());
    assertTrue(type.getMessage().contains("`effective_rank` requires the \"ARRAY<DOUBLE>\" type"),
        type.getMessage());
    assertTrue(type.getMessage().contains("has the type \"STRING\""), type.getMessage());

    AnalysisException rows = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT singular_values(array(1.0), 'two', 2)"));
    assertTrue(rows.getMessage().contains("Parameter second of function `singular_values`"
        + " requires the \"BIGINT\" type"), rows.getMessage());

    AnalysisException count = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT spectral_summary(array(1.0), 1)"));
    assertEquals("WRONG_NUM_ARGS.WITHOUT_SUGGESTION", count.getCondition());
    assertTrue(count.getMessage().contains("`spectral_summary` requires 1 or 3 parameters but the"
        + " actual number is 2"), count.getMessage());
  }

  private static final Pattern EXAMPLE = Pattern.compile("> SELECT (.*);\\n\\s+(.*)\\n");

  @Test
  void documentedExamplesGiveTheirResults() {
    int examples = 0;
    for (SqlFunction f : ShockscopeFunctions.all()) {
      String described = spark.sql("DESCRIBE FUNCTION EXTENDED " + f.name()).collectAsList()
          .toString();
      assertTrue(described.contains(f.description()), described);
      Matcher m = EXAMPLE.matcher(f.examples());
      while (m.find()) {
        String expr = m.group(1).replace("_FUNC_", f.name());
        Row r = spark.sql("SELECT CAST((" + expr + ") AS STRING)").first();
        assertEquals(m.group(2), r.getString(0).replace(", ", ","), expr);
        examples++;
      }
    }
    assertEquals(9, examples);
    assertEquals(Arrays.asList("effective_rank", "stable_rank", "participation_ratio",
        "spectral_entropy", "spectral_summary", "singular_values", "jump_fit"),
        ShockscopeFunctions.all().stream().map(SqlFunction::name).toList());
  }
}
