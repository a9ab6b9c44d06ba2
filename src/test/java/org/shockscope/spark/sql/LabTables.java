package org.shockscope.spark.sql;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.shockscope.lab.Lab;
import org.shockscope.lab.LabConfigJson;
import org.shockscope.spark.AnalyzeSettings;
import org.shockscope.spark.SweepAnalysis;

/**
 * Real output tables for the tests of this package: a small lab sweep (deep-linear runs with
 * saddle-to-saddle jumps, catapult runs of which one diverges) trained and analysed once per JVM
 * with the job's Java API, in whichever Spark session asks first. Deleted when the JVM exits.
 */
final class LabTables {
  static final String CONFIG = """
      {"name": "sql-fixture", "seeds": [0, 1], "layouts": ["native"],
       "native_format": "safetensors",
       "families": {
         "deep-linear": {"optimizers": ["gd"], "lrs": [0.01, 0.02, 1e150], "depths": [2],
                         "inits": ["aligned"], "steps": 600, "checkpoint_every": 20,
                         "log_every": 5},
         "catapult": {"lr_scales": [0.5, 24.0], "activations": ["linear"], "widths": [16],
                      "steps": 40, "checkpoint_every": 2, "log_every": 1}}}
      """;

  private static Path out;

  private LabTables() {}

  /** The output folder of the analysed sweep (tables under {@code <out>/<table>}, Parquet). */
  static synchronized Path out(SparkSession spark) {
    if (out == null) {
      try {
        Path dir = Files.createTempDirectory("shockscope-sql-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        Lab.generate(LabConfigJson.parse(CONFIG, "LabTables"), dir.resolve("sweep"));
        Path tables = dir.resolve("out");
        AnalyzeSettings settings = AnalyzeSettings.resolve(Map.of(
            "sweep", dir.resolve("sweep/native").toString(), "out", tables.toString(),
            "report", "false", "progress_seconds", "3600"), null, Map.of());
        new SweepAnalysis(spark, settings, new PrintStream(OutputStream.nullOutputStream()))
            .run();
        out = tables;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort at JVM exit
    }
  }
}
