package org.shockscope.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.shockscope.ShockscopeException;
import org.shockscope.lab.Lab;
import org.shockscope.lab.LabConfig;
import org.shockscope.lab.LabSummary;
import org.shockscope.spark.AnalyzeSettings;
import org.shockscope.spark.SweepAnalysis;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shockscope demo}: trains the lab's demo sweep (every family, known transitions), then
 * analyses it with an embedded local Spark and prints the summary and where everything is.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Train a small lab sweep and analyse it end to end with a local Spark.")
public final class DemoCommand implements Callable<Integer> {
  @Option(names = "--dir", description = "Working folder (default: ./demo-out).")
  Path dir = Path.of("demo-out");

  @Option(names = "--layout", description = "Which lab layout to analyse: native, hf or mlflow.")
  String layout = "native";

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    Path sweepDir = dir.resolve("sweep").toAbsolutePath();
    Path outDir = dir.resolve("out").toAbsolutePath();
    try {
      System.out.println("shockscope demo: training the lab's demo sweep into " + sweepDir);
      LabSummary lab = Lab.regenerate(LabConfig.demo(), sweepDir);
      System.out.printf("  %d runs (%d diverged), %d known transitions in %s%n", lab.runs(),
          lab.divergedRuns(), lab.truthEvents(), sweepDir.resolve("truth.csv"));
      Map<String, String> cli = new LinkedHashMap<>();
      cli.put("sweep", sweepDir.resolve(layout).toString());
      cli.put("out", outDir.toString());
      cli.put("progress_seconds", "5");
      AnalyzeSettings settings = AnalyzeSettings.resolve(cli, null, Map.of());
      try (CommandSession session = CommandSession.start("shockscope demo", null, Map.of(),
          Map.of())) {
        SweepAnalysis.Summary s = new SweepAnalysis(session.spark(), settings, System.out).run();
        System.out.println(SummaryText.of(s));
      }
      System.out.printf("shockscope demo: done in %.0f s (training and analysis)%n",
          (System.nanoTime() - t0) / 1e9);
      return 0;
    } catch (ShockscopeException e) {
      System.err.println("shockscope demo: " + e.getMessage());
      return 2;
    }
  }
}
