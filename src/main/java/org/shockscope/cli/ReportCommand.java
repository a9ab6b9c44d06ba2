package org.shockscope.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.shockscope.ShockscopeException;
import org.shockscope.report.ReportCollector;
import org.shockscope.report.ReportData;
import org.shockscope.report.ReportOptions;
import org.shockscope.spark.CatalogNamespace;
import org.shockscope.spark.OutputTarget;
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
      description = "Output of the analysis: its folder (one folder per table; any Hadoop URI) "
          + "or its catalog namespace (as analyze --out).")
  String tables;

  @Option(names = "--out", paramLabel = "FILE",
      description = "Report file (default: OUT/report/index.html; required for a catalog "
          + "namespace).")
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
      OutputTarget target = OutputTarget.resolve(tables, spark);
      if (target.isCatalog() && out == null) {
        throw new ShockscopeException("--tables " + tables + " is a catalog namespace, which "
            + "has no folder for the report: give the report file with --out FILE");
      }
      // the tables of a namespace are handed over; those of a folder the collector finds
      Map<String, Dataset<Row>> given = target.isCatalog()
          ? CatalogNamespace.tables(spark, target, ReportCollector.tables()) : Map.of();
      String name = target.isCatalog() ? target.toString() : new Path(tables).getName();
      ReportOptions opts = ReportOptions.defaults()
          .withTitle(title != null ? title : name.isEmpty() ? tables : name)
          .withKeys(lrKey, batchKey, momentumKey, seedKey, lossMetric);
      Dataset<Row> m = null;
      if (metrics != null) {
        m = metrics.endsWith(".csv")
            ? spark.read().option("header", "true").option("inferSchema", "true").csv(metrics)
            : spark.read().parquet(metrics);
      }
      ReportData data = ReportCollector.collect(spark, target.toString(), given, m, opts);
      String file = out != null ? out : new Path(new Path(tables, "report"), "index.html")
          .toString();
      ReportCollector.write(spark, data, file);
      spec.commandLine().getOut().println("Report: " + file + " (" + data.summary().runs() + " runs, "
          + data.summary().shocks() + " shocks" + (data.missingTables().isEmpty() ? ""
          : "; tables not found: " + String.join(", ", data.missingTables())) + ")");
      return 0;
    } catch (ShockscopeException e) {
      // a reason the user can act on, as analyze gives it: no stack trace
      spec.commandLine().getErr().println("shockscope report: " + e.getMessage());
      return 2;
    }
  }
}
