package org.shockscope.sweep;

import java.io.IOException;

/** A text file is larger than discovery is allowed to read (see {@link DiscoveryLimits}). */
final class FileTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  FileTooLargeException(String uri, long size, long limit) {
    super(uri + " is " + (size < 0 ? "more than " + limit : String.valueOf(size))
        + " bytes, over the limit of " + limit + " bytes for this kind of file; it was not read");
  }
}
