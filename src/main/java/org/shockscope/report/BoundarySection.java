package org.shockscope.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The phase boundary: per target (shock, divergence) and cell of the other hyperparameters,
 * the learning rates tried, the bracket between the largest learning rate without the outcome
 * and the smallest one with it, and the critical learning rate where the fitted logistic
 * probability crosses 0.5; cells without an estimate show their status instead.
 */
final class BoundarySection implements ReportSection {
  /** Rows of the full table listed under the charts. */
  static final int TABLE_ROWS = 200;
  /** Largest factor by which critical learning rates may extend the axis beyond those tried. */
  static final double EXTRAPOLATION = 10;

  @Override
  public String id() {
    return "boundary";
  }

  @Override
  public String title() {
    return "Phase boundary";
  }

  @Override
  public void render(ReportData d, StringBuilder out) {
    if (d.boundary().isEmpty()) {
      ReportSection.unavailable(d, "phase_boundary", "The phase_boundary table has no rows.",
          out);
      return;
    }
    Map<String, List<ReportData.Boundary>> byTarget = new LinkedHashMap<>();
    for (ReportData.Boundary b : d.boundary()) {
      byTarget.computeIfAbsent(b.target(), k -> new ArrayList<>()).add(b);
    }
    List<double[]> tried = new ArrayList<>();
    for (ReportData.Boundary b : d.boundary()) {
      tried.add(new double[] {b.lrMin(), b.lrMax(), b.maxNegativeLr(), b.minPositiveLr()});
    }
    double[] range = Axis.positiveRange(tried.toArray(double[][]::new));
    // a critical lr extrapolated far beyond the rates tried would squash the chart: such
    // estimates stay in the table but widen the axis by at most EXTRAPOLATION each way
    for (ReportData.Boundary b : d.boundary()) {
      double c = b.criticalLr();
      if (c > 0 && c >= range[0] / EXTRAPOLATION && c <= range[1] * EXTRAPOLATION) {
        range[0] = Math.min(range[0], c);
        range[1] = Math.max(range[1], c);
      }
    }
    String lr = d.options().lrKey();
    ReportSection.lead("Per cell of the other hyperparameters: the " + lr + " values tried "
        + "(grey), the bracket from the largest " + lr + " without the outcome to the smallest "
        + lr + " with it (coloured), and the critical " + lr + " where a logistic fit of the "
        + "outcome on ln " + lr + " crosses probability 0.5 (diamond).", out);
    if (Double.isNaN(range[0])) {
      out.append("<p class=\"empty\">No cell has a positive learning rate, so the boundary "
          + "cannot be drawn; the table below lists the status of each cell.</p>");
    } else {
      out.append(chart(byTarget, Axis.log(range[0], range[1]), lr, d.options().boundaryCells()));
    }
    out.append("<details><summary>All ").append(d.boundary().size())
        .append(" rows of phase_boundary</summary>");
    HtmlTable table = new HtmlTable("target", "cell", "runs", "positive", lr + " min",
        lr + " max", "largest " + lr + " without", "smallest " + lr + " with", "critical " + lr,
        "slope (per ln " + lr + ")", "status");
    for (ReportData.Boundary b : d.boundary().subList(0, Math.min(TABLE_ROWS, d.boundary().size()))) {
      table.row(b.target(), b.cell(), b.runs(), b.positive(), b.lrMin(), b.lrMax(),
          b.maxNegativeLr(), b.minPositiveLr(), b.criticalLr(), b.logLrSlope(), b.status());
    }
    table.render(out);
    out.append("</details>");
  }

  /**
   * One row per cell, one lane per target (shock above, divergence below), so that the two
   * boundaries of a cell can be compared at a glance.
   */
  private static String chart(Map<String, List<ReportData.Boundary>> byTarget, Axis x, String lr,
                              int cap) {
    Map<String, Map<String, ReportData.Boundary>> byCell =
        new TreeMap<>(Comparator.comparing(BoundarySection::levels, LevelOrder.CELL));
    for (Map.Entry<String, List<ReportData.Boundary>> e : byTarget.entrySet()) {
      for (ReportData.Boundary b : e.getValue()) {
        byCell.computeIfAbsent(b.cell(), k -> new LinkedHashMap<>()).put(e.getKey(), b);
      }
    }
    List<String> cells = new ArrayList<>(byCell.keySet());
    List<String> shown = cells.subList(0, Math.min(cap, cells.size()));
    List<String> targets = new ArrayList<>(byTarget.keySet());
    RowChart c = new RowChart(1180, x, "Critical " + lr + " per cell"
        + (shown.size() < cells.size() ? " (" + shown.size() + " of " + cells.size() + " cells)"
        : ""), lr);
    c.legend(lr + " tried", "#9aa5b1", ChartLegend.Key.AREA);
    for (String t : targets) {
      c.legend(t + ": bracket", color(t), ChartLegend.Key.AREA);
      c.legend(t + ": critical " + lr, color(t), ChartLegend.Key.DIAMOND);
    }
    for (String cell : shown) {
      RowChart.Row row = c.row(cell);
      StringBuilder note = new StringBuilder();
      for (int i = 0; i < targets.size(); i++) {
        String t = targets.get(i);
        ReportData.Boundary b = byCell.get(cell).get(t);
        if (b == null) {
          continue;
        }
        String tip = t + " \u00b7 " + b.cell() + "\n" + b.positive() + " of " + b.runs()
            + " runs positive; " + lr + " tried " + NumberLabels.compact(b.lrMin()) + "\u2013"
            + NumberLabels.compact(b.lrMax()) + "\nlargest " + lr + " without: "
            + NumberLabels.compact(b.maxNegativeLr()) + ", smallest with: "
            + NumberLabels.compact(b.minPositiveLr()) + "\ncritical " + lr + ": "
            + NumberLabels.compact(b.criticalLr()) + " (" + b.status() + ")";
        row.lane(targets.size() == 1 ? 0 : (i == 0 ? -5 : 5));
        row.segment(b.lrMin(), b.lrMax(), "#9aa5b1", 2, 0.7, tip);
        if (Double.isFinite(b.maxNegativeLr()) && Double.isFinite(b.minPositiveLr())) {
          row.segment(b.maxNegativeLr(), b.minPositiveLr(), color(t), 7, 0.45, tip);
        }
        row.diamond(b.criticalLr(), color(t), tip);
        note.append(note.length() == 0 ? "" : " \u00b7 ").append(t).append(": ")
            .append(Double.isFinite(b.criticalLr()) && b.criticalLr() > 0
                ? NumberLabels.compact(b.criticalLr(), 3) : b.status());
      }
      row.note(note.toString());
    }
    return c.render();
  }

  /** The values of a cell label "a=1, b=x" (for ordering; "all" has none). */
  static List<String> levels(String cell) {
    List<String> out = new ArrayList<>();
    for (String part : cell.split(", ")) {
      int eq = part.indexOf('=');
      out.add(eq < 0 ? part : part.substring(eq + 1));
    }
    out.add(cell);
    return out;
  }

  private static String color(String target) {
    return "divergence".equals(target) ? Palette.DIVERGENCE : Palette.SHOCK;
  }
}
