package org.shockscope.sweep;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.hadoop.fs.FileStatus;

/**
 * JSON as Python writes it: {@code json.dump} emits the non-standard literals {@code NaN},
 * {@code Infinity} and {@code -Infinity} for non-finite floats (Hugging Face's
 * {@code trainer_state.json} holds them when a loss diverges), so they are accepted. Jackson's
 * default stream constraints bound nesting depth and token sizes.
 */
final class LenientJson {
  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private LenientJson() {}

  /** The parsed document. */
  static JsonNode parse(byte[] json) throws IOException {
    JsonNode n = MAPPER.readTree(json);
    if (n == null || n.isMissingNode()) {
      throw new JsonParseException(null, "empty document");
    }
    return n;
  }

  /**
   * The parsed JSON file {@code file} of run {@code runId} (null for the sweep's own files),
   * or null when it cannot be read or is not JSON, which is logged.
   */
  static JsonNode read(SweepFileSystem files, FileStatus file, String runId, Long step,
                       ErrorLog log) {
    Document d = readDocument(files, file, runId, step, log);
    return d == null ? null : d.tree();
  }

  /** Like {@link #read}, keeping the file's text as well. */
  static Document readDocument(SweepFileSystem files, FileStatus file, String runId, Long step,
                               ErrorLog log) {
    String source = file.getPath().toString();
    byte[] bytes = files.readSmall(file, runId, step, log);
    if (bytes == null) {
      return null;
    }
    try {
      return new Document(new String(bytes, StandardCharsets.UTF_8), parse(bytes));
    } catch (IOException e) {
      log.add(source, runId, step, Problem.MALFORMED_JSON, source + " is not valid JSON: "
          + describe(e));
      return null;
    }
  }

  /** What is wrong with a document, with its line and column, without Jackson's source notes. */
  static String describe(IOException e) {
    if (!(e instanceof JsonProcessingException j)) {
      return e.toString();
    }
    String msg = j.getOriginalMessage().replaceAll("\\[Source: [^;]*; line: (\\d+), column: (\\d+)\\]",
        "line $1, column $2");
    return j.getLocation() == null ? msg : msg + " (line " + j.getLocation().getLineNr()
        + ", column " + j.getLocation().getColumnNr() + ")";
  }

  /** A JSON file's text and its parsed tree. */
  record Document(String text, JsonNode tree) {}

  /** Compact JSON text of {@code node}. */
  static String text(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a parsed JSON tree", e);
    }
  }

  /** The step of a metric record, or -1 when the value is not a non-negative integer. */
  static long step(JsonNode v) {
    if (v == null) {
      return -1;
    }
    if (v.isIntegralNumber()) {
      return v.canConvertToLong() && v.longValue() >= 0 ? v.longValue() : -1;
    }
    if (v.isNumber()) {
      return LogNumberParser.integral(v.doubleValue());
    }
    return v.isTextual() ? LogNumberParser.step(v.textValue()) : -1;
  }

  /**
   * The metric value of a JSON value: a number (NaN and ±Infinity literals included), or a
   * string holding a number or a non-finite word. Anything else (null — "not logged at this
   * step" —, other text, booleans, objects, arrays) is not a metric point: empty.
   */
  static OptionalDouble metric(JsonNode v) {
    if (v.isNumber()) {
      return OptionalDouble.of(v.doubleValue());
    }
    if (v.isTextual()) {
      try {
        return OptionalDouble.of(LogNumberParser.metric(v.textValue(), false));
      } catch (NumberFormatException e) {
        return OptionalDouble.empty();
      }
    }
    return OptionalDouble.empty();
  }

  /** Adds every metric field of {@code record} except {@code step} at {@code step}. */
  static void addMetrics(JsonNode record, long step, SeriesAccumulator into) {
    for (Iterator<Map.Entry<String, JsonNode>> it = record.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (!"step".equals(f.getKey())) {
        OptionalDouble v = metric(f.getValue());
        if (v.isPresent()) {
          into.add(f.getKey(), step, v.getAsDouble());
        }
      }
    }
  }
}
