package org.shockscope;

/**
 * Root of every exception shockscope throws on purpose. A message always says what was wrong,
 * the offending value and the bound it broke, and where (file, tensor, run, step).
 */
public class ShockscopeException extends RuntimeException {
  public ShockscopeException(String message) {
    super(message);
  }

  public ShockscopeException(String message, Throwable cause) {
    super(message, cause);
  }
}
