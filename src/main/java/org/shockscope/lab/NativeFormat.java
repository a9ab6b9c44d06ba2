package org.shockscope.lab;

/** The tensor file format of checkpoints in the native layout. */
public enum NativeFormat {
  /** {@code step_<N>.safetensors} for every run. */
  SAFETENSORS("safetensors"),
  /** {@code step_<N>.npz} for every run. */
  NPZ("npz"),
  /** safetensors for even run indices, npz for odd ones, so one sweep exercises both readers. */
  MIXED("mixed");

  private final String label;

  NativeFormat(String label) {
    this.label = label;
  }

  /** The option value. */
  public String label() {
    return label;
  }

  /** Whether the run with this index writes npz checkpoints. */
  boolean npz(int runIndex) {
    return this == NPZ || (this == MIXED && runIndex % 2 == 1);
  }

  /** The format called {@code label}. */
  public static NativeFormat of(String label) {
    for (NativeFormat f : values()) {
      if (f.label.equals(label)) {
        return f;
      }
    }
    throw new LabException("Unknown native checkpoint format '" + label
        + "'; expected safetensors, npz or mixed");
  }
}
