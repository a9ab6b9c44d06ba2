package org.shockscope.lab;

import java.util.Arrays;
import java.util.Random;

/**
 * The network of the grokking family: one GPT-2 MLP block over the sum of the two operands'
 * token embeddings, as in the embedding-plus-decoder models of Liu et al., "Towards
 * Understanding Grokking: An Effective Theory of Representation Learning" (2022) and
 * "Omnigrok" (2022), with GPT-2's tensor names and Conv1D layout (y = x·W + b, W [in, out]):
 * <pre>
 * e = wte[a] + wte[b]                       (d)
 * h = relu(e·c_fc + c_fc_b)                 (hidden)
 * o = e + h·c_proj + c_proj_b               (d; the block's residual connection)
 * logits = o·lm_headᵀ                       (p classes, the residue (a + b) mod p)
 * </pre>
 * trained on the mean cross-entropy over a batch of pairs. Forward and backward passes are
 * exact (hand-derived reverse mode), one pair at a time, in workspaces sized once.
 */
final class ModularAdditionMlp {
  final ParameterSet params;
  private final int p;
  private final int d;
  private final int hidden;
  private final double[] wte;
  private final double[] fc;
  private final double[] fcB;
  private final double[] proj;
  private final double[] projB;
  private final double[] head;
  private final double[] e;
  private final double[] pre;
  private final double[] o;
  private final double[] probs;
  private final double[] dO;
  private final double[] dE;

  /**
   * A model whose weights are N(0, (α/√fan_in)²) (wte: N(0, α²/d)) and biases zero.
   *
   * @param p      modulus: vocabulary and classes
   * @param d      embedding width
   * @param hidden MLP width
   * @param alpha  initialisation scale α (Omnigrok: a large α delays generalisation)
   */
  ModularAdditionMlp(Random rng, int p, int d, int hidden, double alpha) {
    this.p = p;
    this.d = d;
    this.hidden = hidden;
    this.wte = SeedStreams.gaussian(rng, p * d, alpha / Math.sqrt(d));
    this.fc = SeedStreams.gaussian(rng, d * hidden, alpha / Math.sqrt(d));
    this.fcB = new double[hidden];
    this.proj = SeedStreams.gaussian(rng, hidden * d, alpha / Math.sqrt(hidden));
    this.projB = new double[d];
    this.head = SeedStreams.gaussian(rng, p * d, alpha / Math.sqrt(d));
    this.params = new ParameterSet()
        .trained("transformer.wte.weight", new int[] {p, d}, wte)
        .trained("transformer.h.0.mlp.c_fc.weight", new int[] {d, hidden}, fc)
        .trained("transformer.h.0.mlp.c_fc.bias", new int[] {hidden}, fcB)
        .trained("transformer.h.0.mlp.c_proj.weight", new int[] {hidden, d}, proj)
        .trained("transformer.h.0.mlp.c_proj.bias", new int[] {d}, projB)
        .trained("lm_head.weight", new int[] {p, d}, head);
    this.e = new double[d];
    this.pre = new double[hidden];
    this.o = new double[d];
    this.probs = new double[p];
    this.dO = new double[d];
    this.dE = new double[d];
  }

  /**
   * The cross-entropy of predicting (a + b) mod p for the pair (a, b), leaving the activations
   * and probabilities for {@link #backward}.
   */
  double forward(int a, int b) {
    for (int c = 0; c < d; c++) {
      e[c] = wte[a * d + c] + wte[b * d + c];
    }
    System.arraycopy(fcB, 0, pre, 0, hidden);
    for (int i = 0; i < d; i++) {
      double ei = e[i];
      int row = i * hidden;
      for (int j = 0; j < hidden; j++) {
        pre[j] += ei * fc[row + j];
      }
    }
    for (int c = 0; c < d; c++) {
      o[c] = e[c] + projB[c];
    }
    for (int j = 0; j < hidden; j++) {
      double hj = pre[j] > 0 ? pre[j] : 0;
      if (hj == 0) {
        continue;
      }
      int row = j * d;
      for (int c = 0; c < d; c++) {
        o[c] += hj * proj[row + c];
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int v = 0; v < p; v++) {
      double z = 0;
      for (int c = 0; c < d; c++) {
        z += o[c] * head[v * d + c];
      }
      probs[v] = z;
      max = Math.max(max, z);
    }
    int target = (a + b) % p;
    double zt = probs[target];
    double sum = 0;
    for (int v = 0; v < p; v++) {
      double x = Math.exp(probs[v] - max);
      probs[v] = x;
      sum += x;
    }
    for (int v = 0; v < p; v++) {
      probs[v] /= sum;
    }
    return max + Math.log(sum) - zt;
  }

  /** Whether the last {@link #forward} pair's largest logit is the right residue. */
  boolean correct(int a, int b) {
    int target = (a + b) % p;
    for (int v = 0; v < p; v++) {
      if (probs[v] > probs[target]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Adds to {@code grads} (same order as {@link ParameterSet#trained()}) the gradient of
   * weight·CE of the last {@link #forward} pair.
   */
  void backward(int a, int b, double weight, double[][] grads) {
    int target = (a + b) % p;
    double[] gWte = grads[0];
    double[] gFc = grads[1];
    double[] gFcB = grads[2];
    double[] gProj = grads[3];
    double[] gProjB = grads[4];
    double[] gHead = grads[5];
    Arrays.fill(dO, 0);
    for (int v = 0; v < p; v++) {
      double g = weight * (probs[v] - (v == target ? 1 : 0));
      for (int c = 0; c < d; c++) {
        gHead[v * d + c] += g * o[c];
        dO[c] += g * head[v * d + c];
      }
    }
    System.arraycopy(dO, 0, dE, 0, d);
    for (int c = 0; c < d; c++) {
      gProjB[c] += dO[c];
    }
    for (int j = 0; j < hidden; j++) {
      if (pre[j] <= 0) {
        continue;
      }
      double hj = pre[j];
      int row = j * d;
      double dh = 0;
      for (int c = 0; c < d; c++) {
        gProj[row + c] += hj * dO[c];
        dh += proj[row + c] * dO[c];
      }
      gFcB[j] += dh;
      for (int i = 0; i < d; i++) {
        gFc[i * hidden + j] += e[i] * dh;
        dE[i] += fc[i * hidden + j] * dh;
      }
    }
    for (int c = 0; c < d; c++) {
      gWte[a * d + c] += dE[c];
      gWte[b * d + c] += dE[c];
    }
  }
}
