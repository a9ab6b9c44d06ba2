package org.shockscope.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.shockscope.OrderStatistics;

/**
 * Measured tanh widths of deep-linear modes under heavy-ball momentum against the slow-mode
 * expectation of issue 18: with momentum β the effective step is η/(1 − β), so SPEC §8's width
 * 1/(s_k η) of mode k of a two-layer chain becomes w_exp = (1 − β)/(s_k η) (steps), expected to
 * hold while the effective rate s_k η/(1 − β) is small ({@link #SLOW_MODE_LIMIT}).
 *
 * <p>All widths are the w of y = m + (J/2)·tanh((t − t_s)/w) on the same series, the k-th
 * singular value σ_k(t) of the end-to-end map W_2·W_1: the lab's from its σ_k crossings of s/4
 * and 3s/4 at every training step (w = (t_{3/4} − t_{1/4}) / ln 3, the truth's {@code
 * measured} row), the detector's from its least-squares fit ({@code ViscousShockFit}) to the
 * checkpointed series {@code end_to_end/sv<k>} (the {@code shocks} table's jump of that series).
 * Comparing the lab's width with w_exp tests the physics; the detector's, the detector.
 *
 * <p>Stateless: static methods only.
 */
public final class MomentumWidths {
  /** Largest s_k η/(1 − β) at which the expectation is tested (issue 18's acceptance). */
  public static final double SLOW_MODE_LIMIT = 0.1;
  /** Relative tolerance of the acceptance: |w/w_exp − 1| ≤ 0.2. */
  public static final double TOLERANCE = 0.2;

  private MomentumWidths() {}

  /**
   * One mode of one run.
   *
   * @param runId         the run
   * @param series        the truth series, {@code end_to_end.sv<k>}
   * @param momentum      heavy-ball β
   * @param effectiveRate s_k η/(1 − β) (dimensionless, per step)
   * @param expectedWidth (1 − β)/(s_k η), steps
   * @param labWidth      the lab's measured width, steps; NaN when the mode was not learned
   * @param detectorWidth the detector's fitted width, steps; NaN when it found no jump there
   */
  public record Check(String runId, String series, double momentum, double effectiveRate,
                      double expectedWidth, double labWidth, double detectorWidth) {
    /** labWidth / expectedWidth (NaN when unknown). */
    public double labRatio() {
      return labWidth / expectedWidth;
    }

    /** detectorWidth / expectedWidth (NaN when unknown). */
    public double detectorRatio() {
      return detectorWidth / expectedWidth;
    }

    /** Whether the mode is in the slow-mode regime the expectation is tested in. */
    public boolean slow() {
      return effectiveRate <= SLOW_MODE_LIMIT;
    }
  }

  /**
   * The checks of one momentum value (or all, pooled), slow modes only.
   *
   * @param momentum         β, or NaN for the row pooling every β
   * @param modes            slow modes (run × mode) with an expectation
   * @param labModes         of them, modes the lab measured a width for
   * @param labMedianRatio   median of labWidth / expectedWidth; NaN when none
   * @param labWithin        share of {@code modes} whose lab width is within
   *                         {@link #TOLERANCE} of the expectation (an unmeasured mode is not)
   * @param detected         modes the detector fitted a width for
   * @param detectorMedianRatio median of detectorWidth / expectedWidth; NaN when none
   * @param detectorWithin   share of {@code modes} whose detector width is within the tolerance
   *                         (an undetected mode is not)
   */
  public record Summary(double momentum, int modes, int labModes, double labMedianRatio,
                        double labWithin, int detected, double detectorMedianRatio,
                        double detectorWithin) {}

  /**
   * Per momentum value, increasing, then one pooled row (momentum NaN): the slow modes'
   * median ratios and shares within {@link #TOLERANCE}. Empty when no check is slow.
   *
   * @param checks the per-mode checks (input, not modified)
   */
  public static List<Summary> summarise(List<Check> checks) {
    Map<Double, List<Check>> byBeta = new TreeMap<>();
    List<Check> slow = new ArrayList<>();
    for (Check c : checks) {
      if (c.slow()) {
        byBeta.computeIfAbsent(c.momentum(), k -> new ArrayList<>()).add(c);
        slow.add(c);
      }
    }
    List<Summary> out = new ArrayList<>();
    for (Map.Entry<Double, List<Check>> e : byBeta.entrySet()) {
      out.add(summary(e.getKey(), e.getValue()));
    }
    if (!slow.isEmpty()) {
      out.add(summary(Double.NaN, slow));
    }
    return out;
  }

  private static Summary summary(double beta, List<Check> cs) {
    double[] lab = cs.stream().mapToDouble(Check::labRatio).filter(Double::isFinite).toArray();
    double[] det = cs.stream().mapToDouble(Check::detectorRatio).filter(Double::isFinite)
        .toArray();
    return new Summary(beta, cs.size(), lab.length, OrderStatistics.median(lab), within(lab, cs.size()),
        det.length, OrderStatistics.median(det), within(det, cs.size()));
  }

  private static double within(double[] ratios, int of) {
    int n = 0;
    for (double r : ratios) {
      if (Math.abs(r - 1) <= TOLERANCE) {
        n++;
      }
    }
    return of == 0 ? Double.NaN : (double) n / of;
  }

}
