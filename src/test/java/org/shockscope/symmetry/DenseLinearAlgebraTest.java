package org.shockscope.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.junit.jupiter.api.Test;

/**
 * Both backends honour the contract on tall, wide and square shapes: factorisations reproduce
 * their input, orthogonal factors are orthonormal, and the native backend (when loaded) agrees
 * with EJML.
 */
class DenseLinearAlgebraTest {
  static final int[][] SHAPES = {{7, 4}, {4, 7}, {6, 6}, {1, 5}, {33, 9}};

  private static double diff(DMatrixRMaj a, DMatrixRMaj b) {
    double s = 0;
    for (int i = 0; i < a.numRows * a.numCols; i++) {
      s = Math.max(s, Math.abs(a.data[i] - b.data[i]));
    }
    return s;
  }

  @Test
  void backendNameSaysWhatRuns() {
    String name = DenseLinearAlgebra.backendName();
    assertTrue(name.startsWith(DenseLinearAlgebra.create().name()), name);
    assertEquals(name, QuotientKernel.backend());
  }

  @Test
  void factorisationsReproduceTheirInput() {
    Random r = new Random(5);
    for (DenseLinearAlgebra la : List.of(DenseLinearAlgebra.create(), DenseLinearAlgebra.ejml())) {
      for (int[] s : SHAPES) {
        DMatrixRMaj a = RandomMatrices_DDRM.rectangle(s[0], s[1], -1, 1, r);
        DMatrixRMaj copy = a.copy();
        int k = Math.min(s[0], s[1]);
        DMatrixRMaj u = new DMatrixRMaj(1, 1);
        DMatrixRMaj vt = new DMatrixRMaj(1, 1);
        double[] sv = new double[k];
        assertTrue(la.svd(a, u, sv, vt));
        assertEquals(0, diff(a, copy), "input modified");
        for (int i = 1; i < k; i++) {
          assertTrue(sv[i - 1] >= sv[i], "descending");
        }
        DMatrixRMaj us = u.copy();
        for (int i = 0; i < s[0]; i++) {
          for (int j = 0; j < k; j++) {
            us.data[i * k + j] *= sv[j];
          }
        }
        DMatrixRMaj rec = new DMatrixRMaj(1, 1);
        la.mult(us, false, vt, false, rec);
        assertTrue(diff(a, rec) < 1e-13, la.name() + " svd " + s[0] + "x" + s[1]);
        double[] values = new double[k];
        assertTrue(la.singularValues(a, values));
        for (int i = 0; i < k; i++) {
          assertEquals(sv[i], values[i], 1e-13);
        }
        if (s[0] >= s[1]) {
          DMatrixRMaj q = new DMatrixRMaj(1, 1);
          DMatrixRMaj rr = new DMatrixRMaj(1, 1);
          assertTrue(la.thinQr(a, q, rr));
          la.mult(q, false, rr, false, rec);
          assertTrue(diff(a, rec) < 1e-13, la.name() + " qr");
          la.mult(q, true, q, false, rec);
          assertTrue(diff(rec, CommonOps_DDRM.identity(s[1])) < 1e-13, la.name() + " qᵀq");
        }
        DMatrixRMaj g = new DMatrixRMaj(1, 1);
        la.mult(a, true, a, false, g);
        double[] ev = new double[s[1]];
        DMatrixRMaj vec = new DMatrixRMaj(1, 1);
        assertTrue(la.symmetricEigen(g, ev, vec));
        DMatrixRMaj gv = new DMatrixRMaj(1, 1);
        la.mult(g, false, vec, false, gv);
        for (int j = 0; j < s[1]; j++) {
          for (int i = 0; i < s[1]; i++) {
            assertEquals(ev[j] * vec.data[i * s[1] + j], gv.data[i * s[1] + j], 1e-12);
          }
          if (j > 0) {
            assertTrue(ev[j - 1] >= ev[j]);
          }
        }
      }
    }
  }

  @Test
  void productsWithTransposes() {
    Random r = new Random(6);
    DMatrixRMaj a = RandomMatrices_DDRM.rectangle(5, 3, r);
    DMatrixRMaj b = RandomMatrices_DDRM.rectangle(3, 4, r);
    DMatrixRMaj expected = new DMatrixRMaj(5, 4);
    CommonOps_DDRM.mult(a, b, expected);
    DMatrixRMaj at = a.copy();
    CommonOps_DDRM.transpose(at);
    DMatrixRMaj bt = b.copy();
    CommonOps_DDRM.transpose(bt);
    for (DenseLinearAlgebra la : List.of(DenseLinearAlgebra.create(), DenseLinearAlgebra.ejml())) {
      DMatrixRMaj c = new DMatrixRMaj(1, 1);
      la.mult(a, false, b, false, c);
      assertTrue(diff(expected, c) < 1e-14);
      la.mult(at, true, b, false, c);
      assertTrue(diff(expected, c) < 1e-14);
      la.mult(a, false, bt, true, c);
      assertTrue(diff(expected, c) < 1e-14);
      la.mult(at, true, bt, true, c);
      assertTrue(diff(expected, c) < 1e-14);
    }
  }

  @Test
  void choleskySolvesPositiveDefiniteSystemsAndRefusesIndefiniteOnes() {
    Random r = new Random(8);
    for (DenseLinearAlgebra la : List.of(DenseLinearAlgebra.create(), DenseLinearAlgebra.ejml())) {
      for (int n : new int[] {1, 5, 40}) {
        DMatrixRMaj g = RandomMatrices_DDRM.rectangle(n + 3, n, -1, 1, r);
        DMatrixRMaj a = new DMatrixRMaj(1, 1);
        la.mult(g, true, g, false, a);
        DMatrixRMaj x = RandomMatrices_DDRM.rectangle(n, 1, -1, 1, r);
        DMatrixRMaj b = new DMatrixRMaj(n, 1);
        CommonOps_DDRM.mult(a, x, b);
        double[] solution = b.data.clone();
        assertTrue(la.choleskySolve(a.copy(), solution), la.name() + " n=" + n);
        for (int i = 0; i < n; i++) {
          assertEquals(x.data[i], solution[i], 1e-9, la.name() + " n=" + n + " x[" + i + "]");
        }
      }
      DMatrixRMaj indefinite = new DMatrixRMaj(new double[][] {{1, 2}, {2, 1}});
      assertTrue(!la.choleskySolve(indefinite, new double[] {1, 1}), la.name());
    }
  }
}
