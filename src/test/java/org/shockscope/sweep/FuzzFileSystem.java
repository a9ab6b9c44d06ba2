package org.shockscope.sweep;

import java.io.IOException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code fuzzfail:}, where opening one of the files
 * registered in {@link #UNREADABLE} fails with an I/O error, as a file without read permission
 * would for a user other than root (the tests run as root, so {@code chmod 000} does not).
 */
public final class FuzzFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "fuzzfail";
  /** Local absolute paths (without scheme) whose opening fails. */
  public static final Set<String> UNREADABLE = ConcurrentHashMap.newKeySet();

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
    if (UNREADABLE.contains(f.toUri().getPath())) {
      throw new IOException("simulated permission denied reading " + f);
    }
    return super.open(f, bufferSize);
  }
}
