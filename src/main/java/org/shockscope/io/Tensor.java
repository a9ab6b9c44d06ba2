package org.shockscope.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * A named dense tensor held in float64, row-major (C order), with the dtype it was stored in.
 * Values are always widened to double on read so that every kernel computes in float64
 * whatever the stored precision; {@link #dtype()} records the stored precision so that
 * tolerances can follow it (1e-9 relative for F64, 1e-5 for F32 and narrower).
 *
 * <p>The arrays are not copied: a tensor is a value by convention, and code that receives one
 * must not modify {@link #data()} or {@link #shape()}.
 *
 * @param name  the tensor's name in its file ({@code fc1.weight}, {@code layers.0.weight}, ...)
 * @param dtype the element type it was stored as
 * @param shape its dimensions, outermost first; an empty array for a scalar
 * @param data  its elements in row-major order; length = product of shape
 */
public record Tensor(String name, DType dtype, int[] shape, double[] data) {
  public Tensor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    long n = numel(shape);
    if (n != data.length) {
      throw new IllegalArgumentException("Tensor '" + name + "': shape " + Arrays.toString(shape)
          + " holds " + n + " elements but data has " + data.length);
    }
  }

  /** Number of elements of a shape (1 for a scalar); negative dimensions are rejected. */
  public static long numel(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, (long) d);
    }
    return n;
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Number of elements. */
  public int numel() {
    return data.length;
  }

  /** Rows of a 2-D tensor. */
  public int rows() {
    requireRank(2);
    return shape[0];
  }

  /** Columns of a 2-D tensor. */
  public int cols() {
    requireRank(2);
    return shape[1];
  }

  /** The same data under another name. */
  public Tensor withName(String newName) {
    return new Tensor(newName, dtype, shape, data);
  }

  private void requireRank(int r) {
    if (shape.length != r) {
      throw new IllegalStateException("Tensor '" + name + "' has shape " + Arrays.toString(shape)
          + ", expected rank " + r);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && name.equals(t.name) && dtype == t.dtype
        && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, Arrays.hashCode(shape), Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "Tensor[" + name + ", " + dtype + ", " + Arrays.toString(shape) + "]";
  }
}
