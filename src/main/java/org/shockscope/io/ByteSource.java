package org.shockscope.io;

import java.io.Closeable;
import java.io.IOException;

/**
 * Random access to the bytes of one file, by absolute position, so that a reader fetches only
 * the ranges it needs (a header, one tensor) from local disk, HDFS or object storage alike.
 * Implementations: {@link ByteArraySource} (in memory), {@link LocalFileSource} (local files)
 * and {@link HadoopByteSource} (any Hadoop file system).
 */
public interface ByteSource extends Closeable {
  /** The file's length in bytes. */
  long size();

  /**
   * Copies the {@code len} bytes starting at {@code position} into {@code b[off, off+len)}.
   *
   * @throws java.io.EOFException when the range goes past {@link #size()}
   * @throws IOException          when the storage fails
   */
  void readFully(long position, byte[] b, int off, int len) throws IOException;

  /** Where the bytes come from (URI or path), as used in error messages. */
  String location();
}
