package org.shockscope.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SafetensorsReaderTest {
  private static final String FILE = "mem://run/step_7.safetensors";

  private static double[] values(Random rnd, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = switch (i % 7) {
        case 0 -> rnd.nextGaussian() * 1e-3;
        case 1 -> rnd.nextGaussian() * 1e4;
        case 2 -> -0.0;
        case 3 -> rnd.nextDouble() * 1e-6;
        default -> rnd.nextGaussian();
      };
    }
    return v;
  }

  /** What a value becomes once stored in {@code dtype}, widened back to double. */
  private static double stored(DType dtype, double v) {
    return switch (dtype) {
      case F64 -> v;
      case F32 -> (float) v;
      case F16 -> HalfPrecision.f16ToFloat(HalfPrecision.floatToF16((float) v));
      case BF16 -> HalfPrecision.bf16ToFloat(HalfPrecision.floatToBf16((float) v));
    };
  }

  @Test
  void oneReaderDecodesASmallTensorThenOneLargerThanItsChunkThenASmallOneAgain() {
    Random random = new Random(3);
    List<Tensor> written = new ArrayList<>();
    int[][] shapes = {{2, 3}, {300, 100}, {5}};
    DType[] types = {DType.F32, DType.F64, DType.BF16};
    for (int k = 0; k < shapes.length; k++) {
      int n = shapes[k].length == 1 ? shapes[k][0] : shapes[k][0] * shapes[k][1];
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        // values every dtype here holds exactly
        v[i] = random.nextInt(256) - 128;
      }
      written.add(new Tensor("t" + k, types[k], shapes[k], v));
    }
    byte[] file = SafetensorsWriter.toBytes(written, null);
    try (SafetensorsReader r = SafetensorsReader.open(new ByteArraySource(FILE, file))) {
      for (Tensor t : written) {
        assertEquals(t, r.read(t.name()));
      }
    }
  }

  @Test
  void roundTripsAllFourDtypesExactly() {
    Random rnd = new Random(11);
    List<Tensor> written = new ArrayList<>();
    int[][] shapes = {{3, 5}, {70000}, {2, 3, 4}, {}};
    for (DType dtype : DType.values()) {
      for (int[] shape : shapes) {
        written.add(new Tensor(dtype + "." + shape.length, dtype, shape,
            values(rnd, (int) Tensor.numel(shape))));
      }
    }
    written.add(new Tensor("empty", DType.F32, new int[] {0, 4}, new double[0]));
    byte[] file = SafetensorsWriter.toBytes(written, Map.of("step", "7"));
    try (SafetensorsReader r = SafetensorsReader.open(new ByteArraySource(FILE, file))) {
      assertEquals(Map.of("step", "7"), r.metadata());
      assertEquals(written.size(), r.tensors().size());
      assertTrue(r.unsupported().isEmpty());
      for (Tensor w : written) {
        Tensor t = r.read(w.name());
        assertEquals(w.dtype(), t.dtype());
        assertArrayEquals(w.shape(), t.shape());
        for (int i = 0; i < w.numel(); i++) {
          assertEquals(Double.doubleToRawLongBits(stored(w.dtype(), w.data()[i])),
              Double.doubleToRawLongBits(t.data()[i]), w.name() + "[" + i + "]");
        }
      }
    }
  }

  @Test
  void readingOneTensorReadsOnlyTheHeaderAndItsBytes() {
    Random rnd = new Random(5);
    List<Tensor> ts = List.of(
        new Tensor("a", DType.F32, new int[] {100, 100}, values(rnd, 10000)),
        new Tensor("b", DType.F64, new int[] {50, 20}, values(rnd, 1000)),
        new Tensor("c", DType.BF16, new int[] {3000}, values(rnd, 3000)));
    byte[] file = SafetensorsWriter.toBytes(ts, null);
    CountingByteSource src = new CountingByteSource(new ByteArraySource(FILE, file));
    try (SafetensorsReader r = SafetensorsReader.open(src)) {
      long headerBytes = src.bytesRead();
      long n = SafetensorsReader.littleEndianLong(file);
      assertEquals(8 + n, headerBytes);
      r.read("b");
      assertEquals(8 + n + 1000 * 8, src.bytesRead());
      long dataStart = 8 + n;
      long bBegin = dataStart + 10000 * 4;
      for (long[] range : src.ranges().subList(2, src.reads())) {
        assertTrue(range[0] >= bBegin && range[1] <= bBegin + 8000,
            "read outside tensor b: [" + range[0] + ", " + range[1] + ")");
      }
    }
    assertTrue(src.closed());
  }

  @Test
  void listsAndRefusesUnsupportedDtypesByName() {
    String json = "{\"n\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
        + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
    byte[] file = TensorBytes.safetensors(json, new byte[16]);
    try (SafetensorsReader r = SafetensorsReader.open(new ByteArraySource(FILE, file))) {
      assertEquals(Map.of("n", "I64"), r.unsupported());
      assertEquals(List.of("w"), r.tensors().stream().map(TensorInfo::name).toList());
      assertEquals(List.of("w"), List.copyOf(r.readAll().keySet()));
      TensorFormatException e = assertThrows(TensorFormatException.class, () -> r.read("n"));
      assertEquals("n", e.tensor());
      assertTrue(e.getMessage().contains(FILE) && e.getMessage().contains("dtype I64 is not "
          + "supported"), e.getMessage());
      e = assertThrows(TensorFormatException.class, () -> r.read("nope"));
      assertTrue(e.getMessage().contains("no such tensor") && e.getMessage().contains("'w'"),
          e.getMessage());
    }
  }

  @Test
  void tensorsAreListedInDataOrderWhateverTheKeyOrder() {
    String json = "{\"z\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
        + "\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
    byte[] file = TensorBytes.safetensors(json, TensorBytes.f64(1.5, -2));
    try (SafetensorsReader r = SafetensorsReader.open(new ByteArraySource(FILE, file))) {
      assertEquals(List.of("z", "a"), r.tensors().stream().map(TensorInfo::name).toList());
      assertEquals(-2.0, r.read("a").data()[0]);
    }
  }

  @Test
  void refusesHeadersAsTheReferenceDoes() {
    String ok = "\"t\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}";
    byte[] data = new byte[16];
    assertRefused(TensorBytes.safetensors("{" + ok + ",\"u\":{\"dtype\":\"F64\",\"shape\":[1],"
        + "\"data_offsets\":[8,16]}}", new byte[16]), "u", "overlap tensor 't'");
    assertRefused(TensorBytes.safetensors("{\"t\":{\"dtype\":\"F64\",\"shape\":[1],"
        + "\"data_offsets\":[8,16]}}", data), "t", "leave a gap: bytes [0, 8)");
    assertRefused(TensorBytes.safetensors("{" + ok + "}", new byte[24]), null,
        "the last 8 bytes belong to no tensor");
    assertRefused(TensorBytes.safetensors("{\"t\":{\"dtype\":\"F64\",\"shape\":[3],"
        + "\"data_offsets\":[0,16]}}", data), "t", "span 16 bytes but shape [3] of F64 needs 24");
    assertRefused(TensorBytes.safetensors("{\"t\":{\"dtype\":\"F64\",\"shape\":[2],"
        + "\"data_offsets\":[16,0]}}", data), "t", "end before they begin");
    assertRefused(TensorBytes.safetensors("{\"t\":{\"dtype\":\"F64\",\"shape\":[2],"
        + "\"data_offsets\":[0,99999999999]}}", data), "t", "reach past the data section, "
        + "which has 16 bytes");
    assertRefused(TensorBytes.safetensors("{\"t\":{\"dtype\":\"F63\",\"shape\":[2],"
        + "\"data_offsets\":[0,16]}}", data), "t", "unknown dtype 'F63'");
    assertRefused(TensorBytes.safetensors("{\"t\":{\"dtype\":\"F64\",\"shape\":[2147483648,"
        + "2147483648],\"data_offsets\":[0,16]}}", data), "t", "its size overflows");
    assertRefused(TensorBytes.safetensors("{\"t\":{\"dtype\":\"F64\",\"shape\":[2147483648,"
        + "2],\"data_offsets\":[0,16]}}", data), "t", "shape [2147483648, 2] of F64 needs "
        + "34359738368");
    assertRefused(TensorBytes.safetensors("{\"t\":{\"dtype\":\"F64\",\"shape\":[-2],"
        + "\"data_offsets\":[0,16]}}", data), "t", "value -2 is outside [0, ");
    assertRefused(TensorBytes.safetensors("{\"t\":{\"dtype\":\"F64\",\"shape\":[2.0],"
        + "\"data_offsets\":[0,16]}}", data), "t", "must hold non-negative integers");
    assertRefused(TensorBytes.safetensors("{\"t\":{\"dtype\":\"F64\",\"shape\":[2],"
        + "\"data_offsets\":[0]}}", data), "t", "must be [begin, end]");
    assertRefused(TensorBytes.safetensors("{\"t\":{\"dtype\":\"F64\",\"shape\":[2]}}", data),
        "t", "has no data_offsets");
    assertRefused(TensorBytes.safetensors("{" + ok + "," + ok + "}", data), null,
        "Duplicate field 't'");
    assertRefused(TensorBytes.safetensors("{\"__metadata__\":{\"a\":1}," + ok + "}", data), null,
        "__metadata__ value of 'a' must be a string");
    assertRefused(TensorBytes.safetensors("{" + ok + "} {}", data), null,
        "content after its JSON object");
    assertRefused(TensorBytes.safetensors("[" + ok + "]", data), null,
        "header must be a JSON object");
    assertRefused(TensorBytes.safetensors("{" + ok, data), null, "not well-formed JSON");
    assertRefused(TensorBytes.safetensors("{\"t\":{\"extra\":" + "[".repeat(5000)
        + "]".repeat(5000) + ",\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}", data),
        null, "nesting depth");
    assertRefused(TensorBytes.safetensors(0, "", data), null, "header length is 0");
    assertRefused(TensorBytes.safetensors(Long.MIN_VALUE, "{}", data), null,
        "header length 9223372036854775808 exceeds the limit of 100000000 bytes");
    assertRefused(TensorBytes.safetensors(100_000_001, "{}", data), null,
        "exceeds the limit of 100000000 bytes");
    assertRefused(TensorBytes.safetensors(500, "{}", data), null,
        "header length 500 exceeds the 18 bytes that follow");
    assertRefused(new byte[] {1, 0, 0}, null, "file has 3 bytes");
    byte[] badUtf8 = TensorBytes.safetensors("{\"t\u00e9\":1}", new byte[0]);
    badUtf8[11] = (byte) 0xc0;
    assertRefused(badUtf8, null, "not well-formed UTF-8: byte 0xc0");
  }

  @Test
  void refusesTensorsLargerThanAJavaArrayWithoutReadingThem() {
    long dataBytes = 65536L * 65536 * 2;
    String json = "{\"big\":{\"dtype\":\"BF16\",\"shape\":[65536,65536],"
        + "\"data_offsets\":[0," + dataBytes + "]}}";
    byte[] head = TensorBytes.safetensors(json, new byte[0]);
    ByteSource sparse = new ByteSource() {
      @Override
      public long size() {
        return head.length + dataBytes;
      }

      @Override
      public void readFully(long position, byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
          b[off + i] = position + i < head.length ? head[(int) (position + i)] : 0;
        }
      }

      @Override
      public String location() {
        return FILE;
      }

      @Override
      public void close() {}
    };
    CountingByteSource src = new CountingByteSource(sparse);
    try (SafetensorsReader r = SafetensorsReader.open(src)) {
      assertArrayEquals(new int[] {65536, 65536}, r.tensors().get(0).shape());
      long before = src.bytesRead();
      TensorFormatException e = assertThrows(TensorFormatException.class, () -> r.read("big"));
      assertTrue(e.getMessage().contains("4294967296 elements, more than the 2147483639"),
          e.getMessage());
      assertEquals(before, src.bytesRead());
    }
  }

  @Test
  void emptyHeaderObjectIsAValidFileWithoutTensors() {
    try (SafetensorsReader r = SafetensorsReader.open(new ByteArraySource(FILE,
        TensorBytes.safetensors("{}      ", new byte[0])))) {
      assertTrue(r.tensors().isEmpty());
      assertTrue(r.readAll().isEmpty());
    }
  }

  @Test
  void recognisesPicklesAndZipsRenamedSafetensors() {
    byte[] pickle = {(byte) 0x80, 2, 'c', 't', 'o', 'r', 'c', 'h', 0, 0};
    PickleRefusedException p = assertThrows(PickleRefusedException.class,
        () -> SafetensorsReader.open(new ByteArraySource("x/model.safetensors", pickle)));
    assertTrue(p.getMessage().contains("Python pickle") && p.getMessage().contains("save_file("),
        p.getMessage());
    byte[] zip = {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, 0, 0};
    TensorFormatException z = assertThrows(TensorFormatException.class,
        () -> SafetensorsReader.open(new ByteArraySource("x/model.safetensors", zip)));
    assertTrue(z.getMessage().contains("zip archive"), z.getMessage());
  }

  static void assertRefused(byte[] file, String tensor, String fragment) {
    TensorFormatException e = assertThrows(TensorFormatException.class, () -> {
      try (SafetensorsReader r = SafetensorsReader.open(new ByteArraySource(FILE, file))) {
        r.readAll();
      }
    });
    assertEquals(FILE, e.file());
    assertEquals(tensor, e.tensor(), e.getMessage());
    assertTrue(e.getMessage().startsWith(FILE) && e.getMessage().contains(fragment),
        "expected '" + fragment + "' in: " + e.getMessage());
  }
}
