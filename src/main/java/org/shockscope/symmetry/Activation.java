package org.shockscope.symmetry;

import java.util.Locale;

/**
 * The hidden-layer activation, as far as symmetries are concerned (SPEC §3): it decides which
 * group acts on an MLP hidden layer. Names are matched case-insensitively, with the spellings
 * of PyTorch and Hugging Face configs ({@code relu}, {@code leaky_relu}, {@code tanh},
 * {@code linear}/{@code identity}, {@code gelu_new}, {@code silu}, ...).
 */
public enum Activation {
  RELU("relu"),
  LEAKY_RELU("leaky_relu"),
  TANH("tanh"),
  LINEAR("linear"),
  /** Any other elementwise activation (GELU, SiLU, sigmoid, ...) or an unknown one. */
  UNKNOWN("unknown");

  private final String label;

  Activation(String label) {
    this.label = label;
  }

  /** The canonical lower-case name. */
  public String label() {
    return label;
  }

  /** The activation a name stands for; {@link #UNKNOWN} for anything not recognised. */
  public static Activation parse(String name) {
    if (name == null) {
      return UNKNOWN;
    }
    String n = name.trim().toLowerCase(Locale.ROOT).replace("-", "_");
    switch (n) {
      case "relu":
        return RELU;
      case "leaky_relu":
      case "leakyrelu":
        return LEAKY_RELU;
      case "tanh":
      case "odd":
      case "sin":
        return TANH;
      case "linear":
      case "identity":
      case "none":
        return LINEAR;
      default:
        return UNKNOWN;
    }
  }

  /**
   * The group acting on a hidden layer with this activation; {@link #LINEAR} layers belong to
   * linear chains (GL(h)) and get {@link NeuronSymmetry#PERMUTATION} only when they cannot be
   * treated as a chain (e.g. hidden biases).
   */
  public NeuronSymmetry neuronSymmetry() {
    switch (this) {
      case RELU:
      case LEAKY_RELU:
        return NeuronSymmetry.PERMUTATION_POSITIVE_SCALE;
      case TANH:
        return NeuronSymmetry.PERMUTATION_SIGN;
      default:
        return NeuronSymmetry.PERMUTATION;
    }
  }
}
