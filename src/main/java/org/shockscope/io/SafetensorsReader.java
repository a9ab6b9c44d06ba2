package org.shockscope.io;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads safetensors files (huggingface/safetensors): an 8-byte little-endian header length
 * N, N bytes of UTF-8 JSON describing each tensor ({@code dtype}, {@code shape},
 * {@code data_offsets} relative to the data section), then the packed little-endian data.
 *
 * <p>Opening reads the 8 length bytes and the header only, and validates it as
 * {@link SafetensorsHeader} describes (the rules of the reference implementation
 * {@code safetensors/src/tensor.rs}: {@code read_metadata} and {@code Metadata::validate}).
 * Header length bounds: 0 is refused (an empty header is not JSON; the reference fails to
 * deserialize it), more than {@value #MAX_HEADER_BYTES} bytes is refused (the reference's
 * {@code MAX_HEADER_SIZE}), and it must fit in the file. {@link #read(String)} then reads only
 * the byte range of the requested tensor. Tensors of dtype F64, F32, F16 and BF16 are read;
 * the others (I64, BOOL, U8, ...) are validated like the rest but listed by
 * {@link #unsupported()} and refused by name on read.
 */
public final class SafetensorsReader implements TensorFile {
  /** Largest header accepted, in bytes: the reference implementation's MAX_HEADER_SIZE. */
  public static final long MAX_HEADER_BYTES = 100_000_000L;
  private static final int LENGTH_BYTES = 8;

  private final ByteSource source;
  private final long dataStart;
  private final Map<String, String> metadata;
  private final Map<String, SafetensorsHeader.Entry> byName;
  private final List<TensorInfo> tensors;
  private final Map<String, String> unsupported;
  private final ElementDecoder decoder = new ElementDecoder();

  private SafetensorsReader(ByteSource source, long dataStart, SafetensorsHeader header) {
    this.source = source;
    this.dataStart = dataStart;
    this.metadata = header.metadata();
    Map<String, SafetensorsHeader.Entry> names = new LinkedHashMap<>();
    List<TensorInfo> infos = new ArrayList<>();
    Map<String, String> others = new LinkedHashMap<>();
    for (SafetensorsHeader.Entry e : header.entries()) {
      names.put(e.name(), e);
      if (e.dtype() == null) {
        others.put(e.name(), e.stored());
      } else {
        infos.add(new TensorInfo(e.name(), e.dtype(), e.shape()));
      }
    }
    this.byName = names;
    this.tensors = Collections.unmodifiableList(infos);
    this.unsupported = Collections.unmodifiableMap(others);
  }

  /**
   * Reads and validates the header of {@code source}; the reader then owns the source and
   * closes it. On failure the source is left open for the caller to close.
   *
   * @throws TensorFormatException when the header breaks a rule (the message names the rule)
   * @throws TensorIoException     when the storage fails
   */
  public static SafetensorsReader open(ByteSource source) {
    String file = source.location();
    long size = source.size();
    try {
      if (size < LENGTH_BYTES) {
        throw new TensorFormatException(file, null, "file has " + size + " bytes, fewer than "
            + "the 8-byte header length that starts a safetensors file");
      }
      byte[] head = new byte[LENGTH_BYTES];
      source.readFully(0, head, 0, LENGTH_BYTES);
      long n = littleEndianLong(head);
      if (n == 0) {
        throw new TensorFormatException(file, null, "header length is 0; the header must be a "
            + "non-empty JSON object" + otherFormatHint(file, head));
      }
      if (Long.compareUnsigned(n, MAX_HEADER_BYTES) > 0) {
        throw new TensorFormatException(file, null, "header length " + Long.toUnsignedString(n)
            + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes" + otherFormatHint(file, head));
      }
      if (n > size - LENGTH_BYTES) {
        throw new TensorFormatException(file, null, "header length " + n + " exceeds the "
            + (size - LENGTH_BYTES) + " bytes that follow the length field"
            + otherFormatHint(file, head));
      }
      byte[] json = new byte[(int) n];
      source.readFully(LENGTH_BYTES, json, 0, json.length);
      long dataStart = LENGTH_BYTES + n;
      return new SafetensorsReader(source, dataStart,
          SafetensorsHeader.parse(file, json, size - dataStart));
    } catch (IOException e) {
      throw new TensorIoException(file, "cannot read the safetensors header: " + e, e);
    }
  }

  /** The {@code __metadata__} string map of the header (empty when absent). */
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public String location() {
    return source.location();
  }

  @Override
  public List<TensorInfo> tensors() {
    return tensors;
  }

  @Override
  public Map<String, String> unsupported() {
    return unsupported;
  }

  @Override
  public Tensor read(String name) {
    String file = source.location();
    SafetensorsHeader.Entry e = byName.get(name);
    if (e == null) {
      throw new TensorFormatException(file, name, "no such tensor; the file has "
          + byName.size() + ": " + preview(byName.keySet()));
    }
    if (e.dtype() == null) {
      throw new TensorFormatException(file, name, "dtype " + e.stored() + " is not supported; "
          + "shockscope reads F64, F32, F16 and BF16 tensors");
    }
    long numel = Tensor.numel(e.shape());
    if (numel > ElementDecoder.MAX_ELEMENTS) {
      throw ElementDecoder.tooLarge(file, name, e.shape(), numel);
    }
    return decoder.read(source, dataStart + e.begin(), e.end() - e.begin(), name, e.dtype(),
        ByteOrder.LITTLE_ENDIAN, e.shape(), false);
  }

  @Override
  public void close() {
    TensorIoException.close(source);
  }

  static long littleEndianLong(byte[] b) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }

  /** The first names of a set, for messages. */
  static String preview(Iterable<String> names) {
    StringBuilder s = new StringBuilder();
    int n = 0;
    for (String name : names) {
      if (n == 8) {
        return s.append(", ...").toString();
      }
      s.append(n++ == 0 ? "" : ", ").append('\'').append(name).append('\'');
    }
    return s.toString();
  }

  /**
   * A hint for the message when the first bytes show another format: a zip (torch.save).
   *
   * @throws PickleRefusedException when they are a Python pickle
   */
  private static String otherFormatHint(String file, byte[] head) {
    if ((head[0] & 0xff) == 0x80 && head[1] >= 2 && head[1] <= 5) {
      throw new PickleRefusedException(file, null, "not a safetensors file: it starts like a "
          + "Python pickle (protocol " + head[1] + "), which shockscope never loads; "
          + PickleRefusedException.conversionAdvice(fileName(file)));
    }
    if (head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
      return " (the file starts like a zip archive, as torch.save checkpoints and .npz files "
          + "do: it is not safetensors; " + PickleRefusedException.conversionAdvice(fileName(file))
          + ")";
    }
    return "";
  }

  static String fileName(String location) {
    int slash = Math.max(location.lastIndexOf('/'), location.lastIndexOf('\\'));
    return location.substring(slash + 1);
  }
}
