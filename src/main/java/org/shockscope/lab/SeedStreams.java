package org.shockscope.lab;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Independent, reproducible random streams derived from a seed and a purpose name
 * ({@code "teacher"}, {@code "init"}, {@code "samples"}, ...), so that changing how one part of
 * a run draws numbers never shifts another part. A stream is a {@link java.util.Random}, whose
 * sequence (including {@code nextGaussian}, Marsaglia's polar method) is fixed by its
 * specification, so the same seed gives the same numbers on every JVM.
 */
final class SeedStreams {
  private SeedStreams() {}

  /** The stream for {@code purpose} under {@code seed}. */
  static Random of(long seed, String purpose) {
    long h = seed;
    for (byte b : purpose.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h ^ (b & 0xff));
    }
    return new Random(mix(h));
  }

  /** SplitMix64's finaliser (Steele, Lea &amp; Flood 2014): a bijective 64-bit scramble. */
  private static long mix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** {@code count} independent N(0, std²) draws. */
  static double[] gaussian(Random rng, int count, double std) {
    double[] v = new double[count];
    for (int i = 0; i < count; i++) {
      v[i] = std * rng.nextGaussian();
    }
    return v;
  }
}
