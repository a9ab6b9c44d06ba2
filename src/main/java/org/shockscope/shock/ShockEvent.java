package org.shockscope.shock;

import java.util.Objects;

/**
 * One event found along one series of a run: a row of the {@code shocks} table (SPEC §7) without
 * its {@code run_id}, which the caller adds. Fields that do not apply to a kind are NaN.
 *
 * <p>Per kind (units: steps for positions and widths, the series' own units for levels):
 * <ul>
 *   <li>{@code jump} — a viscous-shock front {@code y = m + b·(t−t_s) + (J/2)·tanh((t−t_s)/w)}:
 *       {@code step} = t_s rounded to the nearest step; {@code uLeft}, {@code uRight} = m ∓ J/2,
 *       the states either side of the front; {@code jump} = uRight − uLeft; {@code width} = w;
 *       {@code viscosity} = |jump|·w/4; {@code strength} = |J| over the series' noise scale;
 *       {@code stepLo}/{@code stepHi} = an approximately 95% interval for t_s (t_s ± 2 standard
 *       errors, inflated for autocorrelated noise), always containing the samples that bracket
 *       t_s. When the front is sharper than the sampling (fitted w below the gap between the
 *       samples bracketing t_s) the width is not resolved: {@code width} is then that gap, an
 *       upper bound, and {@code stepLo}/{@code stepHi} are exactly the bracketing samples, so
 *       {@link #widthIsSamplingBound()} holds. For a series detected on a log scale the levels
 *       and jump are converted back to the series' units (geometric levels), while w and
 *       strength refer to the log scale.</li>
 *   <li>{@code spike} — a transient excursion that returns: {@code step} = the peak;
 *       {@code uLeft}, {@code uRight} = the baseline (rolling median) just before and just after
 *       the excursion; {@code jump} = peak value − baseline at the peak (the signed height);
 *       {@code width} = duration at half height (on the detection scale); {@code strength} =
 *       |height| over the robust scale of the residuals from the baseline; {@code stepLo},
 *       {@code stepHi} = the samples either side of the peak.</li>
 *   <li>{@code divergence} — the first non-finite value or the start of explosive growth; later
 *       values of the series are not analysed: {@code step} = the first bad sample;
 *       {@code uLeft} = the last good value, {@code uRight} = the first bad value (possibly NaN
 *       or ±Infinity); {@code stepLo} = the last good sample, {@code stepHi} = {@code step}.</li>
 * </ul>
 *
 * @param series    the series' name (an observable or metric)
 * @param group     the group it belongs to, or "" for run-level metrics
 * @param kind      {@link #JUMP}, {@link #SPIKE} or {@link #DIVERGENCE}
 * @param step      the event's position
 * @param stepLo    lower end of its uncertainty interval
 * @param stepHi    upper end of its uncertainty interval
 * @param uLeft     level before the event
 * @param uRight    level after the event
 * @param jump      signed size of the event
 * @param width     front width or spike duration, in steps
 * @param viscosity |jump|·width/4 for jumps
 * @param strength  size over the series' noise scale
 * @param score     confidence in [0, 1]: for a jump 1/(1 + e^{−(E − minEvidence)/2}) with E
 *                  its evidence (ΔBIC), i.e. the posterior probability of the front against the
 *                  best smooth trend with prior odds that put 0.5 at the acceptance threshold;
 *                  for a spike 1/(1 + e^{−(strength − spikeThreshold)}); for a divergence 1 when
 *                  a value is non-finite, else 1/(1 + 10^{−d}) with d the decades by which the
 *                  growth exceeded growthFactor × the initial level
 */
public record ShockEvent(String series, String group, String kind, long step, long stepLo,
                         long stepHi, double uLeft, double uRight, double jump, double width,
                         double viscosity, double strength, double score) {
  /** Kind of a transition between two levels. */
  public static final String JUMP = "jump";
  /** Kind of a transient excursion that returns. */
  public static final String SPIKE = "spike";
  /** Kind of a non-finite value or explosive growth. */
  public static final String DIVERGENCE = "divergence";

  public ShockEvent {
    Objects.requireNonNull(series, "series");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(kind, "kind");
    if (stepLo > step || step > stepHi) {
      throw new ShockDetectionException("ShockEvent for series '" + series + "': step " + step
          + " outside its interval [" + stepLo + ", " + stepHi + "]");
    }
  }

  /**
   * Whether the width is only an upper bound set by the sampling: a jump whose front fell
   * between two samples, reported with {@code width == stepHi − stepLo}.
   */
  public boolean widthIsSamplingBound() {
    return JUMP.equals(kind) && width == (double) (stepHi - stepLo);
  }

  /** The series' name qualified by its group, {@code group/series}, or the name alone. */
  public String qualifiedSeries() {
    return group.isEmpty() ? series : group + "/" + series;
  }
}
