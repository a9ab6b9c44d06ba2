package org.shockscope.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.shockscope.io.Tensor;

/**
 * drift_fraction = ‖P_T Δθ‖² / ‖Δθ‖²: in [0, 1]; ~0 for plain gradient descent (every
 * mini-batch loss is constant along orbits, so gradients are orthogonal to them); clearly
 * larger with weight decay or Adam; ~1 for a motion along the orbit itself.
 */
class DriftFractionTest {
  static final double LR = 0.01;
  static final int STEPS_PER_CHECKPOINT = 10;

  private static double drift(QuotientKernel kernel, Map<String, Tensor> a, Map<String, Tensor> b,
                              String group) {
    for (Observable o : kernel.motion(a, b)) {
      if (o.group().equals(group) && o.name().equals("drift_fraction")) {
        return o.value();
      }
    }
    throw new AssertionError("no drift_fraction for " + group);
  }

  /** Largest drift over 5 checkpoints, each 10 optimiser steps after the previous one. */
  static double trainAndMeasure(String optimizer) {
    TinyReluMlp net = new TinyReluMlp(new Random(5), 5, 8, 3, 32);
    Map<String, Tensor> prev = net.checkpoint();
    QuotientKernel kernel = new QuotientKernel(StructureInference.infer(TestModels.infos(prev),
        ModelDescription.none().withActivationHint("relu")));
    double worst = 0;
    double smallest = 1;
    for (int c = 0; c < 5; c++) {
      for (int s = 0; s < STEPS_PER_CHECKPOINT; s++) {
        switch (optimizer) {
          case "sgd" -> net.sgd(LR, 0);
          case "weight decay" -> net.sgd(LR, 0.05);
          default -> net.adam(LR);
        }
      }
      Map<String, Tensor> cur = net.checkpoint();
      double d = drift(kernel, prev, cur, "fc1");
      worst = Math.max(worst, d);
      smallest = Math.min(smallest, d);
      prev = cur;
    }
    return optimizer.equals("sgd") ? worst : smallest;
  }

  @Test
  void plainGradientDescentBarelyDrifts() {
    assertTrue(trainAndMeasure("sgd") < 1e-3);
  }

  @Test
  void oneGradientStepIsOrthogonalToTheOrbit() {
    TinyReluMlp net = new TinyReluMlp(new Random(6), 4, 6, 2, 16);
    Map<String, Tensor> prev = net.checkpoint();
    net.sgd(LR, 0);
    QuotientKernel kernel = new QuotientKernel(StructureInference.infer(TestModels.infos(prev),
        ModelDescription.none().withActivationHint("relu")));
    assertTrue(drift(kernel, prev, net.checkpoint(), "fc1") < 1e-12);
  }

  @Test
  void weightDecayAndAdamDriftClearlyMore() {
    double sgd = trainAndMeasure("sgd");
    double decay = trainAndMeasure("weight decay");
    double adam = trainAndMeasure("adam");
    assertTrue(decay > 0.01 && decay > 30 * sgd, "weight decay drift " + decay + " vs sgd " + sgd);
    assertTrue(adam > 0.01 && adam > 30 * sgd, "adam drift " + adam + " vs sgd " + sgd);
  }

  @Test
  void deepLinearGradientDescentIsOrthogonalAndWeightDecayIsNot() {
    Random r = new Random(8);
    Map<String, Tensor> base = TestModels.linearChain(r, 4, 6, 5, 3);
    SymmetryStructure s = StructureInference.infer(TestModels.infos(base),
        ModelDescription.preset("deep-linear"));
    QuotientKernel kernel = new QuotientKernel(s);
    // Loss ½‖W3 W2 W1 − T‖² near a fit (T = current map + noise), so that the gradient does not
    // swamp the decay term.
    double[] target = LinearChainGradient.endToEnd(base);
    for (int i = 0; i < target.length; i++) {
      target[i] += 0.1 * r.nextGaussian();
    }
    Map<String, Tensor> gd = LinearChainGradient.step(base, target, LR, 0);
    Map<String, Tensor> decay = LinearChainGradient.step(base, target, LR, 0.1);
    double plain = drift(kernel, base, gd, "layers");
    double withDecay = drift(kernel, base, decay, "layers");
    assertTrue(plain < 1e-12, "deep linear GD drift " + plain);
    assertTrue(withDecay > 0.01, "deep linear weight decay drift " + withDecay);
  }

  /** Δθ = g_ε·θ − θ for a group element g_ε = identity + O(ε): almost all drift. */
  @Test
  void motionAlongTheOrbitIsAllDrift() {
    Random r = new Random(9);
    List<Object[]> cases = List.of(
        new Object[] {TestModels.mlp(r, 5, 7, 3), ModelDescription.none().withActivationHint("relu"),
            "fc1", (BiFunction<Map<String, Tensor>, Double, Map<String, Tensor>>)
            (m, e) -> Infinitesimal.scaleNeurons(m, e, r)},
        new Object[] {TestModels.deepMlp(r, 5, 7, 6, 3),
            ModelDescription.none().withActivationHint("relu"), "fc1",
            (BiFunction<Map<String, Tensor>, Double, Map<String, Tensor>>)
            (m, e) -> Infinitesimal.scaleNeurons(m, e, r)},
        new Object[] {TestModels.linearChain(r, 4, 6, 5, 3), ModelDescription.preset("deep-linear"),
            "layers", (BiFunction<Map<String, Tensor>, Double, Map<String, Tensor>>)
            (m, e) -> Infinitesimal.chain(m, e, r)},
        new Object[] {TestModels.llama(r, 12, 4, 2, 3, 8),
            ModelDescription.fromJson("{\"num_attention_heads\":4,\"num_key_value_heads\":2}"),
            "model.layers.0.self_attn", (BiFunction<Map<String, Tensor>, Double, Map<String, Tensor>>)
            (m, e) -> Infinitesimal.attention(m, e, r)});
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      Map<String, Tensor> base = (Map<String, Tensor>) c[0];
      @SuppressWarnings("unchecked")
      BiFunction<Map<String, Tensor>, Double, Map<String, Tensor>> move =
          (BiFunction<Map<String, Tensor>, Double, Map<String, Tensor>>) c[3];
      QuotientKernel kernel = new QuotientKernel(StructureInference.infer(TestModels.infos(base),
          (ModelDescription) c[1]));
      double d = drift(kernel, base, move.apply(base, 1e-6), (String) c[2]);
      assertEquals(1.0, d, 1e-4, c[2] + " drift along the orbit");
    }
  }

  @Test
  void driftIsAFractionForArbitrarySteps() {
    Random r = new Random(10);
    InvarianceTest.cases().forEach(c -> {
      QuotientKernel kernel = new QuotientKernel(StructureInference.infer(
          TestModels.infos(c.base()), c.description()));
      for (int e = 0; e < 5; e++) {
        for (Observable o : kernel.motion(c.base(), TestModels.perturbed(c.base(), r, 0.3))) {
          if (o.name().equals("drift_fraction")) {
            assertTrue(o.value() >= 0 && o.value() <= 1, c.label() + " " + o);
          }
        }
      }
    });
  }
}
