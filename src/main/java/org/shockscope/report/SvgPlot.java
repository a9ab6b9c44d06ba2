package org.shockscope.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * An x–y chart drawn as inline SVG: framed plot area with grid, ticks and tick labels on both
 * axes (linear or log, see {@link Axis}), title, axis labels, legend, and layers of lines,
 * bands, points, polygons, vertical markers and shaded spans, each with an optional hover
 * tooltip.
 *
 * <p>Layers are clipped to the plot area. Points that an axis cannot show (NaN, or ≤ 0 on a
 * log axis) are skipped and break lines. A line is thinned to at most
 * {@value #POINTS_PER_PIXEL} vertices per horizontal pixel by keeping, per pixel column, its
 * lowest and highest vertex (min–max decimation), so that spikes survive and the
 * SVG size is bounded by the chart width, not by the number of steps.
 */
final class SvgPlot {
  static final int POINTS_PER_PIXEL = 2;
  private static final double TICK_FONT = 10.5;
  private static final double LABEL_FONT = 11.5;
  private static final double TITLE_FONT = 13;

  private interface Layer {
    void draw(Svg svg, Frame f);
  }

  /** Pixel geometry of the plot area, known once the legend is laid out. */
  private record Frame(double left, double top, double w, double h, Axis x, Axis y) {
    double px(double v) {
      return x.fraction(v) * w;
    }

    double py(double v) {
      return (1 - y.fraction(v)) * h;
    }
  }

  private final int width;
  private final int height;
  private final Axis x;
  private final Axis y;
  private String title = "";
  private String xLabel;
  private String yLabel;
  private final List<Layer> layers = new ArrayList<>();
  private final ChartLegend legend = new ChartLegend();

  SvgPlot(int width, int height, Axis x, Axis y) {
    this.width = width;
    this.height = height;
    this.x = x;
    this.y = y;
  }

  SvgPlot title(String t) {
    this.title = t;
    return this;
  }

  SvgPlot xLabel(String l) {
    this.xLabel = l;
    return this;
  }

  SvgPlot yLabel(String l) {
    this.yLabel = l;
    return this;
  }

  /** Adds a legend entry (drawn above the plot area). */
  SvgPlot legend(String label, String color, ChartLegend.Key key) {
    legend.add(label, color, key);
    return this;
  }

  /** A polyline through (x[i], y[i]) in order; undrawable points break it. */
  SvgPlot line(double[] xs, double[] ys, String color, double strokeWidth, String dash,
               String tooltip) {
    layers.add((svg, f) -> {
      Svg.PathData d = Svg.pathData();
      trace(d, f, xs, ys);
      if (!d.isEmpty()) {
        svg.path(d, color, strokeWidth, dash, null, 1, tooltip);
      }
    });
    return this;
  }

  /** A filled band between lo[i] and hi[i] over x[i] (e.g. a p10–p90 range). */
  SvgPlot band(double[] xs, double[] lo, double[] hi, String color, double opacity,
               String tooltip) {
    layers.add((svg, f) -> {
      // one closed polygon per run of drawable points
      int i = 0;
      int n = xs.length;
      while (i < n) {
        while (i < n && !drawable(f, xs[i], lo[i], hi[i])) {
          i++;
        }
        int start = i;
        while (i < n && drawable(f, xs[i], lo[i], hi[i])) {
          i++;
        }
        if (i - start >= 1) {
          Svg.PathData d = Svg.pathData();
          for (int k = start; k < i; k++) {
            d.to(f.px(xs[k]), f.py(hi[k]));
          }
          for (int k = i - 1; k >= start; k--) {
            d.to(f.px(xs[k]), f.py(lo[k]));
          }
          d.closePath();
          svg.path(d, null, 0, null, color, opacity, tooltip);
        }
      }
    });
    return this;
  }

  /** A filled polygon through the given vertices (data coordinates). */
  SvgPlot polygon(double[] xs, double[] ys, String color, double opacity, String tooltip) {
    layers.add((svg, f) -> {
      Svg.PathData d = Svg.pathData();
      for (int i = 0; i < xs.length; i++) {
        if (x.accepts(xs[i]) && y.accepts(ys[i])) {
          d.to(f.px(xs[i]), f.py(ys[i]));
        }
      }
      if (!d.isEmpty()) {
        d.closePath();
        svg.path(d, null, 0, null, color, opacity, tooltip);
      }
    });
    return this;
  }

  /** Dots at (x[i], y[i]) with per-point tooltips ({@code tooltip} may return null). */
  SvgPlot points(double[] xs, double[] ys, String color, double radius, double opacity,
                 IntFunction<String> tooltip) {
    layers.add((svg, f) -> {
      svg.fillGroup(color, opacity);
      for (int i = 0; i < xs.length; i++) {
        if (x.accepts(xs[i]) && y.accepts(ys[i])) {
          svg.circle(f.px(xs[i]), f.py(ys[i]), radius, null, 1,
              tooltip == null ? null : tooltip.apply(i));
        }
      }
      svg.endGroup();
    });
    return this;
  }

  /** A vertical line across the plot at {@code xv}. */
  SvgPlot vline(double xv, String color, double strokeWidth, String dash, String tooltip) {
    layers.add((svg, f) -> {
      if (x.accepts(xv)) {
        double px = f.px(xv);
        svg.line(px, 0, px, f.h(), color, strokeWidth, dash, tooltip);
      }
    });
    return this;
  }

  /** A horizontal line across the plot at {@code yv}. */
  SvgPlot hline(double yv, String color, double strokeWidth, String dash, String tooltip) {
    layers.add((svg, f) -> {
      if (y.accepts(yv)) {
        double py = f.py(yv);
        svg.line(0, py, f.w(), py, color, strokeWidth, dash, tooltip);
      }
    });
    return this;
  }

  /** A shaded vertical span between x0 and x1 (at least one pixel wide). */
  SvgPlot vspan(double x0, double x1, String color, double opacity, String tooltip) {
    layers.add((svg, f) -> {
      if (x.accepts(x0) && x.accepts(x1)) {
        double a = f.px(Math.min(x0, x1));
        double b = f.px(Math.max(x0, x1));
        if (b - a < 1) {
          a -= 0.5;
          b += 0.5;
        }
        svg.rect(a, 0, b - a, f.h(), color, opacity, null, tooltip);
      }
    });
    return this;
  }

  /** The chart as an {@code <svg>} element. */
  String render() {
    Svg svg = new Svg(width, height, title);
    double left = yLabel == null ? 46 : 58;
    double right = 14;
    int legendRows = legend.rows(width - left - right);
    double top = (title.isEmpty() ? 10 : 26) + legendRows * ChartLegend.ROW_HEIGHT + 6;
    double bottom = xLabel == null ? 24 : 38;
    Frame f = new Frame(left, top, width - left - right, Math.max(10, height - top - bottom),
        x, y);
    if (!title.isEmpty()) {
      svg.text(left, 16, Html.shorten(title, (int) (width / 6.5)), "start", TITLE_FONT,
          Palette.INK, true, 0);
    }
    legend.draw(svg, left, (title.isEmpty() ? 10 : 26) + 11, width - left - right);
    svg.rect(left, top, f.w(), f.h(), "#ffffff", 1, null, null);
    for (Axis.Tick t : y.ticks()) {
      double py = top + f.py(t.value());
      if (py < top - 0.5 || py > top + f.h() + 0.5) {
        continue;
      }
      svg.line(left, py, left + f.w(), py, Palette.GRID, 1, null, null);
      svg.text(left - 5, py + 3.5, t.label(), "end", TICK_FONT, Palette.MUTED, false, 0);
    }
    xTicks(svg, x, left, top, f.w(), f.h());
    svg.viewport(left, top, f.w(), f.h());
    for (Layer l : layers) {
      l.draw(svg, f);
    }
    svg.endViewport();
    svg.rect(left, top, f.w(), f.h(), "none", 1, "#c5ccd6", null);
    if (xLabel != null) {
      svg.text(left + f.w() / 2, height - 6, xLabel + (x.isLog() ? " (log)" : ""), "middle",
          LABEL_FONT, Palette.INK, false, 0);
    }
    if (yLabel != null) {
      svg.text(13, top + f.h() / 2, yLabel + (y.isLog() ? " (log)" : ""), "middle", LABEL_FONT,
          Palette.INK, false, -90);
    }
    return svg.end();
  }

  /** Vertical grid lines, tick marks and non-overlapping tick labels of an x axis. */
  static void xTicks(Svg svg, Axis x, double left, double top, double w, double h) {
    double lastLabelEnd = Double.NEGATIVE_INFINITY;
    for (Axis.Tick t : x.ticks()) {
      double px = left + x.fraction(t.value()) * w;
      if (px < left - 0.5 || px > left + w + 0.5) {
        continue;
      }
      svg.line(px, top, px, top + h, Palette.GRID, 1, null, null);
      svg.line(px, top + h, px, top + h + 4, Palette.MUTED, 1, null, null);
      double half = t.label().length() * 3.1;
      if (px - half > lastLabelEnd + 4) {
        svg.text(px, top + h + 15, t.label(), "middle", TICK_FONT, Palette.MUTED, false, 0);
        lastLabelEnd = px + half;
      }
    }
  }

  private boolean drawable(Frame f, double xv, double lo, double hi) {
    return x.accepts(xv) && y.accepts(lo) && y.accepts(hi);
  }

  /**
   * Appends the drawable vertices of the line to {@code d}, thinned per pixel column to its
   * lowest and highest vertex, in the order they occur.
   */
  private void trace(Svg.PathData d, Frame f, double[] xs, double[] ys) {
    long column = Long.MIN_VALUE;
    double colX = 0;
    double firstY = 0;
    double minY = 0;
    double maxY = 0;
    int minAt = 0;
    int maxAt = 0;
    int count = 0;
    for (int i = 0; i <= xs.length; i++) {
      boolean end = i == xs.length;
      boolean ok = !end && x.accepts(xs[i]) && y.accepts(ys[i]);
      long c = ok ? (long) Math.floor(f.px(xs[i])) : Long.MIN_VALUE;
      if (count > 0 && (!ok || c != column)) {
        // one pixel column: its extremes in the order they occur are all the eye can see
        if (count == 1) {
          d.to(colX, firstY);
        } else {
          d.to(colX, minAt <= maxAt ? minY : maxY).to(colX, minAt <= maxAt ? maxY : minY);
        }
        count = 0;
      }
      if (!ok) {
        if (!end) {
          d.lift();
        }
        continue;
      }
      double py = f.py(ys[i]);
      if (count == 0) {
        column = c;
        colX = f.px(xs[i]);
        firstY = minY = maxY = py;
        minAt = maxAt = 0;
      } else {
        if (py < minY) {
          minY = py;
          minAt = count;
        }
        if (py > maxY) {
          maxY = py;
          maxAt = count;
        }
      }
      count++;
    }
  }
}
