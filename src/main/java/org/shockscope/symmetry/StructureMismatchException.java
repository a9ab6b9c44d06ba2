package org.shockscope.symmetry;

import org.shockscope.ShockscopeException;

/**
 * A checkpoint does not fit the symmetry structure it is analysed with (a tensor is missing or
 * has another shape), or a model description cannot be turned into a structure.
 */
public final class StructureMismatchException extends ShockscopeException {
  public StructureMismatchException(String message) {
    super(message);
  }
}
