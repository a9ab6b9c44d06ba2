package org.shockscope.sweep;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;

/**
 * Reads a run's {@code params.json} (SPEC §3a): a JSON object of hyperparameters. Values keep
 * the text they were written with: numbers as their literal ({@code 1e-05} stays
 * {@code "1e-05"}, as Python's {@code str} and MLflow write it), strings as themselves,
 * booleans as {@code "true"}/{@code "false"}. Nested objects are flattened with dotted keys
 * ({@code {"optimizer": {"name": "adam"}}} gives {@code optimizer.name = adam}); arrays are kept
 * as compact JSON text; {@code null} means unset (no entry).
 */
final class ParamsJson {
  /** Reads one value inside a document (trailing tokens are the rest of the document). */
  private static final ObjectReader VALUE = LenientJson.MAPPER.readerFor(JsonNode.class)
      .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ParamsJson() {}

  /** The hyperparameters, or null when the file cannot be read or is not a JSON object (logged). */
  static Map<String, String> read(SweepFileSystem files, FileStatus file, String runId,
                                  ErrorLog log) {
    String source = file.getPath().toString();
    byte[] bytes = files.readSmall(file, runId, null, log);
    if (bytes == null) {
      return null;
    }
    try (JsonParser p = LenientJson.MAPPER.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        log.add(source, runId, null, Problem.MALFORMED_JSON, source
            + " is not a JSON object of hyperparameters");
        return null;
      }
      Map<String, String> out = new TreeMap<>();
      readObject(p, "", out);
      if (p.nextToken() != null) {
        throw new JsonParseException(p, "content after the object");
      }
      return out;
    } catch (IOException e) {
      log.add(source, runId, null, Problem.MALFORMED_JSON, source + " is not valid JSON: "
          + LenientJson.describe(e));
      return null;
    }
  }

  private static void readObject(JsonParser p, String prefix, Map<String, String> out)
      throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = prefix + p.currentName();
      JsonToken t = p.nextToken();
      switch (t) {
        case START_OBJECT -> readObject(p, key + ".", out);
        case START_ARRAY -> out.put(key, LenientJson.text(VALUE.<JsonNode>readValue(p)));
        case VALUE_NULL -> out.remove(key);
        default -> out.put(key, p.getText());
      }
    }
  }
}
