package org.shockscope.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.shockscope.io.Tensor;
import org.shockscope.io.TensorInfo;

/** Presets, Hugging Face configs, name/shape inference and explicit descriptions. */
class StructureInferenceTest {

  private static SymmetryStructure infer(Map<String, Tensor> m, ModelDescription d) {
    return StructureInference.infer(TestModels.infos(m), d);
  }

  private static List<String> tensorNames(SymmetryGroup g) {
    return g.tensors().stream().map(TensorInfo::name).toList();
  }

  @Test
  void labMlpIsOneHiddenLayerNamedAfterFc1() {
    Map<String, Tensor> m = TestModels.mlp(new Random(1), 4, 6, 2);
    SymmetryStructure unknown = infer(m, ModelDescription.none());
    NeuronGroup g = assertInstanceOf(NeuronGroup.class, unknown.group("fc1"));
    assertEquals(NeuronSymmetry.PERMUTATION, g.symmetry());
    assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight"), tensorNames(g));
    assertEquals(List.of("fc1.weight", "fc2.weight"), g.matrices());
    assertInstanceOf(PlainGroup.class, unknown.group("fc2.bias"));
    NeuronGroup relu = (NeuronGroup) infer(m, ModelDescription.none().withActivationHint("ReLU"))
        .group("fc1");
    assertEquals(NeuronSymmetry.PERMUTATION_POSITIVE_SCALE, relu.symmetry());
    NeuronGroup tanh = (NeuronGroup) infer(m, ModelDescription.fromJson(
        "{\"preset\":\"mlp\",\"activation\":\"tanh\"}").withActivationHint("relu")).group("fc1");
    assertEquals(NeuronSymmetry.PERMUTATION_SIGN, tanh.symmetry(), "description beats hint");
  }

  @Test
  void deepLinearPresetGivesAGlChainInNaturalOrder() {
    Map<String, Tensor> m = TestModels.linearChain(new Random(2), 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3);
    SymmetryStructure s = infer(m, ModelDescription.preset("deep-linear"));
    assertEquals(1, s.groups().size());
    LinearChainGroup g = assertInstanceOf(LinearChainGroup.class, s.group("layers"));
    List<String> expected = new ArrayList<>();
    for (int l = 0; l < 11; l++) {
      expected.add("layers." + l + ".weight");
    }
    assertEquals(expected, tensorNames(g), "layers.10 after layers.9");
    assertInstanceOf(NeuronGroup.class, infer(m, ModelDescription.none()).group("layers"));
    assertInstanceOf(LinearChainGroup.class,
        infer(m, ModelDescription.none().withActivationHint("linear")).group("layers"));
  }

  @Test
  void convChainRunsIntoTheFlattenedLinearLayer() {
    SymmetryStructure s = infer(TestModels.conv(new Random(3)),
        ModelDescription.preset("conv").withActivationHint("relu"));
    NeuronGroup g = assertInstanceOf(NeuronGroup.class, s.group("conv1"));
    assertEquals(2, g.layers().size());
    assertEquals(new NeuronAxis(4, 3, 5, 4), g.layers().get(1).out().get(0),
        "fc.weight [3, 20] read as 3 × 5 channels × 4 positions");
    assertEquals(List.of("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight"),
        tensorNames(g));
  }

  @Test
  void gpt2ConfigGivesFusedConv1dAttentionAndAPermutationMlp() {
    Map<String, Tensor> m = TestModels.gpt2(new Random(4), 16, 4);
    SymmetryStructure s = infer(m, ModelDescription.none().withHfConfig(
        "{\"model_type\":\"gpt2\",\"n_head\":4,\"n_embd\":16,\"activation_function\":\"gelu_new\"}"));
    AttentionGroup a = assertInstanceOf(AttentionGroup.class, s.group("transformer.h.0.attn"));
    assertEquals("fused_conv1d", a.layout());
    assertEquals(4, a.heads());
    assertEquals(4, a.headDim());
    assertEquals(List.of("transformer.h.0.attn.c_attn.weight", "transformer.h.0.attn.c_proj.weight",
        "transformer.h.0.attn.c_attn.bias"), tensorNames(a));
    NeuronGroup mlp = assertInstanceOf(NeuronGroup.class, s.group("transformer.h.0.mlp"));
    assertEquals(NeuronSymmetry.PERMUTATION, mlp.symmetry());
    assertEquals(new NeuronAxis(0, 16, 64, 1), mlp.layers().get(0).in().get(0), "Conv1D columns");
    assertTrue(s.notes().contains("preset gpt2"), s.notes().toString());
    assertInstanceOf(PlainGroup.class, s.group("transformer.wte.weight"));
    assertInstanceOf(PlainGroup.class, s.group("transformer.h.0.attn.c_proj.bias"));
  }

  @Test
  void llamaConfigGivesGroupedQueryAttentionAndAGatedMlp() {
    Map<String, Tensor> m = TestModels.llama(new Random(5), 16, 4, 2, 4, 12);
    SymmetryStructure s = infer(m, ModelDescription.none().withHfConfig(
        "{\"model_type\":\"llama\",\"num_attention_heads\":4,\"num_key_value_heads\":2,"
            + "\"hidden_size\":16,\"hidden_act\":\"silu\"}"));
    AttentionGroup a = assertInstanceOf(AttentionGroup.class,
        s.group("model.layers.0.self_attn"));
    assertEquals(2, a.kvHeads());
    assertEquals(2, a.groupSize());
    assertEquals("separate", a.layout());
    NeuronGroup mlp = assertInstanceOf(NeuronGroup.class, s.group("model.layers.0.mlp"));
    assertEquals(NeuronSymmetry.PERMUTATION_SCALE, mlp.symmetry());
    assertEquals(1, mlp.layers().get(0).gate().size());
    assertEquals("silu", mlp.describe().get("gate_activation"));
  }

  @Test
  void attentionWithoutHeadCountIsAnalysedAsPlainMatricesWithANote() {
    Map<String, Tensor> m = TestModels.llama(new Random(6), 16, 4, 4, 4, 12);
    SymmetryStructure s = infer(m, ModelDescription.none());
    assertInstanceOf(PlainGroup.class, s.group("model.layers.0.self_attn.q_proj.weight"));
    assertInstanceOf(PlainGroup.class, s.group("model.layers.0.self_attn.k_proj.weight"));
    assertTrue(s.notes().stream().anyMatch(n -> n.contains("number of heads unknown")),
        s.notes().toString());
  }

  @Test
  void explicitGroupsComeFirstAndDescriptionsRoundTrip() throws Exception {
    Map<String, Tensor> m = TestModels.deepMlp(new Random(7), 4, 5, 6, 2);
    SymmetryStructure s = infer(m, ModelDescription.fromJson("{\"groups\":[{\"kind\":\"mlp\","
        + "\"name\":\"hidden\",\"weights\":[\"fc1.weight\",\"fc2.weight\"],"
        + "\"biases\":[\"fc1.bias\"],\"activation\":\"tanh\"}]}"));
    NeuronGroup g = assertInstanceOf(NeuronGroup.class, s.group("hidden"));
    assertEquals(NeuronSymmetry.PERMUTATION_SIGN, g.symmetry());
    assertInstanceOf(PlainGroup.class, s.group("fc3.weight"), "fc2 is taken, fc3 chains alone");

    SymmetryStructure inferred = infer(TestModels.gpt2(new Random(8), 16, 4),
        ModelDescription.fromJson("{\"n_head\":4}").withActivationHint("relu"));
    @SuppressWarnings("unchecked")
    Map<String, Object> described = new ObjectMapper().readValue(inferred.describe(), Map.class);
    SymmetryStructure again = infer(TestModels.gpt2(new Random(8), 16, 4),
        ModelDescription.fromMap(Map.of("groups", described.get("groups"))));
    assertEquals(inferred.groups(), again.groups());

    // a chain whose activation nothing declares reads back as one: its product still observed
    Map<String, Tensor> chain = TestModels.linearChain(new Random(9), 3, 4, 5, 3);
    SymmetryStructure undeclared = infer(chain, ModelDescription.none());
    assertTrue(((NeuronGroup) undeclared.group("layers")).endToEnd());
    @SuppressWarnings("unchecked")
    Map<String, Object> chainDescribed = new ObjectMapper().readValue(undeclared.describe(),
        Map.class);
    assertEquals(undeclared.groups(), infer(chain,
        ModelDescription.fromMap(Map.of("groups", chainDescribed.get("groups")))).groups());
  }

  @Test
  void badDescriptionsNameTheProblem() {
    Map<String, Tensor> m = TestModels.mlp(new Random(9), 4, 6, 2);
    StructureMismatchException missing = assertThrows(StructureMismatchException.class,
        () -> infer(m, ModelDescription.fromJson(
            "{\"groups\":[{\"kind\":\"linear_chain\",\"weights\":[\"fc1.weight\",\"fc9.weight\"]}]}")));
    assertTrue(missing.getMessage().contains("'fc9.weight'"), missing.getMessage());
    StructureMismatchException shapes = assertThrows(StructureMismatchException.class,
        () -> infer(m, ModelDescription.fromJson(
            "{\"groups\":[{\"kind\":\"linear_chain\",\"weights\":[\"fc2.weight\",\"fc1.weight\"]}]}")));
    assertTrue(shapes.getMessage().contains("does not take the output of 'fc2.weight'"),
        shapes.getMessage());
    StructureMismatchException preset = assertThrows(StructureMismatchException.class,
        () -> ModelDescription.preset("resnet"));
    assertTrue(preset.getMessage().contains("'resnet'"), preset.getMessage());
    StructureMismatchException heads = assertThrows(StructureMismatchException.class,
        () -> ModelDescription.fromJson("{\"heads\":\"many\"}"));
    assertTrue(heads.getMessage().contains("'heads' must be an integer, got many"),
        heads.getMessage());
  }
}
