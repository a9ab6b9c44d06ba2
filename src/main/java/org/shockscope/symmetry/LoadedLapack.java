package org.shockscope.symmetry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which native LAPACK/BLAS this process has loaded, read from the shared objects mapped into it
 * ({@code /proc/self/maps} on Linux). Its one question: is the LAPACK that dev.ludovic.netlib
 * loaded the slow reference implementation (Debian's {@code liblapack3} / {@code libblas3}
 * without OpenBLAS)? On that one EJML is faster for every operation the kernels use (measured
 * in src/bench/README.md, "Backend": singular values of a 256 × 256 matrix 1.8× faster, matrix
 * products over 10×), so {@link DenseLinearAlgebra#create()} then takes EJML.
 */
final class LoadedLapack {
  /** Names of optimised BLAS/LAPACK builds; any of them mapped means "not the reference". */
  private static final String[] OPTIMISED = {"openblas", "mkl", "blis", "atlas", "armpl",
      "libsci", "essl", "accelerate"};

  private LoadedLapack() {
  }

  /**
   * The path of the reference LAPACK when that is what is loaded, null when an optimised
   * build is mapped, when no LAPACK is mapped, or when the mappings cannot be read.
   */
  static String referenceImplementation() {
    return referenceImplementation(mappedLibraries());
  }

  /**
   * The decision on a list of mapped shared-object paths: the first path whose file name
   * starts with {@code liblapack} when no path names an optimised build, else null.
   *
   * @param paths input, absolute paths of the mapped files
   */
  static String referenceImplementation(List<String> paths) {
    String lapack = null;
    for (String p : paths) {
      String lower = p.toLowerCase(Locale.ROOT);
      for (String name : OPTIMISED) {
        if (lower.contains(name)) {
          return null;
        }
      }
      String file = lower.substring(lower.lastIndexOf('/') + 1);
      if (lapack == null && file.startsWith("liblapack.")) {
        lapack = p;
      }
    }
    return lapack;
  }

  /** The distinct files mapped into this process (empty when not on Linux or unreadable). */
  static List<String> mappedLibraries() {
    List<String> out = new ArrayList<>();
    Path maps = Path.of("/proc/self/maps");
    if (!Files.isReadable(maps)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(maps)) {
        int slash = line.indexOf('/');
        if (slash >= 0 && line.contains(".so")) {
          String path = line.substring(slash).trim();
          if (!out.contains(path)) {
            out.add(path);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not readable here: no decision, the native backend stays
      out.clear();
    }
    return out;
  }
}
