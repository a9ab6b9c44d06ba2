package org.shockscope.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.shockscope.ShockscopeException;
import org.shockscope.spark.AnalyzeSettings;
import org.shockscope.spark.SweepAnalysis;
import org.shockscope.spark.SweepWatcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shockscope analyze}: runs the Spark job on a sweep and writes the tables. Runs in the
 * Spark session of the host when there is one (a Databricks JAR task, a notebook) and leaves it
 * running; otherwise uses the Spark master given by {@code spark-submit} (or {@code --master});
 * with none, an embedded local Spark on all cores.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = "Analyse a sweep: quotient observables, shocks, phase statistics; write tables.")
public final class AnalyzeCommand implements Callable<Integer> {
  @Option(names = "--sweep", required = true, description = "Sweep folder (path or Hadoop URI).")
  String sweep;

  @Option(names = "--out", required = true, description = "Output folder (path or Hadoop URI), "
      + "or catalog namespace for managed Delta tables: catalog:SCHEMA, catalog:CATALOG.SCHEMA, "
      + "or CATALOG.SCHEMA when CATALOG is a catalog of the session.")
  String out;

  @Option(names = "--format", description = "Table format of an output folder: parquet "
      + "(default) or delta. Catalog tables are Delta.")
  String format;

  @Option(names = "--report", paramLabel = "FILE", description = "Report page (path or Hadoop "
      + "URI; default OUT/report/index.html for a folder, none for a catalog namespace).")
  String report;

  @Option(names = "--config", description = "Options file (see conf/shockscope.properties).")
  Path config;

  @Option(names = "--group-by", split = ",",
      description = "Hyperparameters defining a phase cell (default: all varying but the seed).")
  String[] groupBy;

  @Option(names = "--model", description = "Model structure: preset (mlp, deep-linear, conv, "
      + "gpt2, llama) or JSON; default: sweep.json, then inference.")
  String model;

  @Option(names = "--strict", description = "Fail on any bad input instead of quarantining it.")
  boolean strict;

  @Option(names = "--incremental",
      description = "Process only checkpoints and runs new since the last run on --out.")
  boolean incremental;

  @Option(names = "--mlflow-tags", description = "MLflow file-store sweep: write each analysed"
      + " run's results as tags shockscope.* of its MLflow run.")
  boolean mlflowTags;

  @Option(names = "--forecast-horizons", paramLabel = "H[,H...]", description = "Horizons of "
      + "the forecasts table: steps (500) or checkpoint intervals of each run (5ckpt); default "
      + org.shockscope.forecast.ForecastHorizons.DEFAULT + ".")
  String forecastHorizons;

  @Option(names = "--watch", paramLabel = "INTERVAL", description = "Live monitoring: keep one "
      + "Spark session and analyse what is new every INTERVAL (30s, 5m, 1h30m), appending to the"
      + " alerts table when a run's forecast risk crosses --alert-threshold; stops on Ctrl-C "
      + "(after the cycle under way) or after --watch-for.")
  String watch;

  @Option(names = "--watch-for", paramLabel = "DURATION",
      description = "With --watch: stop after DURATION (e.g. 8h); default: until Ctrl-C.")
  String watchFor;

  @Option(names = "--alert-threshold", paramLabel = "P", description = "With --watch: alert "
      + "when p_jump or p_divergence reaches P, in (0, 1]; default 0.5.")
  String alertThreshold;

  @Option(names = "--webhook", paramLabel = "URL", description = "With --watch: POST each "
      + "cycle's alerts to URL as one JSON array.")
  String webhook;

  @Option(names = "--learned-forecasts", description = "Add the learned forecast method's rows "
      + "(MLlib, leave-run-out) beside the precursor's in the forecasts table.")
  boolean learnedForecasts;

  @Option(names = "--master", description = "Spark master (default: spark-submit's, else local[*]).")
  String master;

  @Option(names = "--conf", description = "Spark setting key=value (repeatable).")
  Map<String, String> sparkConf = new LinkedHashMap<>();

  @Override
  public Integer call() {
    return run(System.out, System.err);
  }

  int run(PrintStream console, PrintStream err) {
    Map<String, String> cli = new LinkedHashMap<>();
    cli.put("sweep", sweep);
    cli.put("out", out);
    cli.put("format", format);
    cli.put("report_path", report);
    cli.put("group_by", groupBy == null ? null : String.join(",", groupBy));
    cli.put("model", model);
    cli.put("strict", strict ? "true" : null);
    cli.put("incremental", incremental ? "true" : null);
    cli.put("mlflow_tags", mlflowTags ? "true" : null);
    cli.put("forecast_horizons", forecastHorizons);
    cli.put("learned_forecasts", learnedForecasts ? "true" : null);
    cli.put("watch", watch);
    cli.put("watch_for", watchFor);
    cli.put("alert_threshold", alertThreshold);
    cli.put("webhook", webhook);
    CommandSession session = null;
    try {
      SparkConf base = new SparkConf();
      Map<String, String> visible = new LinkedHashMap<>();
      for (scala.Tuple2<String, String> t : base.getAll()) {
        visible.put(t._1(), t._2());
      }
      visible.putAll(sparkConf);
      AnalyzeSettings settings = AnalyzeSettings.resolve(cli, config, visible);
      session = CommandSession.start("shockscope analyze", master, settings.sparkSettings(),
          sparkConf);
      if (settings.watch() != null) {
        WatchShutdown.watch(new SweepWatcher(session.spark(), settings, console, c -> { }),
            session);
        session = null;
        return 0;
      }
      SweepAnalysis.Summary s = new SweepAnalysis(session.spark(), settings, console).run();
      console.println(SummaryText.of(s));
      return 0;
    } catch (ShockscopeException e) {
      err.println("shockscope analyze: " + e.getMessage());
      return 2;
    } finally {
      if (session != null) {
        session.close();
      }
    }
  }
}
