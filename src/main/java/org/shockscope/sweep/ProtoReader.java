package org.shockscope.sweep;

/**
 * A bounded reader of the protocol-buffer wire format
 * (<a href="https://protobuf.dev/programming-guides/encoding/">protobuf.dev, Encoding</a>) over
 * a range of a byte array: field keys, varints of at most 10 bytes, fixed 32/64-bit values and
 * length-delimited fields, each checked against the range's end. Groups (wire types 3 and 4,
 * deprecated and never used by TensorBoard's messages) are refused. Every read advances the
 * position or throws, so a loop over the fields of a message always ends.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;
  private static final int MAX_VARINT_BYTES = 10;

  private final byte[] buf;
  private final int end;
  private int pos;
  private int wireType = -1;

  /** A reader of {@code buf[from, to)}; the array is read, never modified. */
  ProtoReader(byte[] buf, int from, int to) {
    if (from < 0 || to < from || to > buf.length) {
      throw new IllegalArgumentException("Range [" + from + ", " + to + ") outside an array of "
          + buf.length + " bytes");
    }
    this.buf = buf;
    this.pos = from;
    this.end = to;
  }

  /** True while fields remain. */
  boolean hasMore() {
    return pos < end;
  }

  /** Reads the next field key and returns its field number; {@link #wireType()} tells its type. */
  int field() throws MalformedProtoException {
    int at = pos;
    long key = varint();
    int type = (int) (key & 7);
    long number = key >>> 3;
    if (number < 1 || number > 0x1fffffff) {
      throw new MalformedProtoException("field number " + number + " out of range", at);
    }
    if (type != VARINT && type != FIXED64 && type != LENGTH_DELIMITED && type != FIXED32) {
      throw new MalformedProtoException("wire type " + type + " of field " + number
          + " is not supported (groups are not used by these messages)", at);
    }
    wireType = type;
    return (int) number;
  }

  /** Wire type of the field read last by {@link #field()}. */
  int wireType() {
    return wireType;
  }

  /** A varint (also int32, int64, uint64, bool and enum fields). */
  long varint() throws MalformedProtoException {
    int at = pos;
    long v = 0;
    for (int i = 0; i < MAX_VARINT_BYTES; i++) {
      if (pos >= end) {
        throw new MalformedProtoException("varint cut short", at);
      }
      int b = buf[pos++];
      v |= (long) (b & 0x7f) << (7 * i);
      if (b >= 0) {
        return v;
      }
    }
    throw new MalformedProtoException("varint longer than " + MAX_VARINT_BYTES + " bytes", at);
  }

  /** A little-endian 32-bit value (fixed32, sfixed32, float). */
  int fixed32() throws MalformedProtoException {
    need(4);
    int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16
        | (buf[pos + 3] & 0xff) << 24;
    pos += 4;
    return v;
  }

  /** A little-endian 64-bit value (fixed64, sfixed64, double). */
  long fixed64() throws MalformedProtoException {
    need(8);
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (buf[pos + i] & 0xffL);
    }
    pos += 8;
    return v;
  }

  /** A length-delimited field's contents as a reader of its own range. */
  ProtoReader message() throws MalformedProtoException {
    int len = length();
    ProtoReader r = new ProtoReader(buf, pos, pos + len);
    pos += len;
    return r;
  }

  /** A length-delimited field's contents as UTF-8 text. */
  String string() throws MalformedProtoException {
    int len = length();
    String s = new String(buf, pos, len, java.nio.charset.StandardCharsets.UTF_8);
    pos += len;
    return s;
  }

  /** Skips the value of the field read last by {@link #field()}. */
  void skip() throws MalformedProtoException {
    switch (wireType) {
      case VARINT -> varint();
      case FIXED64 -> {
        need(8);
        pos += 8;
      }
      case LENGTH_DELIMITED -> {
        int len = length();
        pos += len;
      }
      case FIXED32 -> {
        need(4);
        pos += 4;
      }
      default -> throw new IllegalStateException("skip() before field()");
    }
  }

  /** Bytes left in this reader's range. */
  int remaining() {
    return end - pos;
  }

  private int length() throws MalformedProtoException {
    int at = pos;
    long len = varint();
    if (len < 0 || len > end - pos) {
      throw new MalformedProtoException("length " + len + " runs past the end of its message ("
          + (end - pos) + " bytes left)", at);
    }
    return (int) len;
  }

  private void need(int n) throws MalformedProtoException {
    if (end - pos < n) {
      throw new MalformedProtoException(n + "-byte value cut short (" + (end - pos)
          + " bytes left)", pos);
    }
  }

  /** Bytes that are not a well-formed protocol-buffer message; the position is in the record. */
  static final class MalformedProtoException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedProtoException(String what, int position) {
      super(what + " at byte " + position + " of the record");
    }
  }
}
