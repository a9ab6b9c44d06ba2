package org.shockscope.lab;

/**
 * The update rules the lab trains with, named as the run's {@code optimizer} hyperparameter.
 * All follow PyTorch's {@code torch.optim} semantics; weight decay is coupled (added to the
 * gradient) except for {@link #ADAMW}.
 */
public enum OptimizerKind {
  /** Full-batch gradient descent: θ ← θ − η(∇L + λθ) on the whole data set. */
  GD("gd"),
  /** Mini-batch (or online) SGD, the same rule on a sampled batch. */
  SGD("sgd"),
  /** Heavy-ball momentum (Polyak 1964; PyTorch SGD with momentum μ, no dampening):
   * b ← μ b + g, θ ← θ − η b. */
  MOMENTUM("momentum"),
  /** Adam (Kingma &amp; Ba 2015) with L2 weight decay added to the gradient. */
  ADAM("adam"),
  /** AdamW (Loshchilov &amp; Hutter 2019): decoupled weight decay θ ← θ(1 − ηλ) before Adam. */
  ADAMW("adamw");

  private final String label;

  OptimizerKind(String label) {
    this.label = label;
  }

  /** The hyperparameter value. */
  public String label() {
    return label;
  }

  boolean adaptive() {
    return this == ADAM || this == ADAMW;
  }

  /** The optimizer called {@code label}. */
  public static OptimizerKind of(String label) {
    for (OptimizerKind k : values()) {
      if (k.label.equals(label)) {
        return k;
      }
    }
    throw new LabException("Unknown optimizer '" + label
        + "'; expected gd, sgd, momentum, adam or adamw");
  }
}
