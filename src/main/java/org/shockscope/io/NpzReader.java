package org.shockscope.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Inflater;

/**
 * Reads numpy {@code .npz} archives, as written by {@code np.savez} (stored members) and
 * {@code np.savez_compressed} (deflated members): a zip of {@code <name>.npy} members, each
 * holding tensor {@code <name>}. The zip is parsed from its central directory
 * ({@link ZipArchive}) straight from the {@link ByteSource}; nothing is copied whole.
 *
 * <p>Opening reads the directory and each member's npy header (inflating only the first bytes
 * of a deflated member), and checks that each member's declared size equals its npy header
 * plus the bytes its shape needs: the decompressed size is thus bounded by the array the
 * header declares before anything is allocated, and {@link ZipMemberStream} stops inflating
 * there (zip-bomb safe). Reading a tensor inflates its member once, in 64 KiB chunks, and
 * verifies its CRC-32.
 */
public final class NpzReader implements TensorFile {
  private static final String SUFFIX = ".npy";
  private static final int INPUT_BYTES = 1 << 16;

  private final ByteSource source;
  private final Map<String, ZipArchive.Member> members;
  private final Map<String, NpyHeader> headers;
  private final List<TensorInfo> tensors;
  private final Map<String, String> unsupported;
  private final Inflater inflater = new Inflater(true);
  private final byte[] input = new byte[INPUT_BYTES];
  private final ElementDecoder decoder = new ElementDecoder();

  private NpzReader(ByteSource source) {
    this.source = source;
    this.members = new LinkedHashMap<>();
    this.headers = new LinkedHashMap<>();
    this.tensors = new ArrayList<>();
    this.unsupported = new LinkedHashMap<>();
  }

  /**
   * Reads and validates the archive's directory and member headers; the reader then owns the
   * source. On failure the source is left open for the caller to close.
   *
   * @throws TensorFormatException when the zip or a member's npy header is malformed
   * @throws TensorIoException     when the storage fails
   */
  public static NpzReader open(ByteSource source) {
    NpzReader r = new NpzReader(source);
    try {
      r.load();
      return r;
    } catch (IOException e) {
      r.inflater.end();
      throw new TensorIoException(source.location(), "cannot read the npz directory: " + e, e);
    } catch (RuntimeException e) {
      r.inflater.end();
      throw e;
    }
  }

  private void load() throws IOException {
    String file = source.location();
    for (ZipArchive.Member m : ZipArchive.members(source)) {
      if (!m.name().endsWith(SUFFIX) || m.name().length() == SUFFIX.length()) {
        throw new TensorFormatException(file, null, "npz member '" + m.name()
            + "' is not a <name>.npy array");
      }
      String name = m.name().substring(0, m.name().length() - SUFFIX.length());
      if (members.put(name, m) != null) {
        throw new TensorFormatException(file, name, "npz has two members named '" + m.name()
            + "'");
      }
      NpyHeader h = NpyHeader.read(new ZipMemberStream(source, m, inflater, input, name), file,
          name);
      if (h.dataBytes() >= 0 && m.size() != h.dataOffset() + h.dataBytes()) {
        throw new TensorFormatException(file, name, "zip entry declares " + m.size()
            + " bytes but its npy header (shape " + Arrays.toString(h.shape()) + ", '"
            + h.descr() + "') needs " + h.dataOffset() + " + " + h.dataBytes() + " = "
            + (h.dataOffset() + h.dataBytes()));
      }
      headers.put(name, h);
      if (h.dtype() == null) {
        unsupported.put(name, h.descr());
      } else {
        tensors.add(new TensorInfo(name, h.dtype(), h.shape()));
      }
    }
  }

  @Override
  public String location() {
    return source.location();
  }

  @Override
  public List<TensorInfo> tensors() {
    return Collections.unmodifiableList(tensors);
  }

  @Override
  public Map<String, String> unsupported() {
    return Collections.unmodifiableMap(unsupported);
  }

  @Override
  public Tensor read(String name) {
    String file = source.location();
    ZipArchive.Member m = members.get(name);
    if (m == null) {
      throw new TensorFormatException(file, name, "no such array; the npz has " + members.size()
          + ": " + SafetensorsReader.preview(members.keySet()));
    }
    NpyHeader h = headers.get(name);
    if (h.dtype() == null) {
      throw h.refusal(file, name);
    }
    long numel = Tensor.numel(h.shape());
    if (numel > ElementDecoder.MAX_ELEMENTS) {
      throw ElementDecoder.tooLarge(file, name, h.shape(), numel);
    }
    try {
      ZipMemberStream in = new ZipMemberStream(source, m, inflater, input, name);
      in.skipNBytes(h.dataOffset());
      double[] data = decoder.decode(in, h.dtype(), h.order(), h.shape(), h.fortranOrder(),
          file, name);
      in.finish();
      return new Tensor(name, h.dtype(), h.shape(), data);
    } catch (IOException e) {
      throw new TensorIoException(file, "cannot read tensor '" + name + "': " + e, e);
    }
  }

  @Override
  public void close() {
    inflater.end();
    TensorIoException.close(source);
  }
}
