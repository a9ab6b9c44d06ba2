package org.shockscope.symmetry;

import java.util.Map;
import java.util.Random;
import org.shockscope.io.Tensor;

/** Group elements ε away from the identity, for checking that orbit motion is all drift. */
final class Infinitesimal {
  private Infinitesimal() {
  }

  private static double[] nearOne(Random r, int n, double eps) {
    double[] f = new double[n];
    for (int i = 0; i < n; i++) {
      f[i] = Math.exp(eps * r.nextGaussian());
    }
    return f;
  }

  /** Rescales the neurons of every hidden layer fc_k → fc_(k+1) by factors e^(ε·N(0,1)). */
  static Map<String, Tensor> scaleNeurons(Map<String, Tensor> m, double eps, Random r) {
    Map<String, Tensor> c = GroupActions.copy(m);
    for (int k = 1; c.containsKey("fc" + (k + 1) + ".weight"); k++) {
      String in = "fc" + k + ".";
      int[] s = c.get(in + "weight").shape();
      int[] id = GroupActions.identityPermutation(s[0]);
      double[] f = nearOne(r, s[0], eps);
      GroupActions.neurons(c, in + "weight", 1, s[0], s[1], id, f);
      GroupActions.neurons(c, in + "bias", 1, s[0], 1, id, f);
      String out = "fc" + (k + 1) + ".weight";
      GroupActions.neurons(c, out, c.get(out).shape()[0], s[0], 1, id, GroupActions.inverse(f));
    }
    return c;
  }

  /** W_l → (I + εB)·W_l, W_(l+1) → W_(l+1)·(I + εB)⁻¹ on every hidden space. */
  static Map<String, Tensor> chain(Map<String, Tensor> m, double eps, Random r) {
    return GroupActions.linearChain(m, r, eps);
  }

  static Map<String, Tensor> attention(Map<String, Tensor> m, double eps, Random r) {
    String p = "model.layers.0.self_attn.";
    AttentionParams a = AttentionParams.fromLlama(m, p, 4, 2);
    Map<String, Tensor> c = GroupActions.copy(m);
    c.putAll(GroupActions.attention(a, r, eps).toLlama(p));
    return c;
  }
}
