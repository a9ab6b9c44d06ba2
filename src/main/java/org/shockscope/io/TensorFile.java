package org.shockscope.io;

import java.io.Closeable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An open tensor file (safetensors, .npz, .npy, or a sharded safetensors checkpoint): what it
 * holds, and its tensors loaded one by one as float64 on demand. Opening reads and checks the
 * headers only; {@link #read(String)} reads the bytes of one tensor. Instances are not
 * thread-safe (they reuse one read buffer); open one per thread.
 */
public interface TensorFile extends Closeable {
  /** Where the file is, as used in messages. */
  String location();

  /** The tensors of a dtype shockscope reads (F64, F32, F16, BF16), in file order. */
  List<TensorInfo> tensors();

  /**
   * The tensors present in the file whose dtype shockscope does not read, name to stored dtype
   * as the file spells it ({@code I64}, {@code <i8}, {@code |O}, ...), in file order. They are
   * absent from {@link #tensors()} and {@link #readAll()}; {@link #read(String)} refuses them.
   */
  Map<String, String> unsupported();

  /**
   * Reads one tensor, widened to float64 in C order.
   *
   * @throws TensorFormatException when the file has no such tensor, its dtype is not read, its
   *                               data are inconsistent, or it has more elements than a Java
   *                               array holds
   * @throws TensorIoException     when the storage fails
   */
  Tensor read(String name);

  /** Reads every tensor of {@link #tensors()}, by name, in file order. */
  default Map<String, Tensor> readAll() {
    Map<String, Tensor> all = new LinkedHashMap<>();
    for (TensorInfo info : tensors()) {
      all.put(info.name(), read(info.name()));
    }
    return all;
  }

  /** Releases the underlying file. */
  @Override
  void close();
}
