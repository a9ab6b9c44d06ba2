package org.shockscope.io;

/**
 * Conversions between float and the two 16-bit float formats of safetensors: IEEE 754
 * binary16 ({@code F16}: 1 sign, 5 exponent, 10 mantissa bits) and bfloat16 ({@code BF16}: the
 * upper 16 bits of a binary32). Narrowing rounds to nearest, ties to even; NaN stays NaN and
 * overflow goes to infinity, as numpy's {@code astype(np.float16)} does.
 */
public final class HalfPrecision {
  private HalfPrecision() {}

  /** The float value of binary16 bits (exact: every binary16 is a float). */
  public static float f16ToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal binary16: mant * 2^-24
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** The binary16 bits nearest to {@code f} (round to nearest even). */
  public static short floatToF16(float f) {
    int x = Float.floatToRawIntBits(f);
    int sign = (x >>> 16) & 0x8000;
    int exp = (x >>> 23) & 0xff;
    int mant = x & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      // subnormal result: shift the implicit-1 mantissa right, rounding to nearest even
      int m = mant | 0x800000;
      int shift = 14 - e;
      int half = 1 << (shift - 1);
      int rounded = (m + half - 1 + ((m >>> shift) & 1)) >>> shift;
      return (short) (sign | rounded);
    }
    int rounded = mant + 0xfff + ((mant >>> 13) & 1);
    if ((rounded & 0x800000) != 0) {
      rounded = 0;
      e++;
      if (e >= 0x1f) {
        return (short) (sign | 0x7c00);
      }
    }
    return (short) (sign | (e << 10) | (rounded >>> 13));
  }

  /** The float value of bfloat16 bits (exact). */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** The bfloat16 bits nearest to {@code f} (round to nearest even; NaN stays a quiet NaN). */
  public static short floatToBf16(float f) {
    int x = Float.floatToRawIntBits(f);
    if ((x & 0x7fffffff) > 0x7f800000) {
      return (short) ((x >>> 16) | 0x40);
    }
    int rounded = x + 0x7fff + ((x >>> 16) & 1);
    return (short) (rounded >>> 16);
  }
}
