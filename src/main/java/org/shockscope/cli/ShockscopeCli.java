package org.shockscope.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The product's one command line: {@code shockscope <subcommand> [options]}. It is the main
 * class of the application jar, so the same subcommands run under {@code spark-submit} on a
 * cluster and with {@code java -cp} on one machine.
 */
@Command(
    name = "shockscope",
    mixinStandardHelpOptions = true,
    versionProvider = ShockscopeCli.Version.class,
    description = "Finds and measures sudden training-phase transitions (shocks) across "
        + "hyperparameter sweeps of neural networks.",
    subcommands = {CommandLine.HelpCommand.class})
public final class ShockscopeCli implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Builds the command line with every subcommand registered. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new ShockscopeCli());
    for (Object sub : Subcommands.all()) {
      cl.addSubcommand(sub);
    }
    return cl;
  }

  /** Runs the command line and returns its exit code (0 on success). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  /** Reports the jar's version from its manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ShockscopeCli.class.getPackage().getImplementationVersion();
      return new String[] {"shockscope " + (v == null ? "dev" : v)};
    }
  }
}
