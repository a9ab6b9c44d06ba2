package org.shockscope.lab;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Typed reads of one JSON object of a configuration file, each with a default for an absent
 * key, remembering which keys were read so that {@link #rejectUnknown()} can refuse misspelt
 * ones. Messages name the file, the path of the object and the key.
 */
final class ConfigObject {
  private final JsonNode node;
  private final String where;
  private final Set<String> read = new LinkedHashSet<>();

  ConfigObject(JsonNode node, String where) {
    if (node == null || !node.isObject()) {
      throw new LabException(where + ": expected a JSON object");
    }
    this.node = node;
    this.where = where;
  }

  String where() {
    return where;
  }

  /** The nested object at {@code key}, or null when absent. */
  ConfigObject object(String key) {
    JsonNode v = take(key);
    return v == null ? null : new ConfigObject(v, where + "." + key);
  }

  /** The keys of this object, in file order. */
  List<String> keys() {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  String string(String key, String def) {
    JsonNode v = take(key);
    if (v == null) {
      return def;
    }
    if (!v.isTextual()) {
      throw bad(key, v, "a string");
    }
    return v.asText();
  }

  int integer(String key, int def) {
    JsonNode v = take(key);
    if (v == null) {
      return def;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw bad(key, v, "an integer");
    }
    return v.intValue();
  }

  long longValue(String key, long def) {
    JsonNode v = take(key);
    if (v == null) {
      return def;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw bad(key, v, "an integer");
    }
    return v.longValue();
  }

  boolean bool(String key, boolean def) {
    JsonNode v = take(key);
    if (v == null) {
      return def;
    }
    if (!v.isBoolean()) {
      throw bad(key, v, "true or false");
    }
    return v.booleanValue();
  }

  double number(String key, double def) {
    JsonNode v = take(key);
    if (v == null) {
      return def;
    }
    if (!v.isNumber()) {
      throw bad(key, v, "a number");
    }
    return v.doubleValue();
  }

  List<Double> numbers(String key, List<Double> def) {
    return list(key, def, "numbers", v -> v.isNumber() ? v.doubleValue() : null);
  }

  List<Integer> integers(String key, List<Integer> def) {
    return list(key, def, "integers",
        v -> v.isIntegralNumber() && v.canConvertToInt() ? v.intValue() : null);
  }

  List<Long> longs(String key, List<Long> def) {
    return list(key, def, "integers",
        v -> v.isIntegralNumber() && v.canConvertToLong() ? v.longValue() : null);
  }

  List<String> strings(String key, List<String> def) {
    return list(key, def, "strings", v -> v.isTextual() ? v.asText() : null);
  }

  /** Refuses any key no read asked for. */
  void rejectUnknown() {
    for (String k : keys()) {
      if (!read.contains(k)) {
        throw new LabException(where + ": unknown key '" + k + "'");
      }
    }
  }

  private <T> List<T> list(String key, List<T> def, String what, Function<JsonNode, T> item) {
    JsonNode v = take(key);
    if (v == null) {
      return def;
    }
    if (!v.isArray()) {
      throw bad(key, v, "an array of " + what);
    }
    List<T> out = new ArrayList<>();
    for (JsonNode e : v) {
      T t = item.apply(e);
      if (t == null) {
        throw bad(key, v, "an array of " + what);
      }
      out.add(t);
    }
    return out;
  }

  private JsonNode take(String key) {
    read.add(key);
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  private LabException bad(String key, JsonNode v, String expected) {
    return new LabException(where + "." + key + ": expected " + expected + ", got " + v);
  }
}
