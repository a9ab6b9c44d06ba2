package org.shockscope.sweep;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code failing:}, where opening a file of a folder
 * named {@code sealed} or listing a folder named {@code locked} fails with an I/O error, as a
 * permission problem or a flaky object store would.
 */
public final class FailingFileSystem extends RawLocalFileSystem {
  static final String SCHEME = "failing";

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    if (f.getParent() != null && f.getParent().getName().equals("sealed")) {
      throw new IOException("simulated read failure of " + f);
    }
    return super.open(f, bufferSize);
  }

  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    if (f.getName().equals("locked")) {
      throw new IOException("simulated listing failure of " + f);
    }
    return super.listStatus(f);
  }
}
