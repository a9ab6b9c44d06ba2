package org.shockscope.lab;

/**
 * A transition the lab knows a run went through: a row of {@code truth.csv}.
 *
 * @param runId  the run
 * @param family its family
 * @param kind   {@code jump}, {@code spike} or {@code divergence} (SPEC §5)
 * @param series what moved: {@code loss}, or {@code end_to_end.sv<k>} for the k-th largest
 *               singular value (1-based) of a deep linear network's end-to-end map
 * @param step   when, in steps; fractional for analytic predictions
 * @param source {@code analytic} (closed form) or {@code measured} (read off the trajectory the
 *               optimiser really took)
 * @param width  tanh width w of y = m + (J/2)·tanh((t − t_s)/w) in steps, NaN when not known
 * @param detail how the value was obtained, with the numbers it came from
 */
public record TruthEvent(String runId, Family family, String kind, String series, double step,
                         String source, double width, String detail) {
  public static final String JUMP = "jump";
  public static final String SPIKE = "spike";
  public static final String DIVERGENCE = "divergence";
  public static final String ANALYTIC = "analytic";
  public static final String MEASURED = "measured";
}
