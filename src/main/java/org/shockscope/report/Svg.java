package org.shockscope.report;

/**
 * Writes one inline SVG element: shapes in pixel coordinates, each with an optional hover
 * tooltip (an SVG {@code <title>} child). Coordinates are written with one decimal, which is
 * below a pixel's resolution and keeps large charts small. All text is escaped.
 */
final class Svg {
  /** Font stack of chart text, matching the page. */
  static final String FONT = "system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

  private final StringBuilder b = new StringBuilder(4096);
  private final int width;
  private final int height;

  /**
   * @param width  pixel width
   * @param height pixel height
   * @param label  accessible name of the chart (its title)
   */
  Svg(int width, int height, String label) {
    this.width = width;
    this.height = height;
    b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"").append(width)
        .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width)
        .append(' ').append(height).append("\" role=\"img\" aria-label=\"")
        .append(Html.escape(label)).append("\" font-family=\"").append(FONT).append("\">");
  }

  int width() {
    return width;
  }

  int height() {
    return height;
  }

  Svg line(double x1, double y1, double x2, double y2, String stroke, double strokeWidth,
           String dash, String title) {
    b.append("<line x1=\"");
    num(x1).append("\" y1=\"");
    num(y1).append("\" x2=\"");
    num(x2).append("\" y2=\"");
    num(y2).append("\" stroke=\"").append(stroke).append("\" stroke-width=\"");
    num(strokeWidth).append('"');
    if (dash != null) {
      b.append(" stroke-dasharray=\"").append(dash).append('"');
    }
    return close("line", title);
  }

  Svg rect(double x, double y, double w, double h, String fill, double opacity, String stroke,
           String title) {
    b.append("<rect x=\"");
    num(x).append("\" y=\"");
    num(y).append("\" width=\"");
    num(Math.max(0, w)).append("\" height=\"");
    num(Math.max(0, h)).append("\" fill=\"").append(fill).append('"');
    if (opacity < 1) {
      b.append(" fill-opacity=\"");
      num2(opacity).append('"');
    }
    if (stroke != null) {
      b.append(" stroke=\"").append(stroke).append('"');
    }
    return close("rect", title);
  }

  Svg circle(double cx, double cy, double r, String fill, double opacity, String title) {
    b.append("<circle cx=\"");
    num(cx).append("\" cy=\"");
    num(cy).append("\" r=\"");
    num(r).append('"');
    if (fill != null) {
      b.append(" fill=\"").append(fill).append('"');
    }
    if (opacity < 1) {
      b.append(" fill-opacity=\"");
      num2(opacity).append('"');
    }
    return close("circle", title);
  }

  /** A path; {@code d} must be built with {@link #pathData}. */
  Svg path(CharSequence d, String stroke, double strokeWidth, String dash, String fill,
           double fillOpacity, String title) {
    b.append("<path d=\"").append(d).append("\" fill=\"").append(fill == null ? "none" : fill)
        .append('"');
    if (fill != null && fillOpacity < 1) {
      b.append(" fill-opacity=\"");
      num2(fillOpacity).append('"');
    }
    if (stroke != null) {
      b.append(" stroke=\"").append(stroke).append("\" stroke-width=\"");
      num(strokeWidth).append("\" stroke-linejoin=\"round\"");
      if (dash != null) {
        b.append(" stroke-dasharray=\"").append(dash).append('"');
      }
    }
    return close("path", title);
  }

  /**
   * Text at (x, y) (baseline), anchored {@code start}, {@code middle} or {@code end}, rotated
   * by {@code rotate} degrees about its anchor when non-zero.
   */
  Svg text(double x, double y, String text, String anchor, double size, String fill,
           boolean bold, double rotate) {
    b.append("<text x=\"");
    num(x).append("\" y=\"");
    num(y).append("\" font-size=\"");
    num(size).append("\" fill=\"").append(fill).append('"');
    if (!"start".equals(anchor)) {
      b.append(" text-anchor=\"").append(anchor).append('"');
    }
    if (bold) {
      b.append(" font-weight=\"600\"");
    }
    if (rotate != 0) {
      b.append(" transform=\"rotate(");
      num(rotate).append(' ');
      num(x).append(' ');
      num(y).append(")\"");
    }
    b.append('>').append(Html.escape(text)).append("</text>");
    return this;
  }

  /** Text with a tooltip (the full text of a shortened label, for instance). */
  Svg text(double x, double y, String text, String anchor, double size, String fill,
           String title) {
    b.append("<g>");
    text(x, y, text, anchor, size, fill, false, 0);
    b.append("<title>").append(Html.escape(title)).append("</title></g>");
    return this;
  }

  /**
   * Opens a nested viewport at (x, y) of size w × h: shapes inside use coordinates relative
   * to its corner and are clipped to it (an inner {@code <svg>} hides its overflow), which
   * needs no page-unique clip-path ids. Close it with {@link #endViewport()}.
   */
  Svg viewport(double x, double y, double w, double h) {
    b.append("<svg x=\"");
    num(x).append("\" y=\"");
    num(y).append("\" width=\"");
    num(w).append("\" height=\"");
    num(h).append("\">");
    return this;
  }

  /**
   * Opens a group whose shapes inherit a fill and its opacity (shapes inside then pass a null
   * fill and opacity 1), which saves two attributes per point of a large scatter.
   */
  Svg fillGroup(String fill, double opacity) {
    b.append("<g fill=\"").append(fill).append("\" fill-opacity=\"");
    num2(opacity).append("\">");
    return this;
  }

  Svg endGroup() {
    b.append("</g>");
    return this;
  }

  Svg endViewport() {
    b.append("</svg>");
    return this;
  }

  /** Appends raw, already valid SVG. */
  Svg raw(String svg) {
    b.append(svg);
    return this;
  }

  String end() {
    return b.append("</svg>").toString();
  }

  private Svg close(String element, String title) {
    if (title == null) {
      b.append("/>");
    } else {
      b.append("><title>").append(Html.escape(title)).append("</title></").append(element)
          .append('>');
    }
    return this;
  }

  private StringBuilder num(double v) {
    return appendNumber(b, v);
  }

  private StringBuilder num2(double v) {
    long r = Math.round(v * 100);
    b.append(r / 100).append('.');
    long f = r % 100;
    if (f < 10) {
      b.append('0');
    }
    return b.append(f);
  }

  /** Appends {@code v} rounded to one decimal, without a trailing ".0". */
  static StringBuilder appendNumber(StringBuilder b, double v) {
    if (!Double.isFinite(v)) {
      return b.append('0');
    }
    long r = Math.round(v * 10);
    if (r < 0) {
      b.append('-');
      r = -r;
    }
    b.append(r / 10);
    if (r % 10 != 0) {
      b.append('.').append(r % 10);
    }
    return b;
  }

  /** Path data builder: "M x y L x y ..." with one-decimal coordinates. */
  static final class PathData implements CharSequence {
    private final StringBuilder d = new StringBuilder(256);
    private boolean pen;

    /** Moves to (x, y) when the pen is up, else draws a segment to it. */
    PathData to(double x, double y) {
      d.append(pen ? 'L' : 'M');
      appendNumber(d, x).append(' ');
      appendNumber(d, y);
      pen = true;
      return this;
    }

    /** Lifts the pen: the next point starts a new sub-path (a gap in a line). */
    PathData lift() {
      pen = false;
      return this;
    }

    PathData closePath() {
      d.append('Z');
      pen = false;
      return this;
    }

    @Override
    public boolean isEmpty() {
      return d.length() == 0;
    }

    @Override
    public int length() {
      return d.length();
    }

    @Override
    public char charAt(int index) {
      return d.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return d.subSequence(start, end);
    }

    @Override
    public String toString() {
      return d.toString();
    }
  }

  static PathData pathData() {
    return new PathData();
  }
}
