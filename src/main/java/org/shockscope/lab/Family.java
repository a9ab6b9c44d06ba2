package org.shockscope.lab;

/**
 * The network families the lab trains (SPEC §8), with the name written as the run's
 * {@code model} hyperparameter and the structure preset a reader should apply to its tensors.
 */
public enum Family {
  /** y = W_L…W_1 x on whitened inputs (Saxe, McClelland &amp; Ganguli 2014). */
  DEEP_LINEAR("deep-linear", "deep-linear"),
  /** Two-layer soft-committee ReLU student learning a teacher online (Saad &amp; Solla 1995). */
  TEACHER_STUDENT("teacher-student", "mlp"),
  /** A wide two-layer network under full-batch GD over a learning-rate grid around 2/λ₀
   * (Lewkowycz et al. 2020). */
  CATAPULT("catapult", "mlp"),
  /** A two-layer attention-only causal transformer learning repeated random token spans,
   * where induction heads form in a phase change (Olsson et al. 2022). */
  INDUCTION("induction", "gpt2"),
  /** Modular addition learned from part of its table by an embedding + MLP under AdamW,
   * whose held-out accuracy jumps long after the training set is fitted (Power et al. 2022). */
  GROKKING("grokking", "gpt2"),
  /** Negative control: a linear regression trained online whose per-sample loss decays
   * smoothly over decades (nothing sudden after its first steps). */
  CONTROL_DECAY("control-decay", "mlp"),
  /** Negative control: a linear regression started at its optimum under label noise, whose
   * per-sample loss fluctuates around a level. */
  CONTROL_PLATEAU("control-plateau", "mlp"),
  /** Negative control: a two-layer ReLU network whose weights random-walk (no training). */
  CONTROL_RANDOM_WALK("control-random-walk", "mlp"),
  /** Negative control: a wide two-layer network under full-batch GD at a learning rate so small
   * that its loss drifts over the whole run. */
  CONTROL_DRIFT("control-drift", "mlp");

  private final String label;
  private final String preset;

  Family(String label, String preset) {
    this.label = label;
    this.preset = preset;
  }

  /** The name used in configuration files, run ids and the {@code model} hyperparameter. */
  public String label() {
    return label;
  }

  /** The SPEC §3 structure preset of the family's tensors ({@code deep-linear}, {@code mlp} or
   * {@code gpt2}). */
  public String preset() {
    return preset;
  }

  /** Whether this is a negative control, whose truth is "nothing sudden after step t0". */
  public boolean control() {
    return label.startsWith("control-");
  }

  /** The configurable (non-control) family called {@code label}. */
  public static Family of(String label) {
    for (Family f : values()) {
      if (f.label.equals(label) && !f.control()) {
        return f;
      }
    }
    throw new LabException("Unknown lab family '" + label + "'; expected one of "
        + "deep-linear, teacher-student, catapult, induction, grokking (the control-* families are made only by "
        + "lab --randomize)");
  }
}
