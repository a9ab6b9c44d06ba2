package org.shockscope.spark;

import org.apache.spark.sql.SparkSession;

/**
 * Interpreted expressions for the analysis of a small sweep on a local master.
 *
 * <p>Spark SQL compiles the projections, predicates and orderings of every new query with
 * Janino, on the driver and again in tasks; a job over a small sweep runs about 55 queries of a
 * few thousand rows each, and compiling them cost more than evaluating them. With
 * {@code spark.sql.codegen.factoryMode=NO_CODEGEN} Spark evaluates those expressions
 * interpreted (its test suites run every expression both ways; whole-stage code generation is
 * not affected). Measured on two cores (src/bench/README.md, "The fixed cost, session 30"),
 * alternating runs: 20 runs × 5 checkpoints 17–20 s → 14–15 s; 200 × 10 19–23 s → 17–18 s;
 * 2,000 × 10 (20,000 checkpoints) 30–34 s → 38–48 s, where the rows outweigh the compiling. So it
 * applies up to {@link #MAX_CHECKPOINTS} checkpoints analysed, and only on a local master (a
 * cluster's executors were not measured), and never when the session sets the option itself.
 * {@link #close} restores the session as it was; other queries that share the session while the
 * job runs (a notebook's) are interpreted too, with the same results.
 */
final class SmallSweepCodegen implements AutoCloseable {
  /** The option, an internal one of Spark SQL: FALLBACK (default), CODEGEN_ONLY, NO_CODEGEN. */
  static final String FACTORY_MODE = "spark.sql.codegen.factoryMode";
  /** Most checkpoints analysed for which expressions are interpreted. */
  static final long MAX_CHECKPOINTS = 2_000;

  private final SparkSession spark;
  private final boolean applied;

  private SmallSweepCodegen(SparkSession spark, boolean applied) {
    this.spark = spark;
    this.applied = applied;
  }

  /**
   * Interprets expressions for the rest of the job when it analyses at most
   * {@link #MAX_CHECKPOINTS} checkpoints on a local master and the session leaves the option
   * unset.
   *
   * @param checkpoints checkpoints the job reduces and analyses
   */
  static SmallSweepCodegen choose(SparkSession spark, long checkpoints) {
    boolean apply = checkpoints <= MAX_CHECKPOINTS
        && spark.sparkContext().master().startsWith("local")
        && !spark.conf().contains(FACTORY_MODE);
    if (apply) {
      spark.conf().set(FACTORY_MODE, "NO_CODEGEN");
    }
    return new SmallSweepCodegen(spark, apply);
  }

  /** Whether this job interprets its expressions. */
  boolean applied() {
    return applied;
  }

  /** Unsets the option again when {@link #choose} set it. */
  @Override
  public void close() {
    if (applied) {
      spark.conf().unset(FACTORY_MODE);
    }
  }
}
