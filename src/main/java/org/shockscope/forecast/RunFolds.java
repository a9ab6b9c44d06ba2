package org.shockscope.forecast;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * K-fold assignment grouped by run, for leave-run-out validation of the learned forecaster: every
 * run belongs to exactly one fold, and the model that forecasts a run is trained on the other
 * folds only, so no run is scored by a model that saw any of its steps. Runs are sorted by id,
 * shuffled with a fixed seed and dealt out in turn, so folds differ in size by at most one run
 * and the assignment depends only on the set of run ids.
 */
public final class RunFolds {
  private RunFolds() {}

  /**
   * The fold of every run.
   *
   * @param runIds input, distinct run ids (duplicates are folded once)
   * @param k      number of folds, ≥ 2 and at most the number of runs
   * @param seed   shuffle seed
   * @return run id → fold in [0, k)
   * @throws IllegalArgumentException when k is below 2 or above the number of runs
   */
  public static Map<String, Integer> assign(Collection<String> runIds, int k, long seed) {
    List<String> ids = new ArrayList<>(new TreeSet<>(runIds));
    if (k < 2 || k > ids.size()) {
      throw new IllegalArgumentException("Cannot split " + ids.size() + " runs into " + k
          + " folds: need 2 <= folds <= runs");
    }
    Collections.shuffle(ids, new Random(seed));
    Map<String, Integer> fold = new TreeMap<>();
    for (int i = 0; i < ids.size(); i++) {
      fold.put(ids.get(i), i % k);
    }
    return fold;
  }

  /** The runs a fold's model is trained on: every run of another fold. */
  public static List<String> training(Map<String, Integer> folds, int fold) {
    List<String> out = new ArrayList<>();
    folds.forEach((run, f) -> {
      if (f != fold) {
        out.add(run);
      }
    });
    return out;
  }
}
