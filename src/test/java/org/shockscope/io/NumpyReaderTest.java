package org.shockscope.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NumpyReaderTest {
  private static final String NPY = "mem://run/step_3.npy";
  private static final String NPZ = "mem://run/step_3.npz";
  private static final String F8_23 =
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";

  private static Tensor randomTensor(String name, DType dtype, int[] shape, long seed) {
    Random rnd = new Random(seed);
    double[] d = new double[(int) Tensor.numel(shape)];
    for (int i = 0; i < d.length; i++) {
      d[i] = dtype == DType.F32 ? (float) rnd.nextGaussian() : rnd.nextGaussian();
    }
    return new Tensor(name, dtype, shape, d);
  }

  @Test
  void readsWhatNumpyWriterWrites() throws IOException {
    Tensor a = randomTensor("a", DType.F64, new int[] {4, 70001}, 1);
    Tensor b = randomTensor("b", DType.F32, new int[] {3}, 2);
    Tensor c = randomTensor("c", DType.F32, new int[] {}, 3);
    ByteArrayOutputStream npy = new ByteArrayOutputStream();
    NumpyWriter.writeNpy(npy, a);
    try (TensorFile f = TensorFiles.open(new ByteArraySource(NPY, npy.toByteArray()), NPY)) {
      assertEquals(List.of(new TensorInfo("step_3", DType.F64, new int[] {4, 70001})),
          f.tensors());
      assertEquals(a.withName("step_3"), f.read("step_3"));
    }
    ByteArrayOutputStream npz = new ByteArrayOutputStream();
    NumpyWriter.writeNpz(npz, List.of(a, b, c));
    try (TensorFile f = TensorFiles.open(new ByteArraySource(NPZ, npz.toByteArray()), NPZ)) {
      assertEquals(Map.of("a", a, "b", b, "c", c), f.readAll());
      assertEquals(List.of("a", "b", "c"), f.tensors().stream().map(TensorInfo::name).toList());
    }
  }

  @Test
  void transposesFortranOrderOfAnyRank() {
    // stored first-index-fastest: element (i, j, k) of shape (2, 3, 4) at i + 2j + 6k
    double[] stored = new double[24];
    for (int k = 0; k < 4; k++) {
      for (int j = 0; j < 3; j++) {
        for (int i = 0; i < 2; i++) {
          stored[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
        }
      }
    }
    byte[] file = TensorBytes.npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 4), }",
        TensorBytes.f64(stored));
    try (NpyReader r = NpyReader.open(new ByteArraySource(NPY, file), "t")) {
      double[] c = r.read("t").data();
      for (int i = 0, n = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          for (int k = 0; k < 4; k++) {
            assertEquals(100 * i + 10 * j + k, c[n++]);
          }
        }
      }
    }
  }

  @Test
  void transposesFortranOrderAcrossChunks() {
    int rows = 300;
    int cols = 70;
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * rows * cols)
        .order(java.nio.ByteOrder.BIG_ENDIAN);
    for (int j = 0; j < cols; j++) {
      for (int i = 0; i < rows; i++) {
        b.putFloat(i * 1000 + j);
      }
    }
    byte[] file = TensorBytes.npy("{'descr': '>f4', 'fortran_order': True, 'shape': (300, 70), }",
        b.array());
    try (NpyReader r = NpyReader.open(new ByteArraySource(NPY, file), "t")) {
      double[] c = r.read("t").data();
      for (int i = 0; i < rows; i++) {
        for (int j = 0; j < cols; j++) {
          assertEquals(i * 1000 + j, c[i * cols + j], "(" + i + ", " + j + ")");
        }
      }
    }
  }

  @Test
  void readsVersions2And3AndPython2Headers() {
    byte[] data = TensorBytes.f64(1, 2, 3, 4, 5, 6);
    for (int major = 1; major <= 3; major++) {
      try (NpyReader r = NpyReader.open(new ByteArraySource(NPY, TensorBytes.npy(major, F8_23,
          data)), "t")) {
        assertEquals(6.0, r.read("t").data()[5]);
      }
    }
    byte[] py2 = TensorBytes.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 3L), }",
        data);
    try (NpyReader r = NpyReader.open(new ByteArraySource(NPY, py2), "t")) {
      assertArrayEquals(new int[] {2, 3}, r.tensors().get(0).shape());
    }
  }

  @Test
  void refusesObjectArraysAsPicklesAndOtherDtypesByDescr() {
    byte[] object = TensorBytes.npy("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }",
        new byte[] {(byte) 0x80, 4, '.'});
    try (NpyReader r = NpyReader.open(new ByteArraySource(NPY, object), "step_3")) {
      assertEquals(Map.of("step_3", "|O"), r.unsupported());
      PickleRefusedException e = assertThrows(PickleRefusedException.class,
          () -> r.read("step_3"));
      assertTrue(e.getMessage().startsWith(NPY) && e.getMessage().contains("pickle"),
          e.getMessage());
    }
    byte[] ints = TensorBytes.npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
        new byte[16]);
    try (NpyReader r = NpyReader.open(new ByteArraySource(NPY, ints), "step_3")) {
      TensorFormatException e = assertThrows(TensorFormatException.class,
          () -> r.read("step_3"));
      assertTrue(e.getMessage().contains("descr '<i8' is not supported"), e.getMessage());
    }
    assertNpyRefused(TensorBytes.npy("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }",
        new byte[16]), "needs 24");
    byte[] structured = TensorBytes.npy("{'descr': [('a', '<f8'), ('b', '<i4')], "
        + "'fortran_order': False, 'shape': (1,), }", new byte[12]);
    try (NpyReader r = NpyReader.open(new ByteArraySource(NPY, structured), "s")) {
      assertTrue(r.tensors().isEmpty());
      assertTrue(assertThrows(TensorFormatException.class, () -> r.read("s")).getMessage()
          .contains("descr '[('a', '<f8'), ('b', '<i4')]' is not supported"));
    }
  }

  @Test
  void refusesMalformedNpyHeaders() {
    byte[] six = TensorBytes.f64(1, 2, 3, 4, 5, 6);
    assertNpyRefused(TensorBytes.npy(F8_23, TensorBytes.f64(1, 2, 3)), "npy data section has 24 "
        + "bytes but shape [2, 3] of '<f8' needs 48 (file truncated?)");
    assertNpyRefused(TensorBytes.npy(F8_23, TensorBytes.f64(1, 2, 3, 4, 5, 6, 7)),
        "trailing bytes");
    assertNpyRefused(TensorBytes.npy(4, F8_23, six), "version 4.0 is not supported");
    assertNpyRefused(TensorBytes.npy("{'descr': '<f8', 'fortran_order': 'no', 'shape': (6,), }",
        six), "fortran_order must be True or False");
    assertNpyRefused(TensorBytes.npy("{'descr': '<f8', 'shape': (6,), }", six),
        "keys are [descr, shape]");
    assertNpyRefused(TensorBytes.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), "
        + "'x': 1}", six), "exactly descr, fortran_order and shape");
    assertNpyRefused(TensorBytes.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (6), }",
        six), "not a tuple");
    assertNpyRefused(TensorBytes.npy("{'descr': '<f8', 'fortran_order': False, 'shape': [6], }",
        six), "shape must be a tuple");
    assertNpyRefused(TensorBytes.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-6,), }",
        six), "dimension -6 outside");
    assertNpyRefused(TensorBytes.npy("{'descr': '<f8', 'fortran_order': False, "
        + "'shape': (2147483648, 2147483648), }", six), "dimension 2147483648 outside");
    assertNpyRefused(TensorBytes.npy("{'descr': '<f8', 'fortran_order': False, "
        + "'shape': (2147483647, 2147483647, 2147483647), }", six), "more than 2^63 elements");
    assertNpyRefused(TensorBytes.npy("{'descr': '<f8', 'fortran_order': False, "
        + "'shape': (65536, 65536), }", six), "needs 34359738368");
    assertNpyRefused(TensorBytes.npy("{'descr': __import__('os'), 'fortran_order': False, "
        + "'shape': (6,), }", six), "unexpected character at character 10");
    assertNpyRefused(TensorBytes.npy("{'descr': '<f8', 'fortran_order': False, 'shape': "
        + "(".repeat(2000) + ")".repeat(2000) + "}", six), "nesting deeper than 32");
    assertNpyRefused(TensorBytes.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (6,), "
        + "}" + " ".repeat(12000), six),
        "exceeds the limit of 10000 bytes (numpy's _MAX_HEADER_SIZE)");
    byte[] badMagic = TensorBytes.npy(F8_23, six);
    badMagic[1] = 'n';
    assertNpyRefused(badMagic, "does not start with the magic bytes");
    byte[] longHeader = TensorBytes.npy(F8_23, six);
    longHeader[8] = (byte) 0xff;
    longHeader[9] = 0x20;
    assertNpyRefused(longHeader, "npy data end after 166 of the 8447 header bytes");
  }

  @Test
  void refusesInconsistentZipMembers() {
    byte[] npy = TensorBytes.npy(F8_23, TensorBytes.f64(1, 2, 3, 4, 5, 6));
    for (boolean deflate : new boolean[] {false, true}) {
      TensorBytes.ZipMember crc = new TensorBytes.ZipMember("w.npy", npy, deflate);
      crc.crcOverride = 0x12345678L;
      assertNpzRefused(List.of(crc), "CRC-32");
      TensorBytes.ZipMember name = new TensorBytes.ZipMember("w.txt", npy, deflate);
      assertNpzRefused(List.of(name), "member 'w.txt' is not a <name>.npy array");
      TensorBytes.ZipMember encrypted = new TensorBytes.ZipMember("w.npy", npy, deflate);
      encrypted.flagsOverride = 1;
      assertNpzRefused(List.of(encrypted), "encrypted");
      TensorBytes.ZipMember bzip = new TensorBytes.ZipMember("w.npy", npy, deflate);
      bzip.methodOverride = 12;
      assertNpzRefused(List.of(bzip), "compression method 12");
      TensorBytes.ZipMember a = new TensorBytes.ZipMember("a.npy", npy, deflate);
      TensorBytes.ZipMember b = new TensorBytes.ZipMember("b.npy", npy, deflate);
      b.localOffsetOverride = 0L;
      assertNpzRefused(List.of(a, b), "overlap");
      TensorBytes.ZipMember twice = new TensorBytes.ZipMember("a.npy", npy, deflate);
      assertNpzRefused(List.of(a, twice), "two members named 'a.npy'");
    }
    TensorBytes.ZipMember longer = new TensorBytes.ZipMember("w.npy", npy, false);
    longer.sizeOverride = (long) npy.length + 8;
    assertNpzRefused(List.of(longer), "compressed size");
    TensorBytes.ZipMember bomb = new TensorBytes.ZipMember("w.npy", npy, true);
    bomb.sizeOverride = 1L << 30;
    assertNpzRefused(List.of(bomb), "beyond deflate's maximum ratio of 1032:1");
    TensorBytes.ZipMember more = new TensorBytes.ZipMember("w.npy", npy, true);
    more.sizeOverride = (long) npy.length + 8;
    assertNpzRefused(List.of(more), "zip entry declares " + (npy.length + 8) + " bytes but its "
        + "npy header (shape [2, 3], '<f8') needs 128 + 48 = 176");
    byte[] shortNpy = TensorBytes.npy(F8_23, TensorBytes.f64(1, 2, 3, 4, 5));
    TensorBytes.ZipMember truncated = new TensorBytes.ZipMember("w.npy", shortNpy, true);
    assertNpzRefused(List.of(truncated), "needs 128 + 48 = 176");
  }

  @Test
  void stopsInflatingAtTheDeclaredSize() {
    // the member's deflate stream holds 1 MiB more than its entry and npy header declare
    byte[] npy = TensorBytes.npy(F8_23, TensorBytes.f64(1, 2, 3, 4, 5, 6));
    byte[] padded = new byte[npy.length + (1 << 20)];
    System.arraycopy(npy, 0, padded, 0, npy.length);
    TensorBytes.ZipMember m = new TensorBytes.ZipMember("w.npy", padded, true);
    m.sizeOverride = (long) npy.length;
    assertNpzRefused(List.of(m), "inflates to more than the 176 bytes its entry declares");
  }

  @Test
  void refusesNonZips() {
    assertNpzRefused(TensorBytes.npy(F8_23, TensorBytes.f64(1, 2, 3, 4, 5, 6)),
        "it looks like a single .npy array");
    assertNpzRefused(new byte[0], "no end-of-central-directory record");
  }

  private static void assertNpyRefused(byte[] file, String fragment) {
    TensorFormatException e = assertThrows(TensorFormatException.class, () -> {
      try (NpyReader r = NpyReader.open(new ByteArraySource(NPY, file), "step_3")) {
        r.readAll();
      }
    });
    assertEquals(NPY, e.file());
    assertTrue(e.getMessage().startsWith(NPY) && e.getMessage().contains(fragment),
        "expected '" + fragment + "' in: " + e.getMessage());
  }

  private static void assertNpzRefused(List<TensorBytes.ZipMember> members, String fragment) {
    assertNpzRefused(TensorBytes.zip(members), fragment);
  }

  private static void assertNpzRefused(byte[] file, String fragment) {
    TensorFormatException e = assertThrows(TensorFormatException.class, () -> {
      try (NpzReader r = NpzReader.open(new ByteArraySource(NPZ, file))) {
        r.readAll();
      }
    });
    assertEquals(NPZ, e.file());
    assertTrue(e.getMessage().startsWith(NPZ) && e.getMessage().contains(fragment),
        "expected '" + fragment + "' in: " + e.getMessage());
  }
}
