package org.shockscope.sweep;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Reads the records of a TFRecord file, the container of TensorBoard event files. Each record
 * is framed as
 * <pre>
 *   uint64 length          little-endian
 *   uint32 masked_crc32c(length bytes)
 *   byte   data[length]
 *   uint32 masked_crc32c(data)
 * </pre>
 * where {@code masked(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8} (mod 2³²) over the CRC32C
 * (Castagnoli) checksum (TensorFlow {@code core/lib/io/record_writer.h} and
 * {@code core/lib/hash/crc32c.h}).
 *
 * <p>Both checksums are checked. A record whose data fails its checksum, or whose length is
 * over {@code maxRecordBytes}, is skipped and reported to the {@link Skipped} callback: its
 * length was verified, so the next record's position is known. A length that fails its
 * checksum, or a file that ends inside a record, loses the framing: {@link #next()} throws a
 * {@link TfRecordException} and the rest of the file is not read. Memory is bounded by
 * {@code maxRecordBytes}, and every call consumes at least one record header, so no input
 * makes the reader loop.
 */
final class TfRecordReader {
  /** Header bytes before a record's data: the length and its checksum. */
  static final int HEADER_BYTES = 12;
  /** Trailer bytes after a record's data: its checksum. */
  static final int FOOTER_BYTES = 4;
  private static final int MASK_DELTA = 0xa282ead8;

  /** Receives the records that were skipped while framing held. */
  interface Skipped {
    /** The record at {@code offset} was skipped because of {@code what}. */
    void record(long offset, String what);
  }

  private final InputStream in;
  private final String source;
  private final long fileLength;
  private final int maxRecordBytes;
  private final Skipped skipped;
  private final byte[] header = new byte[HEADER_BYTES];
  private final byte[] footer = new byte[FOOTER_BYTES];
  private long position;
  private long recordOffset = -1;

  /**
   * @param in             the file's bytes from its start; not closed here
   * @param source         the file's URI, for messages
   * @param fileLength     the file's length in bytes (a record reaching past it is truncated)
   * @param maxRecordBytes the longest record data read into memory; longer ones are skipped
   * @param skipped        told of every skipped record
   */
  TfRecordReader(InputStream in, String source, long fileLength, int maxRecordBytes,
                 Skipped skipped) {
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("maxRecordBytes = " + maxRecordBytes
          + " must be at least 1");
    }
    this.in = in;
    this.source = source;
    this.fileLength = fileLength;
    this.maxRecordBytes = maxRecordBytes;
    this.skipped = skipped;
  }

  /** Offset in the file of the record {@link #next()} returned last, or -1. */
  long offset() {
    return recordOffset;
  }

  /**
   * The data of the next record whose checksums match, or null at the end of the file.
   *
   * @throws TfRecordException when the framing is lost (see the class comment)
   * @throws IOException       when the file cannot be read
   */
  byte[] next() throws IOException {
    while (true) {
      long at = position;
      int n = readFully(header, HEADER_BYTES);
      if (n == 0) {
        return null;
      }
      if (n < HEADER_BYTES) {
        throw new TfRecordException(TfRecordException.Kind.TRUNCATED, source, at, "the file ends"
            + " inside a record header (" + n + " of " + HEADER_BYTES + " bytes)");
      }
      long length = littleEndianLong(header, 0);
      int storedLengthCrc = littleEndianInt(header, 8);
      int lengthCrc = maskedCrc32c(header, 0, 8);
      if (storedLengthCrc != lengthCrc) {
        throw new TfRecordException(TfRecordException.Kind.BAD_LENGTH_CRC, source, at,
            String.format("the checksum of the record length does not match (stored 0x%08x,"
                + " computed 0x%08x); the framing is lost and the rest of the file is not read",
                storedLengthCrc, lengthCrc));
      }
      if (length < 0 || length > maxRecordBytes) {
        String len = Long.toUnsignedString(length);
        skip(at, length, len);
        skipped.record(at, "record of " + len + " bytes is over the limit of " + maxRecordBytes
            + " bytes; skipped");
        continue;
      }
      byte[] data = new byte[(int) length];
      int got = readFully(data, data.length);
      if (got < data.length) {
        throw new TfRecordException(TfRecordException.Kind.TRUNCATED, source, at, "the file"
            + " ends inside a record of " + length + " bytes (" + got + " bytes of data present)");
      }
      int f = readFully(footer, FOOTER_BYTES);
      if (f < FOOTER_BYTES) {
        throw new TfRecordException(TfRecordException.Kind.TRUNCATED, source, at, "the file"
            + " ends inside the data checksum of a record of " + length + " bytes");
      }
      int storedDataCrc = littleEndianInt(footer, 0);
      int dataCrc = maskedCrc32c(data, 0, data.length);
      if (storedDataCrc != dataCrc) {
        skipped.record(at, String.format("the checksum of the record's %d data bytes does not"
            + " match (stored 0x%08x, computed 0x%08x); skipped", length, storedDataCrc, dataCrc));
        continue;
      }
      recordOffset = at;
      return data;
    }
  }

  /** The masked CRC32C of {@code b[off, off + len)} (see the class comment). */
  static int maskedCrc32c(byte[] b, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(b, off, len);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  /** Skips the data and checksum of the over-long record at {@code at}. */
  private void skip(long at, long length, String len) throws IOException {
    if (length < 0 || length > Long.MAX_VALUE - FOOTER_BYTES) {
      throw new TfRecordException(TfRecordException.Kind.TRUNCATED, source, at, "a record of "
          + len + " bytes is longer than any file");
    }
    long want = length + FOOTER_BYTES;
    if (want > fileLength - position) {
      throw new TfRecordException(TfRecordException.Kind.TRUNCATED, source, at, "the file ends"
          + " inside a record of " + len + " bytes (over the limit of " + maxRecordBytes
          + " bytes): " + (fileLength - position) + " bytes follow its header");
    }
    long done = 0;
    while (done < want) {
      long k = in.skip(want - done);
      if (k <= 0) {
        // skip() may stop short without being at the end; one read tells which
        if (in.read() < 0) {
          position += done;
          throw new TfRecordException(TfRecordException.Kind.TRUNCATED, source, at, "the file"
              + " ends inside a record of " + len + " bytes (over the limit of " + maxRecordBytes
              + " bytes, being skipped)");
        }
        k = 1;
      }
      done += k;
    }
    position += done;
  }

  /** Reads up to {@code n} bytes into {@code b}; fewer only at the end of the file. */
  private int readFully(byte[] b, int n) throws IOException {
    int got = 0;
    while (got < n) {
      int k = in.read(b, got, n - got);
      if (k < 0) {
        break;
      }
      got += k;
    }
    position += got;
    return got;
  }

  private static long littleEndianLong(byte[] b, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xffL);
    }
    return v;
  }

  private static int littleEndianInt(byte[] b, int off) {
    return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16
        | (b[off + 3] & 0xff) << 24;
  }
}
