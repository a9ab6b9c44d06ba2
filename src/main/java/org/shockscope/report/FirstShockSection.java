package org.shockscope.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.shockscope.Quantiles;

/**
 * Time to the first shock, per model family ({@link ModelFamily}): per cell of the phase diagram's axes (the other hyperparameters
 * pooled, as in {@link PhaseDiagramSection}), a box plot of the first-shock step over the runs
 * of the cell that had a shock (box p25–p75, bar at the median, whiskers p10–p90), with the
 * individual runs as dots when there are few, and the share of runs that had one. Only the cells with
 * the most runs are drawn (at most {@link ReportOptions#boxCells()}), in cell order, under a
 * row for all runs. The AFT survival coefficients follow.
 */
final class FirstShockSection implements ReportSection {
  /** Cells with at most this many shocked runs also show each run as a dot. */
  static final int MAX_DOTS = 60;

  @Override
  public String id() {
    return "first-shock";
  }

  @Override
  public String title() {
    return "Time to first shock";
  }

  @Override
  public void render(ReportData d, StringBuilder out) {
    if (d.runs().isEmpty()) {
      ReportSection.unavailable(d, "runs", "The runs table has no rows.", out);
      return;
    }
    ModelFamily.renderEach(d, "the time to the first shock", out, FirstShockSection::chart);
    survival(d, out);
  }

  /** The chart of one family (or of the whole sweep). */
  private static void chart(ReportData d, StringBuilder out) {
    List<String> axes = PhaseDiagramSection.axes(d);
    Map<List<String>, List<ReportData.Run>> byCell = new TreeMap<>(LevelOrder.CELL);
    if (!axes.isEmpty()) {
      for (ReportData.Run r : d.runs()) {
        byCell.computeIfAbsent(r.values(axes), k -> new ArrayList<>()).add(r);
      }
    }
    List<List<String>> shown = new ArrayList<>(byCell.keySet());
    shown.sort(Comparator.<List<String>>comparingInt(k -> -byCell.get(k).size())
        .thenComparing(LevelOrder.CELL));
    shown = new ArrayList<>(shown.subList(0, Math.min(d.options().boxCells(), shown.size())));
    shown.sort(LevelOrder.CELL);
    List<double[]> steps = new ArrayList<>();
    steps.add(firstShocks(d.runs()));
    for (List<String> k : shown) {
      steps.add(firstShocks(byCell.get(k)));
    }
    double[] range = Axis.range(steps.toArray(double[][]::new));
    if (Double.isNaN(range[0])) {
      ReportSection.lead("No run had a shock, so there is no time to a first shock to show.",
          out);
      return;
    }
    ReportSection.lead("Step of each run's first shock, over all runs and per cell of the phase "
        + "diagram's axes" + (byCell.size() > shown.size() ? " (the " + shown.size()
        + " cells with the most runs, of " + byCell.size() + ")" : "")
        + ". Box: 25th–75th percentile, bar: median, whiskers: 10th–90th percentile of the runs "
        + "that had a shock; the note gives how many did.", out);
    Axis x = Axis.auto(range[0], range[1]);
    RowChart chart = new RowChart(1180, x, "First-shock step by cell", "step of first shock");
    String color = Palette.category(0);
    chart.legend("p25\u2013p75 of first-shock step", color, ChartLegend.Key.AREA);
    chart.legend("one run", Palette.SHOCK, ChartLegend.Key.POINT);
    row(chart, "all runs", "all runs", d.runs().size(), steps.get(0), color, false);
    List<Map<String, String>> labels = new ArrayList<>();
    for (int a = 0; a < axes.size(); a++) {
      int axis = a;
      labels.add(NumberLabels.levelLabels(byCell.keySet().stream().map(k -> k.get(axis))
          .toList()));
    }
    for (int i = 0; i < shown.size(); i++) {
      List<String> k = shown.get(i);
      List<String> rounded = new ArrayList<>();
      for (int a = 0; a < axes.size(); a++) {
        rounded.add(labels.get(a).get(k.get(a)));
      }
      row(chart, ReportData.cellLabel(axes, rounded), ReportData.cellLabel(axes, k),
          byCell.get(k).size(), steps.get(i + 1), color, true);
    }
    out.append(chart.render());
  }

  private static double[] firstShocks(List<ReportData.Run> runs) {
    return runs.stream().filter(r -> r.firstShockStep() != null)
        .mapToDouble(r -> r.firstShockStep()).toArray();
  }

  /** A row labelled {@code label} (rounded levels), its tooltip naming {@code exact}. */
  private static void row(RowChart chart, String label, String exact, int runs, double[] steps,
                          String color, boolean dots) {
    RowChart.Row row = chart.row(label);
    row.note(steps.length + "/" + runs + " shocked");
    if (steps.length == 0) {
      return;
    }
    Quantiles q = Quantiles.of(steps);
    String tip = exact + "\n" + steps.length + " of " + runs + " runs had a shock\nfirst shock: "
        + "median " + NumberLabels.compact(q.at(0.5)) + ", p25\u2013p75 "
        + NumberLabels.compact(q.at(0.25)) + "\u2013" + NumberLabels.compact(q.at(0.75))
        + ", p10\u2013p90 " + NumberLabels.compact(q.at(0.1)) + "\u2013"
        + NumberLabels.compact(q.at(0.9));
    row.box(q.at(0.1), q.at(0.25), q.at(0.5), q.at(0.75), q.at(0.9), color, tip);
    if (dots && steps.length <= MAX_DOTS) {
      for (int i = 0; i < steps.length; i++) {
        // deterministic jitter so that equal steps stay visible
        double dy = steps.length == 1 ? 0 : ((i * 7919) % 11 - 5) * 1.4;
        row.dot(steps[i], dy, Palette.SHOCK, 2.2, 0.7, "first shock at step "
            + NumberLabels.compact(steps[i]));
      }
    }
  }

  private static void survival(ReportData d, StringBuilder out) {
    out.append("<h3>Survival regression</h3>");
    if (d.survival().isEmpty()) {
      ReportSection.unavailable(d, "survival", "No survival model was fitted (no shocks, or no "
          + "varying hyperparameter).", out);
      return;
    }
    ReportSection.lead("Weibull accelerated-failure-time model of the first-shock step "
        + "(runs without a shock censored at their last step). A time ratio of 2 means one "
        + "unit of the term (one decade for log10 terms) doubles the time to the first shock.",
        out);
    HtmlTable t = new HtmlTable("term", "transform", "coefficient", "time ratio", "runs",
        "events");
    for (ReportData.SurvivalTerm s : d.survival()) {
      t.row(s.term(), s.transform(), s.coefficient(), s.timeRatio(), s.runs(), s.events());
    }
    t.render(out);
  }
}
