package org.shockscope.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes {@code [start, start+length)} of a {@link ByteSource} as a sequential stream; each
 * read is one positional read of the source straight into the caller's array (no buffer).
 */
final class RangeInputStream extends InputStream {
  private final ByteSource source;
  private long position;
  private final long end;
  private final byte[] one = new byte[1];

  /** The range must lie inside the source (checked by the caller against its size). */
  RangeInputStream(ByteSource source, long start, long length) {
    this.source = source;
    this.position = start;
    this.end = start + length;
  }

  @Override
  public int read() throws IOException {
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (position >= end) {
      return -1;
    }
    int n = (int) Math.min(len, end - position);
    source.readFully(position, b, off, n);
    position += n;
    return n;
  }
}
