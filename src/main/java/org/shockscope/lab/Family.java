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
  CATAPULT("catapult", "mlp");

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

  /** The SPEC §3 structure preset of the family's tensors ({@code deep-linear} or {@code mlp}). */
  public String preset() {
    return preset;
  }

  /** The family called {@code label}. */
  public static Family of(String label) {
    for (Family f : values()) {
      if (f.label.equals(label)) {
        return f;
      }
    }
    throw new LabException("Unknown lab family '" + label + "'; expected one of "
        + "deep-linear, teacher-student, catapult");
  }
}
