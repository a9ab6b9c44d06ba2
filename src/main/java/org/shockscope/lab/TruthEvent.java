package org.shockscope.lab;

/**
 * A transition the lab knows a run went through: a row of {@code truth.csv}.
 *
 * @param runId  the run
 * @param family its family
 * @param kind   {@code jump}, {@code spike} or {@code divergence} (SPEC §5), or {@code none}
 *               for a negative control: nothing sudden happens after {@code step} (t0), so
 *               any transition reported after it is a false alarm
 * @param series what moved: {@code loss}, or {@code end_to_end.sv<k>} for the k-th largest
 *               singular value (1-based) of a deep linear network's end-to-end map
 * @param step   when, in steps; fractional for analytic predictions
 * @param source {@code analytic} (closed form), {@code measured} (read off the trajectory the
 *               optimiser really took) or {@code construction} (a negative control's t0)
 * @param width  tanh width w of y = m + (J/2)·tanh((t − t_s)/w) in steps, NaN when not known
 * @param detail how the value was obtained, with the numbers it came from
 */
public record TruthEvent(String runId, Family family, String kind, String series, double step,
                         String source, double width, String detail) {
  public static final String JUMP = "jump";
  public static final String SPIKE = "spike";
  public static final String DIVERGENCE = "divergence";
  public static final String NONE = "none";
  /** Source of a negative control's row: known from how the run was made. */
  public static final String CONSTRUCTION = "construction";
  public static final String ANALYTIC = "analytic";
  public static final String MEASURED = "measured";
}
