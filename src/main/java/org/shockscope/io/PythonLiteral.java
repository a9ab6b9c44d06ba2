package org.shockscope.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser for the small subset of Python literal syntax that numpy writes in
 * {@code .npy} headers ({@code {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }}):
 * dicts with string keys, tuples, lists, quoted strings without escapes, decimal integers
 * (with Python 2's {@code L} suffix, which numpy's own reader also strips), {@code True},
 * {@code False}, {@code None}. It evaluates nothing; any other input is refused with its
 * position. Results: {@code Map<String,Object>}, {@link Tuple}, {@code List<Object>},
 * {@code String}, {@code Long}, {@code Boolean}, or {@link #NONE}.
 */
final class PythonLiteral {
  /** Python's {@code None}. */
  static final Object NONE = new Object() {
    @Override
    public String toString() {
      return "None";
    }
  };

  /** A Python tuple (distinct from a list: numpy's shape must be a tuple). */
  record Tuple(List<Object> items) {}

  /** Python's repr of a parsed value, for messages. */
  static String repr(Object v) {
    if (v instanceof String s) {
      return "'" + s + "'";
    }
    if (v instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (v instanceof Tuple t) {
      String items = join(t.items());
      return "(" + items + (t.items().size() == 1 ? ",)" : ")");
    }
    if (v instanceof List<?> list) {
      return "[" + join(list) + "]";
    }
    if (v instanceof Map<?, ?> map) {
      StringBuilder b = new StringBuilder("{");
      map.forEach((k, x) -> b.append(b.length() > 1 ? ", " : "").append(repr(k)).append(": ")
          .append(repr(x)));
      return b.append('}').toString();
    }
    return String.valueOf(v);
  }

  private static String join(List<?> items) {
    StringBuilder b = new StringBuilder();
    for (Object item : items) {
      b.append(b.length() > 0 ? ", " : "").append(repr(item));
    }
    return b.toString();
  }

  /** Structured dtypes nest lists of tuples a few levels; deeper is not a header. */
  private static final int MAX_DEPTH = 32;

  private final String text;
  private final String file;
  private final String tensor;
  private int pos;

  private PythonLiteral(String text, String file, String tensor) {
    this.text = text;
    this.file = file;
    this.tensor = tensor;
  }

  /**
   * Parses {@code text}, which must hold exactly one literal (surrounding whitespace allowed).
   *
   * @throws TensorFormatException naming the position and character where parsing stopped
   */
  static Object parse(String text, String file, String tensor) {
    PythonLiteral p = new PythonLiteral(text, file, tensor);
    p.skipSpace();
    Object v = p.value(0);
    p.skipSpace();
    if (p.pos != text.length()) {
      throw p.error("content after the literal");
    }
    return v;
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    if (pos >= text.length()) {
      throw error("input ends where a value was expected");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return dict(depth);
      case '(':
        return new Tuple(sequence(')', depth));
      case '[':
        return sequence(']', depth);
      case '\'':
      case '"':
        return string();
      default:
        break;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      return integer();
    }
    if (text.startsWith("True", pos)) {
      return keyword("True", Boolean.TRUE);
    }
    if (text.startsWith("False", pos)) {
      return keyword("False", Boolean.FALSE);
    }
    if (text.startsWith("None", pos)) {
      return keyword("None", NONE);
    }
    throw error("unexpected character");
  }

  private Object keyword(String word, Object value) {
    pos += word.length();
    if (pos < text.length() && Character.isLetterOrDigit(text.charAt(pos))) {
      throw error("unexpected name");
    }
    return value;
  }

  private Map<String, Object> dict(int depth) {
    pos++;
    Map<String, Object> map = new LinkedHashMap<>();
    skipSpace();
    while (!peek('}')) {
      int keyAt = pos;
      if (!peek('\'') && !peek('"')) {
        throw error("dict key must be a quoted string");
      }
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      Object v = value(depth + 1);
      if (map.put(key, v) != null) {
        pos = keyAt;
        throw error("duplicate key '" + key + "'");
      }
      skipSpace();
      if (!peek('}')) {
        expect(',');
        skipSpace();
      }
    }
    pos++;
    return Collections.unmodifiableMap(map);
  }

  /** Items up to {@code close}; a one-item tuple needs its trailing comma, as in Python. */
  private List<Object> sequence(char close, int depth) {
    pos++;
    List<Object> items = new ArrayList<>();
    boolean comma = false;
    skipSpace();
    while (!peek(close)) {
      items.add(value(depth + 1));
      skipSpace();
      comma = false;
      if (!peek(close)) {
        expect(',');
        comma = true;
        skipSpace();
      }
    }
    if (close == ')' && items.size() == 1 && !comma) {
      throw error("'(x)' is a parenthesised value, not a tuple; a 1-tuple is written '(x,)'");
    }
    pos++;
    return Collections.unmodifiableList(items);
  }

  private String string() {
    char quote = text.charAt(pos++);
    int start = pos;
    while (pos < text.length() && text.charAt(pos) != quote) {
      char c = text.charAt(pos);
      if (c == '\\' || c == '\n' || c == '\r') {
        throw error(c == '\\' ? "escape sequences are not supported" : "line break in string");
      }
      pos++;
    }
    if (pos >= text.length()) {
      pos = start - 1;
      throw error("unterminated string");
    }
    return text.substring(start, pos++);
  }

  private Long integer() {
    int start = pos;
    if (peek('-')) {
      pos++;
    }
    int digits = pos;
    while (pos < text.length() && Character.isDigit(text.charAt(pos))
        && text.charAt(pos) < 128) {
      pos++;
    }
    if (pos == digits) {
      throw error("digit expected");
    }
    if (pos - digits > 18) {
      pos = start;
      throw error("integer with more than 18 digits");
    }
    if (text.charAt(digits) == '0' && pos - digits > 1) {
      pos = start;
      throw error("integer with a leading zero");
    }
    long v = Long.parseLong(text, start, pos, 10);
    if (peek('L')) {
      pos++;
    }
    return v;
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("'" + c + "' expected");
    }
    pos++;
  }

  private TensorFormatException error(String what) {
    String found = pos < text.length() ? "'" + printable(text.charAt(pos)) + "'" : "end of header";
    int from = Math.max(0, pos - 30);
    int to = Math.min(text.length(), pos + 30);
    return new TensorFormatException(file, tensor, "npy header is not a valid literal: " + what
        + " at character " + pos + " (found " + found + ") near \""
        + printable(text.substring(from, to)) + "\"");
  }

  private static String printable(char c) {
    return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      b.append(printable(s.charAt(i)));
    }
    return b.toString();
  }
}
