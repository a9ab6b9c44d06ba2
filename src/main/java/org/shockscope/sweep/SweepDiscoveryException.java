package org.shockscope.sweep;

import org.shockscope.ShockscopeException;

/**
 * A sweep could not be discovered at all: its URI is invalid, its folder does not exist or
 * cannot be listed, or holds none of the layouts of SPEC §3. Problems with single runs or files
 * never raise this; they become error records of the {@link Sweep}.
 */
public final class SweepDiscoveryException extends ShockscopeException {
  public SweepDiscoveryException(String message) {
    super(message);
  }

  public SweepDiscoveryException(String message, Throwable cause) {
    super(message, cause);
  }
}
