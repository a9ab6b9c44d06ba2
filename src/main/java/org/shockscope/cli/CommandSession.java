package org.shockscope.cli;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.shockscope.spark.ForklessLocalFileSystem;
import org.shockscope.spark.ForklessLocalFs;

/**
 * The Spark session a subcommand runs in, and whether this process started it.
 *
 * <p>Inside a running Spark application — a Databricks JAR task, a notebook, a test — the
 * subcommand joins the session that is there ({@code SparkSession.builder().getOrCreate()}) and
 * leaves it running: stopping it would stop the host's {@code SparkContext} under it (on
 * Databricks the cluster's shared one). Otherwise it starts the cluster's session when
 * launched by {@code spark-submit} (which sets {@code spark.master}), or else an embedded
 * local Spark on all cores with settings that suit one machine, and {@link #close()} stops it.
 */
final class CommandSession implements AutoCloseable {
  /**
   * Set by Databricks on every cluster node. A JAR task's JVM belongs to the cluster even when
   * no session was created before the task's {@code main} ran.
   */
  private static final String DATABRICKS_RUNTIME = "DATABRICKS_RUNTIME_VERSION";

  private final SparkSession spark;
  private final boolean owned;

  private CommandSession(SparkSession spark, boolean owned) {
    this.spark = spark;
    this.owned = owned;
  }

  /**
   * Joins the running session or starts one.
   *
   * @param appName  application name of a new session
   * @param master   {@code --master}, or null for spark-submit's, else {@code local[*]}; ignored
   *                 when a session is running
   * @param fileConf Spark settings of the options file
   * @param cliConf  Spark settings of {@code --conf}, applied after {@code fileConf}
   */
  static CommandSession start(String appName, String master, Map<String, String> fileConf,
                              Map<String, String> cliConf) {
    boolean joined = sessionRunning();
    SparkSession.Builder b = SparkSession.builder().appName(appName);
    if (!joined) {
      boolean local = master == null && !new SparkConf().contains("spark.master");
      if (master != null) {
        b.master(master);
      } else if (local) {
        b.master("local[*]");
      }
      if (local || (master != null && master.startsWith("local"))) {
        int cores = Runtime.getRuntime().availableProcessors();
        b.config("spark.sql.shuffle.partitions", String.valueOf(Math.max(2, 2 * cores)));
        b.config("spark.ui.showConsoleProgress", "false");
        // the web UI's Jetty server and status store cost a second of start-up and listener
        // work on every job; an embedded job prints its own progress (spark.ui.enabled=true
        // in --conf or the options file turns it back on)
        b.config("spark.ui.enabled", "false");
        b.config("spark.sql.adaptive.enabled", "true");
        // Hadoop without its native library forks chmod for every file written and readlink for
        // every Delta commit's rename, about 7 ms each
        b.config("spark.hadoop.fs.file.impl", ForklessLocalFileSystem.class.getName());
        b.config("spark.hadoop.fs.AbstractFileSystem.file.impl", ForklessLocalFs.class.getName());
      }
    }
    // On a running session getOrCreate applies these as runtime SQL settings only.
    fileConf.forEach(b::config);
    cliConf.forEach(b::config);
    long before = System.currentTimeMillis();
    SparkSession spark = b.getOrCreate();
    // A context older than this call is someone else's even without a session object (a
    // bare SparkContext, as some hosts keep): stopping our new session would stop it too.
    boolean owned = !joined && spark.sparkContext().startTime() >= before;
    if (owned) {
      // the host's log level is the host's business
      spark.sparkContext().setLogLevel(System.getProperty("shockscope.sparkLogLevel", "WARN"));
      if (spark.sparkContext().master().startsWith("local")) {
        // every task and scan ships the Hadoop configuration; half of it is YARN's defaults
        YarnDefaultsTrim.drop(spark.sparkContext().hadoopConfiguration());
      }
    }
    return new CommandSession(spark, owned);
  }

  /**
   * Whether this JVM belongs to a running Spark application: a session is active on this
   * thread or is the default one, or the JVM is a Databricks cluster node. Such a JVM is not
   * the command's to stop or exit.
   */
  static boolean hosted() {
    return sessionRunning() || System.getenv(DATABRICKS_RUNTIME) != null;
  }

  private static boolean sessionRunning() {
    return running(SparkSession.getActiveSession()) || running(SparkSession.getDefaultSession());
  }

  // A thread can keep a stopped session as its active one; getOrCreate then makes a new one.
  private static boolean running(scala.Option<SparkSession> session) {
    return session.isDefined() && !session.get().sparkContext().isStopped();
  }

  SparkSession spark() {
    return spark;
  }

  /** Stops the session when this process started it; leaves a joined one running. */
  @Override
  public void close() {
    if (owned) {
      spark.stop();
    }
  }
}
