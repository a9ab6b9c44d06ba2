package org.shockscope.report;

/**
 * Escaping of text placed in HTML and inline SVG (element content and quoted attribute
 * values). Every string that comes from data — run ids, hyperparameter values, error messages,
 * group and series names — goes through {@link #escape} before it reaches the page.
 */
final class Html {
  private Html() {}

  /**
   * The text with {@code & < > " '} replaced by character references, safe inside element
   * content and inside single- or double-quoted attribute values. Null becomes the empty
   * string. Control characters other than tab, newline and carriage return (invalid in HTML)
   * become U+FFFD.
   */
  public static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String rep = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? "\uFFFD" : null;
      };
      if (rep != null && b == null) {
        b = new StringBuilder(s.length() + 16);
        b.append(s, 0, i);
      }
      if (b != null) {
        if (rep != null) {
          b.append(rep);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? s : b.toString();
  }

  /** The text cut to at most {@code max} characters, an ellipsis marking the cut. */
  public static String shorten(String s, int max) {
    if (s == null || s.length() <= max) {
      return s == null ? "" : s;
    }
    return s.substring(0, Math.max(0, max - 1)) + "\u2026";
  }
}
