package org.shockscope.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The reference LAPACK is recognised from the mapped libraries; optimised builds are not. */
class LoadedLapackTest {
  static final String REF = "/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0";

  @Test
  void referenceLapackAndBlasAloneIsTheReference() {
    assertEquals(REF, LoadedLapack.referenceImplementation(List.of("/usr/lib/libc.so.6", REF,
        "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0", "/tmp/libnetliblapackjni.so")));
  }

  @Test
  void openBlasAnywhereMeansOptimised() {
    assertNull(LoadedLapack.referenceImplementation(List.of(
        "/usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3",
        "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so")));
    // reference LAPACK over OpenBLAS's BLAS: the heavy lifting is OpenBLAS's
    assertNull(LoadedLapack.referenceImplementation(List.of(REF,
        "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3")));
    assertNull(LoadedLapack.referenceImplementation(List.of("/opt/intel/mkl/libmkl_rt.so", REF)));
  }

  @Test
  void noLapackMappedMeansNoDecision() {
    assertNull(LoadedLapack.referenceImplementation(List.of("/usr/lib/libc.so.6")));
    assertNull(LoadedLapack.referenceImplementation(List.of()));
  }
}
