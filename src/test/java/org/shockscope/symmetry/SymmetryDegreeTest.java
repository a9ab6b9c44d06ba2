package org.shockscope.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.shockscope.io.Tensor;

/**
 * Symmetry degrees of inferred structures against values computed by hand from the
 * architecture (ln n! written out as sums of logs).
 */
class SymmetryDegreeTest {
  private static final double LN2 = Math.log(2);

  private static SymmetryStructure infer(Map<String, Tensor> m, ModelDescription d) {
    return StructureInference.infer(TestModels.infos(m), d);
  }

  @Test
  void reluMlpHasOneRescalingPerNeuronAndItsPermutations() {
    // fc1 [5, 3] relu fc2 [2, 5]: dim 5, ln 5! = ln 120
    SymmetryStructure s = infer(TestModels.mlp(new Random(1), 3, 5, 2),
        ModelDescription.preset("mlp").withActivationHint("relu"));
    assertEquals(5, s.degree().dimension());
    assertEquals(Math.log(120), s.degree().logOrder(), 1e-12);
  }

  @Test
  void twoHiddenLayersAddAndATanhLayerHasSignFlipsInstead() {
    // relu: 4 + 6 rescalings; 4! · 6! = 24 · 720 permutations
    SymmetryStructure relu = infer(TestModels.deepMlp(new Random(2), 3, 4, 6, 2),
        ModelDescription.preset("mlp").withActivationHint("relu"));
    assertEquals(10, relu.degree().dimension());
    assertEquals(Math.log(24.0 * 720), relu.degree().logOrder(), 1e-12);
    // tanh: no continuous part; 2^4 · 4! · 2^6 · 6!
    SymmetryStructure tanh = infer(TestModels.deepMlp(new Random(2), 3, 4, 6, 2),
        ModelDescription.preset("mlp").withActivationHint("tanh"));
    assertEquals(0, tanh.degree().dimension());
    assertEquals(Math.log(24.0 * 720) + 10 * LN2, tanh.degree().logOrder(), 1e-12);
  }

  @Test
  void deepLinearChainHasGlOfEveryHiddenSpace() {
    // layers 10 → 8 → 6 → 4: GL(8) × GL(6), dim 64 + 36, two components each
    SymmetryStructure s = infer(TestModels.linearChain(new Random(3), 10, 8, 6, 4),
        ModelDescription.preset("deep-linear"));
    assertInstanceOf(LinearChainGroup.class, s.group("layers"));
    assertEquals(100, s.degree().dimension());
    assertEquals(2 * LN2, s.degree().logOrder(), 1e-15);
  }

  @Test
  void gpt2BlockAddsItsHeadsAndItsMlpNeurons() {
    // d_model 16, 4 heads of 4: GL(4) on QK and on VO per head, dim 4 · 2 · 16 = 128;
    // 4! head permutations, 2^8 determinant signs; the gelu MLP of 64 neurons: 64! permutations
    SymmetryStructure s = infer(TestModels.gpt2(new Random(4), 16, 4),
        ModelDescription.none().withHfConfig("{\"model_type\":\"gpt2\",\"n_head\":4,"
            + "\"n_embd\":16,\"activation_function\":\"gelu_new\"}"));
    double ln64Factorial = 0;
    for (int k = 2; k <= 64; k++) {
      ln64Factorial += Math.log(k);
    }
    assertEquals(128, s.degree().dimension());
    assertEquals(Math.log(24) + 8 * LN2 + ln64Factorial, s.degree().logOrder(), 1e-9);
    assertEquals(new SymmetryDegree(128, Math.log(24) + 8 * LN2),
        SymmetryDegree.of(s.group("transformer.h.0.attn")));
    assertEquals(SymmetryDegree.NONE, SymmetryDegree.of(s.group("transformer.wte.weight")));
  }

  @Test
  void groupedQueryAttentionPermutesKeyValueHeadsAndTheQueriesSharingEach() {
    // 4 query heads on 2 key/value heads of dim 4, gated MLP of 12 (silu: nonzero scalings)
    SymmetryStructure s = infer(TestModels.llama(new Random(5), 16, 4, 2, 4, 12),
        ModelDescription.none().withHfConfig("{\"model_type\":\"llama\","
            + "\"num_attention_heads\":4,\"num_key_value_heads\":2,\"hidden_size\":16,"
            + "\"hidden_act\":\"silu\"}"));
    SymmetryDegree attention = SymmetryDegree.of(s.group("model.layers.0.self_attn"));
    assertEquals(2 * 2 * 16, attention.dimension());
    // 2! · (2!)^2 · 2^4
    assertEquals(Math.log(2 * 4 * 16), attention.logOrder(), 1e-12);
  }

  @Test
  void theDescriptionCarriesTheDegreeBack() {
    SymmetryStructure s = infer(TestModels.gpt2(new Random(6), 16, 4),
        ModelDescription.fromJson("{\"n_head\":4}"));
    assertEquals(s.degree(), SymmetryDegree.fromDescription(s.describe()));
    assertNull(SymmetryDegree.fromDescription("{\"groups\":[],\"notes\":[]}"));
    assertNull(SymmetryDegree.fromDescription("not json"));
    assertNull(SymmetryDegree.fromDescription(null));
  }

  @Test
  void aNegativeDegreeIsRefusedWithItsValues() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SymmetryDegree(-1, 0));
    assertEquals("symmetry degree needs dimension >= 0 and a finite log-order >= 0, got -1 and "
        + "0.0", e.getMessage());
  }
}
