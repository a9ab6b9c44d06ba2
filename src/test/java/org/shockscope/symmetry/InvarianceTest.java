package org.shockscope.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.shockscope.io.Tensor;

/**
 * SPEC §4 hard requirement: every observable is unchanged (1e-9 relative) by a random group
 * element, for every group kind, over 100 random elements on random weights; the raw norm is
 * the control that does change. Quotient steps vanish between a checkpoint and a transformed
 * copy, do not depend on how either checkpoint is transformed, and never exceed the raw step
 * for permutation-only groups.
 */
class InvarianceTest {
  static final double TOLERANCE = 1e-9;
  static final int ELEMENTS = 100;

  /**
   * A test case: a checkpoint, its description, a random group action, whether the group has
   * a continuous part (so the raw norm moves) and whether it is permutations (and signs) only.
   */
  record Case(String label, Map<String, Tensor> base, ModelDescription description,
              BiFunction<Map<String, Tensor>, Random, Map<String, Tensor>> action,
              boolean continuous, boolean isometric) {
    @Override
    public String toString() {
      return label;
    }
  }

  static ModelDescription act(String a) {
    return ModelDescription.none().withActivationHint(a);
  }

  static Stream<Case> cases() {
    Random r = new Random(42);
    ModelDescription llamaGqa = ModelDescription.fromJson(
        "{\"preset\":\"llama\",\"num_attention_heads\":4,\"num_key_value_heads\":2}");
    ModelDescription llamaMha = ModelDescription.fromJson(
        "{\"preset\":\"llama\",\"num_attention_heads\":4}");
    ModelDescription gpt2 = ModelDescription.fromJson("{\"preset\":\"gpt2\",\"n_head\":4}");
    return Stream.of(
        new Case("mlp relu", TestModels.mlp(r, 6, 8, 4), act("relu"),
            (m, g) -> GroupActions.mlp(m, g, GroupActions.Kind.POSITIVE_SCALE), true, false),
        new Case("mlp leaky_relu", TestModels.mlp(r, 5, 9, 3), act("leaky_relu"),
            (m, g) -> GroupActions.mlp(m, g, GroupActions.Kind.POSITIVE_SCALE), true, false),
        new Case("mlp tanh", TestModels.mlp(r, 6, 8, 4), act("tanh"),
            (m, g) -> GroupActions.mlp(m, g, GroupActions.Kind.SIGN), false, true),
        new Case("mlp unknown activation", TestModels.mlp(r, 6, 8, 4), ModelDescription.none(),
            (m, g) -> GroupActions.mlp(m, g, GroupActions.Kind.PERMUTATION), false, true),
        new Case("deep mlp relu", TestModels.deepMlp(r, 5, 7, 6, 3), act("relu"),
            (m, g) -> GroupActions.deepMlp(m, g, GroupActions.Kind.POSITIVE_SCALE), true, false),
        new Case("deep mlp tanh", TestModels.deepMlp(r, 5, 7, 6, 3), act("tanh"),
            (m, g) -> GroupActions.deepMlp(m, g, GroupActions.Kind.SIGN), false, true),
        new Case("linear chain L=2, wide hidden", TestModels.linearChain(r, 5, 7, 4),
            ModelDescription.preset("deep-linear"), GroupActions::linearChain, true, false),
        new Case("linear chain L=3", TestModels.linearChain(r, 4, 6, 6, 3),
            ModelDescription.preset("deep-linear"), GroupActions::linearChain, true, false),
        new Case("linear chain L=4 square", TestModels.linearChain(r, 5, 5, 5, 5, 5),
            act("linear"), GroupActions::linearChain, true, false),
        new Case("conv relu", TestModels.conv(r), act("relu"),
            (m, g) -> GroupActions.conv(m, g, GroupActions.Kind.POSITIVE_SCALE), true, false),
        new Case("llama GQA attention + gated mlp", TestModels.llama(r, 16, 4, 2, 4, 12), llamaGqa,
            (m, g) -> GroupActions.llama(m, g, 4, 2), true, false),
        new Case("llama MHA attention + gated mlp", TestModels.llama(r, 12, 4, 4, 3, 10), llamaMha,
            (m, g) -> GroupActions.llama(m, g, 4, 4), true, false),
        new Case("gpt2 fused attention + mlp", TestModels.gpt2(r, 16, 4), gpt2,
            (m, g) -> GroupActions.gpt2(m, g, 4), true, false));
  }

  private static Map<String, Double> byKey(List<Observable> obs) {
    Map<String, Double> m = new HashMap<>();
    for (Observable o : obs) {
      m.put(o.group() + " | " + o.name(), o.value());
    }
    return m;
  }

  static double relative(double a, double b) {
    double scale = Math.max(Math.abs(a), Math.abs(b));
    return scale == 0 ? 0 : Math.abs(a - b) / scale;
  }

  private static boolean raw(String key) {
    return key.endsWith("| raw_norm") || key.endsWith("| redundancy");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void observablesAreInvariant(Case c) {
    SymmetryStructure s = StructureInference.infer(TestModels.infos(c.base()), c.description());
    QuotientKernel kernel = new QuotientKernel(s);
    CheckpointObservables ref = kernel.observe(c.base());
    Map<String, Double> expected = byKey(ref.observables());
    Random r = new Random(7);
    double worst = 0;
    String worstKey = "";
    int rawMoved = 0;
    for (int e = 0; e < ELEMENTS; e++) {
      Map<String, Tensor> t = c.action().apply(c.base(), r);
      CheckpointObservables got = kernel.observe(t);
      Map<String, Double> actual = byKey(got.observables());
      assertEquals(expected.keySet(), actual.keySet(), c.label() + ": observable set changed");
      boolean moved = false;
      for (Map.Entry<String, Double> en : expected.entrySet()) {
        double a = actual.get(en.getKey());
        if (raw(en.getKey())) {
          moved |= relative(a, en.getValue()) > 1e-6;
          continue;
        }
        double err = relative(a, en.getValue());
        if (err > worst) {
          worst = err;
          worstKey = en.getKey() + " " + en.getValue() + " vs " + a;
        }
      }
      rawMoved += moved ? 1 : 0;
      for (int i = 0; i < ref.spectra().size(); i++) {
        double[] x = ref.spectra().get(i).sv();
        double[] y = got.spectra().get(i).sv();
        for (int k = 0; k < x.length; k++) {
          assertTrue(Math.abs(x[k] - y[k]) <= TOLERANCE * x[0],
              c.label() + ": spectrum " + ref.spectra().get(i).matrix() + " [" + k + "] " + x[k]
                  + " vs " + y[k]);
        }
      }
    }
    assertTrue(worst <= TOLERANCE, c.label() + ": worst relative change " + worst + " at " + worstKey);
    if (c.continuous()) {
      assertTrue(rawMoved >= ELEMENTS - 2, c.label() + ": raw norm moved for only " + rawMoved
          + " of " + ELEMENTS + " group elements");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void quotientStepVanishesOnTheOrbit(Case c) {
    SymmetryStructure s = StructureInference.infer(TestModels.infos(c.base()), c.description());
    QuotientKernel kernel = new QuotientKernel(s);
    Random r = new Random(11);
    for (int e = 0; e < 20; e++) {
      Map<String, Tensor> t = c.action().apply(c.base(), r);
      Map<String, Double> motion = byKey(kernel.motion(c.base(), t));
      for (SymmetryGroup g : s.groups()) {
        double rawStep = motion.get(g.name() + " | raw_step");
        double q = motion.get(g.name() + " | quotient_step");
        assertTrue(q <= TOLERANCE * Math.max(rawStep, 1e-300) || q == 0,
            c.label() + ": group " + g.name() + " quotient_step " + q + " vs raw_step " + rawStep);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void quotientStepIgnoresTransformsOfEitherCheckpoint(Case c) {
    SymmetryStructure s = StructureInference.infer(TestModels.infos(c.base()), c.description());
    QuotientKernel kernel = new QuotientKernel(s);
    Random r = new Random(13);
    Map<String, Tensor> other = TestModels.perturbed(c.base(), r, 0.2);
    Map<String, Double> ref = byKey(kernel.motion(c.base(), other));
    for (int e = 0; e < 20; e++) {
      Map<String, Tensor> a = c.action().apply(c.base(), r);
      Map<String, Tensor> b = e % 2 == 0 ? other : c.action().apply(other, r);
      Map<String, Double> got = byKey(kernel.motion(a, b));
      for (SymmetryGroup g : s.groups()) {
        String key = g.name() + " | quotient_step";
        assertTrue(relative(ref.get(key), got.get(key)) <= TOLERANCE,
            c.label() + ": " + key + " " + ref.get(key) + " became " + got.get(key));
        if (c.isometric()) {
          assertTrue(got.get(key) <= got.get(g.name() + " | raw_step") * (1 + 1e-12),
              c.label() + ": " + key + " exceeds raw_step");
        }
      }
    }
  }
}
