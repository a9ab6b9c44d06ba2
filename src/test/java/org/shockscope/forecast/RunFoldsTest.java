package org.shockscope.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunFoldsTest {
  private static List<String> runs(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("run-" + i);
    }
    return ids;
  }

  @Test
  void noRunIsInItsOwnFoldsTrainingSet() {
    for (int n : new int[] {5, 10, 23, 61}) {
      Map<String, Integer> folds = RunFolds.assign(runs(n), 5, 16L);
      assertEquals(n, folds.size());
      Set<String> covered = new HashSet<>();
      for (int k = 0; k < 5; k++) {
        List<String> train = RunFolds.training(folds, k);
        for (String run : train) {
          assertTrue(folds.get(run) != k, run + " trains the model of its own fold " + k);
        }
        // every run outside the fold trains it, every run inside is held out
        for (Map.Entry<String, Integer> e : folds.entrySet()) {
          assertEquals(e.getValue() != k, train.contains(e.getKey()), e.getKey());
          if (e.getValue() == k) {
            covered.add(e.getKey());
          }
        }
      }
      assertEquals(n, covered.size(), "every run is held out exactly once");
    }
  }

  @Test
  void foldsAreBalancedAndDependOnlyOnTheSetOfRuns() {
    List<String> ids = runs(23);
    Map<String, Integer> a = RunFolds.assign(ids, 5, 16L);
    List<String> shuffled = new ArrayList<>(ids);
    Collections.shuffle(shuffled, new Random(3));
    shuffled.add(ids.get(0));
    assertEquals(a, RunFolds.assign(shuffled, 5, 16L));
    int[] size = new int[5];
    a.values().forEach(f -> size[f]++);
    for (int s : size) {
      assertTrue(s == 4 || s == 5, java.util.Arrays.toString(size));
    }
    assertFalse(a.equals(RunFolds.assign(ids, 5, 17L)), "the seed shuffles the runs");
  }

  @Test
  void tooFewRunsForTheFoldsAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunFolds.assign(runs(3), 5, 1L));
    assertEquals("Cannot split 3 runs into 5 folds: need 2 <= folds <= runs", e.getMessage());
  }
}
