package org.shockscope.lab;

import org.shockscope.ShockscopeException;

/**
 * A training-lab configuration or output problem: an invalid grid value, an unknown
 * configuration key, an output folder that already holds a sweep. The message names the file,
 * family or run and the offending value.
 */
public class LabException extends ShockscopeException {
  public LabException(String message) {
    super(message);
  }

  public LabException(String message, Throwable cause) {
    super(message, cause);
  }
}
