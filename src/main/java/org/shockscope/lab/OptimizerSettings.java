package org.shockscope.lab;

/**
 * One run's optimiser: the update rule and its hyperparameters, as recorded in the run's
 * parameters so that temperature = lr / batch_size is meaningful.
 *
 * @param kind        update rule
 * @param lr          peak learning rate η (after warm-up)
 * @param momentum    heavy-ball μ for {@link OptimizerKind#MOMENTUM}, 0 otherwise
 * @param batchSize   examples per update; the full data set size for full-batch rules
 * @param weightDecay λ ≥ 0 (L2, or decoupled for AdamW)
 * @param warmupSteps linear warm-up length: update t (0-based) uses η·min(1, (t+1)/warmup);
 *                    0 for a constant rate
 * @param beta1       Adam's first-moment decay
 * @param beta2       Adam's second-moment decay
 * @param eps         Adam's denominator guard
 */
public record OptimizerSettings(OptimizerKind kind, double lr, double momentum, int batchSize,
                                double weightDecay, int warmupSteps, double beta1, double beta2,
                                double eps) {
  /** PyTorch's Adam defaults. */
  static final double ADAM_BETA1 = 0.9;
  static final double ADAM_BETA2 = 0.999;
  static final double ADAM_EPS = 1e-8;

  public OptimizerSettings {
    if (!(lr > 0) || !Double.isFinite(lr)) {
      throw new LabException("learning rate must be finite and > 0, got " + lr);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new LabException("momentum must be in [0, 1), got " + momentum);
    }
    if (batchSize < 1) {
      throw new LabException("batch size must be >= 1, got " + batchSize);
    }
    if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
      throw new LabException("weight decay must be finite and >= 0, got " + weightDecay);
    }
    if (warmupSteps < 0) {
      throw new LabException("warm-up steps must be >= 0, got " + warmupSteps);
    }
  }

  /** Settings of a non-adaptive rule (Adam's fields at their defaults, unused). */
  static OptimizerSettings plain(OptimizerKind kind, double lr, double momentum, int batchSize,
                                 double weightDecay, int warmupSteps) {
    return new OptimizerSettings(kind, lr, momentum, batchSize, weightDecay, warmupSteps,
        ADAM_BETA1, ADAM_BETA2, ADAM_EPS);
  }

  /** The learning rate of update {@code t} (0-based), after linear warm-up. */
  double lrAt(int t) {
    return warmupSteps == 0 || t + 1 >= warmupSteps ? lr : lr * (t + 1) / warmupSteps;
  }

  /** The same settings with another peak learning rate. */
  OptimizerSettings withLr(double newLr) {
    return new OptimizerSettings(kind, newLr, momentum, batchSize, weightDecay, warmupSteps,
        beta1, beta2, eps);
  }

  /** The momentum value recorded as a hyperparameter: μ, or β₁ for Adam's first moment. */
  double recordedMomentum() {
    return kind.adaptive() ? beta1 : momentum;
  }
}
