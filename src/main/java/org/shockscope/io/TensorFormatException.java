package org.shockscope.io;

import org.shockscope.ShockscopeException;

/**
 * A tensor file whose content cannot be used as it is: a bound broken in a header, an
 * inconsistent shape, a truncated data section, a dtype shockscope does not read. The message
 * always starts with the file (and the tensor, where the problem belongs to one) and then says
 * what is wrong, with the offending value and the bound it broke.
 */
public class TensorFormatException extends ShockscopeException {
  private final String file;
  private final String tensor;

  /**
   * @param file    where the file is (URI or path), as given to the reader
   * @param tensor  the tensor the problem belongs to, or {@code null} for the whole file
   * @param problem what is wrong: the value found and the bound it broke
   */
  public TensorFormatException(String file, String tensor, String problem) {
    super(describe(file, tensor, problem));
    this.file = file;
    this.tensor = tensor;
  }

  /** As {@link #TensorFormatException(String, String, String)}, keeping the cause. */
  public TensorFormatException(String file, String tensor, String problem, Throwable cause) {
    super(describe(file, tensor, problem), cause);
    this.file = file;
    this.tensor = tensor;
  }

  /** The file the problem was found in. */
  public String file() {
    return file;
  }

  /** The tensor the problem belongs to, or {@code null} when it belongs to the whole file. */
  public String tensor() {
    return tensor;
  }

  private static String describe(String file, String tensor, String problem) {
    return tensor == null ? file + ": " + problem : file + ", tensor '" + tensor + "': " + problem;
  }
}
