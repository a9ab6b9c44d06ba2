package org.shockscope.shock;

import org.shockscope.ShockscopeException;

/** A caller's mistake in the shock detector's input: a malformed series or option. */
public final class ShockDetectionException extends ShockscopeException {
  public ShockDetectionException(String message) {
    super(message);
  }
}
