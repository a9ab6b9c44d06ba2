package org.shockscope.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a tensor file says about one tensor without reading its data: name, stored dtype and
 * shape. Structure inference works on these so that a checkpoint's layout can be understood
 * before (or without) loading its values.
 *
 * @param name  the tensor's name in its file
 * @param dtype its stored element type
 * @param shape its dimensions, outermost first
 */
public record TensorInfo(String name, DType dtype, int[] shape) {
  public TensorInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    Objects.requireNonNull(shape, "shape");
  }

  /** The description of a loaded tensor. */
  public static TensorInfo of(Tensor t) {
    return new TensorInfo(t.name(), t.dtype(), t.shape());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
        && Arrays.equals(shape, t.shape);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, Arrays.hashCode(shape));
  }

  @Override
  public String toString() {
    return name + ":" + dtype + Arrays.toString(shape);
  }
}
