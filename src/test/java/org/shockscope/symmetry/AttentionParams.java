package org.shockscope.symmetry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.shockscope.io.Tensor;

/**
 * Attention parameters in per-head mathematical form, for building checkpoints in Llama and
 * GPT-2 layouts and for applying group elements independently of the kernel's code: q[h], k[g],
 * v[g] are d × D (q_h = W x), o[h] is W_O,hᵀ (d × D); biases are d-vectors.
 */
final class AttentionParams {
  final int heads;
  final int kv;
  final int d;
  final int dModel;
  final double[][][] q;
  final double[][][] k;
  final double[][][] v;
  final double[][][] o;
  final double[][] qb;
  final double[][] kb;
  final double[][] vb;

  AttentionParams(int heads, int kv, int d, int dModel, boolean bias) {
    this.heads = heads;
    this.kv = kv;
    this.d = d;
    this.dModel = dModel;
    q = new double[heads][d][dModel];
    k = new double[kv][d][dModel];
    v = new double[kv][d][dModel];
    o = new double[heads][d][dModel];
    qb = bias ? new double[heads][d] : null;
    kb = bias ? new double[kv][d] : null;
    vb = bias ? new double[kv][d] : null;
  }

  static AttentionParams random(Random r, int heads, int kv, int d, int dModel, boolean bias) {
    AttentionParams a = new AttentionParams(heads, kv, d, dModel, bias);
    for (double[][][] blocks : new double[][][][] {a.q, a.k, a.v, a.o}) {
      for (double[][] b : blocks) {
        for (double[] row : b) {
          for (int c = 0; c < dModel; c++) {
            row[c] = r.nextGaussian();
          }
        }
      }
    }
    if (bias) {
      for (double[][] b : new double[][][] {a.qb, a.kb, a.vb}) {
        for (double[] row : b) {
          for (int i = 0; i < d; i++) {
            row[i] = r.nextGaussian();
          }
        }
      }
    }
    return a;
  }

  /** Reads the parameters back from a Llama-layout checkpoint. */
  static AttentionParams fromLlama(Map<String, Tensor> m, String prefix, int heads, int kv) {
    Tensor qt = m.get(prefix + "q_proj.weight");
    int dModel = qt.shape()[1];
    int d = qt.shape()[0] / heads;
    AttentionParams a = new AttentionParams(heads, kv, d, dModel, false);
    readRows(qt.data(), a.q, dModel);
    readRows(m.get(prefix + "k_proj.weight").data(), a.k, dModel);
    readRows(m.get(prefix + "v_proj.weight").data(), a.v, dModel);
    double[] ow = m.get(prefix + "o_proj.weight").data();
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < d; i++) {
        for (int c = 0; c < dModel; c++) {
          a.o[h][i][c] = ow[c * heads * d + h * d + i];
        }
      }
    }
    return a;
  }

  /** Reads the parameters back from a GPT-2 (Conv1D) checkpoint. */
  static AttentionParams fromGpt2(Map<String, Tensor> m, String prefix, int heads) {
    Tensor w = m.get(prefix + "c_attn.weight");
    int dModel = w.shape()[0];
    int d = dModel / heads;
    AttentionParams a = new AttentionParams(heads, heads, d, dModel, true);
    double[] x = w.data();
    double[] b = m.get(prefix + "c_attn.bias").data();
    int cols = 3 * dModel;
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < d; i++) {
        for (int c = 0; c < dModel; c++) {
          a.q[h][i][c] = x[c * cols + h * d + i];
          a.k[h][i][c] = x[c * cols + dModel + h * d + i];
          a.v[h][i][c] = x[c * cols + 2 * dModel + h * d + i];
        }
        a.qb[h][i] = b[h * d + i];
        a.kb[h][i] = b[dModel + h * d + i];
        a.vb[h][i] = b[2 * dModel + h * d + i];
      }
    }
    double[] p = m.get(prefix + "c_proj.weight").data();
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < d; i++) {
        System.arraycopy(p, (h * d + i) * dModel, a.o[h][i], 0, dModel);
      }
    }
    return a;
  }

  private static void readRows(double[] w, double[][][] blocks, int dModel) {
    int d = blocks[0].length;
    for (int h = 0; h < blocks.length; h++) {
      for (int i = 0; i < d; i++) {
        System.arraycopy(w, (h * d + i) * dModel, blocks[h][i], 0, dModel);
      }
    }
  }

  Map<String, Tensor> toLlama(String prefix) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put(prefix + "q_proj.weight", TestModels.tensor(prefix + "q_proj.weight", rows(q), heads * d, dModel));
    m.put(prefix + "k_proj.weight", TestModels.tensor(prefix + "k_proj.weight", rows(k), kv * d, dModel));
    m.put(prefix + "v_proj.weight", TestModels.tensor(prefix + "v_proj.weight", rows(v), kv * d, dModel));
    double[] ow = new double[dModel * heads * d];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < d; i++) {
        for (int c = 0; c < dModel; c++) {
          ow[c * heads * d + h * d + i] = o[h][i][c];
        }
      }
    }
    m.put(prefix + "o_proj.weight", TestModels.tensor(prefix + "o_proj.weight", ow, dModel, heads * d));
    return m;
  }

  Map<String, Tensor> toGpt2(String prefix) {
    int cols = 3 * dModel;
    double[] x = new double[dModel * cols];
    double[] b = new double[cols];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < d; i++) {
        for (int c = 0; c < dModel; c++) {
          x[c * cols + h * d + i] = q[h][i][c];
          x[c * cols + dModel + h * d + i] = k[h][i][c];
          x[c * cols + 2 * dModel + h * d + i] = v[h][i][c];
        }
        b[h * d + i] = qb[h][i];
        b[dModel + h * d + i] = kb[h][i];
        b[2 * dModel + h * d + i] = vb[h][i];
      }
    }
    double[] p = new double[heads * d * dModel];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < d; i++) {
        System.arraycopy(o[h][i], 0, p, (h * d + i) * dModel, dModel);
      }
    }
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put(prefix + "c_attn.weight", TestModels.tensor(prefix + "c_attn.weight", x, dModel, cols));
    m.put(prefix + "c_attn.bias", TestModels.tensor(prefix + "c_attn.bias", b, cols));
    m.put(prefix + "c_proj.weight", TestModels.tensor(prefix + "c_proj.weight", p, heads * d, dModel));
    return m;
  }

  private double[] rows(double[][][] blocks) {
    double[] w = new double[blocks.length * d * dModel];
    for (int h = 0; h < blocks.length; h++) {
      for (int i = 0; i < d; i++) {
        System.arraycopy(blocks[h][i], 0, w, (h * d + i) * dModel, dModel);
      }
    }
    return w;
  }
}
