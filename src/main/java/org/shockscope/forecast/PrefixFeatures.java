package org.shockscope.forecast;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.shockscope.LeastSquaresLine;
import org.shockscope.OrderStatistics;
import org.shockscope.StepIndex;
import org.shockscope.shock.SeriesData;

/**
 * Features of a run's prefix for the learned forecaster (issue 16): at step t, from the samples at
 * steps ≤ t only, for each {@link SeriesFamily} that carries a warning (loss, QK maps,
 * unembedding, other spectral norms, modes) the largest over the family's series of
 * <ul>
 *   <li>{@code slope}: least-squares slope of ln|y| over its last {@value #WINDOW} samples, per
 *       logged interval (scale-free: the same for every step unit);</li>
 *   <li>{@code steepening}: that slope minus the slope of the {@value #WINDOW} samples before
 *       (sharing one sample): a front steepening towards breaking, or growth turning explosive;</li>
 *   <li>{@code level}: ln of the latest value over the median of its last {@value #HISTORY}
 *       samples;</li>
 *   <li>{@code jump_z}: the last increment of ln|y| over its robust noise scale, 1.4826 × the
 *       median absolute deviation of the increments of the last {@value #HISTORY} samples;</li>
 *   <li>{@code growth_t}: t-statistic of the exponential growth rate over the last
 *       {@value #GROWTH_POINTS} samples ({@link GrowthFit}; the doubling time's confidence);</li>
 * </ul>
 * with a flag per family (1 when the run has such a series with enough samples), whether any
 * series is already non-finite, and the position in the run as far as it is known at t:
 * ln(1 + samples logged so far), never a share of the run's final length.
 *
 * <p>Every value is clipped to ±{@value #CLIP}. A stateful object over one run's series (inputs,
 * never modified), built once and queried at any step, in any order.
 */
public final class PrefixFeatures {
  /** Samples in a slope window. */
  public static final int WINDOW = 4;
  /** Samples in the growth fit. */
  public static final int GROWTH_POINTS = 6;
  /** Samples behind the running median and the noise scale. */
  public static final int HISTORY = 64;
  /** Bound on every feature (a non-finite or runaway statistic is clipped to it). */
  public static final double CLIP = 50.0;
  /** MAD to standard deviation of a normal distribution. */
  private static final double MAD_TO_SD = 1.4826;
  /** Noise scale below which an increment counts as a clean break (relative, in ln units). */
  private static final double NOISE_FLOOR = 1e-9;

  /** The families that get per-family features, in feature order. */
  public static final List<SeriesFamily> FAMILIES = List.of(SeriesFamily.LOSS, SeriesFamily.QK,
      SeriesFamily.UNEMBEDDING, SeriesFamily.SPECTRAL_NORM, SeriesFamily.MODE);
  private static final List<String> STATS = List.of("slope", "steepening", "level", "jump_z",
      "growth_t", "present");
  private static final int NON_FINITE = FAMILIES.size() * STATS.size();
  private static final int POSITION = NON_FINITE + 1;
  /** The x of a slope window's line: the sample index within the window, 0 … WINDOW − 1. */
  private static final double[] INDEX = IntStream.range(0, WINDOW).asDoubleStream().toArray();

  /** Feature names, in vector order: {@code <family>.<stat>}, then non_finite, position. */
  public static final List<String> NAMES;

  static {
    List<String> n = new ArrayList<>();
    for (SeriesFamily f : FAMILIES) {
      for (String s : STATS) {
        n.add(f.name().toLowerCase(java.util.Locale.ROOT) + "." + s);
      }
    }
    n.add("non_finite");
    n.add("position");
    NAMES = Collections.unmodifiableList(n);
  }

  private final List<SeriesData> series;
  private final int[] family;
  /** Per series, the index of its first non-finite sample (its length when none). */
  private final int[] firstNonFinite;
  private final double[] work = new double[HISTORY];

  /**
   * @param run input, the run's series (as for the detector), steps strictly increasing
   */
  public PrefixFeatures(List<SeriesData> run) {
    series = List.copyOf(run);
    family = new int[series.size()];
    firstNonFinite = new int[series.size()];
    for (int i = 0; i < series.size(); i++) {
      family[i] = FAMILIES.indexOf(SeriesFamily.of(series.get(i)));
      double[] v = series.get(i).values();
      int k = 0;
      while (k < v.length && Double.isFinite(v[k])) {
        k++;
      }
      firstNonFinite[i] = k;
    }
  }

  /**
   * Fewest samples of its longest series before a run's prefix has features to speak of: two
   * slope windows sharing a sample, the least the steepening reads.
   */
  public static final int MIN_SAMPLES = 2 * WINDOW - 1;

  /** Samples at steps ≤ t of the run's longest series. */
  public int logged(long t) {
    int n = 0;
    for (SeriesData s : series) {
      n = Math.max(n, StepIndex.lastAtOrBefore(s.steps(), t) + 1);
    }
    return n;
  }

  /** Number of features. */
  public static int size() {
    return NAMES.size();
  }

  /**
   * The features at step t (a new array of {@link #size()} values, all finite), reading only
   * samples at steps ≤ t.
   */
  public double[] at(long t) {
    double[] x = new double[size()];
    double[] best = new double[NON_FINITE];
    Arrays.fill(best, Double.NEGATIVE_INFINITY);
    int logged = 0;
    for (int i = 0; i < series.size(); i++) {
      SeriesData s = series.get(i);
      int e = StepIndex.lastAtOrBefore(s.steps(), t);
      if (e < 0) {
        continue;
      }
      logged = Math.max(logged, e + 1);
      if (firstNonFinite[i] <= e) {
        x[NON_FINITE] = 1.0;
        continue;
      }
      if (family[i] < 0) {
        continue;
      }
      int base = family[i] * STATS.size();
      double[] v = s.values();
      if (e < 1 || !positive(v, Math.max(0, e - HISTORY + 1), e)) {
        continue;
      }
      best[base + 5] = 1.0;
      max(best, base, logSlope(v, e));
      if (e >= 2 * WINDOW - 2) {
        max(best, base + 1, logSlope(v, e) - logSlope(v, e - WINDOW + 1));
      }
      max(best, base + 2, Math.log(Math.abs(v[e])) - Math.log(medianAbs(v, e)));
      max(best, base + 3, jumpZ(v, e));
      if (e >= GROWTH_POINTS - 1) {
        GrowthFit.Growth g = GrowthFit.fit(s.steps(), v, e, GROWTH_POINTS);
        if (g != null) {
          max(best, base + 4, g.rateSe() > 0 ? g.rate() / g.rateSe()
              : Math.signum(g.rate()) * CLIP);
        }
      }
    }
    for (int k = 0; k < NON_FINITE; k++) {
      x[k] = best[k] == Double.NEGATIVE_INFINITY ? 0.0 : clip(best[k]);
    }
    x[POSITION] = Math.log1p(logged);
    return x;
  }

  private static void max(double[] best, int k, double v) {
    if (!Double.isNaN(v)) {
      best[k] = Math.max(best[k], v);
    }
  }

  private static double clip(double v) {
    return Math.max(-CLIP, Math.min(CLIP, v));
  }

  private static boolean positive(double[] v, int from, int to) {
    for (int i = from; i <= to; i++) {
      if (!(Math.abs(v[i]) > 0)) {
        return false;
      }
    }
    return true;
  }

  /** Slope of ln|y| against the sample index over the WINDOW samples ending at e (fewer early). */
  private double logSlope(double[] v, int e) {
    int from = Math.max(0, e - WINDOW + 1);
    int n = e - from + 1;
    if (n < 2) {
      return Double.NaN;
    }
    for (int i = from; i <= e; i++) {
      work[i - from] = Math.log(Math.abs(v[i]));
    }
    return LeastSquaresLine.fit(INDEX, 0, work, 0, n).slope();
  }

  private double medianAbs(double[] v, int e) {
    int from = Math.max(0, e - HISTORY + 1);
    int n = e - from + 1;
    for (int i = 0; i < n; i++) {
      work[i] = Math.abs(v[from + i]);
    }
    return OrderStatistics.medianInPlace(work, n);
  }

  /** Last increment of ln|y| over 1.4826 × MAD of the increments of the last HISTORY samples. */
  private double jumpZ(double[] v, int e) {
    int from = Math.max(1, e - HISTORY + 1);
    int n = e - from + 1;
    for (int i = 0; i < n; i++) {
      work[i] = dlog(v, from + i);
    }
    double med = OrderStatistics.medianInPlace(work, n);
    for (int i = 0; i < n; i++) {
      work[i] = Math.abs(dlog(v, from + i) - med);
    }
    double scale = MAD_TO_SD * OrderStatistics.medianInPlace(work, n);
    double last = dlog(v, e) - med;
    if (!(scale > NOISE_FLOOR)) {
      return Math.abs(last) > NOISE_FLOOR ? Math.signum(last) * CLIP : 0.0;
    }
    return last / scale;
  }

  private static double dlog(double[] v, int i) {
    return Math.log(Math.abs(v[i])) - Math.log(Math.abs(v[i - 1]));
  }
}
