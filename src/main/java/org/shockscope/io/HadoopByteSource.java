package org.shockscope.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A {@link ByteSource} over a file of any Hadoop {@link FileSystem} ({@code file:},
 * {@code hdfs:}, {@code s3a:}, {@code abfss:}, {@code dbfs:}, ...), read with positional reads
 * ({@link FSDataInputStream#readFully(long, byte[], int, int)}) so that only the requested
 * ranges travel. A string without a scheme is a path of the local file system (relative paths
 * against the working directory), not of {@code fs.defaultFS}: on Databricks, {@code /dbfs/...}
 * FUSE paths are local.
 *
 * <p>Local files are read through Hadoop's raw local file system, without its {@code .crc}
 * checksum layer.
 *
 * <p>Closing closes the stream only: file systems are cached and shared by Hadoop.
 */
public final class HadoopByteSource implements ByteSource {
  private final String location;
  private final FSDataInputStream in;
  private final long size;

  private HadoopByteSource(String location, FSDataInputStream in, long size) {
    this.location = location;
    this.in = in;
    this.size = size;
  }

  /**
   * Opens {@code uri} for reading.
   *
   * @throws TensorIoException when the file does not exist, is a directory or cannot be opened
   */
  public static HadoopByteSource open(String uri, Configuration conf) {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(conf, "conf");
    try {
      Path path = new Path(uri);
      FileSystem fs = path.toUri().getScheme() == null ? FileSystem.getLocal(conf)
          : path.getFileSystem(conf);
      if (fs instanceof LocalFileSystem local) {
        // Hadoop's local file system checks .crc files, which trainers do not write, and serves
        // each positional read through a new checksummed stream; the raw one reads the range
        fs = local.getRawFileSystem();
      }
      path = fs.makeQualified(path);
      FileStatus status = fs.getFileStatus(path);
      if (status.isDirectory()) {
        throw new TensorIoException(uri, "is a directory, not a tensor file", null);
      }
      return new HadoopByteSource(uri, fs.open(path), status.getLen());
    } catch (FileNotFoundException e) {
      throw new TensorIoException(uri, "file not found", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new TensorIoException(uri, "cannot open: " + e, e);
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void readFully(long position, byte[] b, int off, int len) throws IOException {
    in.readFully(position, b, off, len);
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
