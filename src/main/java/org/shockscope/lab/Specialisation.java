package org.shockscope.lab;

/**
 * How far each hidden unit of a committee student has specialised to a distinct teacher unit.
 * With normalised overlaps r_in = w_i·B_n / (|w_i||B_n|), unit i's margin for teacher n is
 * r_{i,n} − max_{o≠n} r_{i,o}: 0 on the symmetric plateau where a student unit overlaps all
 * teacher units equally, 1 when it has aligned with its own orthogonal teacher unit (Saad &amp;
 * Solla 1995's breaking of the permutation symmetry). The assignment of student to teacher
 * units is the permutation that maximises the summed margins.
 */
final class Specialisation {
  /** Largest K the exhaustive permutation search is used for (K! candidates). */
  static final int MAX_UNITS = 8;

  private Specialisation() {}

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
}
