package org.shockscope.report;

import java.util.ArrayList;
import java.util.List;

/** The legend of a chart: entries laid out left to right, wrapping into rows. */
final class ChartLegend {
  /** How an entry's key is drawn. */
  enum Key { LINE, DASH, AREA, POINT, DIAMOND }

  static final int ROW_HEIGHT = 16;
  private static final int MAX_CHARS = 40;

  private record Entry(String label, String color, Key key) {}

  private final List<Entry> entries = new ArrayList<>();

  void add(String label, String color, Key key) {
    entries.add(new Entry(label, color, key));
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Rows needed to fit the entries in {@code available} pixels. */
  int rows(double available) {
    if (entries.isEmpty()) {
      return 0;
    }
    int rows = 1;
    double used = 0;
    for (Entry e : entries) {
      double w = width(e);
      if (used > 0 && used + w > available) {
        rows++;
        used = 0;
      }
      used += w;
    }
    return rows;
  }

  /** Draws the entries starting at {@code left}, first row's text baseline at {@code baseline}. */
  void draw(Svg svg, double left, double baseline, double available) {
    double used = 0;
    double yb = baseline;
    for (Entry e : entries) {
      double w = width(e);
      if (used > 0 && used + w > available) {
        used = 0;
        yb += ROW_HEIGHT;
      }
      double x0 = left + used;
      switch (e.key()) {
        case LINE -> svg.line(x0, yb - 4, x0 + 16, yb - 4, e.color(), 2, null, null);
        case DASH -> svg.line(x0, yb - 4, x0 + 16, yb - 4, e.color(), 1.5, "4 3", null);
        case AREA -> svg.rect(x0, yb - 9, 16, 10, e.color(), 0.35, null, null);
        case POINT -> svg.circle(x0 + 8, yb - 4, 3.5, e.color(), 0.85, null);
        case DIAMOND -> svg.path(RowChart.diamond(x0 + 8, yb - 4, 5), null, 0, null, e.color(),
            1, null);
      }
      svg.text(x0 + 21, yb, Html.shorten(e.label(), MAX_CHARS), "start", 10.5, Palette.INK,
          false, 0);
      used += w;
    }
  }

  private static double width(Entry e) {
    return 30 + Math.min(e.label().length(), MAX_CHARS) * 6.0;
  }
}
