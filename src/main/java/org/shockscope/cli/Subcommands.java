package org.shockscope.cli;

import java.util.List;

/** The subcommands of {@link ShockscopeCli}, in the order {@code --help} lists them. */
final class Subcommands {
  private Subcommands() {}

  static List<Object> all() {
    return List.of(new AnalyzeCommand(), new DemoCommand(), new EvaluateCommand(),
        new LabCommand(), new ReportCommand());
  }
}
