package org.shockscope.report;

/** One section of the report page: an anchor id, a heading and its body. */
interface ReportSection {
  /** The anchor id (also the navigation target). */
  String id();

  /** The heading. */
  String title();

  /** Writes the body (everything under the heading) to {@code out}. */
  void render(ReportData data, StringBuilder out);

  /**
   * A paragraph saying why there is nothing to draw: the table was not found, or it holds no
   * rows usable here.
   */
  static void unavailable(ReportData data, String table, String detail, StringBuilder out) {
    out.append("<p class=\"empty\">");
    if (data.missing(table)) {
      out.append("The <code>").append(Html.escape(table))
          .append("</code> table was not found, so there is nothing to show here.");
    } else {
      out.append(Html.escape(detail));
    }
    out.append("</p>");
  }

  /** A paragraph of explanatory text (escaped). */
  static void lead(String text, StringBuilder out) {
    out.append("<p class=\"lead\">").append(Html.escape(text)).append("</p>");
  }
}
