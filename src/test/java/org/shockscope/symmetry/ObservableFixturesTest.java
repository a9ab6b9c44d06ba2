package org.shockscope.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.shockscope.io.Tensor;

/**
 * The spectral set against numpy (fixtures/observables/make_observable_fixtures.py and its
 * committed output observables.json): singular values and every scalar within 1e-9 relative,
 * on both linear algebra backends; the power-law exponent against the script's independent
 * WeightWatcher-style fit and against the known exponent of synthetic spectra.
 */
class ObservableFixturesTest {
  static final double TOLERANCE = 1e-9;

  static JsonNode fixtures() throws IOException {
    try (InputStream in = ObservableFixturesTest.class.getResourceAsStream(
        "/fixtures/observables/observables.json")) {
      assertNotNull(in, "fixture observables.json missing");
      return new ObjectMapper().readTree(in);
    }
  }

  private static double[] doubles(JsonNode n) {
    double[] x = new double[n.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = n.get(i).asDouble();
    }
    return x;
  }

  private static void close(double expected, double actual, String what) {
    assertTrue(Math.abs(expected - actual) <= TOLERANCE * Math.max(Math.abs(expected), 1e-300)
        || expected == actual, what + ": expected " + expected + " got " + actual);
  }

  @Test
  void spectralSetMatchesNumpyOnBothBackends() throws IOException {
    for (DenseLinearAlgebra la : List.of(DenseLinearAlgebra.create(), DenseLinearAlgebra.ejml())) {
      for (JsonNode m : fixtures().get("matrices")) {
        String name = m.get("name").asText() + " (" + la.name() + ")";
        int rows = m.get("rows").asInt();
        int cols = m.get("cols").asInt();
        DMatrixRMaj a = DMatrixRMaj.wrap(rows, cols, doubles(m.get("data")));
        double[] expectedSv = doubles(m.get("sv"));
        double[] sv = new double[expectedSv.length];
        assertTrue(la.singularValues(a, sv));
        for (int i = 0; i < sv.length; i++) {
          assertTrue(Math.abs(sv[i] - expectedSv[i]) <= TOLERANCE * expectedSv[0],
              name + " sv[" + i + "] " + sv[i] + " vs " + expectedSv[i]);
        }
        SpectralSummary s = SpectralSummary.of(sv, sv.length, rows, cols, new double[sv.length],
            new double[sv.length + 1]);
        close(m.get("fro_norm").asDouble(), s.froNorm(), name + " fro_norm");
        close(m.get("spectral_norm").asDouble(), s.spectralNorm(), name + " spectral_norm");
        close(m.get("stable_rank").asDouble(), s.stableRank(), name + " stable_rank");
        close(m.get("effective_rank").asDouble(), s.effectiveRank(), name + " effective_rank");
        close(m.get("participation_ratio").asDouble(), s.participationRatio(),
            name + " participation_ratio");
        close(m.get("spectral_entropy").asDouble(), s.spectralEntropy(), name + " spectral_entropy");
        if (m.has("mp_softrank")) {
          close(m.get("mp_softrank").asDouble(), s.mpSoftRank(), name + " mp_softrank");
          assertEquals(m.get("num_spikes").asInt(), s.numSpikes(), name + " num_spikes");
        } else {
          assertTrue(Math.min(rows, cols) < MarchenkoPasturFit.MIN_EIGENVALUES, name);
          assertTrue(Double.isNaN(s.mpSoftRank()), name + " mp_softrank should be undefined");
          assertEquals(-1, s.numSpikes(), name + " num_spikes should be undefined");
        }
        if (m.has("alpha")) {
          close(m.get("alpha").asDouble(), s.alpha(), name + " alpha");
        } else {
          assertTrue(Double.isNaN(s.alpha()), name + " alpha should be undefined");
        }
      }
    }
  }

  @Test
  void kernelReportsTheSameValuesForAPlainMatrix() throws IOException {
    JsonNode m = fixtures().get("matrices").get(1);
    int rows = m.get("rows").asInt();
    int cols = m.get("cols").asInt();
    Map<String, Tensor> ckpt = TestModels.of(TestModels.tensor("w", doubles(m.get("data")), rows, cols));
    CheckpointObservables o = new QuotientKernel(StructureInference.infer(TestModels.infos(ckpt),
        ModelDescription.none())).observe(ckpt);
    for (String key : List.of("effective_rank", "stable_rank", "participation_ratio",
        "spectral_entropy", "fro_norm", "spectral_norm")) {
      close(m.get(key).asDouble(), o.value("w", "w/" + key), "kernel " + key);
    }
    double[] expected = doubles(m.get("sv"));
    double[] got = o.spectra().get(0).sv();
    assertEquals(expected.length, got.length);
    for (int i = 0; i < got.length; i++) {
      assertTrue(Math.abs(expected[i] - got[i]) <= TOLERANCE * expected[0]);
    }
  }

  @Test
  void alphaMatchesTheReferenceFitAndTheKnownExponent() throws IOException {
    for (JsonNode p : fixtures().get("power_laws")) {
      double truth = p.get("true_alpha").asDouble();
      double[] evals = doubles(p.get("evals"));
      double[] ascending = evals.clone();
      Arrays.sort(ascending);
      PowerLawFit.Result fit = PowerLawFit.fit(ascending, ascending.length,
          new double[ascending.length + 1]);
      close(p.get("alpha").asDouble(), fit.alpha(), "alpha for true " + truth);
      close(p.get("xmin").asDouble(), fit.xmin(), "xmin for true " + truth);
      close(p.get("ks").asDouble(), fit.ks(), "KS distance for true " + truth);
      assertEquals(truth, fit.alpha(), 0.1, "known exponent");
      // The same through the spectral set, from singular values √λ in descending order.
      double[] sv = new double[ascending.length];
      for (int i = 0; i < sv.length; i++) {
        sv[i] = Math.sqrt(ascending[ascending.length - 1 - i]);
      }
      SpectralSummary s = SpectralSummary.of(sv, sv.length, sv.length, sv.length,
          new double[sv.length], new double[sv.length + 1]);
      assertEquals(truth, s.alpha(), 0.1, "known exponent via the spectral set");
    }
  }
}
