package org.shockscope.cli;

import org.shockscope.ShockscopeException;
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

  /**
   * The entry point of {@code java}, {@code spark-submit} and a Databricks JAR task. Success
   * returns normally: the JVM ends with the application (spark-submit, {@code java}) or goes
   * on serving the host. A failure ends a JVM of its own with the command's exit code; in a
   * host's JVM (see {@link CommandSession#hosted()}) it throws instead, which fails the task.
   *
   * @throws ShockscopeException in a host's JVM, when the command fails (its reason is printed
   *                             on standard error first)
   */
  public static void main(String[] args) {
    // Decided before the command runs: its own session must not make this JVM look hosted.
    boolean hosted = CommandSession.hosted();
    int code = run(args);
    if (code == 0) {
      // No System.exit(0): Databricks fails a JAR task that calls System.exit, and YARN's
      // cluster-mode ApplicationMaster marks an application that exits before main returns
      // as failed ("Shutdown hook called before final status was reported").
      return;
    }
    if (hosted) {
      throw new ShockscopeException("shockscope " + (args.length == 0 ? "" : args[0] + " ")
          + "failed with exit code " + code + " (see the message above)");
    }
    System.exit(code);
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
