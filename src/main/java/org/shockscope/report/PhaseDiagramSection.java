package org.shockscope.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The phase diagram, one per model family ({@link ModelFamily}): shock rate and divergence
 * rate over the two most important hyperparameters that vary within the family and span a
 * grid (by the {@code importance} table, then by number of levels), as heatmaps with counts in
 * the cells and numeric levels labelled rounded ({@link NumberLabels#levelLabels}; the exact
 * values in the tooltips). Cells of {@code phase_stats} that differ only in other
 * hyperparameters are merged (counts summed, Wilson interval recomputed), i.e. those are
 * marginalised over the sweep's own mix. With one usable hyperparameter the rates are bars
 * with their intervals; with none, single numbers. The importance table follows, once.
 */
final class PhaseDiagramSection implements ReportSection {
  private static final int HEATMAP_WIDTH = 580;

  @Override
  public String id() {
    return "phase";
  }

  @Override
  public String title() {
    return "Phase diagram";
  }

  /** Counts of a merged cell: runs, shocked, diverged. */
  private static final class Counts {
    long runs;
    long shocked;
    long diverged;
    int merged;
  }

  @Override
  public void render(ReportData d, StringBuilder out) {
    if (d.cells().isEmpty()) {
      ReportSection.unavailable(d, "phase_stats", "The phase_stats table has no rows.", out);
      return;
    }
    ModelFamily.renderEach(d, "the phase diagram", out, PhaseDiagramSection::diagram);
    importance(d, out);
  }

  /** The diagram of one family (or of the whole sweep). */
  private static void diagram(ReportData d, StringBuilder out) {
    if (d.cells().isEmpty()) {
      out.append("<p class=\"empty\">The phase_stats table has no rows for these runs.</p>");
      return;
    }
    List<String> axes = axes(d);
    List<Integer> idx = new ArrayList<>();
    for (String a : axes) {
      idx.add(d.cellColumns().indexOf(a));
    }
    Map<List<String>, Counts> merged = new LinkedHashMap<>();
    for (ReportData.Cell c : d.cells()) {
      List<String> key = new ArrayList<>();
      for (int i : idx) {
        key.add(c.values().get(i));
      }
      Counts k = merged.computeIfAbsent(key, x -> new Counts());
      k.runs += c.runs();
      k.shocked += c.shocked();
      k.diverged += c.diverged();
      k.merged++;
    }
    List<String> pooled = new ArrayList<>();
    List<String> following = new ArrayList<>();
    Map<String, TreeSet<String>> levels = levels(d);
    List<List<String>> values = cellValues(d);
    for (String c : d.cellColumns()) {
      if (!axes.contains(c) && levels.get(c).size() > 1) {
        boolean follows = !axes.isEmpty() && determines(values, idx,
            d.cellColumns().indexOf(c));
        (follows ? following : pooled).add(c);
      }
    }
    ReportSection.lead("Share of runs with at least one shock, and share that diverged, "
        + (axes.isEmpty() ? "over all these runs" : "per cell of " + String.join(" × ", axes))
        + (following.isEmpty() ? "" : " (" + String.join(", ", following)
        + (following.size() == 1 ? " follows" : " follow") + " from "
        + (axes.size() == 1 ? "it" : "them") + ")")
        + (pooled.isEmpty() ? "" : " (pooled over " + String.join(", ", pooled) + ")")
        + (axes.isEmpty() ? "." : ". Hover a cell for the exact values, the counts and the "
        + "Wilson 95% interval."), out);
    if (axes.size() == 2) {
      heatmaps(axes, merged, out);
    } else if (axes.size() == 1) {
      bars(axes.get(0), merged, out);
    } else {
      Counts all = new Counts();
      merged.values().forEach(c -> {
        all.runs += c.runs;
        all.shocked += c.shocked;
        all.diverged += c.diverged;
      });
      out.append("<div class=\"tiles light\">");
      tile("shock rate", WilsonInterval.of(all.shocked, all.runs), all.shocked, all.runs, out);
      tile("divergence rate", WilsonInterval.of(all.diverged, all.runs), all.diverged,
          all.runs, out);
      out.append("</div><p class=\"note\">No hyperparameter varies across the cells, so the "
          + "rates are those of all these runs.</p>");
    }
  }

  /**
   * The axes: varying cell columns ranked by total importance (over targets), then by number
   * of levels, then by column order. Two axes when some pair of them spans a grid — neither
   * determines the other over the cells (a learning rate set as a multiple of 1/λ₀ and that
   * multiple do not: their heatmap would be a diagonal) —, the first such pair in rank order,
   * the one with more levels first (x); else the top-ranked one alone.
   */
  static List<String> axes(ReportData d) {
    Map<String, TreeSet<String>> levels = levels(d);
    Map<String, Double> weight = new HashMap<>();
    for (ReportData.Importance im : d.importance()) {
      if (Double.isFinite(im.importance())) {
        weight.merge(im.hyperparameter(), im.importance(), Double::sum);
      }
    }
    List<String> varying = new ArrayList<>();
    for (String c : d.cellColumns()) {
      if (levels.get(c).size() > 1) {
        varying.add(c);
      }
    }
    List<String> order = new ArrayList<>(d.cellColumns());
    varying.sort(Comparator.<String>comparingDouble(c -> -weight.getOrDefault(c, 0.0))
        .thenComparingInt(c -> -levels.get(c).size()).thenComparingInt(order::indexOf));
    List<List<String>> values = cellValues(d);
    for (int i = 0; i < varying.size(); i++) {
      for (int j = i + 1; j < varying.size(); j++) {
        int a = order.indexOf(varying.get(i));
        int b = order.indexOf(varying.get(j));
        if (!determines(values, List.of(a), b) && !determines(values, List.of(b), a)) {
          List<String> chosen = new ArrayList<>(List.of(varying.get(i), varying.get(j)));
          if (levels.get(chosen.get(1)).size() > levels.get(chosen.get(0)).size()) {
            chosen.add(chosen.remove(0));
          }
          return chosen;
        }
      }
    }
    return new ArrayList<>(varying.subList(0, Math.min(1, varying.size())));
  }

  /**
   * Whether the values at {@code from} determine the value at {@code to} in every cell (one
   * value of {@code to} per combination of {@code from}).
   */
  private static boolean determines(List<List<String>> cells, List<Integer> from, int to) {
    Map<List<String>, String> seen = new HashMap<>();
    for (List<String> v : cells) {
      List<String> key = new ArrayList<>(from.size());
      for (int i : from) {
        key.add(v.get(i));
      }
      String prev = seen.putIfAbsent(key, v.get(to));
      if (prev != null && !prev.equals(v.get(to))) {
        return false;
      }
    }
    return true;
  }

  /** The values of the cell columns in each cell ({@code phase_stats}, else the runs). */
  private static List<List<String>> cellValues(ReportData d) {
    List<List<String>> cells = new ArrayList<>();
    for (ReportData.Cell cell : d.cells()) {
      cells.add(cell.values());
    }
    if (d.cells().isEmpty()) {
      for (ReportData.Run r : d.runs()) {
        cells.add(r.values(d.cellColumns()));
      }
    }
    return cells;
  }

  /**
   * The levels of each cell column: from {@code phase_stats}, or from the runs when that
   * table is missing.
   */
  static Map<String, TreeSet<String>> levels(ReportData d) {
    Map<String, TreeSet<String>> levels = new LinkedHashMap<>();
    for (String c : d.cellColumns()) {
      levels.put(c, new TreeSet<>(LevelOrder.LEVEL));
    }
    for (List<String> v : cellValues(d)) {
      for (int i = 0; i < d.cellColumns().size(); i++) {
        levels.get(d.cellColumns().get(i)).add(v.get(i));
      }
    }
    return levels;
  }

  private static void heatmaps(List<String> axes, Map<List<String>, Counts> merged,
                               StringBuilder out) {
    TreeSet<String> xs = new TreeSet<>(LevelOrder.LEVEL);
    TreeSet<String> ys = new TreeSet<>(LevelOrder.LEVEL);
    for (List<String> k : merged.keySet()) {
      xs.add(k.get(0));
      ys.add(k.get(1));
    }
    List<String> xl = new ArrayList<>(xs);
    List<String> yl = new ArrayList<>(ys);
    Map<String, String> xLabel = NumberLabels.levelLabels(xl);
    Map<String, String> yLabel = NumberLabels.levelLabels(yl);
    List<String> xt = xl.stream().map(xLabel::get).toList();
    List<String> yt = yl.stream().map(yLabel::get).toList();
    Heatmap shock = new Heatmap("Shock rate", axes.get(0), xt, axes.get(1), yt,
        Palette.SHOCK_SCALE);
    Heatmap div = new Heatmap("Divergence rate", axes.get(0), xt, axes.get(1), yt,
        Palette.DIVERGENCE_SCALE);
    for (Map.Entry<List<String>, Counts> e : merged.entrySet()) {
      int i = xl.indexOf(e.getKey().get(0));
      int j = yl.indexOf(e.getKey().get(1));
      Counts c = e.getValue();
      String where = axes.get(0) + "=" + e.getKey().get(0) + ", " + axes.get(1) + "="
          + e.getKey().get(1) + (c.merged > 1 ? " (" + c.merged + " cells pooled)" : "");
      WilsonInterval ws = WilsonInterval.of(c.shocked, c.runs);
      WilsonInterval wd = WilsonInterval.of(c.diverged, c.runs);
      shock.cell(i, j, ws.rate(), NumberLabels.percent(ws.rate()), c.shocked + "/" + c.runs,
          where + "\nshock rate " + ws.text() + "\n" + c.shocked + " of " + c.runs
              + " runs had a shock");
      div.cell(i, j, wd.rate(), NumberLabels.percent(wd.rate()), c.diverged + "/" + c.runs,
          where + "\ndivergence rate " + wd.text() + "\n" + c.diverged + " of " + c.runs
              + " runs diverged");
    }
    out.append("<div class=\"charts\">").append(shock.render(HEATMAP_WIDTH))
        .append(div.render(HEATMAP_WIDTH)).append("</div>");
  }

  private static void bars(String axis, Map<List<String>, Counts> merged, StringBuilder out) {
    List<List<String>> keys = new ArrayList<>(merged.keySet());
    keys.sort(LevelOrder.CELL);
    Map<String, String> label = NumberLabels.levelLabels(keys.stream().map(k -> k.get(0))
        .toList());
    out.append("<div class=\"charts\">");
    for (boolean shock : new boolean[] {true, false}) {
      RowChart c = new RowChart(560, Axis.linear(0, 1),
          shock ? "Shock rate by " + axis : "Divergence rate by " + axis,
          shock ? "share of runs with a shock" : "share of runs that diverged");
      String color = shock ? Palette.sequential(Palette.SHOCK_SCALE, 0.7)
          : Palette.sequential(Palette.DIVERGENCE_SCALE, 0.8);
      c.legend("rate", color, ChartLegend.Key.AREA);
      c.legend("Wilson 95% interval", Palette.INK, ChartLegend.Key.LINE);
      for (List<String> k : keys) {
        Counts n = merged.get(k);
        long hits = shock ? n.shocked : n.diverged;
        WilsonInterval w = WilsonInterval.of(hits, n.runs);
        String tip = axis + "=" + k.get(0) + "\n" + (shock ? "shock" : "divergence") + " rate "
            + w.text() + ", " + hits + " of " + n.runs + " runs";
        c.row(axis + "=" + label.get(k.get(0)))
            .segment(0, w.rate(), color, 14, 0.85, tip)
            .segment(w.lo(), w.hi(), Palette.INK, 2, 1, tip)
            .note(hits + "/" + n.runs + " \u00b7 " + NumberLabels.percent(w.rate()));
      }
      out.append(c.render());
    }
    out.append("</div>");
  }

  private static void tile(String name, WilsonInterval w, long k, long n, StringBuilder out) {
    out.append("<div class=\"tile\"><div class=\"v\">").append(NumberLabels.percent(w.rate()))
        .append("</div><div class=\"k\">").append(Html.escape(name)).append("</div><div class=\"s\">")
        .append(k).append(" of ").append(NumberLabels.count(n)).append(" runs, 95% CI ")
        .append(NumberLabels.percent(w.lo())).append("\u2013").append(NumberLabels.percent(w.hi()))
        .append("</div></div>");
  }

  private static void importance(ReportData d, StringBuilder out) {
    out.append("<h3>Hyperparameter importance</h3>");
    if (d.importance().isEmpty()) {
      ReportSection.unavailable(d, "importance", "No importance was estimated (a constant "
          + "outcome or no varying hyperparameter).", out);
      return;
    }
    ReportSection.lead("Random-forest impurity importance of each hyperparameter for having a "
        + "shock and for diverging (sums to 1 per target).", out);
    out.append("<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th>target</th>"
        + "<th>rank</th><th>hyperparameter</th><th>importance</th></tr></thead><tbody>");
    for (ReportData.Importance im : d.importance()) {
      double v = Double.isFinite(im.importance()) ? Math.max(0, Math.min(1, im.importance())) : 0;
      out.append("<tr><td>").append(Html.escape(im.target())).append("</td><td class=\"num\">")
          .append(im.rank()).append("</td><td>").append(Html.escape(im.hyperparameter()))
          .append("</td><td><span class=\"bar\" style=\"width:")
          .append(Math.round(v * 160)).append("px\"></span> ")
          .append(Html.escape(NumberLabels.compact(im.importance(), 3))).append("</td></tr>");
    }
    out.append("</tbody></table></div>");
  }
}
