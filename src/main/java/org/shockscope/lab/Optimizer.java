package org.shockscope.lab;

/**
 * Applies one optimiser's updates to a set of parameter arrays, owning the state (momentum
 * buffers, Adam moments) sized once to the parameters. Semantics follow PyTorch's
 * {@code torch.optim.SGD} (momentum without dampening or Nesterov; the buffer starts at the
 * first gradient), {@code Adam} (L2 decay added to the gradient; bias-corrected moments) and
 * {@code AdamW} (decoupled decay θ ← θ(1 − ηλ) first).
 */
final class Optimizer {
  private final OptimizerSettings settings;
  /** Heavy-ball buffer or Adam first moment, per parameter array; null for plain rules. */
  private final double[][] first;
  /** Adam second moment; null for non-adaptive rules. */
  private final double[][] second;
  private double beta1Power = 1;
  private double beta2Power = 1;
  private int updates;

  Optimizer(OptimizerSettings settings, double[][] params) {
    this.settings = settings;
    boolean buffered = settings.kind() == OptimizerKind.MOMENTUM || settings.kind().adaptive();
    this.first = buffered ? zerosLike(params) : null;
    this.second = settings.kind().adaptive() ? zerosLike(params) : null;
  }

  /**
   * Applies update number {@link #updates()} to {@code params} (modified in place) with the
   * gradient {@code grads} of the loss (input, not modified; same shapes as params).
   */
  void step(double[][] params, double[][] grads) {
    double lr = settings.lrAt(updates);
    double wd = settings.weightDecay();
    switch (settings.kind()) {
      case GD, SGD -> {
        for (int a = 0; a < params.length; a++) {
          double[] p = params[a];
          double[] g = grads[a];
          for (int i = 0; i < p.length; i++) {
            p[i] -= lr * (g[i] + wd * p[i]);
          }
        }
      }
      case MOMENTUM -> {
        double mu = settings.momentum();
        for (int a = 0; a < params.length; a++) {
          double[] p = params[a];
          double[] g = grads[a];
          double[] b = first[a];
          for (int i = 0; i < p.length; i++) {
            double gi = g[i] + wd * p[i];
            b[i] = updates == 0 ? gi : mu * b[i] + gi;
            p[i] -= lr * b[i];
          }
        }
      }
      case ADAM, ADAMW -> adam(params, grads, lr, wd, settings.kind() == OptimizerKind.ADAMW);
      default -> throw new IllegalStateException("unhandled optimizer " + settings.kind());
    }
    updates++;
  }

  /** Number of updates applied so far. */
  int updates() {
    return updates;
  }

  private void adam(double[][] params, double[][] grads, double lr, double wd,
                    boolean decoupled) {
    double b1 = settings.beta1();
    double b2 = settings.beta2();
    beta1Power *= b1;
    beta2Power *= b2;
    double c1 = 1 - beta1Power;
    double c2 = 1 - beta2Power;
    double eps = settings.eps();
    for (int a = 0; a < params.length; a++) {
      double[] p = params[a];
      double[] g = grads[a];
      double[] m = first[a];
      double[] v = second[a];
      for (int i = 0; i < p.length; i++) {
        double gi = g[i];
        if (decoupled) {
          p[i] *= 1 - lr * wd;
        } else {
          gi += wd * p[i];
        }
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        p[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
      }
    }
  }

  private static double[][] zerosLike(double[][] params) {
    double[][] z = new double[params.length][];
    for (int a = 0; a < params.length; a++) {
      z[a] = new double[params[a].length];
    }
    return z;
  }
}
