package org.shockscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The SVG charts: well-formed, bounded in size, honest about what they cannot draw. */
class ChartTest {
  @Test
  void longLinesAreThinnedToTheChartWidthButKeepTheirSpikes() throws Exception {
    int n = 100_000;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = i;
      y[i] = Math.sin(i / 500.0) + 0.01 * Math.sin(i * 1.7);
    }
    y[54_321] = 50;
    SvgPlot p = new SvgPlot(300, 200, Axis.linear(0, n), Axis.linear(-1, 50));
    p.line(x, y, "#000", 1, null, "a line");
    String svg = p.render();
    SvgChecks.parse(svg);
    int vertices = SvgChecks.pathVertices(svg);
    assertTrue(vertices <= SvgPlot.POINTS_PER_PIXEL * 300, vertices + " vertices");
    assertTrue(vertices >= 200, vertices + " vertices");
    assertTrue(svg.length() < 8_000, svg.length() + " chars");
    // the spike reaches the top of the plot area: some vertex at y = 0 inside the viewport
    Matcher m = Pattern.compile("[ML][0-9.]+ (-?[0-9.]+)").matcher(svg);
    double top = Double.POSITIVE_INFINITY;
    while (m.find()) {
      top = Math.min(top, Double.parseDouble(m.group(1)));
    }
    assertEquals(0, top, 0.5);
  }

  @Test
  void undrawableValuesBreakLinesAndAreSkippedOnLogAxes() throws Exception {
    SvgPlot p = new SvgPlot(300, 200, Axis.linear(0, 10), Axis.log(0.1, 100));
    p.line(new double[] {1, 2, 3, 4, 5}, new double[] {1, 2, Double.NaN, 4, 5}, "#000", 1, null,
        null);
    p.points(new double[] {1, 2, 3, 4}, new double[] {0, -1, 1, 10}, "#f00", 2, 1, i -> "p" + i);
    String svg = p.render();
    SvgChecks.parse(svg);
    Matcher m = Pattern.compile("<path d=\"([^\"]*)\" fill=\"none\" stroke=\"#000\"").matcher(svg);
    assertTrue(m.find());
    assertEquals(2, SvgChecks.count(m.group(1), "M"), m.group(1));
    assertEquals(2, SvgChecks.count(svg, "<circle"));
    assertTrue(svg.contains("<title>p2</title>") && svg.contains("<title>p3</title>"));
    assertFalse(svg.contains("<title>p0</title>"));
  }

  @Test
  void axesHaveTickLabelsAndTitlesAreEscaped() throws Exception {
    SvgPlot p = new SvgPlot(400, 250, Axis.linear(0, 1000), Axis.log(1e-3, 10))
        .title("loss of <run & \"x\">").xLabel("step").yLabel("loss");
    p.vspan(100, 200, "#f00", 0.2, "shock <1>");
    p.vline(150, "#f00", 1, "3 2", "at 150");
    p.legend("a & b", "#00f", ChartLegend.Key.LINE);
    String svg = p.render();
    Document doc = SvgChecks.parse(svg);
    String text = doc.getDocumentElement().getTextContent();
    assertTrue(text.contains("loss of <run & \"x\">"), text);
    assertTrue(text.contains("shock <1>"));
    assertTrue(text.contains("a & b"));
    for (String tick : List.of("0", "200", "1000", "0.001", "0.01", "1", "10")) {
      assertTrue(svg.contains(">" + tick + "</text>"), "tick " + tick);
    }
    assertTrue(svg.contains(">loss (log)</text>"));
    assertTrue(svg.contains(">step</text>"));
  }

  @Test
  void heatmapColoursCellsByRateAndMarksEmptyOnes() throws Exception {
    Heatmap h = new Heatmap("Shock rate", "lr", List.of("0.01", "0.1"), "batch",
        List.of("16", "64"), Palette.SHOCK_SCALE);
    h.cell(0, 0, 0.0, "0%", "0/4", "none");
    h.cell(1, 0, 1.0, "100%", "4/4", "all <4>");
    h.cell(0, 1, 0.5, "50%", "2/4", "half");
    String svg = h.render(500);
    Document doc = SvgChecks.parse(svg);
    assertTrue(svg.contains("fill=\"" + Palette.sequential(Palette.SHOCK_SCALE, 1.0) + "\""));
    assertTrue(svg.contains("fill=\"" + Palette.sequential(Palette.SHOCK_SCALE, 0.0) + "\""));
    assertTrue(svg.contains("fill=\"" + Palette.EMPTY + "\""));
    String text = doc.getDocumentElement().getTextContent();
    assertTrue(text.contains("lr=0.1, batch=64: no runs"), text);
    assertTrue(text.contains("all <4>"));
    assertTrue(text.contains("100%") && text.contains("4/4"));
    assertEquals("#800026", Palette.sequential(Palette.SHOCK_SCALE, 1.0));
    assertEquals("#ffffff", Palette.textOn(Palette.SHOCK_SCALE, 1.0));
    assertEquals(Palette.INK, Palette.textOn(Palette.SHOCK_SCALE, 0.0));
  }

  @Test
  void heatmapWithManyLevelsStaysWithinItsWidthAndRotatesLabels() throws Exception {
    List<String> xs = new java.util.ArrayList<>();
    List<String> ys = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      xs.add(NumberLabels.exact(1e-4 * Math.pow(1.3, i)));
    }
    for (int j = 0; j < 30; j++) {
      ys.add(Integer.toString(8 * (j + 1)));
    }
    Heatmap h = new Heatmap("Shock rate", "lr", xs, "batch", ys, Palette.SHOCK_SCALE);
    for (int i = 0; i < 40; i++) {
      for (int j = 0; j < 30; j++) {
        h.cell(i, j, (i + j) / 70.0, "x", "y", "t");
      }
    }
    String svg = h.render(580);
    SvgChecks.parse(svg);
    Matcher m = Pattern.compile("width=\"([0-9]+)\"").matcher(svg);
    assertTrue(m.find());
    assertTrue(Integer.parseInt(m.group(1)) <= 600, m.group(1));
    assertTrue(svg.contains("rotate(-45"), "crowded x labels are rotated");
    assertFalse(svg.contains(">x</text>"), "no text in cells too small for it");
    assertEquals(1200, SvgChecks.count(svg, "<title>t</title>"));
  }

  @Test
  void rowChartSkipsMarksOutsideItsAxisAndShortensLongLabels() throws Exception {
    RowChart c = new RowChart(400, Axis.log(0.01, 1), "t", "lr");
    String label = "a_very_long_cell_label=" + "x".repeat(200);
    c.row(label).diamond(0.1, "#f00", "inside").diamond(100, "#f00", "outside")
        .box(0.02, 0.05, 0.1, 0.2, 0.5, "#00f", "box").note("note");
    c.row("short").segment(0.001, 10, "#0f0", 4, 1, "clamped");
    String svg = c.render();
    Document doc = SvgChecks.parse(svg);
    String text = doc.getDocumentElement().getTextContent();
    assertTrue(text.contains("inside"));
    assertFalse(text.contains("outside"));
    assertTrue(text.contains(label), "full label kept as tooltip");
    assertTrue(text.contains("\u2026"), "shown label shortened");
    assertEquals(2, c.rowCount());
  }
}
