package org.shockscope.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a numpy {@code .npy} file (one array; header as {@link NpyHeader} describes) as a
 * {@link TensorFile} holding a single tensor under a name the caller gives
 * ({@link TensorFiles} uses the file name without {@code .npy}: {@code step_100.npy} holds
 * tensor {@code step_100}). Opening reads the header only and checks that the data section
 * has exactly the bytes the shape needs: a truncated file, or one with trailing bytes, is
 * refused. Fortran-ordered arrays are returned in C order.
 */
public final class NpyReader implements TensorFile {
  private final ByteSource source;
  private final String name;
  private final NpyHeader header;
  private final ElementDecoder decoder = new ElementDecoder();

  private NpyReader(ByteSource source, String name, NpyHeader header) {
    this.source = source;
    this.name = name;
    this.header = header;
  }

  /**
   * Reads and validates the header of {@code source}; the reader then owns the source. On
   * failure the source is left open for the caller to close.
   *
   * @param source the .npy bytes
   * @param name   the name to give its tensor
   * @throws TensorFormatException when the header is malformed or the data size is wrong
   * @throws TensorIoException     when the storage fails
   */
  public static NpyReader open(ByteSource source, String name) {
    Objects.requireNonNull(name, "name");
    String file = source.location();
    long size = source.size();
    try (InputStream in = new RangeInputStream(source, 0, size)) {
      NpyHeader h = NpyHeader.read(in, file, name);
      long data = size - h.dataOffset();
      if (h.dataBytes() >= 0 && data != h.dataBytes()) {
        throw new TensorFormatException(file, name, "npy data section has " + data
            + " bytes but shape " + java.util.Arrays.toString(h.shape()) + " of '" + h.descr()
            + "' needs " + h.dataBytes() + (data < h.dataBytes() ? " (file truncated?)"
            : " (trailing bytes after the array)"));
      }
      return new NpyReader(source, name, h);
    } catch (IOException e) {
      throw new TensorIoException(file, "cannot read the npy header: " + e, e);
    }
  }

  @Override
  public String location() {
    return source.location();
  }

  @Override
  public List<TensorInfo> tensors() {
    return header.dtype() == null ? List.of()
        : List.of(new TensorInfo(name, header.dtype(), header.shape()));
  }

  @Override
  public Map<String, String> unsupported() {
    return header.dtype() == null ? Map.of(name, header.descr()) : Map.of();
  }

  @Override
  public Tensor read(String tensor) {
    String file = source.location();
    if (!name.equals(tensor)) {
      throw new TensorFormatException(file, tensor, "no such tensor; an .npy holds one array, "
          + "named '" + name + "'");
    }
    if (header.dtype() == null) {
      throw header.refusal(file, name);
    }
    return decoder.read(source, header.dataOffset(), header.dataBytes(), name, header.dtype(),
        header.order(), header.shape(), header.fortranOrder());
  }

  @Override
  public void close() {
    TensorIoException.close(source);
  }
}
