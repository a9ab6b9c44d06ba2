package org.shockscope.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes numpy {@code .npy} files (format version 1.0: magic {@code \x93NUMPY}, version bytes,
 * a 2-byte little-endian header length, an ASCII Python-literal dict header
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (r, c), }} padded with spaces and a
 * newline to a multiple of 64 bytes, then the C-order data) and {@code .npz} archives (a zip
 * of {@code <name>.npy} members, deflated as {@code np.savez_compressed} does; numpy reads both).
 * Only F64 and F32 are written, the types numpy and shockscope share.
 */
public final class NumpyWriter {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  private NumpyWriter() {}

  /** Writes one tensor as a {@code .npy} stream to {@code out} (not closed). */
  public static void writeNpy(OutputStream out, Tensor t) throws IOException {
    if (t.dtype() != DType.F64 && t.dtype() != DType.F32) {
      throw new IllegalArgumentException("npy: tensor '" + t.name() + "' has dtype " + t.dtype()
          + "; only F64 and F32 are written");
    }
    StringBuilder shape = new StringBuilder("(");
    for (int i = 0; i < t.shape().length; i++) {
      shape.append(t.shape()[i]);
      if (t.shape().length == 1 || i < t.shape().length - 1) {
        shape.append(t.shape().length == 1 ? "," : ", ");
      }
    }
    shape.append(')');
    String dict = "{'descr': '" + t.dtype().numpyDescr() + "', 'fortran_order': False, 'shape': "
        + shape + ", }";
    int total = MAGIC.length + 2 + 2 + dict.length() + 1;
    int pad = (64 - total % 64) % 64;
    String header = dict + " ".repeat(pad) + "\n";
    out.write(MAGIC);
    out.write(1);
    out.write(0);
    int hlen = header.length();
    out.write(hlen & 0xff);
    out.write((hlen >>> 8) & 0xff);
    out.write(header.getBytes(StandardCharsets.US_ASCII));
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    SafetensorsWriter.writeData(out, t, buf);
  }

  /** Writes tensors as an {@code .npz} archive to {@code out} (closed at the end). */
  public static void writeNpz(OutputStream out, List<Tensor> tensors) throws IOException {
    Set<String> seen = new HashSet<>();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Tensor t : tensors) {
        if (!seen.add(t.name())) {
          throw new IllegalArgumentException("npz: duplicate tensor name '" + t.name() + "'");
        }
        ZipEntry entry = new ZipEntry(t.name() + ".npy");
        // a fixed time: the same tensors give the same bytes (lab determinism)
        entry.setTimeLocal(java.time.LocalDateTime.of(1980, 1, 1, 0, 0));
        zip.putNextEntry(entry);
        writeNpy(zip, t);
        zip.closeEntry();
      }
    }
  }
}
