package org.shockscope.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Converts a stream of packed floating-point elements (F64, F32, F16 or BF16, either byte
 * order, C or Fortran order) into a float64 array in C order, chunk by chunk through one
 * reused 64 KiB buffer: memory is the output array plus that buffer, whatever the file size.
 * Fortran-ordered data (first index fastest) is scattered to its C position while reading, so
 * no second array is needed for the transpose. Not thread-safe: one decoder per reader.
 */
final class ElementDecoder {
  /** Largest element count a Java array can hold on HotSpot (a few words of header). */
  static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;
  private static final int CHUNK_BYTES = 1 << 16;
  /** Elements per chunk in Fortran order, where each chunk is decoded then scattered. */
  private static final int SCRATCH_ELEMENTS = CHUNK_BYTES / Double.BYTES;

  /**
   * Bytes of the chunk being decoded, grown to the largest chunk read so far (at most
   * CHUNK_BYTES): a small checkpoint's reader should not allocate and zero 64 KiB per file.
   */
  private byte[] chunk = new byte[0];
  private ByteBuffer little = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
  private ByteBuffer big = ByteBuffer.wrap(chunk).order(ByteOrder.BIG_ENDIAN);
  /** Decoded chunk awaiting its Fortran-to-C scatter; grown like the chunk. */
  private double[] scratch = new double[0];

  /**
   * Reads exactly {@code numel(shape)} elements from {@code in}.
   *
   * @param in      positioned at the first data byte; left after the last one
   * @param dtype   stored element type
   * @param order   stored byte order
   * @param shape   dimensions (input, not modified); element count at most {@link #MAX_ELEMENTS}
   * @param fortran true when the first index varies fastest in storage
   * @param file    for messages
   * @param tensor  for messages
   * @return a new array of the elements in C order
   * @throws TensorFormatException when the stream ends early
   */
  double[] decode(InputStream in, DType dtype, ByteOrder order, int[] shape, boolean fortran,
                  String file, String tensor) throws IOException {
    long numel = Tensor.numel(shape);
    if (numel > MAX_ELEMENTS) {
      throw tooLarge(file, tensor, shape, numel);
    }
    double[] out = new double[(int) numel];
    int size = dtype.size();
    FortranCursor cursor = fortran && shape.length > 1 ? new FortranCursor(shape) : null;
    int perChunk = cursor == null ? CHUNK_BYTES / size : SCRATCH_ELEMENTS;
    int largest = (int) Math.min(perChunk, numel);
    if (chunk.length < largest * size) {
      chunk = new byte[largest * size];
      little = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
      big = ByteBuffer.wrap(chunk).order(ByteOrder.BIG_ENDIAN);
    }
    if (cursor != null && scratch.length < largest) {
      scratch = new double[largest];
    }
    ByteBuffer buf = order == ByteOrder.BIG_ENDIAN ? big : little;
    int done = 0;
    while (done < out.length) {
      int count = Math.min(perChunk, out.length - done);
      int want = count * size;
      int got = in.readNBytes(chunk, 0, want);
      if (got < want) {
        long expected = numel * size;
        throw new TensorFormatException(file, tensor, "data end after "
            + ((long) done * size + got) + " bytes, but shape " + Arrays.toString(shape) + " of "
            + dtype + " needs " + expected + " bytes (file truncated?)");
      }
      if (cursor == null) {
        convert(buf, dtype, count, out, done);
      } else {
        convert(buf, dtype, count, scratch, 0);
        cursor.scatter(scratch, count, out);
      }
      done += count;
    }
    return out;
  }

  /**
   * Reads tensor {@code name} from the bytes {@code [start, start+length)} of {@code source}
   * ({@code length} must equal the element count times the dtype size).
   *
   * @throws TensorIoException when the storage fails
   */
  Tensor read(ByteSource source, long start, long length, String name, DType dtype,
              ByteOrder order, int[] shape, boolean fortran) {
    String file = source.location();
    try (InputStream in = new RangeInputStream(source, start, length)) {
      return new Tensor(name, dtype, shape, decode(in, dtype, order, shape, fortran, file, name));
    } catch (IOException e) {
      throw new TensorIoException(file, "cannot read tensor '" + name + "': " + e, e);
    }
  }

  /** The refusal of a tensor whose element count no Java array can hold. */
  static TensorFormatException tooLarge(String file, String tensor, int[] shape, long numel) {
    return new TensorFormatException(file, tensor, "shape " + Arrays.toString(shape) + " has "
        + numel + " elements, more than the " + MAX_ELEMENTS
        + " a single float64 array can hold; split the tensor");
  }

  private static void convert(ByteBuffer buf, DType dtype, int count, double[] out, int at) {
    switch (dtype) {
      case F64 -> {
        for (int i = 0; i < count; i++) {
          out[at + i] = buf.getDouble(i << 3);
        }
      }
      case F32 -> {
        for (int i = 0; i < count; i++) {
          out[at + i] = buf.getFloat(i << 2);
        }
      }
      case F16 -> {
        for (int i = 0; i < count; i++) {
          out[at + i] = HalfPrecision.f16ToFloat(buf.getShort(i << 1));
        }
      }
      case BF16 -> {
        for (int i = 0; i < count; i++) {
          out[at + i] = HalfPrecision.bf16ToFloat(buf.getShort(i << 1));
        }
      }
      default -> throw new IllegalStateException("unhandled dtype " + dtype);
    }
  }

  /**
   * Walks a shape in Fortran order (first index fastest) while tracking the matching C-order
   * offset, so each stored element goes straight to its place: offset += strideC[d] on a step
   * of index d, and when index d wraps, offset -= shape[d] * strideC[d] before carrying.
   */
  private static final class FortranCursor {
    private final int[] shape;
    private final long[] strideC;
    private final int[] index;
    private long offset;

    FortranCursor(int[] shape) {
      this.shape = shape;
      this.strideC = new long[shape.length];
      this.index = new int[shape.length];
      long s = 1;
      for (int d = shape.length - 1; d >= 0; d--) {
        strideC[d] = s;
        s *= shape[d];
      }
    }

    void scatter(double[] values, int count, double[] out) {
      for (int i = 0; i < count; i++) {
        out[(int) offset] = values[i];
        for (int d = 0; d < shape.length; d++) {
          offset += strideC[d];
          if (++index[d] < shape[d]) {
            break;
          }
          offset -= shape[d] * strideC[d];
          index[d] = 0;
        }
      }
    }
  }
}
