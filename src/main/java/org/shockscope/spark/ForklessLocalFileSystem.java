package org.shockscope.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}, with its checksum files) whose permission changes
 * and link lookups go through {@code java.nio} instead of a forked process.
 *
 * <p>Without Hadoop's native library, which the Maven Hadoop client does not ship,
 * {@link RawLocalFileSystem} runs {@code chmod} for every file and folder it creates and
 * {@code readlink} for the status of every path a {@code FileContext} rename touches (Delta's log
 * commits). A job writing its tables to a local folder forks thousands of processes, about 7 ms
 * each on a 2-core machine: one analysis test class with Delta tables forked 4,130.
 *
 * <p>The embedded local session sets it as {@code spark.hadoop.fs.file.impl}, with
 * {@link ForklessLocalFs} for {@code FileContext}. Behaviour is Hadoop's otherwise: permissions
 * with a sticky bit, file systems without POSIX attributes and symbolic links take Hadoop's own
 * path.
 */
public final class ForklessLocalFileSystem extends LocalFileSystem {
  public ForklessLocalFileSystem() {
    super(new Raw());
  }

  /** {@link RawLocalFileSystem} without the forks. */
  static final class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      Set<PosixFilePermission> bits = posix(permission);
      if (bits == null) {
        super.setPermission(p, permission);
        return;
      }
      try {
        Files.setPosixFilePermissions(pathToFile(p).toPath(), bits);
      } catch (UnsupportedOperationException e) {
        super.setPermission(p, permission);
      }
    }

    /** A path that is no symbolic link has its own status as its link status. */
    @Override
    public FileStatus getFileLinkStatus(Path f) throws IOException {
      if (!Files.isSymbolicLink(pathToFile(f).toPath())) {
        return getFileStatus(f);
      }
      return super.getFileLinkStatus(f);
    }
  }

  /** The POSIX permissions of {@code permission}, or null when it has bits beyond them. */
  static Set<PosixFilePermission> posix(FsPermission permission) {
    // without sticky or extension bits Hadoop writes the mode as the nine rwx characters
    return (permission.toShort() & ~0777) != 0 ? null
        : PosixFilePermissions.fromString(permission.toString());
  }
}
