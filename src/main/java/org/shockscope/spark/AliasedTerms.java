package org.shockscope.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which columns of a regression design (with an intercept) are linear combinations of earlier
 * ones — confounded, or <em>aliased</em>, terms whose separate effects the data cannot tell
 * apart — as R's {@code lm} finds them and reports their coefficients as {@code NA}.
 *
 * <p>Columns are centred (the intercept absorbs the constant) and taken in order by
 * Gram–Schmidt with re-orthogonalisation (classical Gram–Schmidt twice, Giraud, Langou and
 * Rozložník 2005): column j is aliased when the norm of what remains of it after projecting out
 * the columns kept before it is at most {@value #TOLERANCE} times its centred norm (R's
 * {@code lm.fit} tolerance, applied the same way by LINPACK {@code dqrdc2}'s limited pivoting,
 * which keeps the first of a set of aliased columns). A column constant over the rows is aliased
 * with the intercept. For each aliased column x_j the relation
 * x_j = c₀ + Σ_k c_k·x_k over the kept columns is recovered from the triangular factor
 * (R c = Qᵀ(x_j − x̄_j)), which is R's {@code alias()} "complete" table.
 *
 * <p>A stateless kernel: no Spark types; inputs are never modified.
 */
final class AliasedTerms {
  /** Relative residual norm under which a column counts as a combination of earlier ones. */
  static final double TOLERANCE = 1e-7;
  /** Coefficients of a relation smaller than this (relative) are printed as absent. */
  private static final double NEGLIGIBLE = 1e-9;

  /**
   * The relation of one aliased column to the kept ones.
   *
   * @param intercept    c₀
   * @param coefficients c_k for every column (0 for aliased columns and unused kept ones)
   */
  record Relation(double intercept, double[] coefficients) {}

  private final int p;
  private final boolean[] aliased;
  private final Relation[] relations;

  private AliasedTerms(int p, boolean[] aliased, Relation[] relations) {
    this.p = p;
    this.aliased = aliased;
    this.relations = relations;
  }

  /**
   * Finds the aliased columns of a design.
   *
   * @param x input, not modified: n rows of p columns (every row the same length)
   * @return the aliasing; with no rows nothing is aliased (there is nothing to tell apart)
   */
  static AliasedTerms of(double[][] x) {
    int p = x.length == 0 ? 0 : x[0].length;
    int[] order = new int[p];
    for (int j = 0; j < p; j++) {
      order[j] = j;
    }
    return of(x, order);
  }

  /**
   * Finds the aliased columns of a design, visiting its columns in a given order: a column is
   * aliased when it is a combination of the columns kept before it in that order (R's formula
   * order; here a caller puts coarse factors first so that what they determine is expressed
   * through them).
   *
   * @param x     input, not modified: n rows of p columns (every row the same length)
   * @param order input, not modified: a permutation of 0..p−1
   */
  static AliasedTerms of(double[][] x, int[] order) {
    int n = x.length;
    int p = n == 0 ? order.length : x[0].length;
    for (double[] row : x) {
      if (row.length != p) {
        throw new IllegalArgumentException("design rows differ in length: " + row.length
            + " and " + p);
      }
    }
    boolean[] seen = new boolean[p];
    for (int j : order) {
      if (order.length != p || j < 0 || j >= p || seen[j]) {
        throw new IllegalArgumentException("order " + Arrays.toString(order)
            + " is not a permutation of " + p + " columns");
      }
      seen[j] = true;
    }
    boolean[] aliased = new boolean[p];
    Relation[] relations = new Relation[p];
    double[] mean = new double[p];
    for (double[] row : x) {
      for (int j = 0; j < p; j++) {
        mean[j] += row[j] / n;
      }
    }
    // orthonormal basis of the kept centred columns (q[k] over rows) and the triangular factor
    List<double[]> q = new ArrayList<>();
    List<Integer> keptIdx = new ArrayList<>();
    double[][] r = new double[p][p];
    for (int j : order) {
      double[] v = new double[n];
      double norm0 = 0;
      double scale = 0;
      for (int i = 0; i < n; i++) {
        v[i] = x[i][j] - mean[j];
        norm0 += v[i] * v[i];
        scale = Math.max(scale, Math.abs(x[i][j]));
      }
      norm0 = Math.sqrt(norm0);
      double[] a = new double[q.size()];
      for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < q.size(); k++) {
          double[] qk = q.get(k);
          double d = 0;
          for (int i = 0; i < n; i++) {
            d += qk[i] * v[i];
          }
          a[k] += d;
          for (int i = 0; i < n; i++) {
            v[i] -= d * qk[i];
          }
        }
      }
      double rest = 0;
      for (double vi : v) {
        rest += vi * vi;
      }
      rest = Math.sqrt(rest);
      if (n > 0 && (norm0 <= TOLERANCE * scale * Math.sqrt(n) || rest <= TOLERANCE * norm0)) {
        aliased[j] = true;
        relations[j] = relation(j, p, a, r, keptIdx, mean);
        continue;
      }
      for (int i = 0; i < n; i++) {
        v[i] /= rest;
      }
      int k = q.size();
      for (int m = 0; m < k; m++) {
        r[m][k] = a[m];
      }
      r[k][k] = rest;
      q.add(v);
      keptIdx.add(j);
    }
    return new AliasedTerms(p, aliased, relations);
  }

  /** Solves R c = a by back substitution and maps c onto the design's columns. */
  private static Relation relation(int j, int p, double[] a, double[][] r, List<Integer> kept,
                                   double[] mean) {
    int k = kept.size();
    double[] c = new double[k];
    for (int m = k - 1; m >= 0; m--) {
      double s = a[m];
      for (int l = m + 1; l < k; l++) {
        s -= r[m][l] * c[l];
      }
      c[m] = s / r[m][m];
    }
    double[] coefficients = new double[p];
    double intercept = mean[j];
    for (int m = 0; m < k; m++) {
      coefficients[kept.get(m)] = c[m];
      intercept -= c[m] * mean[kept.get(m)];
    }
    return new Relation(intercept, coefficients);
  }

  /** Number of columns. */
  int size() {
    return p;
  }

  /** Whether column j is a combination of the kept columns before it. */
  boolean aliased(int j) {
    return aliased[j];
  }

  /** Whether any column is aliased. */
  boolean any() {
    for (boolean a : aliased) {
      if (a) {
        return true;
      }
    }
    return false;
  }

  /** Indices of the kept (not aliased) columns, in order. */
  int[] kept() {
    int[] out = new int[p];
    int k = 0;
    for (int j = 0; j < p; j++) {
      if (!aliased[j]) {
        out[k++] = j;
      }
    }
    return Arrays.copyOf(out, k);
  }

  /**
   * The design without its aliased columns.
   *
   * @param x input, not modified: the design this aliasing was found on
   * @return a new n × kept().length array
   */
  double[][] keptColumns(double[][] x) {
    int[] kept = kept();
    double[][] out = new double[x.length][kept.length];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < kept.length; j++) {
        out[i][j] = x[i][kept[j]];
      }
    }
    return out;
  }

  /** The relation of aliased column j to the kept columns, or null when j is kept. */
  Relation relation(int j) {
    return relations[j];
  }

  /**
   * What a column of the table's {@code aliased_with} says for term j: for an aliased term the
   * kept terms it equals ({@code model=teacher-student}, or a combination such as
   * {@code 0.9031 - 0.602*model=teacher-student}); for a kept term the aliased terms whose
   * relation uses it, comma-separated; null for a term aliased with nothing.
   *
   * @param names the terms' names, one per column
   */
  String aliasedWith(int j, List<String> names) {
    if (names.size() != p) {
      throw new IllegalArgumentException(names.size() + " names for " + p + " columns");
    }
    if (aliased[j]) {
      return expression(relations[j], names);
    }
    List<String> users = new ArrayList<>();
    for (int m = 0; m < p; m++) {
      if (aliased[m] && used(relations[m], j)) {
        users.add(names.get(m));
      }
    }
    return users.isEmpty() ? null : String.join(", ", users);
  }

  private static boolean used(Relation rel, int k) {
    double max = Math.abs(rel.intercept());
    for (double c : rel.coefficients()) {
      max = Math.max(max, Math.abs(c));
    }
    return Math.abs(rel.coefficients()[k]) > NEGLIGIBLE * max;
  }

  private static String expression(Relation rel, List<String> names) {
    StringBuilder s = new StringBuilder();
    double max = Math.abs(rel.intercept());
    for (double c : rel.coefficients()) {
      max = Math.max(max, Math.abs(c));
    }
    if (Math.abs(rel.intercept()) > NEGLIGIBLE * max) {
      s.append(number(rel.intercept()));
    }
    for (int k = 0; k < rel.coefficients().length; k++) {
      double c = rel.coefficients()[k];
      if (!(Math.abs(c) > NEGLIGIBLE * max)) {
        continue;
      }
      boolean unit = Math.abs(Math.abs(c) - 1) <= 1e-9;
      if (s.length() > 0) {
        s.append(c < 0 ? " - " : " + ");
      } else if (c < 0) {
        s.append('-');
      }
      if (!unit) {
        s.append(number(Math.abs(c))).append('*');
      }
      s.append(names.get(k));
    }
    return s.length() == 0 ? "0" : s.toString();
  }

  /** Four significant digits, no trailing zeros: 0.9031, 2, -1.5e-05. */
  private static String number(double v) {
    String t = String.format(Locale.ROOT, "%.4g", v);
    String mantissa = t;
    String exponent = "";
    int e = t.indexOf('e');
    if (e >= 0) {
      mantissa = t.substring(0, e);
      exponent = t.substring(e);
    }
    if (mantissa.contains(".")) {
      mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return mantissa + exponent;
  }
}
