package org.shockscope.symmetry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.RandomMatrices_DDRM;
import org.shockscope.io.Tensor;

/**
 * Random elements of the symmetry groups, applied to checkpoints with index arithmetic written
 * for the tests (independently of the kernel's NeuronAxis code paths).
 */
final class GroupActions {
  /** What acts on a neuron besides permutations. */
  enum Kind { PERMUTATION, SIGN, POSITIVE_SCALE, NONZERO_SCALE }

  private GroupActions() {
  }

  static Map<String, Tensor> copy(Map<String, Tensor> m) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Tensor t : m.values()) {
      out.put(t.name(), new Tensor(t.name(), t.dtype(), t.shape(), t.data().clone()));
    }
    return out;
  }

  static int[] permutation(Random r, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  static int[] identityPermutation(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    return p;
  }

  static double[] factors(Random r, int n, Kind kind) {
    double[] f = new double[n];
    for (int i = 0; i < n; i++) {
      double magnitude = Math.exp(3 * r.nextDouble() - 1.5);
      double sign = r.nextBoolean() ? 1 : -1;
      f[i] = switch (kind) {
        case PERMUTATION -> 1;
        case SIGN -> sign;
        case POSITIVE_SCALE -> magnitude;
        case NONZERO_SCALE -> sign * magnitude;
      };
    }
    return f;
  }

  static double[] inverse(double[] f) {
    double[] g = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      g[i] = 1 / f[i];
    }
    return g;
  }

  /** In the view [outer, n, inner]: new[o, perm[j], b] = factor[j] · old[o, j, b]. */
  static void neurons(Map<String, Tensor> m, String name, int outer, int n, int inner, int[] perm,
                      double[] factor) {
    double[] x = m.get(name).data();
    double[] old = x.clone();
    for (int o = 0; o < outer; o++) {
      for (int j = 0; j < n; j++) {
        for (int b = 0; b < inner; b++) {
          x[(o * n + perm[j]) * inner + b] = factor[j] * old[(o * n + j) * inner + b];
        }
      }
    }
  }

  /** Hidden layer between PyTorch linear layers wIn [h, in] (+ bias) and wOut [out, h]. */
  static void linearLayer(Map<String, Tensor> m, Random r, String wIn, String bIn, String wOut,
                          Kind kind) {
    int[] s = m.get(wIn).shape();
    int h = s[0];
    int[] perm = permutation(r, h);
    double[] f = factors(r, h, kind);
    neurons(m, wIn, 1, h, s[1], perm, f);
    if (bIn != null) {
      neurons(m, bIn, 1, h, 1, perm, f);
    }
    neurons(m, wOut, m.get(wOut).shape()[0], h, 1, perm, inverse(f));
  }

  static Map<String, Tensor> mlp(Map<String, Tensor> m, Random r, Kind kind) {
    Map<String, Tensor> c = copy(m);
    linearLayer(c, r, "fc1.weight", "fc1.bias", "fc2.weight", kind);
    return c;
  }

  static Map<String, Tensor> deepMlp(Map<String, Tensor> m, Random r, Kind kind) {
    Map<String, Tensor> c = copy(m);
    linearLayer(c, r, "fc1.weight", "fc1.bias", "fc2.weight", kind);
    linearLayer(c, r, "fc2.weight", "fc2.bias", "fc3.weight", kind);
    return c;
  }

  /** conv1 channels (4) and conv2 channels (5, flattened over 4 positions into fc). */
  static Map<String, Tensor> conv(Map<String, Tensor> m, Random r, Kind kind) {
    Map<String, Tensor> c = copy(m);
    int[] p1 = permutation(r, 4);
    double[] f1 = factors(r, 4, kind);
    neurons(c, "conv1.weight", 1, 4, 27, p1, f1);
    neurons(c, "conv1.bias", 1, 4, 1, p1, f1);
    neurons(c, "conv2.weight", 5, 4, 9, p1, inverse(f1));
    int[] p2 = permutation(r, 5);
    double[] f2 = factors(r, 5, kind);
    neurons(c, "conv2.weight", 1, 5, 36, p2, f2);
    neurons(c, "conv2.bias", 1, 5, 1, p2, f2);
    neurons(c, "fc.weight", 3, 5, 4, p2, inverse(f2));
    return c;
  }

  /** A random well-conditioned invertible matrix Q₁·diag(e^u)·Q₂, u ∈ [−1, 1]. */
  static DMatrixRMaj invertible(Random r, int n) {
    DMatrixRMaj q1 = RandomMatrices_DDRM.orthogonal(n, n, r);
    DMatrixRMaj q2 = RandomMatrices_DDRM.orthogonal(n, n, r);
    for (int i = 0; i < n; i++) {
      double s = Math.exp(2 * r.nextDouble() - 1);
      for (int j = 0; j < n; j++) {
        q1.data[j * n + i] *= s;
      }
    }
    DMatrixRMaj a = new DMatrixRMaj(n, n);
    CommonOps_DDRM.mult(q1, q2, a);
    return a;
  }

  /** I + ε·G with G standard Gaussian (ε > 0), or a random {@link #invertible} (ε = 0). */
  static DMatrixRMaj element(Random r, int n, double eps) {
    if (eps == 0) {
      return invertible(r, n);
    }
    DMatrixRMaj a = CommonOps_DDRM.identity(n);
    for (int i = 0; i < n * n; i++) {
      a.data[i] += eps * r.nextGaussian();
    }
    return a;
  }

  static DMatrixRMaj inverse(DMatrixRMaj a) {
    DMatrixRMaj inv = a.copy();
    if (!CommonOps_DDRM.invert(inv)) {
      throw new IllegalStateException("singular test matrix");
    }
    return inv;
  }

  /** W_l → A·W_l, W_(l+1) → W_(l+1)·A⁻¹ on every hidden space of layers.0..L−1. */
  static Map<String, Tensor> linearChain(Map<String, Tensor> m, Random r) {
    return linearChain(m, r, 0);
  }

  /** As {@link #linearChain(Map, Random)} with elements ε from the identity ({@link #element}). */
  static Map<String, Tensor> linearChain(Map<String, Tensor> m, Random r, double eps) {
    Map<String, Tensor> c = copy(m);
    int depth = c.size();
    for (int l = 0; l + 1 < depth; l++) {
      Tensor w = c.get("layers." + l + ".weight");
      Tensor next = c.get("layers." + (l + 1) + ".weight");
      int h = w.shape()[0];
      DMatrixRMaj a = element(r, h, eps);
      DMatrixRMaj x = DMatrixRMaj.wrap(h, w.shape()[1], w.data().clone());
      DMatrixRMaj y = DMatrixRMaj.wrap(next.shape()[0], h, next.data().clone());
      DMatrixRMaj ax = new DMatrixRMaj(h, w.shape()[1]);
      DMatrixRMaj ya = new DMatrixRMaj(next.shape()[0], h);
      CommonOps_DDRM.mult(a, x, ax);
      CommonOps_DDRM.mult(y, inverse(a), ya);
      System.arraycopy(ax.data, 0, w.data(), 0, ax.data.length);
      System.arraycopy(ya.data, 0, next.data(), 0, ya.data.length);
    }
    return c;
  }

  /** Llama gated MLP: permutation of the intermediate units, non-zero rescaling of up/down. */
  static void gated(Map<String, Tensor> c, Random r, String prefix) {
    int[] s = c.get(prefix + "up_proj.weight").shape();
    int n = s[0];
    int[] perm = permutation(r, n);
    double[] f = factors(r, n, Kind.NONZERO_SCALE);
    double[] one = factors(r, n, Kind.PERMUTATION);
    neurons(c, prefix + "gate_proj.weight", 1, n, s[1], perm, one);
    neurons(c, prefix + "up_proj.weight", 1, n, s[1], perm, f);
    neurons(c, prefix + "down_proj.weight", c.get(prefix + "down_proj.weight").shape()[0], n, 1,
        perm, inverse(f));
  }

  /**
   * Head permutations (key/value heads, query heads within them), GL(d) on (Q, K) and on (V, O)
   * per key/value head, biases moving along.
   */
  static AttentionParams attention(AttentionParams a, Random r) {
    return attention(a, r, 0);
  }

  /** With ε > 0: no permutations and GL elements ε from the identity. */
  static AttentionParams attention(AttentionParams a, Random r, double eps) {
    int m = a.heads / a.kv;
    AttentionParams t = new AttentionParams(a.heads, a.kv, a.d, a.dModel, a.qb != null);
    int[] groupPerm = eps == 0 ? permutation(r, a.kv) : identityPermutation(a.kv);
    for (int g = 0; g < a.kv; g++) {
      DMatrixRMaj qk = element(r, a.d, eps);
      DMatrixRMaj qkInvT = inverse(qk);
      CommonOps_DDRM.transpose(qkInvT);
      DMatrixRMaj vo = element(r, a.d, eps);
      DMatrixRMaj voInvT = inverse(vo);
      CommonOps_DDRM.transpose(voInvT);
      int g2 = groupPerm[g];
      int[] inner = eps == 0 ? permutation(r, m) : identityPermutation(m);
      t.k[g2] = apply(qkInvT, a.k[g]);
      t.v[g2] = apply(vo, a.v[g]);
      if (a.kb != null) {
        t.kb[g2] = apply(qkInvT, a.kb[g]);
        t.vb[g2] = apply(vo, a.vb[g]);
      }
      for (int j = 0; j < m; j++) {
        int h = g * m + j;
        int h2 = g2 * m + inner[j];
        t.q[h2] = apply(qk, a.q[h]);
        t.o[h2] = apply(voInvT, a.o[h]);
        if (a.qb != null) {
          t.qb[h2] = apply(qk, a.qb[h]);
        }
      }
    }
    return t;
  }

  private static double[][] apply(DMatrixRMaj a, double[][] x) {
    int d = a.numRows;
    int cols = x[0].length;
    double[][] y = new double[d][cols];
    for (int i = 0; i < d; i++) {
      for (int k = 0; k < d; k++) {
        double aik = a.data[i * d + k];
        for (int c = 0; c < cols; c++) {
          y[i][c] += aik * x[k][c];
        }
      }
    }
    return y;
  }

  private static double[] apply(DMatrixRMaj a, double[] x) {
    int d = a.numRows;
    double[] y = new double[d];
    for (int i = 0; i < d; i++) {
      for (int k = 0; k < d; k++) {
        y[i] += a.data[i * d + k] * x[k];
      }
    }
    return y;
  }

  static Map<String, Tensor> llama(Map<String, Tensor> m, Random r, int heads, int kv) {
    String p = "model.layers.0.";
    Map<String, Tensor> c = copy(m);
    AttentionParams a = AttentionParams.fromLlama(m, p + "self_attn.", heads, kv);
    c.putAll(attention(a, r).toLlama(p + "self_attn."));
    gated(c, r, p + "mlp.");
    return c;
  }

  static Map<String, Tensor> gpt2(Map<String, Tensor> m, Random r, int heads) {
    String p = "transformer.h.0.";
    Map<String, Tensor> c = copy(m);
    AttentionParams a = AttentionParams.fromGpt2(m, p + "attn.", heads);
    c.putAll(attention(a, r).toGpt2(p + "attn."));
    int[] s = c.get(p + "mlp.c_fc.weight").shape();
    int n = s[1];
    int[] perm = permutation(r, n);
    double[] one = factors(r, n, Kind.PERMUTATION);
    neurons(c, p + "mlp.c_fc.weight", s[0], n, 1, perm, one);
    neurons(c, p + "mlp.c_fc.bias", 1, n, 1, perm, one);
    neurons(c, p + "mlp.c_proj.weight", 1, n, s[0], perm, one);
    return c;
  }
}
