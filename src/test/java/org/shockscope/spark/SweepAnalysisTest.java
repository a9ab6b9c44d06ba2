package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.shockscope.sweep.EventFileWriter;
import org.shockscope.sweep.MetricSeries;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.SweepDiscovery;

/**
 * {@link SweepAnalysisContract} with tables in an output folder, in Parquet (the default),
 * and what depends on the input rather than the output: the three layouts agreeing, metrics
 * read from TensorBoard event files.
 */
class SweepAnalysisTest extends SweepAnalysisContract {
  @Override
  SparkSession.Builder configure(SparkSession.Builder builder) {
    return builder;
  }

  @Override
  String output(String name) {
    return dir.resolve(name).toString();
  }

  @Override
  Dataset<Row> table(String output, String name) {
    return spark.read().parquet(Path.of(output).resolve(name).toString());
  }

  @Override
  boolean exists(String output, String name) {
    return Files.isDirectory(Path.of(output).resolve(name));
  }

  @Override
  String tablesTag(String output) {
    return "file:" + Path.of(output).toAbsolutePath();
  }

  /**
   * A small sweep's job interprets Spark's expressions (compiling them cost more than running
   * them) and leaves the session as it found it; a large sweep, or a session that chose for
   * itself, keeps compiled code.
   */
  @Test
  void aSmallSweepIsAnalysedWithInterpretedExpressionsAndTheSessionIsLeftAsItWas() {
    String mode = SmallSweepCodegen.FACTORY_MODE;
    assertFalse(spark.conf().contains(mode), "the analysis of the lab restored the session");
    try (SmallSweepCodegen small = SmallSweepCodegen.choose(spark, 100)) {
      assertTrue(small.applied());
      assertEquals("NO_CODEGEN", spark.conf().get(mode));
    }
    assertFalse(spark.conf().contains(mode));
    try (SmallSweepCodegen large = SmallSweepCodegen.choose(spark,
        SmallSweepCodegen.MAX_CHECKPOINTS + 1)) {
      assertFalse(large.applied());
      assertFalse(spark.conf().contains(mode));
    }
    spark.conf().set(mode, "FALLBACK");
    try (SmallSweepCodegen chosen = SmallSweepCodegen.choose(spark, 100)) {
      assertFalse(chosen.applied());
    } finally {
      assertEquals("FALLBACK", spark.conf().get(mode));
      spark.conf().unset(mode);
    }
  }

  @Test
  void theThreeLayoutsGiveTheSameShocksAndRuns() {
    for (String layout : List.of("hf", "mlflow")) {
      String o = output("out_" + layout);
      analyze(sweep.resolve(layout), o);
      assertEquals(rows(out, Tables.SHOCKS), rows(o, Tables.SHOCKS), layout);
      assertEquals(rows(out, Tables.RUNS, "params", "structure"),
          rows(o, Tables.RUNS, "params", "structure"), layout);
    }
  }

  @Test
  void aSweepWhoseMetricsAreOnlyInEventFilesGivesTheShocksOfItsCsvLogs() throws IOException {
    Path events = dir.resolve("events-only");
    copy(sweep.resolve("native"), events);
    int files = 0;
    for (RunInfo r : SweepDiscovery.discover(sweep.resolve("native").toString(),
        new Configuration()).runs()) {
      Path run = events.resolve(r.runId());
      Files.delete(run.resolve("metrics.csv"));
      TreeMap<Long, Map<String, Double>> byStep = new TreeMap<>();
      for (MetricSeries m : r.metrics().values()) {
        for (int i = 0; i < m.size(); i++) {
          byStep.computeIfAbsent(m.steps()[i], k -> new TreeMap<>()).put(m.name(), m.values()[i]);
        }
      }
      EventFileWriter w = new EventFileWriter(EventFileWriter.Encoding.DOUBLE_TENSOR);
      byStep.forEach(w::scalars);
      w.write(run.resolve("events.out.tfevents.1733270400.lab.1.0"));
      files++;
    }
    assertTrue(files > 0);
    String o = output("out_events");
    SweepAnalysis.Summary s = analyze(events, o);
    assertEquals(0, s.errors());
    assertFalse(table(o, Tables.SHOCKS).filter("series = 'loss'").isEmpty());
    assertEquals(rows(out, Tables.SHOCKS), rows(o, Tables.SHOCKS));
    assertEquals(rows(out, Tables.TRANSITIONS), rows(o, Tables.TRANSITIONS));
    assertEquals(rows(out, Tables.RUNS, "params"), rows(o, Tables.RUNS, "params"));
  }

}
