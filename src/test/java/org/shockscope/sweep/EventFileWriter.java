package org.shockscope.sweep;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes TensorBoard event files for tests, independently of the reader: TFRecord framing with
 * its own masked CRC32C and protocol-buffer bytes built field by field. Scalars are written as
 * {@code simple_value} (float32) or as rank-0 {@code DT_DOUBLE} tensors of the
 * {@code scalars} plugin (exact), the two encodings writers use.
 */
public final class EventFileWriter {
  /** How scalars are encoded. */
  public enum Encoding { SIMPLE_VALUE, DOUBLE_TENSOR }

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Encoding encoding;
  private final java.util.Set<String> tagsWithMetadata = new java.util.HashSet<>();

  public EventFileWriter(Encoding encoding) {
    this.encoding = encoding;
    record(event(0, null, "brain.Event:2"));
  }

  /** Adds one event holding {@code values} (tag → value) at {@code step}. */
  public EventFileWriter scalars(long step, Map<String, Double> values) {
    ByteArrayOutputStream summary = new ByteArrayOutputStream();
    values.forEach((tag, v) -> bytes(summary, 1, value(tag, v)));
    record(event(step, summary.toByteArray(), null));
    return this;
  }

  /** The file's bytes. */
  public byte[] toBytes() {
    return out.toByteArray();
  }

  /** Writes the file to {@code file}, creating folders. */
  public Path write(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, toBytes());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Appends one framed record of {@code data}. */
  public EventFileWriter record(byte[] data) {
    out.writeBytes(frame(data));
    return this;
  }

  /** {@code data} in TFRecord framing. */
  public static byte[] frame(byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(data.length + 16).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(data.length);
    b.putInt(masked(b.array(), 0, 8));
    b.put(data);
    b.putInt(masked(data, 0, data.length));
    return b.array();
  }

  private static int masked(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    int v = (int) c.getValue();
    return Integer.rotateRight(v, 15) + 0xa282ead8;
  }

  private static byte[] event(long step, byte[] summary, String fileVersion) {
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    key(e, 1, 1);
    e.writeBytes(le(Double.doubleToLongBits(1.7e9 + step), 8));
    key(e, 2, 0);
    varint(e, step);
    if (fileVersion != null) {
      bytes(e, 3, fileVersion.getBytes(StandardCharsets.UTF_8));
    }
    if (summary != null) {
      bytes(e, 5, summary);
    }
    return e.toByteArray();
  }

  private byte[] value(String tag, double v) {
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    bytes(e, 1, tag.getBytes(StandardCharsets.UTF_8));
    if (encoding == Encoding.SIMPLE_VALUE) {
      key(e, 2, 5);
      e.writeBytes(le(Float.floatToIntBits((float) v), 4));
      return e.toByteArray();
    }
    ByteArrayOutputStream t = new ByteArrayOutputStream();
    key(t, 1, 0);
    varint(t, 2);
    ByteArrayOutputStream packed = new ByteArrayOutputStream();
    packed.writeBytes(le(Double.doubleToLongBits(v), 8));
    bytes(t, 6, packed.toByteArray());
    bytes(e, 8, t.toByteArray());
    if (tagsWithMetadata.add(tag)) {
      ByteArrayOutputStream plugin = new ByteArrayOutputStream();
      bytes(plugin, 1, "scalars".getBytes(StandardCharsets.UTF_8));
      ByteArrayOutputStream meta = new ByteArrayOutputStream();
      bytes(meta, 1, plugin.toByteArray());
      bytes(e, 9, meta.toByteArray());
    }
    return e.toByteArray();
  }

  private static void key(ByteArrayOutputStream o, int field, int wire) {
    varint(o, (long) field << 3 | wire);
  }

  private static void bytes(ByteArrayOutputStream o, int field, byte[] b) {
    key(o, field, 2);
    varint(o, b.length);
    o.writeBytes(b);
  }

  private static void varint(ByteArrayOutputStream o, long v) {
    while ((v & ~0x7fL) != 0) {
      o.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    o.write((int) v);
  }

  private static byte[] le(long v, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }
}
