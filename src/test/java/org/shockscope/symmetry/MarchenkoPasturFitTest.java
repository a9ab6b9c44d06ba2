package org.shockscope.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/** The bulk edge finds planted low-rank spikes above i.i.d. noise and none in pure noise. */
class MarchenkoPasturFitTest {

  private static MarchenkoPasturFit.Result fit(Random r, int n, int m, int spikes, double strength) {
    double[] w = TestModels.gaussian(r, n * m, 1.0);
    for (int k = 0; k < spikes; k++) {
      double[] u = TestModels.gaussian(r, n, 1.0 / Math.sqrt(n));
      double[] v = TestModels.gaussian(r, m, 1.0 / Math.sqrt(m));
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          w[i * m + j] += strength * (k + 1) * Math.sqrt(n) * u[i] * v[j];
        }
      }
    }
    double[] sv = new double[m];
    DenseLinearAlgebra.create().singularValues(DMatrixRMaj.wrap(n, m, w), sv);
    return MarchenkoPasturFit.fit(sv, m, n, m);
  }

  @Test
  void countsPlantedSpikes() {
    Random r = new Random(3);
    for (int spikes = 1; spikes <= 3; spikes++) {
      MarchenkoPasturFit.Result f = fit(r, 300, 100, spikes, 4.0);
      assertEquals(spikes, f.spikes());
      assertEquals(1.0, f.variance(), 0.1, "noise variance");
      assertTrue(f.softRank() < 0.5, "soft rank " + f.softRank());
    }
  }

  @Test
  void pureNoiseHasItsLargestEigenvalueAtTheEdge() {
    MarchenkoPasturFit.Result f = fit(new Random(4), 400, 100, 0, 0);
    assertTrue(f.spikes() <= 1, "spikes " + f.spikes());
    assertEquals(1.0, f.softRank(), 0.1);
  }

  @Test
  void zeroMatrixHasNoSoftRank() {
    MarchenkoPasturFit.Result f = MarchenkoPasturFit.fit(new double[10], 10, 12, 10);
    assertEquals(0, f.spikes());
    assertTrue(Double.isNaN(f.softRank()));
  }

  @Test
  void fewerEigenvaluesThanABulkNeedsLeaveTheFitUndefined() {
    // a 3 x 50 student layer: one of its three eigenvalues is no spike above a bulk of two
    MarchenkoPasturFit.Result f = MarchenkoPasturFit.fit(new double[] {3.0, 1.0, 0.2}, 3, 50, 3);
    assertEquals(-1, f.spikes());
    assertTrue(Double.isNaN(f.softRank()));
    assertEquals(9.0 / 50, f.lambdaMax(), 1e-15);
    MarchenkoPasturFit.Result g = fit(new Random(5), 40, MarchenkoPasturFit.MIN_EIGENVALUES, 1,
        4.0);
    assertEquals(1, g.spikes(), "from " + MarchenkoPasturFit.MIN_EIGENVALUES + " eigenvalues on");
  }
}
