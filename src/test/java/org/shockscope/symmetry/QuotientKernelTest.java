package org.shockscope.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.shockscope.io.Tensor;

/** Facade behaviour: analytic balanced norms, names, caching, and errors at the boundary. */
class QuotientKernelTest {

  private static QuotientKernel kernel(Map<String, Tensor> m, ModelDescription d) {
    return new QuotientKernel(StructureInference.infer(TestModels.infos(m), d));
  }

  @Test
  void reluBalancedNormIsTwiceTheSumOfNeuronNormProducts() {
    Map<String, Tensor> m = TestModels.mlp(new Random(1), 4, 6, 3);
    CheckpointObservables o = kernel(m, ModelDescription.none().withActivationHint("relu"))
        .observe(m);
    double[] w1 = m.get("fc1.weight").data();
    double[] b1 = m.get("fc1.bias").data();
    double[] w2 = m.get("fc2.weight").data();
    double expected = 0;
    double raw = 0;
    for (int j = 0; j < 6; j++) {
      double in = b1[j] * b1[j];
      for (int i = 0; i < 4; i++) {
        in += w1[j * 4 + i] * w1[j * 4 + i];
      }
      double out = 0;
      for (int k = 0; k < 3; k++) {
        out += w2[k * 6 + j] * w2[k * 6 + j];
      }
      expected += 2 * Math.sqrt(in * out);
      raw += in + out;
    }
    assertEquals(Math.sqrt(expected), o.value("fc1", "balanced_norm"), 1e-12);
    assertEquals(Math.sqrt(raw), o.value("fc1", "raw_norm"), 1e-12);
    assertEquals(Math.sqrt(raw / expected), o.value("fc1", "redundancy"), 1e-12);
    assertTrue(o.value("fc1", "redundancy") >= 1);
  }

  @Test
  void linearChainObservablesComeFromTheEndToEndMap() {
    Map<String, Tensor> m = TestModels.linearChain(new Random(2), 4, 5, 3);
    CheckpointObservables o = kernel(m, ModelDescription.preset("deep-linear")).observe(m);
    double[] sv = new double[3];
    DenseLinearAlgebra.ejml().singularValues(DMatrixRMaj.wrap(3, 4,
        LinearChainGradient.endToEnd(m)), sv);
    double balanced = 0;
    for (double s : sv) {
      balanced += 2 * s;
    }
    assertEquals(Math.sqrt(balanced), o.value("layers", "balanced_norm"), 1e-12);
    assertEquals(sv[0], o.value("layers", "end_to_end/spectral_norm"), 1e-12);
    assertEquals(Math.sqrt(sv[0]), o.value("layers", "layers.0.weight/spectral_norm"), 1e-12);
    List<String> matrices = o.spectra().stream().map(Spectrum::matrix).toList();
    assertEquals(List.of("layers.0.weight", "layers.1.weight", "end_to_end"), matrices);
  }

  @Test
  void aBiasFreeChainWhoseActivationNobodyDeclaresAlsoObservesItsProduct() {
    Random r = new Random(6);
    Map<String, Tensor> m = TestModels.linearChain(r, 4, 5, 6, 3);
    QuotientKernel undeclared = kernel(m, ModelDescription.none());
    CheckpointObservables o = undeclared.observe(m);
    double[] sv = new double[3];
    DenseLinearAlgebra.ejml().singularValues(DMatrixRMaj.wrap(3, 4,
        LinearChainGradient.endToEnd(m)), sv);
    assertEquals(sv[0], o.value("layers", "end_to_end/spectral_norm"), 1e-12);
    double[] product = o.spectra().stream().filter(s -> s.matrix().equals("end_to_end"))
        .findFirst().orElseThrow().sv();
    assertEquals(3, product.length);
    for (int i = 0; i < 3; i++) {
      assertEquals(sv[i], product[i], 1e-12 * sv[0]);
    }
    // the product is invariant under the hidden layers' permutations and positive rescalings
    Map<String, Tensor> moved = GroupActions.copy(m);
    GroupActions.linearLayer(moved, r, "layers.0.weight", null, "layers.1.weight",
        GroupActions.Kind.POSITIVE_SCALE);
    GroupActions.linearLayer(moved, r, "layers.1.weight", null, "layers.2.weight",
        GroupActions.Kind.POSITIVE_SCALE);
    assertEquals(o.value("layers", "end_to_end/fro_norm"),
        kernel(m, ModelDescription.none()).observe(moved).value("layers", "end_to_end/fro_norm"),
        1e-12 * o.value("layers", "end_to_end/fro_norm"));
    // a declared activation, or hidden biases, say the chain is not a linear one
    for (CheckpointObservables other : List.of(
        kernel(m, ModelDescription.none().withActivationHint("relu")).observe(m),
        kernel(m, ModelDescription.none().withActivationHint("gelu")).observe(m),
        kernel(TestModels.mlp(r, 4, 5, 3), ModelDescription.none())
            .observe(TestModels.mlp(new Random(7), 4, 5, 3)))) {
      assertTrue(other.spectra().stream().noneMatch(s -> s.matrix().equals("end_to_end")));
    }
  }

  @Test
  void everyMatrixHasTheWholeSpectralSet() {
    // 40 hidden units of 30 inputs: enough eigenvalues for alpha's tail
    Map<String, Tensor> m = TestModels.mlp(new Random(3), 30, 40, 6);
    CheckpointObservables o = kernel(m, ModelDescription.none()).observe(m);
    for (String name : SpectralSummary.NAMES) {
      assertTrue(Double.isFinite(o.value("fc1", "fc1.weight/" + name)), name);
    }
    assertEquals(6, o.spectra().stream().filter(s -> s.matrix().equals("fc2.weight")).findFirst()
        .orElseThrow().sv().length);
    assertEquals(1, o.observables().stream()
        .filter(x -> x.group().equals("fc2.bias") && x.name().equals("fc2.bias/fro_norm")).count());
  }

  @Test
  void motionReusesRememberedCheckpointsWithoutChangingResults() {
    Random r = new Random(4);
    Map<String, Tensor> a = TestModels.deepMlp(r, 4, 5, 6, 2);
    Map<String, Tensor> b = TestModels.perturbed(a, r, 0.1);
    Map<String, Tensor> c = TestModels.perturbed(b, r, 0.1);
    ModelDescription relu = ModelDescription.none().withActivationHint("relu");
    QuotientKernel k = kernel(a, relu);
    k.observe(a);
    k.observe(b);
    List<Observable> ab = k.motion(a, b);
    k.observe(c);
    List<Observable> bc = k.motion(b, c);
    assertEquals(kernel(a, relu).motion(a, b), ab);
    assertEquals(kernel(a, relu).motion(b, c), bc);
  }

  @Test
  void nonFiniteWeightsAreATypedErrorNamingTheTensor() {
    Map<String, Tensor> m = TestModels.mlp(new Random(5), 3, 4, 2);
    QuotientKernel k = kernel(m, ModelDescription.none());
    Map<String, Tensor> bad = GroupActions.copy(m);
    bad.get("fc2.weight").data()[5] = Double.NaN;
    NonFiniteWeightsException e = assertThrows(NonFiniteWeightsException.class, () -> k.observe(bad));
    assertEquals("fc2.weight", e.tensor());
    assertEquals(5, e.index());
    assertTrue(e.getMessage().contains("'fc2.weight'") && e.getMessage().contains("NaN"),
        e.getMessage());
    Map<String, Tensor> inf = GroupActions.copy(m);
    inf.get("fc1.bias").data()[0] = Double.NEGATIVE_INFINITY;
    assertThrows(NonFiniteWeightsException.class, () -> k.motion(m, inf));
  }

  @Test
  void checkpointsThatDoNotFitTheStructureAreRefused() {
    Map<String, Tensor> m = TestModels.mlp(new Random(6), 3, 4, 2);
    QuotientKernel k = kernel(m, ModelDescription.none());
    Map<String, Tensor> missing = GroupActions.copy(m);
    missing.remove("fc1.bias");
    StructureMismatchException e1 = assertThrows(StructureMismatchException.class,
        () -> k.observe(missing));
    assertTrue(e1.getMessage().contains("no tensor 'fc1.bias'") && e1.getMessage().contains("'fc1'"),
        e1.getMessage());
    Map<String, Tensor> reshaped = GroupActions.copy(m);
    reshaped.put("fc2.weight", TestModels.tensor("fc2.weight", new double[8], 4, 2));
    StructureMismatchException e2 = assertThrows(StructureMismatchException.class,
        () -> k.observe(reshaped));
    assertTrue(e2.getMessage().contains("[4, 2]") && e2.getMessage().contains("[2, 4]"),
        e2.getMessage());
  }
}
