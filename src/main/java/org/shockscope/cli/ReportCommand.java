package org.shockscope.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.shockscope.report.ReportCollector;
import org.shockscope.report.ReportData;
import org.shockscope.report.ReportOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shockscope report}: (re)builds {@code report/index.html} from the output tables of a
 * previous analysis. Runs in the current Spark session when there is one (spark-submit,
 * notebooks), else in an embedded local one.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Writes the self-contained HTML report (phase diagram, time to first shock, "
        + "phase boundary, run gallery, symmetry redundancy, viscosity law) from the output "
        + "tables.")
public final class ReportCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--tables", required = true, paramLabel = "OUT",
      description = "Output folder of the analysis (one folder per table; any Hadoop URI).")
  String tables;

  @Option(names = "--out", paramLabel = "FILE",
      description = "Report file (default: OUT/report/index.html).")
  String out;

  @Option(names = "--metrics", paramLabel = "PATH",
      description = "Optional metrics (run_id, name, step, value) as Parquet, or CSV with a "
          + "header when the path ends in .csv; drawn as the loss in the run gallery.")
  String metrics;

  @Option(names = "--title", description = "Page title (default: the name of OUT).")
  String title;

  @Option(names = "--lr-key", defaultValue = "lr",
      description = "Learning-rate hyperparameter (default: ${DEFAULT-VALUE}).")
  String lrKey;

  @Option(names = "--batch-key", defaultValue = "batch_size",
      description = "Batch-size hyperparameter (default: ${DEFAULT-VALUE}).")
  String batchKey;

  @Option(names = "--momentum-key", defaultValue = "momentum",
      description = "Momentum hyperparameter (default: ${DEFAULT-VALUE}).")
  String momentumKey;

  @Option(names = "--seed-key", defaultValue = "seed",
      description = "Seed hyperparameter (default: ${DEFAULT-VALUE}).")
  String seedKey;

  @Option(names = "--loss-metric", defaultValue = "loss",
      description = "Metric drawn per run (default: ${DEFAULT-VALUE}).")
  String lossMetric;

  @Override
  public Integer call() {
    try (CommandSession session = CommandSession.start("shockscope report", null, Map.of(),
        Map.of())) {
      SparkSession spark = session.spark();
      String name = new Path(tables).getName();
      ReportOptions opts = ReportOptions.defaults()
          .withTitle(title != null ? title : name.isEmpty() ? tables : name)
          .withKeys(lrKey, batchKey, momentumKey, seedKey, lossMetric);
      Dataset<Row> m = null;
      if (metrics != null) {
        m = metrics.endsWith(".csv")
            ? spark.read().option("header", "true").option("inferSchema", "true").csv(metrics)
            : spark.read().parquet(metrics);
      }
      ReportData data = ReportCollector.collect(spark, tables, m, opts);
      String target = out != null ? out : new Path(new Path(tables, "report"), "index.html")
          .toString();
      ReportCollector.write(spark, data, target);
      spec.commandLine().getOut().println("Report: " + target + " (" + data.summary().runs() + " runs, "
          + data.summary().shocks() + " shocks" + (data.missingTables().isEmpty() ? ""
          : "; tables not found: " + String.join(", ", data.missingTables())) + ")");
      return 0;
    }
  }
}
