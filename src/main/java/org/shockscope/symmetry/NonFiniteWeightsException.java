package org.shockscope.symmetry;

import org.shockscope.ShockscopeException;

/**
 * A checkpoint holds a NaN or infinite weight: its observables are undefined and the caller
 * records an error (stage {@code observables}) instead of NaN values; a run whose weights
 * became non-finite has diverged.
 */
public final class NonFiniteWeightsException extends ShockscopeException {
  private final String tensor;
  private final long index;
  private final double value;

  public NonFiniteWeightsException(String tensor, long index, double value) {
    super("tensor '" + tensor + "' holds the non-finite value " + value + " at flat index " + index);
    this.tensor = tensor;
    this.index = index;
    this.value = value;
  }

  /** The tensor holding the value. */
  public String tensor() {
    return tensor;
  }

  /** Its first non-finite element (row-major flat index). */
  public long index() {
    return index;
  }

  /** The value found there. */
  public double value() {
    return value;
  }
}
