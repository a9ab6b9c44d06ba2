package org.shockscope.report;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/** Test helpers: pull the charts out of a page, parse them as XML, count things. */
final class SvgChecks {
  private SvgChecks() {}

  /** The top-level {@code <svg>} elements of a page, in order. */
  static List<String> charts(String html) {
    List<String> out = new ArrayList<>();
    int from = 0;
    while (true) {
      int start = html.indexOf("<svg xmlns=", from);
      if (start < 0) {
        return out;
      }
      int depth = 0;
      int i = start;
      while (true) {
        int open = html.indexOf("<svg", i + 1);
        int close = html.indexOf("</svg>", i + 1);
        if (i == start) {
          depth = 1;
        }
        if (open >= 0 && open < close) {
          depth++;
          i = open;
        } else {
          depth--;
          i = close;
          if (depth == 0) {
            break;
          }
        }
      }
      out.add(html.substring(start, i + "</svg>".length()));
      from = i + 1;
    }
  }

  /** Parses an SVG as XML (it must be well-formed); returns the document. */
  static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(
        StandardCharsets.UTF_8)));
  }

  static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }

  /** Number of vertices (M and L commands) in the path data attributes of {@code svg}. */
  static int pathVertices(String svg) {
    Matcher m = Pattern.compile(" d=\"([^\"]*)\"").matcher(svg);
    int n = 0;
    while (m.find()) {
      n += count(m.group(1), "M") + count(m.group(1), "L");
    }
    return n;
  }

  /**
   * The page without the contents of the structure JSON's {@code <details>} elements: what a
   * reader sees before clicking.
   */
  static String outsideJsonDetails(String html) {
    return html.replaceAll("(?s)<details class=\"json\">.*?</details>", "");
  }

  /** The body of the section with this id. */
  static String section(String html, String id) {
    int start = html.indexOf("<section id=\"" + id + "\">");
    if (start < 0) {
      throw new AssertionError("no section " + id);
    }
    return html.substring(start, html.indexOf("</section>", start));
  }
}
