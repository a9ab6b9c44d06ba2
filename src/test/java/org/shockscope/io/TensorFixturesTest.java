package org.shockscope.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files written by numpy and by a Python script following the safetensors format description
 * (src/test/resources/fixtures/tensors/make_tensor_fixtures.py) are read bit for bit as the
 * script's expected.json says.
 */
class TensorFixturesTest {
  private static final String DIR = "/fixtures/tensors/";

  static Stream<String> fixtures() throws IOException {
    List<String> names = new ArrayList<>();
    expected().fieldNames().forEachRemaining(names::add);
    return names.stream();
  }

  private static JsonNode expected() throws IOException {
    try (InputStream in = TensorFixturesTest.class.getResourceAsStream(DIR + "expected.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = TensorFixturesTest.class.getResourceAsStream(DIR + name)) {
      return in.readAllBytes();
    }
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void readsBitForBit(String file) throws IOException {
    JsonNode want = expected().get(file);
    try (TensorFile f = TensorFiles.open(new ByteArraySource(file, resource(file)), file)) {
      Map<String, Tensor> all = f.readAll();
      assertEquals(want.size(), all.size(), "tensor count");
      for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        Tensor t = all.get(e.getKey());
        JsonNode w = e.getValue();
        assertEquals(w.get("dtype").asText(), t.dtype().name(), e.getKey());
        int[] shape = new int[w.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = w.get("shape").get(i).asInt();
        }
        assertArrayEquals(shape, t.shape(), e.getKey());
        long[] bits = new long[w.get("bits").size()];
        long[] got = new long[t.numel()];
        for (int i = 0; i < bits.length; i++) {
          bits[i] = Long.parseUnsignedLong(w.get("bits").get(i).asText(), 16);
        }
        for (int i = 0; i < got.length; i++) {
          got[i] = Double.doubleToRawLongBits(t.data()[i]);
        }
        assertArrayEquals(bits, got, file + " " + e.getKey());
      }
    }
  }
}
