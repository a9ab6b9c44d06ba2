package org.shockscope.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Hand-built tensor files for tests, including malformed ones. */
final class TensorBytes {
  private TensorBytes() {}

  /** A safetensors file: 8-byte LE {@code headerLength}, then {@code json}, then {@code data}. */
  static byte[] safetensors(long headerLength, String json, byte[] data) {
    byte[] j = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + j.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    return b.putLong(headerLength).put(j).put(data).array();
  }

  /** A safetensors file whose length field is right. */
  static byte[] safetensors(String json, byte[] data) {
    return safetensors(json.getBytes(StandardCharsets.UTF_8).length, json, data);
  }

  /** An .npy version 1.0 file with the dict {@code header} (padded as numpy does). */
  static byte[] npy(String header, byte[] data) {
    return npy(1, header, data);
  }

  /** An .npy file of version {@code major}.0. */
  static byte[] npy(int major, String header, byte[] data) {
    int lengthBytes = major == 1 ? 2 : 4;
    int unpadded = 8 + lengthBytes + header.length() + 1;
    String text = header + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    byte[] h = text.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(8 + lengthBytes + h.length + data.length)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) h.length);
    } else {
      b.putInt(h.length);
    }
    return b.put(h).put(data).array();
  }

  /** Little-endian float64 bytes. */
  static byte[] f64(double... values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putDouble(v);
    }
    return b.array();
  }

  /** Little-endian float32 bytes. */
  static byte[] f32(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  /** One member of a hand-built zip; the fields ending in Override replace computed values. */
  static final class ZipMember {
    final String name;
    final byte[] content;
    final boolean deflate;
    Long crcOverride;
    Long sizeOverride;
    Integer methodOverride;
    Integer flagsOverride;
    Long localOffsetOverride;

    ZipMember(String name, byte[] content, boolean deflate) {
      this.name = name;
      this.content = content;
      this.deflate = deflate;
    }
  }

  /** A zip archive (no ZIP64) of {@code members}, laid out as APPNOTE 4.3 describes. */
  static byte[] zip(List<ZipMember> members) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<byte[]> central = new ArrayList<>();
    for (ZipMember m : members) {
      byte[] data = m.deflate ? deflate(m.content) : m.content;
      CRC32 crc = new CRC32();
      crc.update(m.content);
      long crcValue = m.crcOverride != null ? m.crcOverride : crc.getValue();
      long size = m.sizeOverride != null ? m.sizeOverride : m.content.length;
      int method = m.methodOverride != null ? m.methodOverride : m.deflate ? 8 : 0;
      int flags = m.flagsOverride != null ? m.flagsOverride : 0;
      byte[] name = m.name.getBytes(StandardCharsets.UTF_8);
      long offset = out.size();
      ByteBuffer local = le(30 + name.length);
      local.putInt(0x04034b50).putShort((short) 20).putShort((short) flags)
          .putShort((short) method).putInt(0).putInt((int) crcValue).putInt(data.length)
          .putInt((int) size).putShort((short) name.length).putShort((short) 0).put(name);
      out.writeBytes(local.array());
      out.writeBytes(data);
      long localOffset = m.localOffsetOverride != null ? m.localOffsetOverride : offset;
      ByteBuffer c = le(46 + name.length);
      c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) flags)
          .putShort((short) method).putInt(0).putInt((int) crcValue).putInt(data.length)
          .putInt((int) size).putShort((short) name.length).putShort((short) 0)
          .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
          .putInt((int) localOffset).put(name);
      central.add(c.array());
    }
    long cdOffset = out.size();
    for (byte[] c : central) {
      out.writeBytes(c);
    }
    long cdSize = out.size() - cdOffset;
    ByteBuffer end = le(22);
    end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
        .putShort((short) members.size()).putShort((short) members.size()).putInt((int) cdSize)
        .putInt((int) cdOffset).putShort((short) 0);
    out.writeBytes(end.array());
    return out.toByteArray();
  }

  static byte[] deflate(byte[] content) {
    Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    d.setInput(content);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return out.toByteArray();
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }
}
