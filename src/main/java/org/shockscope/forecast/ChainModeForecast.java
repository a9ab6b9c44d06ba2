package org.shockscope.forecast;

import java.util.Arrays;
import org.shockscope.LeastSquaresLine;
import org.shockscope.OrderStatistics;

/**
 * Where a mode of a deep linear chain's end-to-end map will cross half its target, from its
 * prefix. For a chain of L layers trained by gradient descent from a small balanced
 * initialisation, each singular value u of the end-to-end map follows its own ODE
 * (Saxe, McClelland &amp; Ganguli, 2014, eq. 7 for L = 2; Arora, Cohen &amp; Hazan, 2018,
 * Theorem 1 for the balanced L-layer case):
 * <pre>
 *   du/dt = c · u^{1+p} · (s − u),   p = 1 − 2/L,   c = L·η (the same for every mode of the run)
 * </pre>
 * with s the mode's target strength. For L = 2 it is the logistic of rate c·s; for L ≥ 3 it is
 * sharper, a near finite-time blow-up. Written in y = ln u, the time from u_a to u_b is
 * {@code (1/c)·I(u_a, u_b)}, {@code I = ∫ dy / (e^{p y}·(s − e^y))} (Simpson's rule in y), exact
 * for any sampling interval — the jump of a deep chain often spans a single checkpoint interval,
 * where a finite-difference rate would be meaningless.
 *
 * <p>Two cases:
 * <ul>
 *   <li><b>calibrated</b>: a mode of the same map that has already saturated gives c (its target
 *       is its plateau; {@link #rateConstant}); the forming mode's target then follows from its
 *       last rising intervals alone (Saxe et al.: a chain's later modes arrive at times ∝ 1/s,
 *       the learned modes fix the rate), long before its growth visibly slows;</li>
 *   <li><b>uncalibrated</b> (a run's first mode): c and s are fitted together to the rising
 *       intervals, and the forecast is issued only once the saturation is identifiable: the fit
 *       with a finite target must explain the intervals clearly better than unbounded growth
 *       (an F-test at {@value #MIN_F}).</li>
 * </ul>
 * Stateless static operations; arrays are inputs and are never modified, and only samples at or
 * before the given index are read.
 */
public final class ChainModeForecast {
  /** Fewest consecutive rising samples of a forming mode (intervals = samples − 1). */
  public static final int MIN_RISING = 3;
  /** Most recent rising samples used. */
  public static final int MAX_POINTS = 8;
  /**
   * Least share of its target a sample must reach to enter a fit: below it a mode of a randomly
   * initialised chain is still aligning, and its singular value does not follow the mode ODE.
   * Only for chains of depth ≥ 3 (p &gt; 0), whose time from a to b is dominated by
   * a^{−p}/(p·c·s), so that a start off by a factor f is off by f^{−p} in time. For depth 2 (the
   * logistic, p = 0) the time {@code (1/(c·s))·ln(b(s − a)/(a(s − b)))} is logarithmic in a: an
   * aligning start costs ln f of the ln(b/a) the interval spans, and a depth-2 chain's first
   * mode that rises from far below its target to near it within an interval or two is the
   * only calibration its later modes get (on the tuning labs 13 later modes of depth-2 chains
   * got a first forecast on time, 11 of them had none before; none lost theirs).
   */
  public static final double MIN_SHARE = 0.01;
  /** Highest share of its target a calibrating interval may end at (its plateau is noisy). */
  public static final double MAX_SHARE = 0.9;
  /**
   * Samples at the end of a saturated mode that must agree within {@link #PLATEAU_SPREAD}: the
   * last two. A deep chain's mode often crosses from far below its target to it within one
   * checkpoint interval, and the next mode, a factor of 2–3 weaker, reaches its midpoint within
   * two or three more (its time ∝ 1/s): a third plateau sample left the run's rate constant
   * unknown until the next mode was past its midpoint, and its target unidentifiable from its
   * own rise (no forecast before the midpoint at all, on the tuning labs). A mode still creeping
   * below its target by its last interval's rise would pass too, but its target is then off by
   * about that rise (≤ {@value #PLATEAU_SPREAD}, if the approach slows geometrically by half or
   * more per interval), and the calibrating intervals end below {@value #MAX_SHARE} of it.
   * Three labs (session 36, deep-linear first forecasts on time): 162 / 143 / 71 with three
   * samples, 166 / 143 / 75 with two; forecasts on quiet runs unchanged.
   */
  public static final int PLATEAU_POINTS = 2;
  /** Relative spread of a plateau. */
  public static final double PLATEAU_SPREAD = 0.02;
  /** Least rise of a saturated mode above its lowest sample (a mode learned, not a constant). */
  public static final double MIN_RISE = 10.0;
  /** F statistic a finite target must reach against unbounded growth (uncalibrated fits). */
  public static final double MIN_F = 10.0;
  /** Most the rate constants of the last two intervals may differ by, as a factor. */
  public static final double BLOW_UP_AGREEMENT = 1.25;
  /** Intervals whose rate constants must agree. */
  public static final int BLOW_UP_INTERVALS = 2;
  /** Intervals a floor under a mode is fitted to ({@link #blowUpAboveFloor}). */
  public static final int FLOOR_INTERVALS = 4;
  /**
   * How far below half its estimated target a mode must still be for its midpoint to be forecast,
   * as a share of s/2. The target is estimated to a few percent at best (the ODE leaves out the
   * discrete steps, correlated inputs, SGD noise and momentum's lag), so a mode within this share
   * of its estimated midpoint level may already be past its true one: on the tuning labs such
   * forecasts were mostly issued just after the midpoint, a centre a fraction of a step or an
   * interval ahead. In the profile's terms the margin is the centre's last ≈ 0.1 w (tanh width
   * w), where a forecast says "now" rather than "ahead". Measured again once the scoring stopped
   * counting such forecasts against the next mode (session 31, ten tuning labs, deep-linear first
   * forecasts on time of 2,804): 1,753 without the margin, 1,756 at 0.05, 1,760 at 0.1, 1,764 at
   * 0.2, 1,772 at 0.4; the small gains beyond 0.1 were not taken.
   */
  public static final double MIDPOINT_MARGIN = 0.1;
  /** Largest target tried, as a multiple of the last sample (beyond it: unbounded). */
  private static final double MAX_TARGET = 1e4;
  /** Simpson intervals of the time integral. */
  private static final int SIMPSON = 64;
  /** Bisection and golden-section iterations on ln s. */
  private static final int ITERATIONS = 60;
  /**
   * Range of the bisection for a mode's start below its earliest rise ({@link #fromStart}), in
   * ln units: e^{−28} ≈ 7e-13, a start too small to matter.
   */
  private static final double START_RANGE = 28.0;

  private ChainModeForecast() {}

  /** The exponent p = 1 − 2/L of a chain of {@code depth} layers (0 below depth 2). */
  public static double exponent(int depth) {
    return depth < 2 ? 0.0 : 1.0 - 2.0 / depth;
  }

  /**
   * {@code I(a, b) = ∫_{ln a}^{ln b} dy / (e^{p y} (s − e^y))}, the time from u = a to u = b
   * times c, for 0 &lt; a ≤ b &lt; s; NaN outside.
   */
  static double integral(double a, double b, double s, double p) {
    if (!(a > 0) || !(b >= a) || !(b < s)) {
      return Double.NaN;
    }
    double y0 = Math.log(a);
    double h = (Math.log(b) - y0) / SIMPSON;
    double sum = 0;
    for (int i = 0; i <= SIMPSON; i++) {
      double y = y0 + i * h;
      double f = 1.0 / (Math.exp(p * y) * (s - Math.exp(y)));
      sum += (i == 0 || i == SIMPSON ? 1 : i % 2 == 1 ? 4 : 2) * f;
    }
    return sum * h / 3;
  }

  /**
   * The rate constant c of a mode that has saturated by index {@code end}: its last
   * {@value #PLATEAU_POINTS} samples within {@value #PLATEAU_SPREAD} of each other (target s =
   * the last) or, failing that, it overshot its target ({@link #overshootPeak}: target s = the
   * centre of its ringing, {@link #ringingCentre}, and only intervals up to the peak count);
   * either way at least {@value #MIN_RISE}× above its lowest earlier sample; c is the median over
   * its rising intervals between {@value #MIN_SHARE}·s (depth ≥ 3 only, {@link #MIN_SHARE}) and
   * {@value #MAX_SHARE}·s of
   * {@code I(u_a, u_b) / Δt}. NaN when the mode has not saturated or no interval qualifies.
   * The overshoot rule, on three labs (session 36, deep-linear first forecasts on time): 166 /
   * 143 / 75 before, 167 / 144 / 75 after (plain-SGD chains whose first mode overshot with a
   * large step, tune0 r00003 and tune300 r00442); forecasts on quiet runs and divergence lines
   * unchanged. Under momentum the ringing mode now calibrates (tune0 r00144, tune300 r00508) but
   * its next mode's forecast comes late: momentum amplifies a mode's step by about
   * 1/(1 − β·e^{−r}) for its growth rate r per step, more for the slower next mode, so the rate
   * constant is not common to the modes and a faster mode's c puts the next target too high.
   *
   * @param steps  input, strictly increasing steps
   * @param values input, the mode's singular values
   * @param end    index of the last sample that may be read
   * @param p      the chain's exponent ({@link #exponent})
   */
  public static double rateConstant(long[] steps, double[] values, int end, double p) {
    if (end < PLATEAU_POINTS) {
      return Double.NaN;
    }
    double s = values[end];
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int i = end - PLATEAU_POINTS + 1; i <= end; i++) {
      lo = Math.min(lo, values[i]);
      hi = Math.max(hi, values[i]);
    }
    int last = end;
    if (!(s > 0) || !(hi - lo <= PLATEAU_SPREAD * s)) {
      int peak = overshootPeak(values, end);
      if (peak < 0) {
        return Double.NaN;
      }
      s = ringingCentre(values, peak, end);
      last = peak;
    }
    double min = Double.POSITIVE_INFINITY;
    for (int i = 0; i <= end; i++) {
      if (values[i] > 0) {
        min = Math.min(min, values[i]);
      }
    }
    if (!(s >= MIN_RISE * min)) {
      return Double.NaN;
    }
    double[] c = new double[end];
    int n = 0;
    for (int i = 1; i <= last; i++) {
      double a = values[i - 1];
      double b = values[i];
      // MIN_SHARE for deep chains only (the logistic's time is logarithmic in a)
      if (b > a && (p == 0 ? a > 0 : a >= MIN_SHARE * s) && b <= MAX_SHARE * s) {
        c[n++] = integral(a, b, s, p) / (steps[i] - steps[i - 1]);
      }
    }
    if (n == 0) {
      return Double.NaN;
    }
    double[] sorted = Arrays.copyOf(c, n);
    Arrays.sort(sorted);
    return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  }

  /**
   * The index of the peak a mode overshot its target at by index {@code end}, -1 when it has not:
   * its highest sample up to end, after which it fell more than {@value #PLATEAU_SPREAD} below
   * it. Under the mode ODE (gradient flow) a mode rises monotonically to its target and stays
   * there; with discrete steps large enough, or momentum (the heavy ball overshoots and rings
   * around the target, damped), it passes its target and falls back, so the fall itself shows
   * the target reached, at once, where two agreeing samples ({@value #PLATEAU_POINTS} plateau
   * points) may take the ringing's many checkpoints to come.
   */
  static int overshootPeak(double[] values, int end) {
    int k = 0;
    for (int i = 1; i <= end; i++) {
      if (values[i] > values[k]) {
        k = i;
      }
    }
    if (k == 0 || k == end || !(values[k] > 0)) {
      return -1;
    }
    double low = Double.POSITIVE_INFINITY;
    for (int i = k + 1; i <= end; i++) {
      low = Math.min(low, values[i]);
    }
    return low < (1 - PLATEAU_SPREAD) * values[k] ? k : -1;
  }

  /**
   * The target of a mode ringing after its overshoot at index {@code peak}: the mean of its
   * samples from the peak to end, the centre of the oscillation it has shown so far (the peak
   * above the target, the fall back below or toward it).
   */
  static double ringingCentre(double[] values, int peak, int end) {
    double sum = 0;
    for (int i = peak; i <= end; i++) {
      sum += values[i];
    }
    return sum / (end - peak + 1);
  }

  /**
   * The mode forming at the end of the prefix {@code [0, end]}: its target s, the step at which
   * it will cross s/2 (the lab's and the profile's midpoint) and its tanh width there
   * ({@code w = 1 / (c·(s/2)^{1+p})}: the profile m + (s/2)·tanh((t − t_s)/w) with the ODE's
   * slope at s/2; 2/(c·s) for the logistic). Null when fewer than {@value #MIN_RISING} rising
   * samples end at {@code end}, the target is not identified, or the mode is not yet
   * {@value #MIDPOINT_MARGIN} of s/2 below it ({@link #MIDPOINT_MARGIN}).
   *
   * @param steps  input, strictly increasing steps
   * @param values input, the mode's singular values
   * @param end    index of the last sample that may be read
   * @param p      the chain's exponent ({@link #exponent})
   * @param c      the run's rate constant from a saturated mode ({@link #rateConstant}), or NaN
   *               to fit it with the target
   * @throws IllegalArgumentException on an index out of range or arrays of different lengths
   */
  public static FrontForecast.Front at(long[] steps, double[] values, int end, double p,
                                       double c) {
    if (end < 0 || end >= steps.length || steps.length != values.length) {
      throw new IllegalArgumentException("index " + end + " out of range for " + steps.length
          + " steps and " + values.length + " values");
    }
    int start = end;
    while (start > 0 && end - start + 1 < MAX_POINTS && values[start - 1] > 0
        && values[start] > values[start - 1]) {
      start--;
    }
    int n = end - start + 1;
    double u = values[end];
    if (n < MIN_RISING || !(values[start] > 0) || !Double.isFinite(u)) {
      return null;
    }
    double s;
    double rate;
    if (Double.isNaN(c)) {
      double[] fit = fitTarget(steps, values, start, end, p);
      if (fit == null) {
        if (p <= 0) {
          return null;
        }
        // a randomly initialised chain's mode rises from the floor the rest of its map gives
        FrontForecast.Front floored = blowUpAboveFloor(steps, values, end, p);
        return floored != null ? floored : blowUp(steps, values, end, p);
      }
      s = fit[0];
      rate = fit[1];
    } else {
      // the target from the last intervals: the s at which the ODE with the run's c takes
      // exactly the observed time, median over up to three intervals
      double[] est = new double[3];
      int[] from = new int[3];
      int k = 0;
      for (int i = end; i > start && k < est.length; i--) {
        double t = solveTarget(values[i - 1], values[i], c * (steps[i] - steps[i - 1]), p);
        if (!Double.isNaN(t)) {
          from[k] = i - 1;
          est[k++] = t;
        }
      }
      if (k == 0) {
        return null;
      }
      s = OrderStatistics.select(Arrays.copyOf(est, k), k, k / 2);
      if (p > 0) {
        // a deep chain's mode below MIN_SHARE may still be aligning: its intervals from there
        // are left out (the logistic's time is logarithmic in the start: no gate for depth 2)
        int kept = 0;
        for (int j = 0; j < k; j++) {
          if (values[from[j]] >= MIN_SHARE * s) {
            est[kept++] = est[j];
          }
        }
        if (kept == 0) {
          return null;
        }
        s = OrderStatistics.select(est, kept, kept / 2);
      }
      rate = c;
    }
    if (!(2 * u < (1 - MIDPOINT_MARGIN) * s)) {
      return null;
    }
    double centre = steps[end] + integral(u, s / 2, s, p) / rate;
    // the tanh profile's width: (s/2) / w equals the slope du/dt = c·(s/2)^{1+p}·(s/2) at s/2
    double width = 1.0 / (rate * Math.pow(s / 2, 1 + p));
    return Double.isFinite(centre) ? new FrontForecast.Front(centre, width, s, Double.NaN)
        : null;
  }

  /**
   * The front of a first mode of a chain of depth ≥ 3 whose target is not yet identifiable: far
   * below its target the mode ODE is {@code du/dt = k·u^{1+p}} (k = c·s), which blows up in
   * finite time {@code T = u^{−p} / (p·k)} whatever s is — the midpoint comes earlier by a share
   * of order (2u/s)^p, small while the mode is still far below its target. k comes from each of
   * the last two intervals exactly, {@code k = (u_a^{−p} − u_b^{−p}) / (p·Δt)}; they must agree
   * within a factor {@value #BLOW_UP_AGREEMENT} (a mode still aligning grows exponentially, one
   * near saturation slows down: neither follows the power law). Null otherwise.
   */
  static FrontForecast.Front blowUp(long[] steps, double[] values, int end, double p) {
    if (end < BLOW_UP_INTERVALS) {
      return null;
    }
    double k = agreedRate(steps, values, end, BLOW_UP_INTERVALS,
        (a, b, dt) -> powerRate(a, b, dt, p));
    if (Double.isNaN(k)) {
      return null;
    }
    double centre = steps[end] + Math.pow(values[end], -p) / (p * k);
    return Double.isFinite(centre) ? new FrontForecast.Front(centre, 0.0, Double.NaN, Double.NaN)
        : null;
  }

  /**
   * The blow-up ({@link #blowUp}) of a mode that rises from a floor: u = w + π, where only π, the
   * mode's component along its teacher direction, follows the mode ODE and w is what the rest of
   * a random initialisation's map contributes to the singular value. Far below its target π
   * blows up as {@code dπ/dt = k·π^{1+p}}, whose rate k read on u instead rises from interval to
   * interval (u's relative growth lags π's by the share w/u, which shrinks as π grows), so a
   * blow-up read on u comes late. When the rates of the last {@value #FLOOR_INTERVALS} intervals
   * read on u rise strictly, w is the offset at which the first and the last of them, read on
   * u − w, are equal (bisection; below the interval's first sample, so that π &gt; 0); every
   * interval's rate on u − w must agree within {@value #BLOW_UP_AGREEMENT} (rates that rise by
   * noise or a jump in the growth are not one blow-up above a floor), and the mode must stand at
   * least twice its floor (π ≥ w: below that π is a small difference of two nearly equal numbers,
   * which a wobble of the floor or noise makes; on the tuning labs such fits came early and
   * added forecasts on a quiet run). The front is π's blow-up, {@code t + π^{−p}/(p·k)}, k the
   * geometric mean of the first and last intervals' rates. Null when the rates do not rise
   * strictly, no such w exists, or a condition fails. On the tuning labs four intervals, not
   * three: rates of noisy modes rise over three intervals by chance (one in six for independent
   * ones), and three cost more first forecasts on time than they gained.
   */
  static FrontForecast.Front blowUpAboveFloor(long[] steps, double[] values, int end, double p) {
    int b = end - FLOOR_INTERVALS;
    if (b < 0 || !(p > 0)) {
      return null;
    }
    for (int i = b + 2; i <= end; i++) {
      if (!(powerRate(values[i - 1], values[i], steps[i] - steps[i - 1], p)
          > powerRate(values[i - 2], values[i - 1], steps[i - 1] - steps[i - 2], p))) {
        return null;
      }
    }
    if (!(values[b] > 0)) {
      return null;
    }
    double lo = 0;
    double hi = values[b];
    if (!(floorRatio(steps, values, end, p, 0.0) > 1)) {
      return null;
    }
    for (int it = 0; it < ITERATIONS; it++) {
      double mid = 0.5 * (lo + hi);
      if (floorRatio(steps, values, end, p, mid) > 1) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double w = 0.5 * (lo + hi);
    // the part above the floor at least as large as the floor
    if (!(w < values[b]) || !(2 * w <= values[end])) {
      return null;
    }
    double first = powerRate(values[b] - w, values[b + 1] - w, steps[b + 1] - steps[b], p);
    double last = powerRate(values[end - 1] - w, values[end] - w, steps[end] - steps[end - 1], p);
    double lowest = Double.POSITIVE_INFINITY;
    double highest = 0;
    for (int i = b + 1; i <= end; i++) {
      double k = powerRate(values[i - 1] - w, values[i] - w, steps[i] - steps[i - 1], p);
      if (!(k > 0)) {
        return null;
      }
      lowest = Math.min(lowest, k);
      highest = Math.max(highest, k);
    }
    if (highest > BLOW_UP_AGREEMENT * lowest) {
      return null;
    }
    double k = Math.sqrt(first * last);
    double centre = steps[end] + Math.pow(values[end] - w, -p) / (p * k);
    return Double.isFinite(centre) ? new FrontForecast.Front(centre, 0.0, Double.NaN, Double.NaN)
        : null;
  }

  /** The last interval's rate over the first's among the {@value #FLOOR_INTERVALS}, on u − w. */
  private static double floorRatio(long[] steps, double[] values, int end, double p, double w) {
    int b = end - FLOOR_INTERVALS;
    return powerRate(values[end - 1] - w, values[end] - w, steps[end] - steps[end - 1], p)
        / powerRate(values[b] - w, values[b + 1] - w, steps[b + 1] - steps[b], p);
  }

  /**
   * A first mode's front re-timed with an upper bound on its target known from elsewhere (its
   * loss). Either front fixes the mode's early growth rate k = c·s (du/dt ≈ k·u^{1+p} far below
   * s), the one thing its prefix identifies well:
   * <ul>
   *   <li>a finite-time blow-up ({@link #blowUp}: no target, level NaN, centre t + T with
   *       T = u^{−p}/(p·k)) ignores the saturation and comes late by a share of order (2u/s)^p
   *       of the remaining time (a third at u = 2% of s in a depth-3 chain): it is re-timed with
   *       s = the bound;</li>
   *   <li>a fitted target above the bound cannot be (the fit read the prefix's curvature as
   *       less saturation than there is): s = the bound, k kept.</li>
   * </ul>
   * Then c = k/s and the centre is t + I(u, s/2)/c, the ODE's own. A bound that errs large leaves
   * part of the error. Null when u is not {@value #MIDPOINT_MARGIN} of s/2 below it.
   *
   * @param f     the front, issued at step t with the mode at u
   * @param t     the step it was issued at
   * @param u     the mode (or a quantity proportional to it) at t
   * @param bound the upper bound on the target, in u's units
   * @param p     the chain's exponent, above 0 for a blow-up front
   */
  static FrontForecast.Front bounded(FrontForecast.Front f, long t, double u, double bound,
                                     double p) {
    boolean blowUp = Double.isNaN(f.level());
    if (!blowUp && f.level() <= bound) {
      return f;
    }
    double k = blowUp ? Math.pow(u, -p) / (p * (f.centre() - t))
        : f.level() / (f.width() * Math.pow(f.level() / 2, 1 + p));
    return fromEarlyRate(t, u, k, bound, p);
  }

  /**
   * The front of a mode at u at step t from its early growth rate k = c·s (du/dt ≈ k·u^{1+p} far
   * below s, per step; for p = 0 the logistic's rate r = c·s, d ln u/dt ≈ r) and its target s, in
   * u's units: c = k/s, the centre t + I(u, s/2)/c (for p = 0 the logistic's
   * {@code t + ln(s/u − 1)/r}) and the tanh width 1/(c·(s/2)^{1+p}) (2/r for p = 0). Null when k
   * is not positive, u is not {@value #MIDPOINT_MARGIN} of s/2 below it, or the centre is not
   * finite.
   */
  static FrontForecast.Front fromEarlyRate(long t, double u, double k, double s, double p) {
    if (!(2 * u < (1 - MIDPOINT_MARGIN) * s) || !(k > 0)) {
      return null;
    }
    double c = k / s;
    double centre = t + integral(u, s / 2, s, p) / c;
    double width = 1.0 / (c * Math.pow(s / 2, 1 + p));
    return Double.isFinite(centre) ? new FrontForecast.Front(centre, width, s, Double.NaN) : null;
  }

  /**
   * As {@link #blowUp} through three samples (t_b, u_b) &lt; (t_a, u_a) &lt; (t_e, u_e) of a
   * quantity proportional to the mode far below its target: null unless both intervals rise and
   * their k agree within {@value #BLOW_UP_AGREEMENT} ({@link #earlyRate}), or for p = 0 (the
   * logistic never blows up).
   */
  static FrontForecast.Front blowUp(long tb, double ub, long ta, double ua, long te, double ue,
                                    double p) {
    double k = earlyRate(tb, ub, ta, ua, te, ue, p);
    double centre = te + Math.pow(ue, -p) / (p * k);
    return Double.isFinite(centre) ? new FrontForecast.Front(centre, 0.0, Double.NaN, Double.NaN)
        : null;
  }

  /**
   * The early growth rate k of {@code du/dt = k·u^{1+p}} (far below the target, k = c·s) through
   * three samples (t_b, u_b) &lt; (t_a, u_a) &lt; (t_e, u_e) of a quantity proportional to the
   * mode: the geometric mean of the two intervals' exact k, NaN unless both rise and they agree
   * within a factor {@value #BLOW_UP_AGREEMENT} (a mode still aligning, or offset by its start,
   * grows faster in relative terms at first; one near saturation slows down). For p = 0 k is the
   * exponential rate {@code Δ ln u / Δt}, the limit of the power law's as p → 0.
   */
  static double earlyRate(long tb, double ub, long ta, double ua, long te, double ue, double p) {
    double k1 = powerRate(ub, ua, ta - tb, p);
    double k2 = powerRate(ua, ue, te - ta, p);
    if (!(k1 > 0) || !(k2 > 0) || k2 > BLOW_UP_AGREEMENT * k1 || k1 > BLOW_UP_AGREEMENT * k2) {
      return Double.NaN;
    }
    return Math.sqrt(k1 * k2);
  }

  /**
   * The front of a first mode seen only through its rise Δ = u − u₀ from an unknown start u₀ (a
   * loss's fall gives the mode's level less its start's, in the target's units), from four
   * samples: the start (t₀, Δ = 0) and (t_b, Δ_b) &lt; (t_a, Δ_a) &lt; (t_e, Δ_e). Near its start
   * the mode grows by a nearly constant du/dt, so Δ rises faster in relative terms than u
   * does and the early rates k of {@code du/dt = k·u^{1+p}} ({@link #earlyRate}) read on Δ fall
   * from one interval to the next (a blow-up read from Δ comes early). The start w = u₀ is
   * the offset at which the two intervals' k read on w + Δ are equal (bisection on ln w; they
   * rise with w), and it must explain the whole rise: w at most Δ_b (the mode has at least
   * doubled by t_b) and the k of the interval from the start, on w .. w + Δ_b, within a factor
   * {@value #BLOW_UP_AGREEMENT} of theirs. The front is then the ODE's from u = w + Δ_e with
   * that k and the target s ({@link #fromEarlyRate}). Null when Δ's rates do not fall (no start
   * to correct for), no such w exists, or u_e is not {@value #MIDPOINT_MARGIN} of s/2 below it.
   *
   * @param s the mode's target, in Δ's units (an upper bound on it)
   * @param p the chain's exponent ({@link #exponent}), 0 for the logistic
   */
  static FrontForecast.Front fromStart(long t0, long tb, double db, long ta, double da, long te,
                                       double de, double s, double p) {
    if (!(db > 0) || !(da > db) || !(de > da)) {
      return null;
    }
    if (!(intervalRatio(0.0, tb, db, ta, da, te, de, p) < 1)
        || intervalRatio(db, tb, db, ta, da, te, de, p) < 1) {
      return null;
    }
    double lo = Math.log(db) - START_RANGE;
    double hi = Math.log(db);
    for (int it = 0; it < ITERATIONS; it++) {
      double mid = 0.5 * (lo + hi);
      if (intervalRatio(Math.exp(mid), tb, db, ta, da, te, de, p) < 1) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    double w = Math.exp(0.5 * (lo + hi));
    double k = Math.sqrt(powerRate(w + db, w + da, ta - tb, p)
        * powerRate(w + da, w + de, te - ta, p));
    double k0 = powerRate(w, w + db, tb - t0, p);
    if (!(k0 > 0) || k0 > BLOW_UP_AGREEMENT * k || k > BLOW_UP_AGREEMENT * k0) {
      return null;
    }
    return fromEarlyRate(te, w + de, k, s, p);
  }

  /** The early rate of the interval (a, e) over that of (b, a), both read on w + Δ. */
  private static double intervalRatio(double w, long tb, double db, long ta, double da, long te,
                                      double de, double p) {
    return powerRate(w + da, w + de, te - ta, p) / powerRate(w + db, w + da, ta - tb, p);
  }

  /**
   * The front of a first mode that grows as a power of time, as under Adam: its per-parameter
   * step is normalised by the gradient's running scale, sign-like and of a nearly constant size
   * η, so each of the chain's L layers grows along the mode at a nearly constant rate and the
   * end-to-end mode as {@code u = a^L} with a linear in t — neither the exponential nor the
   * finite-time blow-up of the mode ODE (whose fits, {@link #at}, find no front). The rate of
   * {@code a = u^{1/L}} comes from each of the last {@value #BLOW_UP_INTERVALS} intervals; they
   * must agree within a factor {@value #BLOW_UP_AGREEMENT} (as the blow-up's must). With the
   * target s known from elsewhere (an upper bound from the loss, which errs large), the mode
   * reaches s/2 at {@code t + ((s/2)^{1/L} − a)/ȧ}, ȧ the rate at t ({@link #currentRate}); the
   * tanh width is (s/2) over the slope {@code du/dt = L·a^{L−1}·ȧ} there. Null when fewer
   * intervals rise, their rates disagree, or u is not {@value #MIDPOINT_MARGIN} of s/2 below
   * it.
   *
   * @param steps  input, strictly increasing steps
   * @param values input, the mode's singular values
   * @param end    index of the last sample that may be read
   * @param depth  the chain's number of layers L, at least 1
   * @param target the mode's target s (an upper bound on it)
   */
  static FrontForecast.Front powerLaw(long[] steps, double[] values, int end, int depth,
                                      double target) {
    return powerLaw(steps, values, end, depth, target, BLOW_UP_INTERVALS);
  }

  /**
   * As {@link #powerLaw(long[], double[], int, int, double)} over the last {@code intervals}
   * intervals up to index end, every pair of their rates agreeing within
   * {@value #BLOW_UP_AGREEMENT}: samples of a level proportional to the mode (in the target's
   * units), such as the ones a loss gives at the doublings of its fall. The mode is timed at the
   * rate of a = u^{1/L} at index end ({@link #currentRate}), not at the intervals' mean: under Adam
   * that rate drifts while the mode rises, so the mean, read over intervals that reach back over
   * much of the run, lags it. Early on (fewer steps than 1/(1 − β₂), ~1,000) the second-moment
   * estimate v̂ averages the squared gradient over the whole run, and a gradient that grows
   * with the mode (∝ a^{L−1}) makes each step g/√v̂ larger than the last, up to √(2L − 1) times
   * lr (a ∝ t, g ∝ t^{L−1}, v̂ the mean of t^{2L−2}): the mean rate is too low and the forecast
   * late. Later the rate falls far below the target as well (most likely the entries whose
   * gradient is a small share of the mode's overshoot their share under equal sign-like steps
   * and then dither, their first moment cancelling, so the mode grows only as fast as its
   * largest entries allow; the run's quotient step falls with it: tune300 r00355's rate of a fell
   * by 44% between steps 1,000 and 4,000 while u stayed below s/6): the mean rate is too high and
   * the forecast early. Adam deep-linear jumps with a first forecast on time on the three tuning
   * labs (tune0, tune300, short600): 31 of 69 at the mean rate, 38 at the current one (9 gained:
   * 7 of them late before, 2 early; 2 lost, early by 0.20–0.22 now); all deep-linear first
   * forecasts on time 167 / 144 / 75 before, 168 / 146 / 79 after; gd, sgd and momentum first
   * forecasts, forecasts on quiet runs and divergence alarms unchanged.
   */
  static FrontForecast.Front powerLaw(long[] steps, double[] values, int end, int depth,
                                      double target, int intervals) {
    if (end < intervals || depth < 1) {
      return null;
    }
    double root = 1.0 / depth;
    double rate = agreedRate(steps, values, end, intervals,
        (a, b, dt) -> (Math.pow(b, root) - Math.pow(a, root)) / dt);
    if (Double.isNaN(rate)) {
      return null;
    }
    double now = currentRate(steps, values, end, intervals, root);
    return now > 0 ? fromPowerRate(steps[end], values[end], now, depth, target) : null;
  }

  /**
   * The rate of {@code a = u^{root}} at index end from the last {@code intervals} intervals up to
   * it: each interval's chord slope Δa/Δt is the rate at the interval's middle step (exactly so
   * for a rate that changes linearly in time, a quadratic a(t)), and the least-squares line
   * through those (middle step, slope) points is read at steps[end]. With one interval, its slope.
   * The drift is not extrapolated beyond steps[end]: Adam's warm-up saturates (the step's
   * growth is bounded by √(2L − 1) lr) and its later fall levels off, so the rate at the issuing
   * step is the one the mode is timed at ({@link #powerLaw(long[], double[], int, int, double,
   * int)}).
   */
  static double currentRate(long[] steps, double[] values, int end, int intervals, double root) {
    // middle steps measured from steps[end]: the line's intercept is the rate there
    double[] mid = new double[intervals];
    double[] slope = new double[intervals];
    for (int k = 0; k < intervals; k++) {
      int i = end - intervals + 1 + k;
      mid[k] = 0.5 * (steps[i - 1] + steps[i]) - steps[end];
      slope[k] = (Math.pow(values[i], root) - Math.pow(values[i - 1], root))
          / (steps[i] - steps[i - 1]);
    }
    return intervals < 2 ? slope[0] : LeastSquaresLine.fit(mid, 0, slope, 0, intervals)
        .intercept();
  }

  /**
   * The front of a mode at u at step t whose L-th root grows at {@code rate} per step, up to
   * target s: centre {@code t + ((s/2)^{1/L} − u^{1/L})/rate}, tanh width (s/2) over the slope
   * {@code L·a^{L−1}·rate} at s/2. Null when u is not {@value #MIDPOINT_MARGIN} of s/2 below it
   * or the centre is not finite.
   */
  private static FrontForecast.Front fromPowerRate(long t, double u, double rate, int depth,
                                                   double target) {
    if (!(2 * u < (1 - MIDPOINT_MARGIN) * target)) {
      return null;
    }
    double root = 1.0 / depth;
    double half = Math.pow(target / 2, root);
    double centre = t + (half - Math.pow(u, root)) / rate;
    double width = half / (depth * rate);
    return Double.isFinite(centre) ? new FrontForecast.Front(centre, width, target, Double.NaN)
        : null;
  }

  /** A growth rate read from one interval: its first and last values a, b and its steps dt. */
  private interface IntervalRate {
    double of(double a, double b, long dt);
  }

  /**
   * The geometric mean of the rates of the last {@code intervals} intervals up to index end, NaN
   * unless each is positive and they agree within a factor {@value #BLOW_UP_AGREEMENT} (a mode
   * that follows one growth law at a steady rate).
   */
  private static double agreedRate(long[] steps, double[] values, int end, int intervals,
                                   IntervalRate rate) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    double logSum = 0;
    for (int i = end - intervals + 1; i <= end; i++) {
      double k = rate.of(values[i - 1], values[i], steps[i] - steps[i - 1]);
      if (!(k > 0)) {
        return Double.NaN;
      }
      lo = Math.min(lo, k);
      hi = Math.max(hi, k);
      logSum += Math.log(k);
    }
    return hi > BLOW_UP_AGREEMENT * lo ? Double.NaN : Math.exp(logSum / intervals);
  }

  /**
   * k of {@code du/dt = k·u^{1+p}} from one interval: (a^{−p} − b^{−p}) / (p·Δt); for p = 0 its
   * limit, the exponential rate ln(b/a) / Δt.
   */
  private static double powerRate(double a, double b, long dt, double p) {
    if (!(a > 0) || !(b > a)) {
      return Double.NaN;
    }
    return p == 0 ? Math.log(b / a) / dt : (Math.pow(a, -p) - Math.pow(b, -p)) / (p * dt);
  }

  /**
   * The target s with {@code I(a, b; s) = target} (I falls as s grows), NaN when even the
   * largest target {@value #MAX_TARGET}·b is too slow (unbounded growth) or a ≥ b.
   */
  static double solveTarget(double a, double b, double target, double p) {
    if (!(b > a) || !(a > 0) || !(target > 0)) {
      return Double.NaN;
    }
    double lo = Math.log(b) + 1e-9;
    double hi = Math.log(MAX_TARGET * b);
    if (integral(a, b, Math.exp(hi), p) > target) {
      return Double.NaN;
    }
    if (integral(a, b, Math.exp(lo), p) < target) {
      return Math.exp(lo);
    }
    for (int it = 0; it < ITERATIONS; it++) {
      double mid = 0.5 * (lo + hi);
      if (integral(a, b, Math.exp(mid), p) > target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Math.exp(0.5 * (lo + hi));
  }

  /**
   * Fits target s and rate c to the rising intervals [start, end]: for each s, ln c is the mean
   * of {@code ln(I_i / Δt_i)}; s minimises the residual sum of squares of those logs (golden
   * section on ln s). Returns {s, c} when the finite target beats unbounded growth (s at
   * {@value #MAX_TARGET}× the last sample) by the F statistic {@value #MIN_F}, else null.
   */
  private static double[] fitTarget(long[] steps, double[] values, int start, int end, double p) {
    int m = end - start;
    if (m < MIN_RISING) {
      // three intervals at least: two parameters and a residual
      return null;
    }
    double lo = Math.log(values[end]) + Math.log(1.05);
    double hi = Math.log(MAX_TARGET * values[end]);
    double g = (Math.sqrt(5) - 1) / 2;
    double x1 = hi - g * (hi - lo);
    double x2 = lo + g * (hi - lo);
    double f1 = rss(steps, values, start, end, p, Math.exp(x1))[0];
    double f2 = rss(steps, values, start, end, p, Math.exp(x2))[0];
    for (int it = 0; it < ITERATIONS; it++) {
      if (f1 < f2) {
        hi = x2;
        x2 = x1;
        f2 = f1;
        x1 = hi - g * (hi - lo);
        f1 = rss(steps, values, start, end, p, Math.exp(x1))[0];
      } else {
        lo = x1;
        x1 = x2;
        f1 = f2;
        x2 = lo + g * (hi - lo);
        f2 = rss(steps, values, start, end, p, Math.exp(x2))[0];
      }
    }
    double s = Math.exp(0.5 * (lo + hi));
    double[] best = rss(steps, values, start, end, p, s);
    double unbounded = rss(steps, values, start, end, p, MAX_TARGET * values[end])[0];
    double f = (unbounded - best[0]) / Math.max(best[0] / (m - 2), 1e-12 * unbounded + 1e-300);
    if (!(f >= MIN_F)) {
      return null;
    }
    return new double[] {s, best[1]};
  }

  /** {RSS of ln(I_i/Δt_i) about their mean, c = e^{mean}} for target s. */
  private static double[] rss(long[] steps, double[] values, int start, int end, double p,
                              double s) {
    int m = end - start;
    double[] r = new double[m];
    double mean = 0;
    for (int i = 0; i < m; i++) {
      int k = start + i + 1;
      r[i] = Math.log(integral(values[k - 1], values[k], s, p) / (steps[k] - steps[k - 1]));
      mean += r[i];
    }
    mean /= m;
    double ss = 0;
    for (double v : r) {
      ss += (v - mean) * (v - mean);
    }
    return new double[] {Double.isNaN(ss) ? Double.POSITIVE_INFINITY : ss, Math.exp(mean)};
  }
}
