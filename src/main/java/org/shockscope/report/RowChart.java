package org.shockscope.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A chart of labelled horizontal rows over one numeric x axis: box plots, ranges, bars with
 * error bars, markers and strips of dots, one row per category (a phase-diagram cell, a
 * hyperparameter level). A note can be written to the right of each row. Long labels are
 * shortened, with the full text as a tooltip.
 */
final class RowChart {
  private static final double ROW_HEIGHT = 24;
  private static final double LABEL_FONT = 11;
  /** Average advance of an 11 px sans-serif character, generous so that labels never clip. */
  static final double CHAR_WIDTH = 6.6;

  private interface Mark {
    void draw(Svg svg, double left, double w, double yMid);
  }

  /** One row: a label, marks, an optional note on the right. */
  final class Row {
    private final String label;
    private final List<Mark> marks = new ArrayList<>();
    private String note = "";
    private double shift;

    private Row(String label) {
      this.label = label;
    }

    private void add(Mark m) {
      double dy = shift;
      marks.add((svg, left, w, ym) -> m.draw(svg, left, w, ym + dy));
    }

    private double px(double v, double left, double w) {
      return left + x.fraction(v) * w;
    }

    /** Draws the following marks {@code dy} pixels below the row's centre line (lanes). */
    Row lane(double dy) {
      this.shift = dy;
      return this;
    }

    /** A horizontal segment from x0 to x1, {@code thickness} pixels high. */
    Row segment(double x0, double x1, String color, double thickness, double opacity,
                String tooltip) {
      if (x.accepts(x0) && x.accepts(x1)) {
        add((svg, left, w, ym) -> {
          double a = clamp(px(Math.min(x0, x1), left, w), left, left + w);
          double b = clamp(px(Math.max(x0, x1), left, w), left, left + w);
          svg.rect(a, ym - thickness / 2, Math.max(1.5, b - a), thickness, color, opacity, null,
              tooltip);
        });
      }
      return this;
    }

    /**
     * A box plot: whiskers from {@code lo} to {@code hi}, box from {@code q1} to {@code q3},
     * a bar at the median.
     */
    Row box(double lo, double q1, double median, double q3, double hi, String color,
            String tooltip) {
      if (!(x.accepts(lo) && x.accepts(q1) && x.accepts(median) && x.accepts(q3)
          && x.accepts(hi))) {
        return this;
      }
      add((svg, left, w, ym) -> {
        double pl = px(lo, left, w);
        double ph = px(hi, left, w);
        svg.line(pl, ym, ph, ym, Palette.MUTED, 1.2, null, null);
        svg.line(pl, ym - 4, pl, ym + 4, Palette.MUTED, 1.2, null, null);
        svg.line(ph, ym - 4, ph, ym + 4, Palette.MUTED, 1.2, null, null);
        double a = px(q1, left, w);
        double b = px(q3, left, w);
        svg.rect(a, ym - 7, Math.max(2, b - a), 14, color, 0.55, color, tooltip);
        double pm = px(median, left, w);
        svg.line(pm, ym - 7, pm, ym + 7, Palette.INK, 2, null, tooltip);
      });
      return this;
    }

    /** A dot at {@code v}, shifted vertically by {@code dy} pixels (strip jitter). */
    Row dot(double v, double dy, String color, double radius, double opacity, String tooltip) {
      if (inside(v)) {
        add((svg, left, w, ym) -> svg.circle(px(v, left, w), ym + dy, radius, color,
            opacity, tooltip));
      }
      return this;
    }

    /** A diamond marker at {@code v}. */
    Row diamond(double v, String color, String tooltip) {
      if (inside(v)) {
        add((svg, left, w, ym) -> svg.path(RowChart.diamond(px(v, left, w), ym, 5),
            "#ffffff", 1, null, color, 1, tooltip));
      }
      return this;
    }

    /** A short vertical tick at {@code v}. */
    Row tick(double v, String color, String tooltip) {
      if (inside(v)) {
        add((svg, left, w, ym) -> {
          double p = px(v, left, w);
          svg.line(p, ym - 6, p, ym + 6, color, 2, null, tooltip);
        });
      }
      return this;
    }

    /** Text written right of the plot area on this row. */
    Row note(String text) {
      this.note = text == null ? "" : text;
      return this;
    }
  }

  private final int width;
  private final Axis x;
  private final String title;
  private final String xLabel;
  private final List<Row> rows = new ArrayList<>();
  private final ChartLegend legend = new ChartLegend();

  RowChart(int width, Axis x, String title, String xLabel) {
    this.width = width;
    this.x = x;
    this.title = title;
    this.xLabel = xLabel;
  }

  Row row(String label) {
    Row r = new Row(label);
    rows.add(r);
    return r;
  }

  RowChart legend(String label, String color, ChartLegend.Key key) {
    legend.add(label, color, key);
    return this;
  }

  int rowCount() {
    return rows.size();
  }

  String render() {
    int maxLabel = (int) (0.42 * width / CHAR_WIDTH);
    int maxNote = (int) (0.25 * width / CHAR_WIDTH);
    int labelChars = 0;
    int noteChars = 0;
    for (Row r : rows) {
      labelChars = Math.max(labelChars, Math.min(maxLabel, r.label.length()));
      noteChars = Math.max(noteChars, Math.min(maxNote, r.note.length()));
    }
    double left = 14 + labelChars * CHAR_WIDTH;
    double right = 16 + noteChars * CHAR_WIDTH;
    double plotW = Math.max(80, width - left - right);
    int legendRows = legend.rows(width - 28);
    double top = 30 + legendRows * ChartLegend.ROW_HEIGHT;
    double plotH = Math.max(1, rows.size()) * ROW_HEIGHT;
    int height = (int) Math.ceil(top + plotH + (xLabel == null ? 26 : 40));
    Svg svg = new Svg(width, height, title);
    svg.text(14, 16, Html.shorten(title, (int) (width / 6.5)), "start", 13, Palette.INK, true,
        0);
    legend.draw(svg, 14, 37, width - 28);
    svg.rect(left, top, plotW, plotH, "#ffffff", 1, null, null);
    SvgPlot.xTicks(svg, x, left, top, plotW, plotH);
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      double ym = top + (i + 0.5) * ROW_HEIGHT;
      if (i % 2 == 1) {
        svg.rect(left, ym - ROW_HEIGHT / 2, plotW, ROW_HEIGHT, "#f6f8fa", 0.7, null, null);
      }
      String shown = Html.shorten(r.label, maxLabel);
      if (shown.equals(r.label)) {
        svg.text(left - 8, ym + 4, shown, "end", LABEL_FONT, Palette.INK, false, 0);
      } else {
        svg.text(left - 8, ym + 4, shown, "end", LABEL_FONT, Palette.INK, r.label);
      }
      for (Mark m : r.marks) {
        m.draw(svg, left, plotW, ym);
      }
      if (!r.note.isEmpty()) {
        svg.text(left + plotW + 8, ym + 4, Html.shorten(r.note, maxNote), "start",
            LABEL_FONT, Palette.MUTED, false, 0);
      }
    }
    svg.rect(left, top, plotW, plotH, "none", 1, "#c5ccd6", null);
    if (xLabel != null) {
      svg.text(left + plotW / 2, height - 6, xLabel + (x.isLog() ? " (log)" : ""), "middle",
          11.5, Palette.INK, false, 0);
    }
    return svg.end();
  }

  /** Path data of a diamond centred on (cx, cy) with half-diagonal r. */
  static Svg.PathData diamond(double cx, double cy, double r) {
    return Svg.pathData().to(cx, cy - r).to(cx + r, cy).to(cx, cy + r).to(cx - r, cy)
        .closePath();
  }

  /** Whether a value falls within the axis domain (marks outside it are not drawn). */
  private boolean inside(double v) {
    double f = x.fraction(v);
    return f >= -1e-3 && f <= 1 + 1e-3;
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
