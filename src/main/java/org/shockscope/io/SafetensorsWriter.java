package org.shockscope.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes tensors in the safetensors format (huggingface/safetensors): an 8-byte little-endian
 * header length N, N bytes of UTF-8 JSON mapping each tensor name to
 * {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the data
 * section) plus an optional {@code "__metadata__"} string map, then the packed little-endian
 * data in the order of the list. The header is padded with spaces to a multiple of 8 bytes, as
 * the reference implementation does, so that every tensor is aligned.
 *
 * <p>Each tensor is written in its own {@link Tensor#dtype()}; F16 and BF16 round to nearest
 * even from the float64 values.
 */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK = 1 << 16;

  private SafetensorsWriter() {}

  /**
   * Writes {@code tensors} to {@code out} (not closed).
   *
   * @param out      destination
   * @param tensors  tensors in file order; names must be distinct and not {@code __metadata__}
   * @param metadata optional string metadata (may be null or empty)
   */
  public static void write(OutputStream out, List<Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    Set<String> seen = new HashSet<>();
    long offset = 0;
    for (Tensor t : tensors) {
      if ("__metadata__".equals(t.name()) || !seen.add(t.name())) {
        throw new IllegalArgumentException("safetensors: duplicate or reserved tensor name '"
            + t.name() + "'");
      }
      ObjectNode entry = header.putObject(t.name());
      entry.put("dtype", t.dtype().safetensorsName());
      ArrayNode shape = entry.putArray("shape");
      for (int d : t.shape()) {
        shape.add(d);
      }
      long bytes = (long) t.numel() * t.dtype().size();
      ArrayNode offs = entry.putArray("data_offsets");
      offs.add(offset);
      offs.add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) & ~7;
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    len.putLong(padded);
    out.write(len.array());
    out.write(json);
    for (int i = json.length; i < padded; i++) {
      out.write(' ');
    }
    ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    for (Tensor t : tensors) {
      writeData(out, t, buf);
    }
  }

  /** Writes {@code tensors} as a safetensors byte array (for tests and small files). */
  public static byte[] toBytes(List<Tensor> tensors, Map<String, String> metadata) {
    java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
    try {
      write(bos, tensors, metadata);
    } catch (IOException e) {
      throw new AssertionError("in-memory write failed", e);
    }
    return bos.toByteArray();
  }

  /** Packs a tensor's elements little-endian in its dtype, chunk by chunk through {@code buf}. */
  static void writeData(OutputStream out, Tensor t, ByteBuffer buf) throws IOException {
    double[] d = t.data();
    DType dt = t.dtype();
    buf.clear();
    for (double v : d) {
      if (buf.remaining() < dt.size()) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      switch (dt) {
        case F64 -> buf.putDouble(v);
        case F32 -> buf.putFloat((float) v);
        case F16 -> buf.putShort(HalfPrecision.floatToF16((float) v));
        case BF16 -> buf.putShort(HalfPrecision.floatToBf16((float) v));
        default -> throw new IllegalStateException("unhandled dtype " + dt);
      }
    }
    out.write(buf.array(), 0, buf.position());
    buf.clear();
  }
}
