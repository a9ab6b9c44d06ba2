package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;

/** The aliasing kernel alone: confounded designs, unconfounded ones, and the SVD's rank. */
class AliasedTermsTest {
  @Test
  void anExactlyConfoundedPairKeepsTheFirstAndNamesItForTheSecond() {
    // model=teacher-student and optimizer=sgd: the same one-hot column, beside a learning rate
    double[][] x = new double[12][];
    for (int i = 0; i < x.length; i++) {
      double ts = i % 3 == 0 ? 1 : 0;
      x[i] = new double[] {ts, Math.log10(0.01 * (1 + i % 4)), ts};
    }
    List<String> names = List.of("model=teacher-student", "log10(lr)", "optimizer=sgd");
    AliasedTerms a = AliasedTerms.of(x);
    assertArrayEquals(new int[] {0, 1}, a.kept());
    assertTrue(a.aliased(2));
    assertEquals("model=teacher-student", a.aliasedWith(2, names));
    assertEquals("optimizer=sgd", a.aliasedWith(0, names));
    assertNull(a.aliasedWith(1, names));
    assertEquals(1.0, a.relation(2).coefficients()[0], 1e-12);
    assertEquals(0.0, a.relation(2).intercept(), 1e-12);
  }

  @Test
  void theVisitingOrderDecidesWhichOfAConfoundedPairIsKept() {
    double[][] x = new double[6][];
    for (int i = 0; i < x.length; i++) {
      double ts = i % 3 == 0 ? 1 : 0;
      x[i] = new double[] {ts, i, ts};
    }
    List<String> names = List.of("model=teacher-student", "lr", "optimizer=sgd");
    AliasedTerms a = AliasedTerms.of(x, new int[] {2, 1, 0});
    assertArrayEquals(new int[] {1, 2}, a.kept());
    assertEquals("optimizer=sgd", a.aliasedWith(0, names));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AliasedTerms.of(x, new int[] {0, 0, 1}));
    assertEquals("order [0, 0, 1] is not a permutation of 3 columns", e.getMessage());
  }

  @Test
  void aComplementaryOneHotIsOneMinusTheOther() {
    double[][] x = new double[8][];
    for (int i = 0; i < x.length; i++) {
      double adam = i % 2;
      x[i] = new double[] {adam, i, 1 - adam};
    }
    AliasedTerms a = AliasedTerms.of(x);
    assertEquals("1 - optimizer=adam", a.aliasedWith(2, List.of("optimizer=adam", "step",
        "optimizer=sgd")));
  }

  @Test
  void aLinearCombinationOfSeveralTermsIsWrittenWithItsCoefficients() {
    // width is fixed by the family: 2 for teacher-student, 64 for catapult, 8 otherwise
    double[][] x = new double[9][];
    for (int i = 0; i < x.length; i++) {
      double ts = i % 3 == 0 ? 1 : 0;
      double cat = i % 3 == 1 ? 1 : 0;
      double width = ts == 1 ? 2 : cat == 1 ? 64 : 8;
      x[i] = new double[] {ts, cat, Math.log10(width), i * 0.1};
    }
    List<String> names = List.of("model=ts", "model=catapult", "log10(width)", "lr");
    AliasedTerms a = AliasedTerms.of(x);
    assertArrayEquals(new int[] {0, 1, 3}, a.kept());
    assertEquals("0.9031 - 0.6021*model=ts + 0.9031*model=catapult", a.aliasedWith(2, names));
    assertEquals("log10(width)", a.aliasedWith(0, names));
    assertNull(a.aliasedWith(3, names));
  }

  @Test
  void anUnconfoundedDesignKeepsEveryTerm() {
    Random rnd = new Random(3);
    double[][] x = new double[30][4];
    for (double[] row : x) {
      for (int j = 0; j < row.length; j++) {
        row[j] = -9 + rnd.nextInt(3) * 0.45 + (j == 0 ? rnd.nextDouble() : 0) + j * rnd.nextInt(2);
      }
    }
    AliasedTerms a = AliasedTerms.of(x);
    assertFalse(a.any());
    assertArrayEquals(new int[] {0, 1, 2, 3}, a.kept());
    for (int j = 0; j < 4; j++) {
      assertNull(a.aliasedWith(j, List.of("a", "b", "c", "d")));
    }
  }

  @Test
  void aColumnConstantOverTheRowsIsAliasedWithTheIntercept() {
    double[][] x = {{1, 0.5}, {2, 0.5}, {3, 0.5}};
    AliasedTerms a = AliasedTerms.of(x);
    assertArrayEquals(new int[] {0}, a.kept());
    assertEquals("0.5", a.aliasedWith(1, List.of("lr", "momentum")));
  }

  @Test
  void theRankAgreesWithTheSingularValuesOfTheCentredDesign() {
    // random designs of 2-6 columns with planted dependencies, on 5-40 rows
    Random rnd = new Random(17);
    for (int trial = 0; trial < 200; trial++) {
      int n = 5 + rnd.nextInt(36);
      int p = 2 + rnd.nextInt(5);
      double[][] x = new double[n][p];
      for (int j = 0; j < p; j++) {
        boolean planted = j > 0 && rnd.nextInt(3) == 0;
        int a = planted ? rnd.nextInt(j) : -1;
        int b = planted ? rnd.nextInt(j) : -1;
        double ca = rnd.nextGaussian();
        double cb = rnd.nextInt(2) * rnd.nextGaussian();
        double c0 = rnd.nextGaussian();
        for (int i = 0; i < n; i++) {
          x[i][j] = planted ? c0 + ca * x[i][a] + cb * x[i][b]
              : rnd.nextInt(2) == 0 ? rnd.nextInt(3) : rnd.nextGaussian() * 100;
        }
      }
      AliasedTerms aliasing = AliasedTerms.of(x);
      assertEquals(svdRank(x), aliasing.kept().length, "trial " + trial);
      for (int j = 0; j < p; j++) {
        if (aliasing.aliased(j)) {
          AliasedTerms.Relation r = aliasing.relation(j);
          for (double[] row : x) {
            double fitted = r.intercept();
            for (int k = 0; k < p; k++) {
              fitted += r.coefficients()[k] * row[k];
            }
            assertEquals(row[j], fitted, 1e-8 * (1 + Math.abs(row[j])), "trial " + trial);
          }
        }
      }
    }
  }

  @Test
  void raggedRowsAreTheCallersMistake() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AliasedTerms.of(new double[][] {{1, 2}, {3}}));
    assertEquals("design rows differ in length: 1 and 2", e.getMessage());
  }

  /** Rank of the centred design by EJML's SVD, singular values above 1e-9 of the largest. */
  private static int svdRank(double[][] x) {
    int n = x.length;
    int p = x[0].length;
    DMatrixRMaj m = new DMatrixRMaj(n, p);
    for (int j = 0; j < p; j++) {
      double mean = 0;
      for (double[] row : x) {
        mean += row[j] / n;
      }
      double norm = 0;
      for (int i = 0; i < n; i++) {
        norm += (x[i][j] - mean) * (x[i][j] - mean);
      }
      // unit columns, as the kernel's relative tolerance sees them
      for (int i = 0; i < n; i++) {
        m.set(i, j, norm == 0 ? 0 : (x[i][j] - mean) / Math.sqrt(norm));
      }
    }
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(n, p, false, false, true);
    assertTrue(svd.decompose(m));
    double[] sv = svd.getSingularValues();
    double max = 0;
    for (double s : sv) {
      max = Math.max(max, s);
    }
    int rank = 0;
    for (double s : sv) {
      if (s > 1e-9 * Math.max(max, 1e-300) && max > 0) {
        rank++;
      }
    }
    return rank;
  }
}
