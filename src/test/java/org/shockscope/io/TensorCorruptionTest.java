package org.shockscope.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Corrupts valid safetensors, .npy and .npz files in many ways (truncation at every offset,
 * random byte flips with fixed seeds, and targeted bad headers) and checks that every input
 * either reads or fails with the reader's own {@link TensorFormatException} naming the file,
 * never with another exception, and that a read allocates at most
 * {@value #SIZE_FACTOR} × the file size + 1 MiB on the reading thread (measured with
 * {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}).
 */
class TensorCorruptionTest {
  private static final String DIR = "/fixtures/tensors/";
  private static final long SIZE_FACTOR = 4;
  private static final long SLACK = 1 << 20;
  private static final int FLIPS_PER_FILE = 1500;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private record Sample(String fileName, byte[] bytes) {}

  private static final List<Sample> SAMPLES = new ArrayList<>();

  /** Counts of one run, and the largest allocation seen relative to its bound. */
  private static final class Stats {
    int cases;
    int refused;
    long maxAllocated;
    long maxAllocatedFileSize;

    void add(boolean wasRefused, long allocated, int size) {
      cases++;
      refused += wasRefused ? 1 : 0;
      if (allocated > maxAllocated) {
        maxAllocated = allocated;
        maxAllocatedFileSize = size;
      }
    }

    @Override
    public String toString() {
      return cases + " cases, " + refused + " refused, max " + maxAllocated
          + " bytes allocated (file of " + maxAllocatedFileSize + " bytes)";
    }
  }

  @BeforeAll
  static void samples() throws IOException {
    Random rnd = new Random(3);
    List<Tensor> ts = new ArrayList<>();
    int i = 0;
    for (DType d : DType.values()) {
      double[] v = new double[6];
      for (int k = 0; k < v.length; k++) {
        v[k] = rnd.nextGaussian();
      }
      ts.add(new Tensor("layer." + i++ + ".weight", d, new int[] {2, 3}, v));
    }
    SAMPLES.add(new Sample("ours.safetensors", SafetensorsWriter.toBytes(ts, Map.of("k", "v"))));
    SAMPLES.add(new Sample("dtypes.safetensors", resource("dtypes.safetensors")));
    ByteArrayOutputStream npy = new ByteArrayOutputStream();
    NumpyWriter.writeNpy(npy, ts.get(0));
    SAMPLES.add(new Sample("ours.npy", npy.toByteArray()));
    SAMPLES.add(new Sample("f64_fortran.npy", resource("f64_fortran.npy")));
    SAMPLES.add(new Sample("f64_v3.npy", resource("f64_v3.npy")));
    SAMPLES.add(new Sample("savez.npz", resource("savez.npz")));
    SAMPLES.add(new Sample("savez_compressed.npz", resource("savez_compressed.npz")));
    ByteArrayOutputStream npz = new ByteArrayOutputStream();
    NumpyWriter.writeNpz(npz, List.of(ts.get(0), ts.get(1)));
    SAMPLES.add(new Sample("ours.npz", npz.toByteArray()));
    for (Sample s : SAMPLES) {
      attempt(s.fileName, s.bytes, new Stats());
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = TensorCorruptionTest.class.getResourceAsStream(DIR + name)) {
      return in.readAllBytes();
    }
  }

  /**
   * Opens and reads everything, the tensors of unsupported dtypes included; returns whether
   * the reader refused the input or one of its tensors. Anything other than a
   * TensorFormatException fails the test, as does an allocation above the bound.
   */
  private static boolean attempt(String fileName, byte[] bytes, Stats stats) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    boolean refused = readAll(fileName, bytes);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    long bound = SIZE_FACTOR * bytes.length + SLACK;
    if (allocated > bound) {
      // the first pass through a code path loads classes on this thread: measure it again
      before = THREADS.getCurrentThreadAllocatedBytes();
      readAll(fileName, bytes);
      allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    }
    if (allocated > bound) {
      fail(fileName + " (" + bytes.length + " bytes) allocated " + allocated + " > " + bound);
    }
    stats.add(refused, allocated, bytes.length);
    return refused;
  }

  private static boolean readAll(String fileName, byte[] bytes) {
    String location = "mem://corrupt/" + fileName;
    try (TensorFile f = TensorFiles.open(new ByteArraySource(location, bytes), fileName)) {
      f.readAll();
      for (String name : f.unsupported().keySet()) {
        TensorFormatException e = assertThrows(TensorFormatException.class, () -> f.read(name));
        assertTrue(e.getMessage().contains(name), e.getMessage());
      }
      return !f.unsupported().isEmpty();
    } catch (TensorFormatException e) {
      assertEquals(location, e.file(), e.getMessage());
      assertTrue(e.getMessage().startsWith(location + (e.tensor() == null ? ": "
          : ", tensor '" + e.tensor() + "': ")), e.getMessage());
      assertTrue(e.getMessage().length() > location.length() + 20, e.getMessage());
      return true;
    } catch (RuntimeException | Error e) {
      throw new AssertionError(fileName + " (" + bytes.length + " bytes) raised " + e, e);
    }
  }

  @Test
  void everyTruncationIsRefused() {
    Stats stats = new Stats();
    for (Sample s : SAMPLES) {
      for (int n = 0; n < s.bytes.length; n++) {
        byte[] cut = java.util.Arrays.copyOf(s.bytes, n);
        assertTrue(attempt(s.fileName, cut, stats), s.fileName + " cut to " + n + " bytes");
      }
      byte[] longer = java.util.Arrays.copyOf(s.bytes, s.bytes.length + 3);
      assertTrue(attempt(s.fileName, longer, stats), s.fileName + " with 3 more bytes");
    }
    assertTrue(stats.cases > 3000, stats.toString());
  }

  @Test
  void randomByteFlipsReadOrFailCleanly() {
    Stats stats = new Stats();
    for (Sample s : SAMPLES) {
      Random rnd = new Random(s.fileName.hashCode());
      for (int c = 0; c < FLIPS_PER_FILE; c++) {
        byte[] b = s.bytes.clone();
        int flips = 1 + rnd.nextInt(3);
        for (int k = 0; k < flips; k++) {
          int at = rnd.nextInt(b.length);
          b[at] = (byte) (b[at] ^ (1 + rnd.nextInt(255)));
        }
        attempt(s.fileName, b, stats);
      }
    }
    assertEquals(SAMPLES.size() * FLIPS_PER_FILE, stats.cases);
    // flips in the data bytes of stored tensors are undetectable; the rest must be refused
    assertTrue(stats.refused > stats.cases / 2, stats.toString());
  }

  @Test
  void targetedCorruptionsAreRefusedWithBoundedMemory() {
    String t = "\"t\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}";
    byte[] d16 = new byte[16];
    byte[] six = TensorBytes.f64(1, 2, 3, 4, 5, 6);
    String npyOk = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }";
    byte[] npy = TensorBytes.npy(npyOk, six);
    Object[][] cases = {
        {"a.safetensors", TensorBytes.safetensors(0, "", d16), "header length is 0"},
        {"a.safetensors", TensorBytes.safetensors(1L << 63, "{" + t + "}", d16),
            "header length 9223372036854775808 exceeds the limit"},
        {"a.safetensors", TensorBytes.safetensors(-1L, "{" + t + "}", d16),
            "header length 18446744073709551615 exceeds the limit"},
        {"a.safetensors", TensorBytes.safetensors(99_999_999L, "{" + t + "}", d16),
            "exceeds the 71 bytes that follow"},
        {"a.safetensors", TensorBytes.safetensors("{\"t\":{\"dtype\":\"F64\",\"shape\":[2],"
            + "\"data_offsets\":[0,4611686018427387904]}}", d16), "reach past the data section"},
        {"a.safetensors", TensorBytes.safetensors("{" + t + ",\"u\":{\"dtype\":\"F32\",\"shape\":"
            + "[2],\"data_offsets\":[8,16]}}", d16), "overlap tensor 't'"},
        {"a.safetensors", TensorBytes.safetensors("{\"t\":{\"dtype\":\"Q8\",\"shape\":[2],"
            + "\"data_offsets\":[0,16]}}", d16), "unknown dtype 'Q8'"},
        {"a.safetensors", TensorBytes.safetensors("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],"
            + "\"data_offsets\":[0,16]}}", d16), "span 16 bytes but shape [2] of F32 needs 8"},
        {"a.safetensors", TensorBytes.safetensors("{\"t\":{\"dtype\":\"F64\",\"shape\":[2]"
            + "\"data_offsets\":[0,16]}}", d16), "not well-formed JSON"},
        {"a.safetensors", TensorBytes.safetensors("{\"x\":{\"y\":" + "[".repeat(100_000) + "]"
            .repeat(100_000) + "}}", d16), "nesting depth"},
        {"a.safetensors", TensorBytes.safetensors("{\"t\":{\"dtype\":\"F64\",\"shape\":"
            + "[2147483648,2147483648],\"data_offsets\":[0,16]}}", d16), "its size overflows"},
        {"a.safetensors", TensorBytes.safetensors("{\"t\":{\"dtype\":\"F64\",\"shape\":"
            + "[" + "9".repeat(400) + "],\"data_offsets\":[0,16]}}", d16), "Number value length"},
        {"a.npy", TensorBytes.npy("{'descr': '<f8', 'fortran_order': False, 'shape': "
            + "(2147483647, 2147483647), }", six), "needs more than 2^63 bytes"},
        {"a.npy", TensorBytes.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 9), }",
            six), "needs 144 (file truncated?)"},
        {"a.npy", TensorBytes.npy("{'descr': '<f8', 'fortran_order': False, 'shape': "
            + "(".repeat(3000) + ")".repeat(3000) + "}", six), "nesting deeper than 32"},
        {"a.npy", TensorBytes.npy("{'descr': '<i4', 'fortran_order': False, 'shape': (6,), }",
            six), "needs 24"},
        {"a.npy", TensorBytes.npy("{'descr': 'float64', 'fortran_order': False, 'shape': (6,),}",
            six), "descr 'float64' is not supported"},
        {"a.npy", java.util.Arrays.copyOf(npy, 20), "npy data end after 10 of the 118 header"},
        {"a.npz", zipWithSize(npy, 1L << 30), "beyond deflate's maximum ratio"},
        {"a.npz", zipWithSize(npy, npy.length + 1000L), "needs 128 + 48 = 176"},
        {"a.npz", patchedEnd(zipWithSize(npy, npy.length), 12, 0xfffffff0),
            "central directory"},
        {"a.npz", patchedEnd(zipWithSize(npy, npy.length), 16, 0x7ffffff0),
            "central directory"},
        {"a.npz", patchedEnd(zipWithSize(npy, npy.length), 10, 0xffff), "ZIP64"},
    };
    Stats stats = new Stats();
    for (Object[] c : cases) {
      String name = (String) c[0];
      byte[] bytes = (byte[]) c[1];
      String fragment = (String) c[2];
      TensorFormatException e = assertThrows(TensorFormatException.class, () -> {
        try (TensorFile f = TensorFiles.open(new ByteArraySource(name, bytes), name)) {
          f.readAll();
          for (String u : f.unsupported().keySet()) {
            f.read(u);
          }
        }
      });
      assertTrue(e.getMessage().startsWith(name) && e.getMessage().contains(fragment),
          "expected '" + fragment + "' in: " + e.getMessage());
      assertTrue(attempt(name, bytes, stats), fragment);
    }
  }

  private static byte[] zipWithSize(byte[] npy, long declared) {
    TensorBytes.ZipMember m = new TensorBytes.ZipMember("w.npy", npy, true);
    m.sizeOverride = declared;
    return TensorBytes.zip(List.of(m));
  }

  /** The archive with a 16- or 32-bit field of its end record (offset from the record) set. */
  private static byte[] patchedEnd(byte[] zip, int field, long value) {
    byte[] b = zip.clone();
    int at = b.length - 22 + field;
    int width = field == 10 || field == 8 ? 2 : 4;
    for (int k = 0; k < width; k++) {
      b[at + k] = (byte) (value >>> (8 * k));
    }
    if (field == 10) {
      b[at - 2] = b[at];
      b[at - 1] = b[at + 1];
    }
    return b;
  }
}
