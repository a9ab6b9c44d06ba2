package org.shockscope.symmetry;

import java.util.Map;
import java.util.Random;
import org.shockscope.io.Tensor;

/**
 * A small ReLU MLP y = W2·relu(W1·x + b1) + b2 trained on random regression data with exact
 * gradients of L = (1/2N)·Σ‖y − t‖², by plain gradient descent, gradient descent with weight
 * decay, or Adam (Kingma &amp; Ba 2015), for the drift-fraction tests.
 */
final class TinyReluMlp {
  final int in;
  final int hidden;
  final int out;
  final double[] w1;
  final double[] b1;
  final double[] w2;
  final double[] b2;
  private final double[][] x;
  private final double[][] t;
  private final double[][] m;
  private final double[][] v;
  private int adamSteps;

  TinyReluMlp(Random r, int in, int hidden, int out, int samples) {
    this.in = in;
    this.hidden = hidden;
    this.out = out;
    // Unbalanced initialisation: incoming weights ten times larger than outgoing ones.
    w1 = TestModels.gaussian(r, hidden * in, 1.0);
    b1 = TestModels.gaussian(r, hidden, 0.5);
    w2 = TestModels.gaussian(r, out * hidden, 0.1);
    b2 = new double[out];
    x = new double[samples][];
    t = new double[samples][];
    for (int s = 0; s < samples; s++) {
      x[s] = TestModels.gaussian(r, in, 1.0);
      t[s] = TestModels.gaussian(r, out, 1.0);
    }
    m = new double[][] {new double[w1.length], new double[b1.length], new double[w2.length],
        new double[b2.length]};
    v = new double[][] {new double[w1.length], new double[b1.length], new double[w2.length],
        new double[b2.length]};
  }

  /** Exact gradients of the loss with respect to (w1, b1, w2, b2). */
  double[][] gradients() {
    double[][] g = {new double[w1.length], new double[b1.length], new double[w2.length],
        new double[b2.length]};
    int n = x.length;
    double[] z = new double[hidden];
    double[] a = new double[hidden];
    double[] dy = new double[out];
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < hidden; j++) {
        double acc = b1[j];
        for (int i = 0; i < in; i++) {
          acc += w1[j * in + i] * x[s][i];
        }
        z[j] = acc;
        a[j] = Math.max(acc, 0);
      }
      for (int o = 0; o < out; o++) {
        double y = b2[o];
        for (int j = 0; j < hidden; j++) {
          y += w2[o * hidden + j] * a[j];
        }
        dy[o] = (y - t[s][o]) / n;
        g[3][o] += dy[o];
        for (int j = 0; j < hidden; j++) {
          g[2][o * hidden + j] += dy[o] * a[j];
        }
      }
      for (int j = 0; j < hidden; j++) {
        if (z[j] <= 0) {
          continue;
        }
        double dz = 0;
        for (int o = 0; o < out; o++) {
          dz += w2[o * hidden + j] * dy[o];
        }
        g[1][j] += dz;
        for (int i = 0; i < in; i++) {
          g[0][j * in + i] += dz * x[s][i];
        }
      }
    }
    return g;
  }

  private double[][] params() {
    return new double[][] {w1, b1, w2, b2};
  }

  /** One gradient step θ ← θ − lr·(∇L + weightDecay·θ). */
  void sgd(double lr, double weightDecay) {
    double[][] g = gradients();
    double[][] p = params();
    for (int k = 0; k < p.length; k++) {
      for (int i = 0; i < p[k].length; i++) {
        p[k][i] -= lr * (g[k][i] + weightDecay * p[k][i]);
      }
    }
  }

  /** One Adam step (β₁ = 0.9, β₂ = 0.999, ε = 1e-8). */
  void adam(double lr) {
    double[][] g = gradients();
    double[][] p = params();
    adamSteps++;
    double c1 = 1 - Math.pow(0.9, adamSteps);
    double c2 = 1 - Math.pow(0.999, adamSteps);
    for (int k = 0; k < p.length; k++) {
      for (int i = 0; i < p[k].length; i++) {
        m[k][i] = 0.9 * m[k][i] + 0.1 * g[k][i];
        v[k][i] = 0.999 * v[k][i] + 0.001 * g[k][i] * g[k][i];
        p[k][i] -= lr * (m[k][i] / c1) / (Math.sqrt(v[k][i] / c2) + 1e-8);
      }
    }
  }

  /** The parameters as a checkpoint with the lab's names. */
  Map<String, Tensor> checkpoint() {
    return TestModels.of(TestModels.tensor("fc1.weight", w1.clone(), hidden, in),
        TestModels.tensor("fc1.bias", b1.clone(), hidden),
        TestModels.tensor("fc2.weight", w2.clone(), out, hidden),
        TestModels.tensor("fc2.bias", b2.clone(), out));
  }
}
