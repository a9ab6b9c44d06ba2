package org.shockscope.forecast;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.shockscope.StepIndex;
import org.shockscope.shock.SeriesData;
import org.shockscope.shock.Transition;

/**
 * The learned forecast of issue 16, without Spark: the examples a model is trained on and the
 * forecasts a trained model gives. An example is a run's checkpoint step t and a horizon H with
 * <ul>
 *   <li>its design vector: the {@link PrefixFeatures} at t, the precursor's own
 *       {@code p_jump} and {@code p_divergence} at (t, H), ln(H / the run's logged interval
 *       so far), and each of the former times the latter, so that one linear model covers every
 *       horizon with a weight per feature that changes with ln H (a steep loss slope means more
 *       one checkpoint ahead than twenty);</li>
 *   <li>its labels, from the run's own detected transitions (the sweep's completed runs are the
 *       teacher): jump = 1 when a jump transition's step falls in (t, t + H]; divergence = 1 when
 *       the run's divergence step is ≤ t + H (diverging within H, or diverged). A label is
 *       {@link #UNKNOWN} when it is 0 but t + H lies beyond the run's last logged step (the run
 *       may not have got there: such examples are not trained on, only forecast).</li>
 * </ul>
 * The model is a logistic regression per target, {@code p = 1 / (1 + e^{−(b + w·x)})}, fitted
 * elsewhere ({@code spark/LearnedForecasts}, MLlib) and applied here as a {@link Logit}.
 * Stateless static operations.
 */
public final class LearnedForecaster {
  /** Label of an example whose outcome the run does not show. */
  public static final int UNKNOWN = -1;
  /** Forecast probability at which the learned jump forecast names an expected step. */
  public static final double MEDIAN = 0.5;
  /** Features named as carriers of a learned warning, at most. */
  public static final int CARRIERS = 3;
  /** Design-vector names: the prefix features, then the precursor's and the horizon's. */
  public static final List<String> NAMES;

  /** Features before the horizon's: the prefix features and the precursor's two. */
  private static final int BASE = PrefixFeatures.size() + 2;

  static {
    List<String> n = new ArrayList<>(PrefixFeatures.NAMES);
    n.add("precursor.p_jump");
    n.add("precursor.p_divergence");
    n.add("log_horizon");
    for (int i = 0; i < BASE; i++) {
      n.add(n.get(i) + "*log_horizon");
    }
    NAMES = Collections.unmodifiableList(n);
  }

  private LearnedForecaster() {}

  /**
   * One training or forecasting example.
   *
   * @param step            t
   * @param horizon         H in steps
   * @param x               design vector ({@link #NAMES})
   * @param jumpLabel       1, 0 or {@link #UNKNOWN}
   * @param divergenceLabel 1, 0 or {@link #UNKNOWN}
   */
  public record Example(long step, long horizon, double[] x, int jumpLabel, int divergenceLabel) {}

  /**
   * A fitted logistic model over {@link #NAMES}; {@code weights} null is the model of a target
   * without a positive example to learn from: probability 0.
   */
  public record Logit(double[] weights, double intercept) implements java.io.Serializable {
    /** The model that never forecasts the event. */
    public static Logit never() {
      return new Logit(null, Double.NEGATIVE_INFINITY);
    }

    /** The probability at x. */
    public double probability(double[] x) {
      if (weights == null) {
        return 0.0;
      }
      double z = intercept;
      for (int i = 0; i < weights.length; i++) {
        z += weights[i] * x[i];
      }
      return 1.0 / (1.0 + Math.exp(-z));
    }
  }

  /**
   * The examples of one run: one per precursor forecast (its steps and horizons) once the run
   * has logged {@link PrefixFeatures#MIN_SAMPLES} samples (before, a prefix has no slope or
   * steepening to read, and a model can only repeat the sweep's base rate: no learned forecast
   * is issued there), the design vectors from the run's prefixes and the labels from its
   * detected transitions.
   *
   * @param run         input, the run's series
   * @param precursor   input, the run's precursor forecasts ({@link PrecursorForecaster})
   * @param transitions input, the run's detected transitions (labels)
   */
  public static List<Example> examples(List<SeriesData> run, List<Forecast> precursor,
                                       List<Transition> transitions) {
    long last = Long.MIN_VALUE;
    for (SeriesData s : run) {
      if (s.steps().length > 0) {
        last = Math.max(last, s.steps()[s.steps().length - 1]);
      }
    }
    List<Long> jumps = new ArrayList<>();
    long divergence = Long.MAX_VALUE;
    for (Transition tr : transitions) {
      if ("jump".equals(tr.kind())) {
        jumps.add(tr.step());
      } else if ("divergence".equals(tr.kind())) {
        divergence = Math.min(divergence, tr.step());
      }
    }
    long[] jumpSteps = jumps.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] steps = precursor.stream().mapToLong(Forecast::step).distinct().sorted().toArray();
    PrefixFeatures features = new PrefixFeatures(run);
    List<Example> out = new ArrayList<>(precursor.size());
    long prevStep = Long.MIN_VALUE;
    double[] prefix = null;
    long interval = 1;
    for (Forecast f : precursor) {
      if (features.logged(f.step()) < PrefixFeatures.MIN_SAMPLES) {
        continue;
      }
      if (prefix == null || f.step() != prevStep) {
        prefix = features.at(f.step());
        prevStep = f.step();
        interval = prefixInterval(steps, f.step());
      }
      out.add(new Example(f.step(), f.horizon(),
          design(prefix, f.pJump(), f.pDivergence(), f.horizon(), interval),
          label(f.step(), f.horizon(), jumpSteps, last),
          divergenceLabel(f.step(), f.horizon(), divergence, last)));
    }
    return out;
  }

  /**
   * The design vector of an example.
   *
   * @param prefix   input, {@link PrefixFeatures#at} at the example's step
   * @param interval the run's median step between forecast steps so far, ≥ 1
   */
  public static double[] design(double[] prefix, double pJump, double pDivergence, long horizon,
                                long interval) {
    if (prefix.length != PrefixFeatures.size()) {
      throw new IllegalArgumentException("prefix features have " + prefix.length
          + " values, expected " + PrefixFeatures.size());
    }
    double[] x = Arrays.copyOf(prefix, NAMES.size());
    x[prefix.length] = pJump;
    x[prefix.length + 1] = pDivergence;
    double logH = Math.log((double) horizon / Math.max(1, interval));
    x[BASE] = logH;
    for (int i = 0; i < BASE; i++) {
      x[BASE + 1 + i] = x[i] * logH;
    }
    return x;
  }

  /** The median step between the forecast steps at or before t (1 with fewer than two). */
  static long prefixInterval(long[] steps, long t) {
    int e = StepIndex.lastAtOrBefore(steps, t);
    int from = Math.max(0, e - PrefixFeatures.HISTORY + 1);
    return ForecastHorizons.medianInterval(Arrays.copyOfRange(steps, from, e + 1));
  }

  /** 1 when an event step lies in (t, t + h], else 0, or UNKNOWN when t + h is past the last step. */
  static int label(long t, long h, long[] eventSteps, long lastStep) {
    for (long s : eventSteps) {
      if (s > t && s <= t + h) {
        return 1;
      }
    }
    return t + h > lastStep ? UNKNOWN : 0;
  }

  /** 1 when the divergence step is ≤ t + h (diverging or diverged), else 0 or UNKNOWN. */
  static int divergenceLabel(long t, long h, long divergenceStep, long lastStep) {
    if (divergenceStep <= t + h) {
      return 1;
    }
    return t + h > lastStep ? UNKNOWN : 0;
  }

  /**
   * The step at which the learned jump probability reaches {@value #MEDIAN}, read off the forecast
   * at the run's horizons (ascending, with their probabilities): linear in ln H between the last
   * horizon below and the first at or above, or between t (probability 0) and the first horizon;
   * NaN when no horizon reaches it (nothing forming within the longest horizon).
   *
   * @param horizons input, ascending horizons
   * @param p        input, probabilities at those horizons
   */
  public static double expectedStep(long t, long[] horizons, double[] p) {
    if (horizons.length != p.length) {
      throw new IllegalArgumentException(horizons.length + " horizons but " + p.length
          + " probabilities");
    }
    for (int i = 0; i < horizons.length; i++) {
      if (p[i] >= MEDIAN) {
        if (i == 0) {
          return t + horizons[0] * MEDIAN / p[0];
        }
        double a = Math.log(horizons[i - 1]);
        double b = Math.log(horizons[i]);
        double f = (MEDIAN - p[i - 1]) / (p[i] - p[i - 1]);
        return t + Math.exp(a + f * (b - a));
      }
    }
    return Double.NaN;
  }

  /**
   * The features that carry a learned warning: the largest positive terms w_i·x_i of the logit
   * of each model whose probability is at least {@code threshold}, at most {@link #CARRIERS} of
   * them, largest first, named as in {@link #NAMES}.
   */
  public static List<String> carriers(double[] x, double threshold, Logit... models) {
    List<double[]> terms = new ArrayList<>();
    for (Logit m : models) {
      if (m.weights() == null || m.probability(x) < threshold) {
        continue;
      }
      for (int i = 0; i < x.length; i++) {
        double c = m.weights()[i] * x[i];
        if (c > 0) {
          terms.add(new double[] {c, i});
        }
      }
    }
    terms.sort((a, b) -> Double.compare(b[0], a[0]));
    List<String> out = new ArrayList<>();
    for (double[] c : terms) {
      String name = NAMES.get((int) c[1]).toLowerCase(Locale.ROOT);
      if (!out.contains(name)) {
        out.add(name);
      }
      if (out.size() == CARRIERS) {
        break;
      }
    }
    return out;
  }
}
