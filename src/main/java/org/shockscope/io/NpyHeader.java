package org.shockscope.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated header of a numpy {@code .npy} array (format versions 1.0, 2.0 and 3.0 of
 * {@code numpy/lib/format.py}): magic {@code \x93NUMPY}, version, a 2-byte (1.0) or 4-byte
 * (2.0, 3.0) little-endian header length, then a Python dict literal with exactly the keys
 * {@code descr}, {@code fortran_order} and {@code shape}, parsed by {@link PythonLiteral} and
 * never evaluated. As numpy's {@code _MAX_HEADER_SIZE}, headers above
 * {@value #MAX_HEADER_BYTES} bytes are refused.
 *
 * <p>Float descrs {@code f2}/{@code f4}/{@code f8} are read with byte order {@code <}, {@code >},
 * or {@code =}/{@code |}/none meaning the native order (as numpy reads them). Other descrs are
 * kept as text ({@link #dtype()} null): object arrays ({@code O}, pickled) and other dtypes are
 * refused when read, by {@link #refusal(String, String)}.
 *
 * @param descr        the descr as written ({@code <f8}), or a structured descr's literal text
 * @param dtype        the element type, or {@code null} when shockscope does not read it
 * @param order        the byte order of the elements
 * @param fortranOrder true when the first index varies fastest in storage
 * @param shape        dimensions
 * @param dataBytes    data bytes the shape needs, or −1 when the item size is unknown
 *                     (objects, structured dtypes)
 * @param dataOffset   bytes from the start of the .npy to its first data byte
 */
record NpyHeader(String descr, DType dtype, ByteOrder order, boolean fortranOrder, int[] shape,
                 long dataBytes, int dataOffset) {
  /** numpy's {@code _MAX_HEADER_SIZE}: longer headers are refused as unsafe. */
  static final int MAX_HEADER_BYTES = 10_000;
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");
  /** numpy's NPY_MAXDIMS. */
  private static final int MAX_DIMS = 64;
  private static final Pattern SIMPLE_DESCR = Pattern.compile("([<>=|]?)([a-zA-Z])(\\d*)");

  /** True for numpy object arrays, whose data are a pickle. */
  boolean isObject() {
    return descr.matches("[<>=|]?O\\d*");
  }

  /** Why a tensor of this header cannot be read (the descr is not a float). */
  TensorFormatException refusal(String file, String tensor) {
    if (isObject() || descr.contains("'O")) {
      return new PickleRefusedException(file, tensor, "descr '" + descr + "' is an object array: "
          + "its data are a Python pickle, which shockscope never loads; save a numeric array "
          + "instead (e.g. np.save(path, arr.astype(np.float32)))");
    }
    return new TensorFormatException(file, tensor, "descr '" + descr + "' is not supported; "
        + "shockscope reads float arrays: '<f8', '<f4', '<f2' (or '>' big-endian)");
  }

  /**
   * Reads a header from the start of an {@code .npy} stream, leaving {@code in} at the first
   * data byte.
   *
   * @throws TensorFormatException when the header is malformed or breaks a bound
   */
  static NpyHeader read(InputStream in, String file, String tensor) throws IOException {
    byte[] prefix = new byte[MAGIC.length + 2];
    int got = in.readNBytes(prefix, 0, prefix.length);
    if (got < prefix.length || !Arrays.equals(prefix, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new TensorFormatException(file, tensor, got < prefix.length
          ? "npy data end after " + got + " bytes, before the 8-byte magic and version"
          : "not an .npy array: it does not start with the magic bytes \\x93NUMPY");
    }
    int major = prefix[6] & 0xff;
    int minor = prefix[7] & 0xff;
    if (major < 1 || major > 3 || minor != 0) {
      throw new TensorFormatException(file, tensor, "npy format version " + major + "." + minor
          + " is not supported; versions 1.0, 2.0 and 3.0 are");
    }
    int lengthBytes = major == 1 ? 2 : 4;
    byte[] len = new byte[4];
    if (in.readNBytes(len, 0, lengthBytes) < lengthBytes) {
      throw new TensorFormatException(file, tensor, "npy data end inside the header length");
    }
    long headerLength = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
    if (headerLength > MAX_HEADER_BYTES) {
      throw new TensorFormatException(file, tensor, "npy header length " + headerLength
          + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes (numpy's _MAX_HEADER_SIZE)");
    }
    byte[] raw = in.readNBytes((int) headerLength);
    if (raw.length < headerLength) {
      throw new TensorFormatException(file, tensor, "npy data end after " + raw.length
          + " of the " + headerLength + " header bytes");
    }
    String text = decode(raw, major == 3, file, tensor);
    Object parsed = PythonLiteral.parse(text, file, tensor);
    if (!(parsed instanceof Map<?, ?> dict)) {
      throw new TensorFormatException(file, tensor, "npy header is not a dict: " + clip(text));
    }
    if (!dict.keySet().equals(KEYS)) {
      throw new TensorFormatException(file, tensor, "npy header keys are " + dict.keySet()
          + "; exactly descr, fortran_order and shape are expected");
    }
    if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
      throw new TensorFormatException(file, tensor, "npy fortran_order must be True or False, "
          + "found " + PythonLiteral.repr(dict.get("fortran_order")));
    }
    int[] shape = shape(dict.get("shape"), file, tensor);
    long numel = Tensor.numel(shape);
    int offset = prefix.length + lengthBytes + (int) headerLength;
    Object descr = dict.get("descr");
    if (!(descr instanceof String d)) {
      return new NpyHeader(PythonLiteral.repr(descr), null, ByteOrder.LITTLE_ENDIAN, fortran, shape,
          -1, offset);
    }
    Matcher m = SIMPLE_DESCR.matcher(d);
    if (!m.matches()) {
      return new NpyHeader(d, null, ByteOrder.LITTLE_ENDIAN, fortran, shape, -1, offset);
    }
    ByteOrder order = switch (m.group(1)) {
      case "<" -> ByteOrder.LITTLE_ENDIAN;
      case ">" -> ByteOrder.BIG_ENDIAN;
      default -> ByteOrder.nativeOrder();
    };
    char kind = m.group(2).charAt(0);
    int count = m.group(3).isEmpty() || m.group(3).length() > 6 ? -1
        : Integer.parseInt(m.group(3));
    DType dtype = kind != 'f' ? null : switch (count) {
      case 8 -> DType.F64;
      case 4 -> DType.F32;
      case 2 -> DType.F16;
      default -> null;
    };
    int itemSize = switch (kind) {
      case 'b', 'i', 'u', 'f', 'c', 'S', 'V', 'a' -> count;
      case 'U' -> count < 0 ? -1 : 4 * count;
      default -> -1;
    };
    long dataBytes = -1;
    if (itemSize >= 0) {
      try {
        dataBytes = Math.multiplyExact(numel, (long) itemSize);
      } catch (ArithmeticException e) {
        throw new TensorFormatException(file, tensor, "npy shape " + Arrays.toString(shape)
            + " of '" + d + "' needs more than 2^63 bytes");
      }
    }
    return new NpyHeader(d, dtype, order, fortran, shape, dataBytes, offset);
  }

  private static int[] shape(Object value, String file, String tensor) {
    if (!(value instanceof PythonLiteral.Tuple tuple)) {
      throw new TensorFormatException(file, tensor, "npy shape must be a tuple of integers, "
          + "found " + PythonLiteral.repr(value));
    }
    List<Object> items = tuple.items();
    if (items.size() > MAX_DIMS) {
      throw new TensorFormatException(file, tensor, "npy shape has " + items.size()
          + " dimensions, more than numpy's " + MAX_DIMS);
    }
    int[] shape = new int[items.size()];
    long numel = 1;
    for (int i = 0; i < shape.length; i++) {
      if (!(items.get(i) instanceof Long dim) || dim < 0 || dim > Integer.MAX_VALUE) {
        throw new TensorFormatException(file, tensor, "npy shape " + PythonLiteral.repr(tuple)
            + " has dimension " + PythonLiteral.repr(items.get(i)) + " outside [0, "
            + Integer.MAX_VALUE + "]");
      }
      shape[i] = (int) (long) dim;
      try {
        numel = Math.multiplyExact(numel, (long) dim);
      } catch (ArithmeticException e) {
        throw new TensorFormatException(file, tensor, "npy shape " + PythonLiteral.repr(tuple)
            + " has more than 2^63 elements");
      }
    }
    return shape;
  }

  private static String decode(byte[] raw, boolean utf8, String file, String tensor) {
    if (!utf8) {
      return new String(raw, StandardCharsets.ISO_8859_1);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw)).toString();
    } catch (CharacterCodingException e) {
      throw new TensorFormatException(file, tensor, "npy 3.0 header is not well-formed UTF-8");
    }
  }

  private static String clip(String text) {
    return text.length() <= 80 ? text : text.substring(0, 80) + "...";
  }
}
