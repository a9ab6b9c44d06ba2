package org.shockscope.io;

import java.io.EOFException;
import java.util.Objects;

/** A {@link ByteSource} over an array in memory (not copied; must not change while read). */
public final class ByteArraySource implements ByteSource {
  private final String location;
  private final byte[] bytes;

  /**
   * @param location name used in error messages (e.g. the file name the bytes came from)
   * @param bytes    the file content (not copied)
   */
  public ByteArraySource(String location, byte[] bytes) {
    this.location = Objects.requireNonNull(location, "location");
    this.bytes = Objects.requireNonNull(bytes, "bytes");
  }

  @Override
  public long size() {
    return bytes.length;
  }

  @Override
  public void readFully(long position, byte[] b, int off, int len) throws EOFException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (position < 0 || position > bytes.length - (long) len) {
      throw new EOFException(location + ": range [" + position + ", " + (position + len)
          + ") lies outside the " + bytes.length + " bytes of the file");
    }
    System.arraycopy(bytes, (int) position, b, off, len);
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public void close() {
    // nothing to release: the array belongs to the caller
  }
}
