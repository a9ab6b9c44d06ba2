package org.shockscope.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated JSON header of a safetensors file: its {@code __metadata__} string map and one
 * {@link Entry} per tensor, in data-offset order.
 *
 * <p>The checks follow the reference implementation, huggingface/safetensors
 * {@code safetensors/src/tensor.rs} ({@code SafeTensors::read_metadata} and
 * {@code Metadata::validate}): the header is well-formed UTF-8 holding one JSON object; each
 * entry has a known dtype, a shape of non-negative integers whose element count times the
 * dtype's bit size neither overflows nor leaves a partial byte, and {@code data_offsets
 * [begin, end]} with {@code end - begin} equal to that byte count; sorted by offsets, the
 * tensors tile the data section exactly, each beginning where the previous ends, from 0 to
 * the section's last byte (no overlap, no gap, no uncovered tail). Stricter than the reference:
 * duplicate keys are refused rather than silently overwritten, and nesting, number and string
 * lengths are bounded by {@link StreamReadConstraints}. Unknown fields of an entry are ignored,
 * as the reference does.
 *
 * @param metadata the {@code __metadata__} map (empty when absent)
 * @param entries  the tensors, sorted by {@code data_offsets}
 */
record SafetensorsHeader(Map<String, String> metadata, List<SafetensorsHeader.Entry> entries) {
  /** Nesting the header needs is 3 (object, entry, shape); extra fields get some room. */
  private static final int MAX_DEPTH = 16;
  /** Offsets and dimensions fit in 20 digits; longer numbers are corrupt. */
  private static final int MAX_NUMBER_CHARS = 24;
  private static final int MAX_TEXT = (int) SafetensorsReader.MAX_HEADER_BYTES;
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxNumberLength(MAX_NUMBER_CHARS)
          .maxStringLength(MAX_TEXT)
          .maxNameLength(MAX_TEXT)
          .maxDocumentLength(MAX_TEXT)
          .build())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  /** Bits per element of every dtype the reference implementation knows. */
  private static final Map<String, Integer> KNOWN_BITS = knownBits();

  /**
   * One tensor of the header.
   *
   * @param name   its key in the header
   * @param stored the dtype string as written ({@code F32}, {@code I64}, ...)
   * @param dtype  the matching {@link DType}, or {@code null} when shockscope does not read it
   * @param shape  its dimensions
   * @param begin  first byte, relative to the data section
   * @param end    one past its last byte, relative to the data section
   */
  record Entry(String name, String stored, DType dtype, int[] shape, long begin, long end) {}

  /**
   * Parses and validates a header.
   *
   * @param file     for messages
   * @param json     the header bytes (input, not modified), trailing space padding allowed
   * @param dataSize bytes of the data section (file size − 8 − header length)
   * @throws TensorFormatException on the first broken rule
   */
  static SafetensorsHeader parse(String file, byte[] json, long dataSize) {
    int bad = firstInvalidUtf8(json);
    if (bad >= 0) {
      throw new TensorFormatException(file, null, "header is not well-formed UTF-8: byte 0x"
          + Integer.toHexString(json[bad] & 0xff) + " at header offset " + bad
          + " starts no valid sequence");
    }
    Map<String, String> metadata = Map.of();
    List<Raw> raws = new ArrayList<>();
    try (JsonParser p = JSON.createParser(json)) {
      JsonToken t = p.nextToken();
      if (t != JsonToken.START_OBJECT) {
        throw new TensorFormatException(file, null, "header must be a JSON object, found "
            + describe(t));
      }
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        if ("__metadata__".equals(key)) {
          metadata = parseMetadata(file, p);
        } else {
          raws.add(parseEntry(file, key, p));
        }
      }
      if (p.nextToken() != null) {
        throw new TensorFormatException(file, null,
            "header has content after its JSON object at byte "
                + p.currentTokenLocation().getByteOffset());
      }
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " (header offset " + e.getLocation().getByteOffset() + ")";
      throw new TensorFormatException(file, null, "header is not well-formed JSON: "
          + e.getOriginalMessage() + where, e);
    } catch (IOException e) {
      throw new TensorFormatException(file, null, "header cannot be parsed: " + e, e);
    }
    return new SafetensorsHeader(metadata, validate(file, raws, dataSize));
  }

  /** Entry as parsed, before the checks that need all entries. */
  private record Raw(String name, String stored, long[] shape, long begin, long end) {}

  private static List<Entry> validate(String file, List<Raw> raws, long dataSize) {
    List<Entry> entries = new ArrayList<>(raws.size());
    for (Raw r : raws) {
      Integer bits = KNOWN_BITS.get(r.stored);
      if (bits == null) {
        throw new TensorFormatException(file, r.name, "unknown dtype '" + r.stored
            + "'; safetensors dtypes are " + String.join(", ", KNOWN_BITS.keySet()));
      }
      String shapeText = Arrays.toString(r.shape);
      long nbits;
      try {
        long numel = 1;
        for (long d : r.shape) {
          numel = Math.multiplyExact(numel, d);
        }
        nbits = Math.multiplyExact(numel, (long) bits);
      } catch (ArithmeticException e) {
        throw new TensorFormatException(file, r.name, "shape " + shapeText + " of " + r.stored
            + " holds more than 2^63 bits: its size overflows");
      }
      if (nbits % 8 != 0) {
        throw new TensorFormatException(file, r.name, "shape " + shapeText + " of " + r.stored
            + " takes " + nbits + " bits, not a whole number of bytes");
      }
      if (r.end < r.begin) {
        throw new TensorFormatException(file, r.name, "data_offsets [" + r.begin + ", " + r.end
            + "] end before they begin");
      }
      if (r.end > dataSize) {
        throw new TensorFormatException(file, r.name, "data_offsets [" + r.begin + ", " + r.end
            + "] reach past the data section, which has " + dataSize + " bytes");
      }
      if (r.end - r.begin != nbits / 8) {
        throw new TensorFormatException(file, r.name, "data_offsets [" + r.begin + ", " + r.end
            + "] span " + (r.end - r.begin) + " bytes but shape " + shapeText + " of " + r.stored
            + " needs " + nbits / 8);
      }
      int[] shape = new int[r.shape.length];
      for (int i = 0; i < shape.length; i++) {
        if (r.shape[i] > Integer.MAX_VALUE) {
          throw new TensorFormatException(file, r.name, "dimension " + r.shape[i] + " of shape "
              + shapeText + " exceeds " + Integer.MAX_VALUE + ", the largest shockscope handles");
        }
        shape[i] = (int) r.shape[i];
      }
      entries.add(new Entry(r.name, r.stored, DType.fromSafetensors(r.stored), shape, r.begin,
          r.end));
    }
    entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long covered = 0;
    String previous = null;
    for (Entry e : entries) {
      if (e.begin < covered) {
        throw new TensorFormatException(file, e.name, "data_offsets [" + e.begin + ", " + e.end
            + "] overlap tensor '" + previous + "', which ends at byte " + covered);
      }
      if (e.begin > covered) {
        throw new TensorFormatException(file, e.name, "data_offsets [" + e.begin + ", " + e.end
            + "] leave a gap: bytes [" + covered + ", " + e.begin
            + ") of the data section belong to no tensor");
      }
      covered = e.end;
      previous = e.name;
    }
    if (covered != dataSize) {
      throw new TensorFormatException(file, null, "tensors cover " + covered
          + " bytes but the data section has " + dataSize + "; the last " + (dataSize - covered)
          + " bytes belong to no tensor");
    }
    return Collections.unmodifiableList(entries);
  }

  private static Map<String, String> parseMetadata(String file, JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return Map.of();
    }
    if (t != JsonToken.START_OBJECT) {
      throw new TensorFormatException(file, null, "__metadata__ must be an object of strings, "
          + "found " + describe(t));
    }
    Map<String, String> map = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      t = p.nextToken();
      if (t != JsonToken.VALUE_STRING) {
        throw new TensorFormatException(file, null, "__metadata__ value of '" + key
            + "' must be a string, found " + describe(t));
      }
      map.put(key, p.getText());
    }
    return Collections.unmodifiableMap(map);
  }

  private static Raw parseEntry(String file, String name, JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw new TensorFormatException(file, name, "header entry must be an object with dtype, "
          + "shape and data_offsets, found " + describe(p.currentToken()));
    }
    String dtype = null;
    long[] shape = null;
    long[] offsets = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      switch (field) {
        case "dtype" -> {
          if (t != JsonToken.VALUE_STRING) {
            throw new TensorFormatException(file, name, "dtype must be a string, found "
                + describe(t));
          }
          dtype = p.getText();
        }
        case "shape" -> shape = parseIntegers(file, name, "shape", p);
        case "data_offsets" -> {
          offsets = parseIntegers(file, name, "data_offsets", p);
          if (offsets.length != 2) {
            throw new TensorFormatException(file, name, "data_offsets must be [begin, end], "
                + "found " + offsets.length + " numbers " + Arrays.toString(offsets));
          }
        }
        default -> p.skipChildren();
      }
    }
    String missing = dtype == null ? "dtype" : shape == null ? "shape"
        : offsets == null ? "data_offsets" : null;
    if (missing != null) {
      throw new TensorFormatException(file, name, "header entry has no " + missing);
    }
    return new Raw(name, dtype, shape, offsets[0], offsets[1]);
  }

  private static long[] parseIntegers(String file, String name, String field, JsonParser p)
      throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new TensorFormatException(file, name, field + " must be an array of integers, found "
          + describe(p.currentToken()));
    }
    long[] values = new long[4];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_NUMBER_INT) {
        throw new TensorFormatException(file, name, field + " must hold non-negative integers, "
            + "found " + describe(t) + (t != null && t.isScalarValue() ? " " + p.getText() : ""));
      }
      if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
        throw new TensorFormatException(file, name, field + " value " + p.getText()
            + " is outside [0, " + Long.MAX_VALUE + "]");
      }
      if (n == values.length) {
        values = Arrays.copyOf(values, 2 * n);
      }
      values[n++] = p.getLongValue();
    }
    return Arrays.copyOf(values, n);
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "end of input";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  /**
   * Index of the first byte that starts no well-formed UTF-8 sequence (Unicode 15, table 3-7:
   * no overlong forms, no surrogates, nothing above U+10FFFF), or −1.
   */
  static int firstInvalidUtf8(byte[] b) {
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int more;
      int lo = 0x80;
      int hi = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        more = 1;
      } else if (c >= 0xe0 && c <= 0xef) {
        more = 2;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
      } else if (c >= 0xf0 && c <= 0xf4) {
        more = 3;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
      } else {
        return i;
      }
      if (b.length - i <= more) {
        return i;
      }
      int c1 = b[i + 1] & 0xff;
      if (c1 < lo || c1 > hi) {
        return i;
      }
      for (int k = 2; k <= more; k++) {
        if ((b[i + k] & 0xc0) != 0x80) {
          return i;
        }
      }
      i += more + 1;
    }
    return -1;
  }

  private static Map<String, Integer> knownBits() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("BOOL", 8);
    m.put("F4", 4);
    m.put("F6_E2M3", 6);
    m.put("F6_E3M2", 6);
    m.put("U8", 8);
    m.put("I8", 8);
    m.put("F8_E5M2", 8);
    m.put("F8_E4M3", 8);
    m.put("F8_E8M0", 8);
    m.put("I16", 16);
    m.put("U16", 16);
    m.put("F16", 16);
    m.put("BF16", 16);
    m.put("I32", 32);
    m.put("U32", 32);
    m.put("F32", 32);
    m.put("C64", 64);
    m.put("F64", 64);
    m.put("I64", 64);
    m.put("U64", 64);
    return Collections.unmodifiableMap(m);
  }
}
