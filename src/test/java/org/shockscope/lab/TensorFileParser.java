package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Test-only parsers of the tensor files the lab writes, following the formats literally
 * (safetensors: 8-byte LE header length, JSON header with dtype/shape/data_offsets, packed LE
 * data; npz: zip of .npy v1.0 members), asserting well-formedness on the way. Values are
 * returned as doubles per tensor name, in file order.
 */
final class TensorFileParser {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NPY_HEADER = Pattern.compile(
      "\\{'descr': '(<f[48])', 'fortran_order': False, 'shape': \\(([0-9, ]*)\\), \\}\\s*\n");

  private TensorFileParser() {}

  static Map<String, double[]> safetensors(Path file) throws IOException {
    return safetensors(Files.readAllBytes(file), file.toString());
  }

  static Map<String, double[]> safetensors(byte[] bytes, String where) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long n = buf.getLong();
    assertTrue(n > 0 && 8 + n <= bytes.length && n % 8 == 0, where + ": header length " + n);
    JsonNode header = JSON.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    long dataLen = bytes.length - 8 - n;
    Map<String, double[]> out = new LinkedHashMap<>();
    long expectedBegin = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        assertEquals("pt", e.getValue().get("format").asText(), where);
        continue;
      }
      JsonNode t = e.getValue();
      String dtype = t.get("dtype").asText();
      int size = switch (dtype) {
        case "F64" -> 8;
        case "F32" -> 4;
        default -> throw new AssertionError(where + ": dtype " + dtype);
      };
      long numel = 1;
      for (JsonNode d : t.get("shape")) {
        numel *= d.asLong();
      }
      long begin = t.get("data_offsets").get(0).asLong();
      long end = t.get("data_offsets").get(1).asLong();
      assertEquals(expectedBegin, begin, where + ": " + e.getKey() + " offsets are contiguous");
      assertEquals(numel * size, end - begin, where + ": " + e.getKey() + " byte length");
      assertTrue(end <= dataLen, where + ": " + e.getKey() + " inside the data section");
      expectedBegin = end;
      double[] v = new double[(int) numel];
      ByteBuffer data = ByteBuffer.wrap(bytes, (int) (8 + n + begin), (int) (end - begin))
          .order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < v.length; i++) {
        v[i] = size == 8 ? data.getDouble() : data.getFloat();
      }
      out.put(e.getKey(), v);
    }
    assertEquals(dataLen, expectedBegin, where + ": data section fully used");
    return out;
  }

  static Map<String, double[]> npz(Path file) throws IOException {
    Map<String, double[]> out = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        String name = e.getName();
        assertTrue(name.endsWith(".npy"), file + ": member " + name);
        out.put(name.substring(0, name.length() - 4), npy(readAll(zip), file + "!" + name));
      }
    }
    return out;
  }

  private static double[] npy(byte[] b, String where) {
    assertEquals((byte) 0x93, b[0], where);
    assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII), where);
    assertEquals(1, b[6], where + ": format version 1.0");
    int hlen = (b[8] & 0xff) | ((b[9] & 0xff) << 8);
    assertEquals(0, (10 + hlen) % 64, where + ": header padded to 64 bytes");
    String header = new String(b, 10, hlen, StandardCharsets.US_ASCII);
    Matcher m = NPY_HEADER.matcher(header);
    assertTrue(m.matches(), where + ": header " + header);
    int size = m.group(1).equals("<f8") ? 8 : 4;
    long numel = 1;
    for (String d : m.group(2).split(",")) {
      if (!d.isBlank()) {
        numel *= Long.parseLong(d.trim());
      }
    }
    assertEquals(10 + hlen + numel * size, b.length, where + ": data length");
    ByteBuffer data = ByteBuffer.wrap(b, 10 + hlen, (int) (numel * size))
        .order(ByteOrder.LITTLE_ENDIAN);
    double[] v = new double[(int) numel];
    for (int i = 0; i < v.length; i++) {
      v[i] = size == 8 ? data.getDouble() : data.getFloat();
    }
    return v;
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }
}
