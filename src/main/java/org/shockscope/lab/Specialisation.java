package org.shockscope.lab;

/**
 * How far the hidden units of a committee student have specialised to distinct teacher units.
 * With normalised overlaps r_in = w_i·B_n / (|w_i||B_n|), the index is
 * S = max over permutations π of (1/K)·Σ_i (r_{i,π(i)} − max_{n≠π(i)} r_{i,n}):
 * 0 on the symmetric plateau where every student unit overlaps all teacher units equally,
 * 1 when each student unit has aligned with its own orthogonal teacher unit (Saad &amp; Solla
 * 1995's breaking of the permutation symmetry).
 */
final class Specialisation {
  /** Largest K the exhaustive permutation search is used for (K! candidates). */
  static final int MAX_UNITS = 8;

  private Specialisation() {}

  /**
   * The index S of a K×K row-major matrix of normalised overlaps {@code r} (student i, teacher
   * n); NaN when K = 1, where there is nothing to specialise.
   */
  static double index(double[] r, int k) {
    if (k < 2) {
      return Double.NaN;
    }
    if (k > MAX_UNITS) {
      throw new LabException("specialisation index: K = " + k + " > " + MAX_UNITS + " units");
    }
    double[] margin = new double[k * k];
    for (int i = 0; i < k; i++) {
      for (int n = 0; n < k; n++) {
        double other = Double.NEGATIVE_INFINITY;
        for (int o = 0; o < k; o++) {
          if (o != n) {
            other = Math.max(other, r[i * k + o]);
          }
        }
        margin[i * k + n] = r[i * k + n] - other;
      }
    }
    return best(margin, k, 0, new boolean[k], 0) / k;
  }

  /**
   * The assignment π (student i → teacher π[i]) that maximises the summed margins
   * r_{i,π(i)} − max_{n≠π(i)} r_{i,n} of a K×K matrix of normalised overlaps.
   */
  static int[] bestAssignment(double[] r, int k) {
    if (k < 2 || k > MAX_UNITS) {
      throw new LabException("specialisation: K = " + k + " not in [2, " + MAX_UNITS + "]");
    }
    int[] best = new int[k];
    int[] current = new int[k];
    double[] bestSum = {Double.NEGATIVE_INFINITY};
    assign(r, k, 0, new boolean[k], 0, current, best, bestSum);
    return best;
  }

  /** Unit i's margin for teacher n: r_{i,n} − max_{o≠n} r_{i,o}. */
  static double margin(double[] r, int k, int i, int n) {
    double other = Double.NEGATIVE_INFINITY;
    for (int o = 0; o < k; o++) {
      if (o != n) {
        other = Math.max(other, r[i * k + o]);
      }
    }
    return r[i * k + n] - other;
  }

  private static void assign(double[] r, int k, int row, boolean[] used, double sum,
                             int[] current, int[] best, double[] bestSum) {
    if (row == k) {
      if (sum > bestSum[0]) {
        bestSum[0] = sum;
        System.arraycopy(current, 0, best, 0, k);
      }
      return;
    }
    for (int n = 0; n < k; n++) {
      if (!used[n]) {
        used[n] = true;
        current[row] = n;
        assign(r, k, row + 1, used, sum + margin(r, k, row, n), current, best, bestSum);
        used[n] = false;
      }
    }
  }

  private static double best(double[] margin, int k, int row, boolean[] used, double sum) {
    if (row == k) {
      return sum;
    }
    double best = Double.NEGATIVE_INFINITY;
    for (int n = 0; n < k; n++) {
      if (!used[n]) {
        used[n] = true;
        best = Math.max(best, best(margin, k, row + 1, used, sum + margin[row * k + n]));
        used[n] = false;
      }
    }
    return best;
  }
}
