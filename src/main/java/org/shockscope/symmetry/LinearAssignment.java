package org.shockscope.symmetry;

import java.util.Arrays;

/**
 * Exact solver of the square linear assignment problem: the permutation σ minimising
 * Σᵢ cost[i][σ(i)] (or maximising a score), by the shortest augmenting path method of
 * Jonker &amp; Volgenant (Computing 38, 1987) in the form of Crouse, "On implementing 2D
 * rectangular assignment algorithms", IEEE Trans. Aerospace and Electronic Systems 52(4), 2016
 * (the algorithm behind scipy's {@code linear_sum_assignment}). O(n³) time, O(n) workspace
 * besides the n × n matrix; one row is assigned per augmentation, with dual variables kept
 * feasible so that every reduced cost stays non-negative.
 *
 * <p>Stateful: it owns its workspace and grows it only when n grows. Not thread-safe.
 */
public final class LinearAssignment {
  private double[] u = new double[0];
  private double[] v = new double[0];
  private double[] shortest = new double[0];
  private int[] path = new int[0];
  private int[] row4col = new int[0];
  private int[] remaining = new int[0];
  private boolean[] scannedRows = new boolean[0];
  private boolean[] scannedCols = new boolean[0];
  private double[] negated = new double[0];

  /**
   * Permutation minimising the total cost.
   *
   * @param cost      input, row-major n × n, finite values; not modified
   * @param n         size
   * @param colForRow output: colForRow[i] is the column assigned to row i (length ≥ n)
   * @return the minimal total cost
   */
  public double minimize(double[] cost, int n, int[] colForRow) {
    grow(n);
    for (int i = 0; i < n * n; i++) {
      if (!Double.isFinite(cost[i])) {
        throw new IllegalArgumentException("assignment cost [" + (i / n) + "][" + (i % n)
            + "] is " + cost[i] + ", must be finite");
      }
    }
    Arrays.fill(u, 0, n, 0.0);
    Arrays.fill(v, 0, n, 0.0);
    Arrays.fill(row4col, 0, n, -1);
    Arrays.fill(colForRow, 0, n, -1);
    for (int cur = 0; cur < n; cur++) {
      augment(cost, n, cur, colForRow);
    }
    double total = 0;
    for (int i = 0; i < n; i++) {
      total += cost[i * n + colForRow[i]];
    }
    return total;
  }

  /**
   * Permutation maximising the total score.
   *
   * @param score     input, row-major n × n, finite; not modified
   * @param n         size
   * @param colForRow output: colForRow[i] is the column assigned to row i
   * @return the maximal total score
   */
  public double maximize(double[] score, int n, int[] colForRow) {
    if (negated.length < n * n) {
      negated = new double[n * n];
    }
    for (int i = 0; i < n * n; i++) {
      negated[i] = -score[i];
    }
    return -minimize(negated, n, colForRow);
  }

  private void augment(double[] cost, int n, int cur, int[] col4row) {
    int numRemaining = n;
    for (int it = 0; it < n; it++) {
      remaining[it] = n - 1 - it;
    }
    Arrays.fill(scannedRows, 0, n, false);
    Arrays.fill(scannedCols, 0, n, false);
    Arrays.fill(shortest, 0, n, Double.POSITIVE_INFINITY);
    double minVal = 0;
    int i = cur;
    int sink = -1;
    while (sink == -1) {
      scannedRows[i] = true;
      int index = -1;
      double lowest = Double.POSITIVE_INFINITY;
      int rowBase = i * n;
      double ui = u[i];
      for (int it = 0; it < numRemaining; it++) {
        int j = remaining[it];
        double r = minVal + cost[rowBase + j] - ui - v[j];
        if (r < shortest[j]) {
          path[j] = i;
          shortest[j] = r;
        }
        // Among equal lowest costs prefer an unassigned column: the path ends sooner.
        if (shortest[j] < lowest || (shortest[j] == lowest && row4col[j] == -1)) {
          lowest = shortest[j];
          index = it;
        }
      }
      minVal = lowest;
      int j = remaining[index];
      if (row4col[j] == -1) {
        sink = j;
      } else {
        i = row4col[j];
      }
      scannedCols[j] = true;
      remaining[index] = remaining[--numRemaining];
    }
    u[cur] += minVal;
    for (int r = 0; r < n; r++) {
      if (scannedRows[r] && r != cur) {
        u[r] += minVal - shortest[col4row[r]];
      }
    }
    for (int c = 0; c < n; c++) {
      if (scannedCols[c]) {
        v[c] -= minVal - shortest[c];
      }
    }
    int j = sink;
    while (true) {
      int r = path[j];
      row4col[j] = r;
      int previous = col4row[r];
      col4row[r] = j;
      j = previous;
      if (r == cur) {
        break;
      }
    }
  }

  private void grow(int n) {
    if (u.length < n) {
      u = new double[n];
      v = new double[n];
      shortest = new double[n];
      path = new int[n];
      row4col = new int[n];
      remaining = new int[n];
      scannedRows = new boolean[n];
      scannedCols = new boolean[n];
    }
  }
}
