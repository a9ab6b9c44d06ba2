package org.shockscope.symmetry;

import java.util.List;

/**
 * The computations of one symmetry group kind. Raw tensors come as {@code double[][]} indexed
 * like {@link SymmetryGroup#tensors()} (inputs, never modified). A kernel owns its workspaces
 * and is not thread-safe.
 */
interface GroupKernel {

  /** Marker for a kernel's balanced representative of one checkpoint (reused across calls). */
  interface Representative {
    /** Squared norm of the balanced representative (the minimum-norm point of the orbit). */
    double normSquared();
  }

  /** A fresh, empty representative for this kernel. */
  Representative newRepresentative();

  /** Computes the balanced representative of {@code raw} into {@code rep} (output). */
  void balance(double[][] raw, Representative rep);

  /**
   * Appends the spectral observables and spectra of the balanced representative and of the
   * group's invariant maps.
   */
  void observe(Representative rep, List<Observable> observables, List<Spectrum> spectra);

  /**
   * The quotient distance between two balanced representatives: their distance minimised over
   * the isometric remainder of the group.
   */
  double quotientDistance(Representative a, Representative b);

  /**
   * ‖P_T Δθ‖² / ‖Δθ‖² with Δθ = cur − prev and P_T the projection on the tangent space of the
   * orbit through {@code prev}; 0 when the group has no continuous part or Δθ = 0.
   */
  double driftFraction(double[][] prev, double[][] cur);
}
