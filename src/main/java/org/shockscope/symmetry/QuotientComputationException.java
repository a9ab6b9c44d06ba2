package org.shockscope.symmetry;

import org.shockscope.ShockscopeException;

/** A decomposition did not converge on a checkpoint's matrices (names the group and matrix). */
public final class QuotientComputationException extends ShockscopeException {
  public QuotientComputationException(String message) {
    super(message);
  }
}
