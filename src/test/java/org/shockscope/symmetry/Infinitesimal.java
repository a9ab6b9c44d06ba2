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

  static Map<String, Tensor> scaleNeurons(Map<String, Tensor> m, double eps, Random r) {
    Map<String, Tensor> c = GroupActions.copy(m);
    int[] s = c.get("fc1.weight").shape();
    double[] f = nearOne(r, s[0], eps);
    GroupActions.neurons(c, "fc1.weight", 1, s[0], s[1], GroupActions.identityPermutation(s[0]), f);
    GroupActions.neurons(c, "fc1.bias", 1, s[0], 1, GroupActions.identityPermutation(s[0]), f);
    GroupActions.neurons(c, "fc2.weight", c.get("fc2.weight").shape()[0], s[0], 1, GroupActions.identityPermutation(s[0]),
        GroupActions.inverse(f));
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
