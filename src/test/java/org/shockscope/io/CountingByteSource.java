package org.shockscope.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A {@link ByteSource} that records every range read from the one it wraps. */
final class CountingByteSource implements ByteSource {
  private final ByteSource inner;
  private final List<long[]> ranges = new ArrayList<>();
  private long bytes;
  private boolean closed;

  CountingByteSource(ByteSource inner) {
    this.inner = inner;
  }

  @Override
  public long size() {
    return inner.size();
  }

  @Override
  public void readFully(long position, byte[] b, int off, int len) throws IOException {
    ranges.add(new long[] {position, position + len});
    bytes += len;
    inner.readFully(position, b, off, len);
  }

  @Override
  public String location() {
    return inner.location();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    inner.close();
  }

  /** Bytes read so far. */
  long bytesRead() {
    return bytes;
  }

  /** Calls of readFully so far. */
  int reads() {
    return ranges.size();
  }

  /** The [start, end) ranges read, in order. */
  List<long[]> ranges() {
    return ranges;
  }

  boolean closed() {
    return closed;
  }
}
