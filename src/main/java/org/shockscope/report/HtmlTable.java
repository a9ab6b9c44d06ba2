package org.shockscope.report;

import java.util.ArrayList;
import java.util.List;

/**
 * An HTML data table. Cells are text (escaped) or numbers (right-aligned, tabular figures,
 * {@link NumberLabels#compact} form, NaN shown as a dash).
 */
final class HtmlTable {
  private final List<String> headers;
  private final List<List<Object>> rows = new ArrayList<>();

  HtmlTable(String... headers) {
    this.headers = List.of(headers);
  }

  /** Adds a row: each cell a String, a Number or null (shown empty). */
  HtmlTable row(Object... cells) {
    rows.add(java.util.Arrays.asList(cells));
    return this;
  }

  int size() {
    return rows.size();
  }

  void render(StringBuilder out) {
    out.append("<div class=\"table-wrap\"><table class=\"data\"><thead><tr>");
    for (String h : headers) {
      out.append("<th>").append(Html.escape(h)).append("</th>");
    }
    out.append("</tr></thead><tbody>");
    for (List<Object> r : rows) {
      out.append("<tr>");
      for (Object c : r) {
        if (c instanceof Number n) {
          out.append("<td class=\"num\">");
          if (c instanceof Long || c instanceof Integer) {
            out.append(NumberLabels.count(n.longValue()));
          } else {
            double v = n.doubleValue();
            out.append(Double.isNaN(v) ? "\u2013" : Html.escape(NumberLabels.compact(v)));
          }
        } else {
          out.append("<td>").append(Html.escape(c == null ? "" : c.toString()));
        }
        out.append("</td>");
      }
      out.append("</tr>");
    }
    out.append("</tbody></table></div>");
  }
}
