package org.shockscope.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The O(n³) assignment solver against brute force over all permutations. */
class LinearAssignmentTest {

  private static double bruteForce(double[] cost, int n, int[] perm, int k, boolean[] used,
                                   double partial) {
    if (k == n) {
      return partial;
    }
    double best = Double.POSITIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      if (!used[j]) {
        used[j] = true;
        best = Math.min(best, bruteForce(cost, n, perm, k + 1, used, partial + cost[k * n + j]));
        used[j] = false;
      }
    }
    return best;
  }

  @Test
  void minimumMatchesBruteForce() {
    Random r = new Random(1);
    LinearAssignment lap = new LinearAssignment();
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + r.nextInt(7);
      double[] cost = new double[n * n];
      for (int i = 0; i < cost.length; i++) {
        // Integer costs make ties frequent, the hard case for augmenting paths.
        cost[i] = trial % 2 == 0 ? r.nextInt(5) : r.nextGaussian();
      }
      int[] assignment = new int[n];
      double got = lap.minimize(cost, n, assignment);
      double expected = bruteForce(cost, n, new int[n], 0, new boolean[n], 0);
      assertEquals(expected, got, 1e-12, "trial " + trial);
      boolean[] seen = new boolean[n];
      double total = 0;
      for (int i = 0; i < n; i++) {
        assertTrue(!seen[assignment[i]], "not a permutation");
        seen[assignment[i]] = true;
        total += cost[i * n + assignment[i]];
      }
      assertEquals(got, total, 1e-12);
    }
  }

  @Test
  void maximumOfAPermutedDiagonalRecoversThePermutation() {
    Random r = new Random(2);
    int n = 200;
    int[] perm = GroupActions.permutation(r, n);
    double[] score = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        score[i * n + j] = 0.1 * r.nextGaussian();
      }
      score[i * n + perm[i]] += 10;
    }
    int[] assignment = new int[n];
    new LinearAssignment().maximize(score, n, assignment);
    for (int i = 0; i < n; i++) {
      assertEquals(perm[i], assignment[i]);
    }
  }

  @Test
  void rejectsNonFiniteCosts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LinearAssignment().minimize(new double[] {0, Double.NaN, 1, 2}, 2, new int[2]));
    assertTrue(e.getMessage().contains("[0][1] is NaN"), e.getMessage());
  }
}
