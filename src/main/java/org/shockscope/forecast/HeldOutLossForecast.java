package org.shockscope.forecast;

/**
 * When a held-out loss that rose above its chance level will have made half of its way back
 * down: the generalisation of a network that memorised first (grokking, Power et al., "Grokking:
 * generalization beyond overfitting on small algorithmic datasets", 2022). At initialisation
 * the held-out cross-entropy is at its chance level L₀ (ln K for K classes), its value at the
 * first logged step. Memorising the training set makes the held-out predictions confidently
 * wrong, so the held-out loss climbs well above L₀; as the generalising circuit takes over
 * (under weight decay, Nanda et al., "Progress measures for grokking via mechanistic
 * interpretability", 2023) it comes back down through L₀ towards its floor 0. The transition's
 * midpoint is where the loss has made half of its way from the chance level to the floor,
 * {@code L₀/2}, the halfway crossing the lab's truth uses for a loss.
 *
 * <p>Once the loss is back below L₀ the correct class leads and the cross-entropy of a margin
 * m that grows steadily, ≈ e^{−m}, falls exponentially: the least-squares line through
 * {@code (step, ln y)} of the last {@value #WINDOW} logged samples ({@link GrowthFit}, rate
 * r &lt; 0) is extrapolated to L₀/2, {@code t_s = t + (ln ŷ(t) − ln(L₀/2)) / (−r)} with ŷ(t)
 * the fitted value at the last sample; the width is the e-folding time 1/|r|. Above L₀ the loss
 * still falls from its memorisation peak, whose decay says little about the crossing's time, and
 * no forecast is made.
 *
 * <p>Stateless static operations; arrays are inputs and are never modified, and only samples at
 * or before the given index are read.
 */
public final class HeldOutLossForecast {
  /** Logged samples in the exponential fit of the loss's fall. */
  public static final int WINDOW = 5;
  /**
   * How far above its chance level L₀ the loss must have risen before: a memorised training set
   * makes held-out predictions confidently wrong, a loss that only wanders near L₀ does not. The
   * tuning lab's memorisation peaks stand at 1.8 to 3.5 L₀.
   */
  public static final double RISEN = 1.5;

  private HeldOutLossForecast() {}

  /**
   * The forecast at loss index {@code end}, or null when the loss is not between L₀ (its first
   * value) and L₀/2 now, or has not fallen at every sample of the {@value #WINDOW} or more since
   * it was last at {@value #RISEN}× L₀ or above, or had not stayed there for {@value #WINDOW}
   * consecutive samples before that fall. Reads the fall and the stretch before it only.
   *
   * @param steps  input, strictly increasing logged steps
   * @param loss   input, the held-out loss
   * @param end    index of the last sample that may be read
   * @return the front: centre t_s (&gt; steps[end]), width 1/|r|, level L₀/2, slowingT NaN
   * @throws IllegalArgumentException on an index out of range or arrays of different lengths
   */
  public static FrontForecast.Front at(long[] steps, double[] loss, int end) {
    if (end < 0 || end >= steps.length || steps.length != loss.length) {
      throw new IllegalArgumentException("index " + end + " out of range for " + steps.length
          + " steps and " + loss.length + " values");
    }
    double chance = loss[0];
    if (end < WINDOW || !(chance > 0) || !Double.isFinite(chance)) {
      return null;
    }
    double half = chance / 2;
    if (!(loss[end] < chance) || !(loss[end] > half)) {
      return null;
    }
    double high = RISEN * chance;
    // back from the end along the fall: a held-out loss, read on the same examples at every step,
    // moves with the weights only, so on its way back from memorisation each sample lies below
    // the one before; a loss that wanders (a random walk of the weights, a noisy training loss)
    // turns back up on the way. Only the fall and the stretch above it are read.
    int lastHigh = end;
    while (lastHigh > 0 && loss[lastHigh] < high) {
      if (!(loss[lastHigh - 1] > loss[lastHigh])) {
        return null;
      }
      lastHigh--;
    }
    // the fit's window lies on the fall from RISEN·L₀: a loss that dropped below it a sample ago
    // has not shown how fast it falls
    if (!(loss[lastHigh] >= high) || lastHigh > end - WINDOW) {
      return null;
    }
    // the stretch at RISEN·L₀ or above that the fall left: a memorised model's held-out loss
    // stays up, a noisy loss's excursion is over within a sample or two
    int first = lastHigh;
    while (first > 0 && loss[first - 1] >= high && lastHigh - first + 1 < WINDOW) {
      first--;
    }
    if (lastHigh - first + 1 < WINDOW) {
      return null;
    }
    GrowthFit.Growth g = GrowthFit.fit(steps, loss, end, WINDOW);
    if (g == null || !(g.rate() < 0)) {
      return null;
    }
    double centre = steps[end] + (g.logLast() - Math.log(half)) / -g.rate();
    return centre > steps[end]
        ? new FrontForecast.Front(centre, -1 / g.rate(), half, Double.NaN) : null;
  }
}
