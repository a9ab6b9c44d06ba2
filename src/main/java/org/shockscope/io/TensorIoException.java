package org.shockscope.io;

import org.shockscope.ShockscopeException;

/**
 * The bytes of a tensor file could not be read (missing file, directory, network or storage
 * failure): the content itself was not judged. The cause is kept.
 */
public final class TensorIoException extends ShockscopeException {
  private final String file;

  /**
   * @param file    the file that could not be read
   * @param problem what failed
   * @param cause   the underlying I/O exception (may be null)
   */
  public TensorIoException(String file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** The file that could not be read. */
  public String file() {
    return file;
  }

  /** Closes a reader's source, turning a failure into this exception. */
  static void close(ByteSource source) {
    try {
      source.close();
    } catch (java.io.IOException e) {
      throw new TensorIoException(source.location(), "cannot close: " + e, e);
    }
  }
}
