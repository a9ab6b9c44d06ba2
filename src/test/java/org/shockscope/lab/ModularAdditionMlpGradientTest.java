package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-derived backward pass of {@link ModularAdditionMlp} against central finite
 * differences of its float64 loss, on every coordinate of a tiny model (p = 5, d = 3, 6 hidden
 * ReLU units with random biases, so that some are inactive on some pairs).
 */
class ModularAdditionMlpGradientTest {
  private static final int P = 5;
  private static final double H = 1e-6;
  private static final int[][] PAIRS = {{0, 1}, {2, 2}, {4, 3}, {1, 4}, {3, 0}};

  private static double loss(ModularAdditionMlp m) {
    double total = 0;
    for (int[] ab : PAIRS) {
      total += m.forward(ab[0], ab[1]);
    }
    return total / PAIRS.length;
  }

  @Test
  void backwardMatchesCentralDifferencesOnEveryParameter() {
    Random r = new Random(5);
    ModularAdditionMlp m = new ModularAdditionMlp(r, P, 3, 6, 1.5);
    double[][] params = m.params.trained();
    for (double[] p : params) {
      for (int i = 0; i < p.length; i++) {
        p[i] += 0.2 * r.nextGaussian();
      }
    }
    double[][] grads = m.params.gradientBuffers();
    for (int[] ab : PAIRS) {
      m.forward(ab[0], ab[1]);
      m.backward(ab[0], ab[1], 1.0 / PAIRS.length, grads);
    }
    int checked = 0;
    for (int a = 0; a < params.length; a++) {
      double[] p = params[a];
      for (int i = 0; i < p.length; i++) {
        double keep = p[i];
        p[i] = keep + H;
        double up = loss(m);
        p[i] = keep - H;
        double down = loss(m);
        p[i] = keep;
        double fd = (up - down) / (2 * H);
        double err = Math.abs(fd - grads[a][i])
            / Math.max(1e-4, Math.abs(fd) + Math.abs(grads[a][i]));
        assertTrue(err < 1e-6, "tensor " + a + " index " + i + ": backward " + grads[a][i]
            + " vs finite difference " + fd);
        checked++;
      }
    }
    // wte 5×3, c_fc 3×6 + 6, c_proj 6×3 + 3, lm_head 5×3
    assertEquals(75, checked);
  }
}
