package org.shockscope.shock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.shockscope.OrderStatistics;

/**
 * Scores detections against the truth: precision, recall, F1 and the median timing error, per
 * family and overall.
 *
 * <p>A detection can match a true event when they belong to the same run, their kinds agree
 * (equal ignoring case, or the true kind is "" or "any"), their series agree under the chosen
 * {@link SeriesMatching}, and |detected − true step| ≤ {@link RunSpan#tolerance()}. Matching is
 * one-to-one and optimal per run: the assignment (Hungarian algorithm, Kuhn 1955 / Munkres 1957)
 * with the most matches and, among those, the smallest total distance. Timing errors are
 * |Δstep| / run length.
 *
 * <p>Negative controls: a true event of kind {@link #NONE} at step t0 says that nothing sudden
 * happens in its run after t0. It is never matched; every detection of that run after t0 that
 * matches no other true event is a false positive (counted also in
 * {@link RunTally#falseAfterT0()}), and detections at or before t0 are not counted at all.
 *
 * <p>Gradual fronts: a true front wider than {@link #SUDDEN_WIDTH_FRACTION} of its run (tanh
 * width; its 4w then spans most of the run) is not sudden — SPEC §5 accepts a jump only when
 * its width is short relative to the run. It is neither a true positive when found nor a false
 * negative when missed; a detection that matches it (after the sudden events took their
 * matches) is not a false positive either. {@link RunTally#gradual()} and
 * {@link RunTally#gradualFound()} count them.
 */
public final class DetectorEvaluation {
  /** Family name of the row that pools all runs. */
  public static final String OVERALL = "overall";
  /** Kind of a negative control's truth row: nothing sudden after its step (t0). */
  public static final String NONE = "none";
  /**
   * Largest tanh width, as a fraction of the run's length, of a front that counts as sudden:
   * the detector's default bound on a jump's width ({@link DetectorConfig#DEFAULTS}), which
   * states SPEC §5's "short relative to the run".
   */
  public static final double SUDDEN_WIDTH_FRACTION = 0.2;

  /** How a detection's kind must relate to a true event's kind. */
  public enum KindMatching {
    /** Kinds are not compared: a detection at the right time matches, whatever its kind. */
    IGNORE,
    /** Kinds must agree (a true kind "" or "any" matches any). */
    REQUIRE
  }

  /**
   * The outcome of one run.
   *
   * @param runId         the run
   * @param family        its family
   * @param truePositives matched pairs
   * @param falsePositives unmatched detections that count (after t0 in a control run)
   * @param falseNegatives unmatched true events
   * @param falseAfterT0  of the false positives, those after a {@link #NONE} row's t0 (0 in runs
   *                      without one)
   * @param control       whether the run has a {@link #NONE} row
   * @param kindAgrees    matched pairs whose kinds agree
   * @param timingErrors  |Δstep| / run length of each matched pair
   * @param gradual       true fronts wider than {@link #SUDDEN_WIDTH_FRACTION} of the run, not
   *                      scored
   * @param gradualFound  of those, the ones a detection matched
   */
  public record RunTally(String runId, String family, int truePositives, int falsePositives,
                         int falseNegatives, int falseAfterT0, boolean control, int kindAgrees,
                         double[] timingErrors, int gradual, int gradualFound) {}

  /** How a detection's series must relate to a true event's series. */
  public enum SeriesMatching {
    /** Series are not compared: any detection of the run and kind can match. */
    IGNORE,
    /** The true event's series must be among the detection's (a true series "" matches any). */
    REQUIRE
  }

  private DetectorEvaluation() {}

  /**
   * Scores per family (sorted by name) followed by the {@link #OVERALL} row.
   *
   * @throws ShockDetectionException when a truth row or detection names a run not in
   *                                 {@code runs}, or a run is listed twice
   */
  public static List<DetectionScore> score(List<RunSpan> runs, List<TruthEvent> truth,
                                           List<Detection> detections, SeriesMatching series) {
    List<RunTally> tallies = tally(runs, truth, detections, series, KindMatching.REQUIRE);
    Map<String, List<RunTally>> byFamily = new TreeMap<>();
    for (RunTally t : tallies) {
      byFamily.computeIfAbsent(t.family(), k -> new ArrayList<>()).add(t);
    }
    List<DetectionScore> out = new ArrayList<>();
    for (Map.Entry<String, List<RunTally>> e : byFamily.entrySet()) {
      out.add(pool(e.getKey(), e.getValue()));
    }
    out.add(pool(OVERALL, tallies));
    return out;
  }

  /**
   * Matches every run's detections to its true events and returns one tally per run, in the
   * order of {@code runs}.
   *
   * @throws ShockDetectionException when a truth row or detection names a run not in
   *                                 {@code runs}, or a run is listed twice
   */
  public static List<RunTally> tally(List<RunSpan> runs, List<TruthEvent> truth,
                                     List<Detection> detections, SeriesMatching series,
                                     KindMatching kinds) {
    Map<String, RunSpan> byId = new HashMap<>();
    for (RunSpan r : runs) {
      if (byId.put(r.runId(), r) != null) {
        throw new ShockDetectionException("Run '" + r.runId() + "' is listed twice");
      }
    }
    Map<String, List<TruthEvent>> truthByRun = new HashMap<>();
    for (TruthEvent e : truth) {
      require(byId, e.runId(), "truth row");
      truthByRun.computeIfAbsent(e.runId(), k -> new ArrayList<>()).add(e);
    }
    Map<String, List<Detection>> detByRun = new HashMap<>();
    for (Detection d : detections) {
      require(byId, d.runId(), "detection");
      detByRun.computeIfAbsent(d.runId(), k -> new ArrayList<>()).add(d);
    }
    List<RunTally> out = new ArrayList<>(runs.size());
    for (RunSpan run : runs) {
      out.add(matchRun(run, truthByRun.getOrDefault(run.runId(), List.of()),
          detByRun.getOrDefault(run.runId(), List.of()), series, kinds));
    }
    return out;
  }

  /** Precision, recall, F1 and median timing error of a group of runs, labelled {@code label}. */
  public static DetectionScore pool(String label, List<RunTally> tallies) {
    Tally t = new Tally();
    for (RunTally r : tallies) {
      t.add(r.truePositives(), r.falsePositives(), r.falseNegatives());
      for (double e : r.timingErrors()) {
        t.errors.add(e);
      }
    }
    return t.score(label);
  }

  private static void require(Map<String, RunSpan> byId, String runId, String what) {
    if (!byId.containsKey(runId)) {
      throw new ShockDetectionException("A " + what + " names run '" + runId
          + "', which is not among the " + byId.size() + " runs given");
    }
  }

  private static RunTally matchRun(RunSpan run, List<TruthEvent> all, List<Detection> dets,
                                   SeriesMatching series, KindMatching kinds) {
    List<TruthEvent> truth = new ArrayList<>();
    List<TruthEvent> gradual = new ArrayList<>();
    long t0 = Long.MAX_VALUE;
    for (TruthEvent e : all) {
      if (NONE.equals(e.kind())) {
        t0 = Math.min(t0, e.step());
      } else if (gradual(e, run)) {
        gradual.add(e);
      } else {
        truth.add(e);
      }
    }
    boolean control = t0 != Long.MAX_VALUE;
    int nt = truth.size();
    int nd = dets.size();
    int[] assignment = assign(truth, dets, series, kinds, run.tolerance());
    boolean[] used = new boolean[nd];
    int tp = 0;
    int agree = 0;
    double[] errors = new double[nt];
    for (int i = 0; i < nt; i++) {
      int j = assignment[i];
      if (j >= 0) {
        used[j] = true;
        errors[tp++] = run.length() > 0
            ? Math.abs(dets.get(j).step() - truth.get(i).step()) / (double) run.length() : 0.0;
        if (truth.get(i).kind().equalsIgnoreCase(dets.get(j).kind())) {
          agree++;
        }
      }
    }
    int gradualFound = 0;
    if (!gradual.isEmpty()) {
      List<Detection> left = new ArrayList<>();
      List<Integer> index = new ArrayList<>();
      for (int j = 0; j < nd; j++) {
        if (!used[j]) {
          left.add(dets.get(j));
          index.add(j);
        }
      }
      for (int j : assign(gradual, left, series, kinds, run.tolerance())) {
        if (j >= 0) {
          used[index.get(j)] = true;
          gradualFound++;
        }
      }
    }
    int fp = 0;
    int afterT0 = 0;
    for (int j = 0; j < nd; j++) {
      if (used[j]) {
        continue;
      }
      if (!control) {
        fp++;
      } else if (dets.get(j).step() > t0) {
        fp++;
        afterT0++;
      }
    }
    return new RunTally(run.runId(), run.family(), tp, fp, nt - tp, afterT0, control, agree,
        Arrays.copyOf(errors, tp), gradual.size(), gradualFound);
  }

  /** Whether a true front is wider than {@link #SUDDEN_WIDTH_FRACTION} of its run. */
  public static boolean gradual(TruthEvent e, RunSpan run) {
    return e.width() > SUDDEN_WIDTH_FRACTION * run.length();
  }

  /**
   * The optimal one-to-one matching of one run's events used by {@link #score} (series
   * required): for each true event the index of its matched detection, or −1.
   *
   * @param tolerance steps within which a detection can match
   */
  public static int[] match(List<TruthEvent> truth, List<Detection> detections,
                            double tolerance) {
    return assign(truth, detections, SeriesMatching.REQUIRE, KindMatching.REQUIRE, tolerance);
  }

  /** For each true event the index of its matched detection, or −1 (kinds must agree). */
  static int[] assign(List<TruthEvent> truth, List<Detection> dets, SeriesMatching series,
                      double tol) {
    return assign(truth, dets, series, KindMatching.REQUIRE, tol);
  }

  /** For each true event the index of its matched detection, or −1. */
  static int[] assign(List<TruthEvent> truth, List<Detection> dets, SeriesMatching series,
                      KindMatching kinds, double tol) {
    int nt = truth.size();
    int nd = dets.size();
    int[] result = new int[nt];
    Arrays.fill(result, -1);
    if (nt == 0 || nd == 0) {
      return result;
    }
    // Every match is worth −K (K larger than any number of matches) plus its distance in
    // [0, 1): minimising the total first maximises the matches, then minimises distance.
    int size = Math.max(nt, nd);
    double k = Math.min(nt, nd) + 2.0;
    double[][] cost = new double[size][size];
    boolean[][] feasible = new boolean[size][size];
    for (int i = 0; i < nt; i++) {
      for (int j = 0; j < nd; j++) {
        double d = Math.abs(dets.get(j).step() - truth.get(i).step());
        if (d <= tol && compatible(truth.get(i), dets.get(j), series, kinds)) {
          feasible[i][j] = true;
          cost[i][j] = d / (tol + 1.0) - k;
        }
      }
    }
    int[] rowToCol = hungarian(cost);
    for (int i = 0; i < nt; i++) {
      int j = rowToCol[i];
      if (j < nd && feasible[i][j]) {
        result[i] = j;
      }
    }
    return result;
  }

  static boolean compatible(TruthEvent t, Detection d, SeriesMatching series) {
    return compatible(t, d, series, KindMatching.REQUIRE);
  }

  static boolean compatible(TruthEvent t, Detection d, SeriesMatching series,
                            KindMatching kinds) {
    boolean kind = kinds == KindMatching.IGNORE || t.kind().isEmpty()
        || t.kind().equalsIgnoreCase("any")
        || t.kind().equalsIgnoreCase(d.kind());
    if (!kind) {
      return false;
    }
    return series == SeriesMatching.IGNORE || t.series().isEmpty()
        || d.series().contains(t.series());
  }

  /**
   * Minimum-cost perfect assignment of a square matrix by the Hungarian algorithm with
   * potentials, O(n³); returns the column assigned to each row.
   */
  static int[] hungarian(double[][] a) {
    int n = a.length;
    double[] u = new double[n + 1];
    double[] v = new double[n + 1];
    int[] p = new int[n + 1];
    int[] way = new int[n + 1];
    for (int i = 1; i <= n; i++) {
      p[0] = i;
      int j0 = 0;
      double[] minv = new double[n + 1];
      Arrays.fill(minv, Double.POSITIVE_INFINITY);
      boolean[] used = new boolean[n + 1];
      do {
        used[j0] = true;
        int i0 = p[j0];
        double delta = Double.POSITIVE_INFINITY;
        int j1 = 0;
        for (int j = 1; j <= n; j++) {
          if (!used[j]) {
            double cur = a[i0 - 1][j - 1] - u[i0] - v[j];
            if (cur < minv[j]) {
              minv[j] = cur;
              way[j] = j0;
            }
            if (minv[j] < delta) {
              delta = minv[j];
              j1 = j;
            }
          }
        }
        for (int j = 0; j <= n; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] != 0);
      do {
        int j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    int[] rowToCol = new int[n];
    for (int j = 1; j <= n; j++) {
      rowToCol[p[j] - 1] = j - 1;
    }
    return rowToCol;
  }

  /** Counts and timing errors of one group of runs. */
  private static final class Tally {
    int tp;
    int fp;
    int fn;
    final List<Double> errors = new ArrayList<>();

    void add(int truePositives, int falsePositives, int falseNegatives) {
      tp += truePositives;
      fp += falsePositives;
      fn += falseNegatives;
    }

    DetectionScore score(String family) {
      double precision = tp + fp > 0 ? tp / (double) (tp + fp) : Double.NaN;
      double recall = tp + fn > 0 ? tp / (double) (tp + fn) : Double.NaN;
      // 2TP/(2TP + FP + FN), the harmonic mean where both rates exist, and 0 for a detector
      // that stays silent on real events (precision undefined, recall 0): it found nothing.
      int denominator = 2 * tp + fp + fn;
      double f1 = denominator > 0 ? 2.0 * tp / denominator : Double.NaN;
      double median = Double.NaN;
      if (!errors.isEmpty()) {
        double[] e = errors.stream().mapToDouble(Double::doubleValue).toArray();
        median = OrderStatistics.medianInPlace(e, e.length);
      }
      return new DetectionScore(family, tp, fp, fn, precision, recall, f1, median);
    }
  }
}
