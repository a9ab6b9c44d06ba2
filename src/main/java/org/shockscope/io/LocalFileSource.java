package org.shockscope.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A {@link ByteSource} over a file of the local file system, read with positional
 * {@link FileChannel#read(ByteBuffer, long)} calls into the caller's array.
 *
 * <p>A checkpoint of a small model is a few kilobytes read in three or four ranges, so opening
 * it is most of its cost: through Hadoop's raw local file system an open parsed the path into a
 * URI twice, looked the file system up in Hadoop's cache, took the file's status twice and
 * allocated and zeroed a buffered stream's array, a quarter of the reduction's time on a sweep
 * of 20,000 such checkpoints. A channel costs one system call to open and one per range.
 */
public final class LocalFileSource implements ByteSource {
  private final String location;
  private final FileChannel channel;
  private final long size;

  private LocalFileSource(String location, FileChannel channel, long size) {
    this.location = location;
    this.channel = channel;
    this.size = size;
  }

  /**
   * Opens {@code path} for reading.
   *
   * @param location the name used in error messages (the URI the caller was given)
   * @param path     the local file
   * @throws TensorIoException when the file does not exist, is a directory or cannot be opened
   */
  public static LocalFileSource open(String location, Path path) {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(path, "path");
    if (Files.isDirectory(path)) {
      throw new TensorIoException(location, "is a directory, not a tensor file", null);
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new TensorIoException(location, "file not found", e);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      throw new TensorIoException(location, "cannot open: " + e, e);
    }
    try {
      return new LocalFileSource(location, channel, channel.size());
    } catch (IOException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new TensorIoException(location, "cannot read its size: " + e, e);
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void readFully(long position, byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (position < 0 || position > size - len) {
      throw new EOFException(location + ": range [" + position + ", " + (position + len)
          + ") is past the end of the file (" + size + " bytes)");
    }
    ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new EOFException(location + ": file ended at byte " + at + " while reading ["
            + position + ", " + (position + len) + ")");
      }
      at += n;
    }
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
