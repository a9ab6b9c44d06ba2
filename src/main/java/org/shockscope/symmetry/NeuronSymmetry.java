package org.shockscope.symmetry;

/**
 * The symmetry group acting on the neurons of one hidden layer, fixed by its activation φ
 * (SPEC §3): permutations always (φ acts elementwise); for a positively homogeneous φ (ReLU,
 * leaky ReLU: φ(cx) = cφ(x) for c &gt; 0) also positive rescalings of a neuron's incoming weights
 * and bias by c and outgoing weights by 1/c; for an odd φ (tanh) sign flips of both; for a
 * gated unit φ(g·x)·(u·x) (SwiGLU) any non-zero rescaling of the linear branch u and of the
 * outgoing weights by its inverse.
 */
public enum NeuronSymmetry {
  /** Permutations only: what every elementwise activation allows. */
  PERMUTATION("permutation", false, false),
  /** Permutations × sign flips (odd activations). */
  PERMUTATION_SIGN("permutation x sign", false, true),
  /** Permutations × positive rescalings (ReLU, leaky ReLU). */
  PERMUTATION_POSITIVE_SCALE("permutation x positive scaling", true, false),
  /** Permutations × non-zero rescalings of the linear branch of a gated unit. */
  PERMUTATION_SCALE("permutation x nonzero scaling", true, true);

  private final String description;
  private final boolean scales;
  private final boolean signs;

  NeuronSymmetry(String description, boolean scales, boolean signs) {
    this.description = description;
    this.scales = scales;
    this.signs = signs;
  }

  /** Human-readable name of the group, as recorded in the structure description. */
  public String description() {
    return description;
  }

  /** Whether the group contains continuous rescalings (so a balancing step and an orbit tangent). */
  public boolean scales() {
    return scales;
  }

  /** Whether sign flips remain after balancing (part of the isometric remainder). */
  public boolean signs() {
    return signs;
  }
}
