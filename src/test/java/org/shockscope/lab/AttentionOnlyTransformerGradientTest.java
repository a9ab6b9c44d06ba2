package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-derived backward pass of {@link AttentionOnlyTransformer} against central finite
 * differences of its float64 loss, on every coordinate of a tiny two-layer, two-head model
 * moved away from its small initialisation so that attention is far from uniform.
 */
class AttentionOnlyTransformerGradientTest {
  private static final int VOCAB = 5;
  private static final int LEN = 6;
  private static final double H = 1e-5;

  private static double loss(AttentionOnlyTransformer m, int[][] seqs) {
    double[] ce = new double[LEN];
    double total = 0;
    for (int[] s : seqs) {
      m.forward(s, LEN, ce);
      for (int t = 0; t < LEN; t++) {
        total += ce[t];
      }
    }
    return total / (seqs.length * LEN);
  }

  @Test
  void backwardMatchesCentralDifferencesOnEveryParameter() {
    Random r = new Random(3);
    AttentionOnlyTransformer m = new AttentionOnlyTransformer(r, VOCAB, LEN + 1, 4, 2, 2, 0.7);
    double[][] params = m.params.trained();
    for (double[] p : params) {
      for (int i = 0; i < p.length; i++) {
        p[i] += 0.3 * r.nextGaussian();
      }
    }
    int[][] seqs = new int[3][LEN + 1];
    for (int[] s : seqs) {
      for (int t = 0; t < s.length; t++) {
        s[t] = r.nextInt(VOCAB);
      }
    }
    double[][] grads = m.params.gradientBuffers();
    double[] ce = new double[LEN];
    for (int[] s : seqs) {
      m.forward(s, LEN, ce);
      m.backward(s, LEN, 1.0 / (seqs.length * LEN), grads);
    }
    int checked = 0;
    for (int a = 0; a < params.length; a++) {
      double[] p = params[a];
      for (int i = 0; i < p.length; i++) {
        double keep = p[i];
        p[i] = keep + H;
        double up = loss(m, seqs);
        p[i] = keep - H;
        double down = loss(m, seqs);
        p[i] = keep;
        double fd = (up - down) / (2 * H);
        double err = Math.abs(fd - grads[a][i])
            / Math.max(1e-4, Math.abs(fd) + Math.abs(grads[a][i]));
        assertTrue(err < 1e-6, "tensor " + a + " index " + i + ": backward " + grads[a][i]
            + " vs finite difference " + fd);
        checked++;
      }
    }
    // wte 5×4, wpe 7×4, per layer c_attn 4×12 + 12 and c_proj 4×4 + 4, lm_head 5×4
    assertEquals(228, checked);
  }
}
