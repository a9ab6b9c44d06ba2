package org.shockscope.io;

/**
 * Element types shockscope reads and writes, with their size in bytes and their names in the
 * safetensors header and in numpy's {@code descr} (little-endian).
 */
public enum DType {
  F64(8, "F64", "<f8"),
  F32(4, "F32", "<f4"),
  F16(2, "F16", "<f2"),
  BF16(2, "BF16", null);

  private final int size;
  private final String safetensorsName;
  private final String numpyDescr;

  DType(int size, String safetensorsName, String numpyDescr) {
    this.size = size;
    this.safetensorsName = safetensorsName;
    this.numpyDescr = numpyDescr;
  }

  /** Bytes per element. */
  public int size() {
    return size;
  }

  /** The dtype string of the safetensors header ({@code "F32"}, ...). */
  public String safetensorsName() {
    return safetensorsName;
  }

  /** numpy's little-endian {@code descr}, or {@code null} where numpy has no such type (BF16). */
  public String numpyDescr() {
    return numpyDescr;
  }

  /** The dtype of a safetensors header string, or {@code null} when it is not one we read. */
  public static DType fromSafetensors(String name) {
    for (DType d : values()) {
      if (d.safetensorsName.equals(name)) {
        return d;
      }
    }
    return null;
  }
}
