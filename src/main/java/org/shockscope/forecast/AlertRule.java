package org.shockscope.forecast;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * When a watched run is alerted (issue 16, part 3). Plain Java; the watcher feeds it each run's
 * forecasts as they appear, this class keeps the per-run state between cycles.
 *
 * <p>At each forecast step of a run, for each kind ({@link Alert#JUMP}: {@code p_jump},
 * {@link Alert#DIVERGENCE}: {@code p_divergence}) the risk is the largest probability over the
 * step's forecasts (every horizon and method; on a tie the shortest horizon). Steps are taken
 * in ascending order, each once: a step at or before the last step already examined for the
 * run is skipped, so forecasts seen in an earlier cycle never alert again.
 *
 * <p><b>The re-alert rule</b>: a run and kind is <i>raised</i> from the step its risk reaches
 * the threshold ({@code risk ≥ threshold}) until the first later step at which it is below the
 * threshold again. An alert is issued only on the step it becomes raised: while the risk stays
 * at or above the threshold — over any number of steps and cycles — the run is not alerted
 * again for that kind; once it has dropped below, a new crossing alerts again.
 */
public final class AlertRule {
  private final double threshold;
  /** Last forecast step examined, by run. */
  private final Map<String, Long> lastStep = new HashMap<>();
  /** "run\0kind" of the runs and kinds raised now. */
  private final Set<String> raised = new HashSet<>();

  /**
   * @param threshold the probability at or above which a risk is raised, in (0, 1]
   * @throws IllegalArgumentException on a threshold outside (0, 1]
   */
  public AlertRule(double threshold) {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("alert threshold must be in (0, 1], got " + threshold);
    }
    this.threshold = threshold;
  }

  /** The threshold. */
  public double threshold() {
    return threshold;
  }

  /**
   * The alerts of {@code runId}'s forecasts at steps after the last one examined, and updates
   * the run's state.
   *
   * @param runId     run
   * @param forecasts input, the run's forecasts (any order; steps already examined are skipped)
   * @param issuedAt  the time stamped on the alerts
   */
  public List<Alert> observe(String runId, List<Forecast> forecasts, Instant issuedAt) {
    long after = lastStep.getOrDefault(runId, Long.MIN_VALUE);
    TreeMap<Long, List<Forecast>> bySteps = new TreeMap<>();
    for (Forecast f : forecasts) {
      if (f.step() > after) {
        bySteps.computeIfAbsent(f.step(), k -> new ArrayList<>()).add(f);
      }
    }
    List<Alert> out = new ArrayList<>();
    for (Map.Entry<Long, List<Forecast>> e : bySteps.entrySet()) {
      for (String kind : List.of(Alert.JUMP, Alert.DIVERGENCE)) {
        Forecast top = strongest(e.getValue(), kind);
        double p = probability(top, kind);
        String key = runId + '\0' + kind;
        if (p >= threshold) {
          if (raised.add(key)) {
            out.add(new Alert(runId, e.getKey(), kind, p, top.horizon(), lead(top), top.series(),
                top.method(), issuedAt));
          }
        } else {
          raised.remove(key);
        }
      }
      lastStep.put(runId, e.getKey());
    }
    return out;
  }

  /** The forecast of largest probability of {@code kind}; on a tie the shortest horizon. */
  private static Forecast strongest(List<Forecast> atStep, String kind) {
    Forecast best = null;
    for (Forecast f : atStep) {
      double p = probability(f, kind);
      if (best == null || p > probability(best, kind)
          || p == probability(best, kind) && f.horizon() < best.horizon()) {
        best = f;
      }
    }
    return best;
  }

  private static double probability(Forecast f, String kind) {
    double p = Alert.JUMP.equals(kind) ? f.pJump() : f.pDivergence();
    return Double.isNaN(p) ? 0.0 : p;
  }

  /** {@code expected − step} when the expected step is known (0: it is now), else H. */
  static double lead(Forecast f) {
    return Double.isNaN(f.expectedStep()) ? f.horizon() : f.expectedStep() - f.step();
  }
}
