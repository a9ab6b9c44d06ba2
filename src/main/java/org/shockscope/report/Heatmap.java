package org.shockscope.report;

import java.util.List;

/**
 * A heatmap over two categorical axes (levels of two hyperparameters) of a value in [0, 1]
 * (a rate), coloured on a sequential scale with a colour bar; each cell can carry a large
 * text (the rate), a small one (the counts) and a tooltip. Cells with no data are drawn empty.
 * The first y level is at the bottom, so numeric levels increase upwards.
 */
final class Heatmap {
  private static final int COLOR_BAR = 70;
  private final String title;
  private final String xName;
  private final List<String> xLevels;
  private final String yName;
  private final List<String> yLevels;
  private final int[][] scale;
  private final double[][] value;
  private final String[][] big;
  private final String[][] small;
  private final String[][] tooltip;

  /**
   * @param scale sequential colour stops ({@link Palette#SHOCK_SCALE}, ...)
   */
  Heatmap(String title, String xName, List<String> xLevels, String yName, List<String> yLevels,
          int[][] scale) {
    this.title = title;
    this.xName = xName;
    this.xLevels = List.copyOf(xLevels);
    this.yName = yName;
    this.yLevels = List.copyOf(yLevels);
    this.scale = scale;
    int nx = xLevels.size();
    int ny = yLevels.size();
    value = new double[nx][ny];
    big = new String[nx][ny];
    small = new String[nx][ny];
    tooltip = new String[nx][ny];
    for (double[] col : value) {
      java.util.Arrays.fill(col, Double.NaN);
    }
  }

  /** Sets the cell at x level {@code i}, y level {@code j}. */
  void cell(int i, int j, double v, String bigText, String smallText, String tip) {
    value[i][j] = v;
    big[i][j] = bigText;
    small[i][j] = smallText;
    tooltip[i][j] = tip;
  }

  /** The chart, at most {@code maxWidth} pixels wide. */
  String render(int maxWidth) {
    int nx = Math.max(1, xLevels.size());
    int ny = Math.max(1, yLevels.size());
    int yChars = 0;
    for (String l : yLevels) {
      yChars = Math.max(yChars, Math.min(24, l.length()));
    }
    double left = 34 + yChars * RowChart.CHAR_WIDTH;
    double cw = Math.max(10, Math.min(84, (maxWidth - left - COLOR_BAR - 10) / nx));
    double ch = Math.max(10, Math.min(46, Math.max(cw * 0.62, 22)));
    if (ny * ch > 520) {
      ch = Math.max(8, 520.0 / ny);
    }
    int xChars = 0;
    for (String l : xLevels) {
      xChars = Math.max(xChars, Math.min(24, l.length()));
    }
    boolean rotate = xChars * RowChart.CHAR_WIDTH > cw - 4;
    double top = 34;
    double gridW = nx * cw;
    double gridH = ny * ch;
    double bottom = (rotate ? 14 + xChars * 4.6 : 22) + 22;
    int width = (int) Math.ceil(left + gridW + COLOR_BAR + 10);
    int height = (int) Math.ceil(top + gridH + bottom);
    Svg svg = new Svg(width, height, title);
    svg.text(8, 18, Html.shorten(title, (int) (width / 6.5)), "start", 13, Palette.INK, true, 0);
    boolean showBig = cw >= 34 && ch >= 18;
    boolean showSmall = showBig && ch >= 34;
    for (int i = 0; i < xLevels.size(); i++) {
      for (int j = 0; j < yLevels.size(); j++) {
        double x0 = left + i * cw;
        double y0 = top + (ny - 1 - j) * ch;
        double v = value[i][j];
        svg.rect(x0, y0, cw, ch, Palette.sequential(scale, v), 1, "#ffffff",
            tooltip[i][j] == null ? xName + "=" + xLevels.get(i) + ", " + yName + "="
                + yLevels.get(j) + ": no runs" : tooltip[i][j]);
        String ink = Palette.textOn(scale, v);
        if (showBig && big[i][j] != null) {
          double yb = showSmall && small[i][j] != null ? y0 + ch / 2 : y0 + ch / 2 + 4;
          svg.text(x0 + cw / 2, yb, big[i][j], "middle", 11.5, ink, true, 0);
          if (showSmall && small[i][j] != null) {
            svg.text(x0 + cw / 2, yb + 13, small[i][j], "middle", 9.5, ink, false, 0);
          }
        }
      }
    }
    for (int j = 0; j < yLevels.size(); j++) {
      double ym = top + (ny - 1 - j) * ch + ch / 2 + 4;
      if (ch >= 11 || j % Math.max(1, (int) Math.ceil(11 / ch)) == 0) {
        svg.text(left - 6, ym, Html.shorten(yLevels.get(j), 24), "end", 10.5, Palette.INK,
            false, 0);
      }
    }
    int stride = rotate ? Math.max(1, (int) Math.ceil(12 / cw)) : 1;
    for (int i = 0; i < xLevels.size(); i += stride) {
      double xm = left + i * cw + cw / 2;
      String l = Html.shorten(xLevels.get(i), 24);
      if (rotate) {
        svg.text(xm + 3, top + gridH + 12, l, "end", 10.5, Palette.INK, false, -45);
      } else {
        svg.text(xm, top + gridH + 15, l, "middle", 10.5, Palette.INK, false, 0);
      }
    }
    svg.text(left + gridW / 2, height - 6, xName, "middle", 11.5, Palette.INK, true, 0);
    svg.text(13, top + gridH / 2, yName, "middle", 11.5, Palette.INK, true, -90);
    colorBar(svg, left + gridW + 18, top, Math.min(gridH, 200));
    return svg.end();
  }

  private void colorBar(Svg svg, double x0, double y0, double h) {
    int steps = 20;
    for (int k = 0; k < steps; k++) {
      double t = 1 - (k + 0.5) / steps;
      svg.rect(x0, y0 + k * h / steps, 12, h / steps + 0.5, Palette.sequential(scale, t), 1,
          null, null);
    }
    svg.rect(x0, y0, 12, h, "none", 1, "#c5ccd6", null);
    for (double t : new double[] {0, 0.5, 1}) {
      double y = y0 + (1 - t) * h;
      svg.line(x0 + 12, y, x0 + 16, y, Palette.MUTED, 1, null, null);
      svg.text(x0 + 18, y + 3.5, NumberLabels.percent(t), "start", 10, Palette.MUTED, false, 0);
    }
  }
}
