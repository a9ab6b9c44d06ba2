package org.shockscope.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The symmetry-redundancy story, per symmetry group: the raw parameter norm against the norm
 * of the balanced (minimum-norm) representative of the same orbit, their ratio (redundancy,
 * 1 when the stored parameters are already balanced), and the drift fraction (share of each
 * raw step that moves along the symmetry orbit, i.e. changes the parametrisation but not the
 * function). Each is the median over runs by step with a p10–p90 band. Then the
 * {@code symmetry_law} table: shock rate, ln first-shock step and ln strength against the
 * symmetry degree within cells that differ only in size, with 95% intervals, aliased terms
 * marked as such.
 */
final class SymmetrySection implements ReportSection {
  /** Groups drawn (the collector keeps the most common ones). */
  static final int MAX_GROUPS = 4;
  /** Points with hover values per median line. */
  static final int HOVER_POINTS = 14;
  static final int WIDTH = 390;
  static final int HEIGHT = 236;

  @Override
  public String id() {
    return "symmetry";
  }

  @Override
  public String title() {
    return "Symmetry redundancy";
  }

  @Override
  public void render(ReportData d, StringBuilder out) {
    if (d.symmetry().isEmpty()) {
      ReportSection.unavailable(d, "observables", "The observables table has no raw_norm, "
          + "balanced_norm, redundancy or drift_fraction values.", out);
      law(d, out);
      return;
    }
    Map<String, Map<String, ReportData.Band>> byGroup = new LinkedHashMap<>();
    for (ReportData.Band b : d.symmetry()) {
      byGroup.computeIfAbsent(b.group(), k -> new LinkedHashMap<>()).put(b.name(), b);
    }
    ReportSection.lead("Raw parameter norms depend on how a network happens to be "
        + "parametrised; the balanced norm (minimum-norm point of the same symmetry orbit) "
        + "does not. Redundancy = raw / balanced norm; drift fraction = share of each raw step "
        + "that only moves along the orbit (from weight decay, momentum, adaptive scaling, "
        + "finite steps). Lines: median over runs; bands: 10th–90th percentile.", out);
    List<String> groups = new ArrayList<>(byGroup.keySet());
    if (groups.size() > MAX_GROUPS) {
      out.append("<p class=\"note\">").append(MAX_GROUPS).append(" of ").append(groups.size())
          .append(" groups shown.</p>");
      groups = groups.subList(0, MAX_GROUPS);
    }
    for (String group : groups) {
      Map<String, ReportData.Band> bands = byGroup.get(group);
      out.append("<h3>").append(Html.escape(group)).append("</h3><div class=\"charts\">");
      ReportData.Band raw = bands.get("raw_norm");
      ReportData.Band bal = bands.get("balanced_norm");
      if (raw != null || bal != null) {
        out.append(panel("raw vs balanced norm", "norm", new ReportData.Band[] {raw, bal},
            new String[] {Palette.category(1), Palette.category(0)}, Double.NaN));
      }
      ReportData.Band red = bands.get("redundancy");
      if (red != null) {
        out.append(panel("redundancy (raw / balanced)", "ratio", new ReportData.Band[] {red},
            new String[] {Palette.category(3)}, 1.0));
      }
      ReportData.Band drift = bands.get("drift_fraction");
      if (drift != null) {
        out.append(panel("drift fraction", "share of step on the orbit",
            new ReportData.Band[] {drift}, new String[] {Palette.category(2)}, Double.NaN));
      }
      out.append("</div>");
    }
    law(d, out);
  }

  private static String panel(String title, String yLabel, ReportData.Band[] bands,
                              String[] colors, double reference) {
    List<double[]> ys = new ArrayList<>();
    List<double[]> xs = new ArrayList<>();
    long runs = 0;
    for (ReportData.Band b : bands) {
      if (b != null) {
        ys.add(b.p10());
        ys.add(b.p90());
        ys.add(b.p50());
        double[] x = new double[b.steps().length];
        for (int i = 0; i < x.length; i++) {
          x[i] = b.steps()[i];
        }
        xs.add(x);
        for (long n : b.runs()) {
          runs = Math.max(runs, n);
        }
      }
    }
    if (Double.isFinite(reference)) {
      ys.add(new double[] {reference});
    }
    double[] xr = Axis.range(xs.toArray(double[][]::new));
    Axis y = Axis.fit(ys.toArray(double[][]::new));
    SvgPlot p = new SvgPlot(WIDTH, HEIGHT, Axis.linear(xr[0], xr[1]), y)
        .title(title + " \u00b7 " + runs + (runs == 1 ? " run" : " runs"))
        .xLabel("step").yLabel(yLabel);
    if (Double.isFinite(reference)) {
      p.hline(reference, Palette.MUTED, 1, "4 3", "reference " + NumberLabels.compact(reference));
    }
    int k = 0;
    for (int i = 0; i < bands.length; i++) {
      ReportData.Band b = bands[i];
      if (b == null) {
        continue;
      }
      double[] steps = xs.get(k++);
      p.band(steps, b.p10(), b.p90(), colors[i], 0.22, b.name() + ": p10\u2013p90 over runs");
      p.line(steps, b.p50(), colors[i], 1.8, null, b.name() + ": median over runs");
      int n = steps.length;
      int stride = Math.max(1, (int) Math.ceil(n / (double) HOVER_POINTS));
      List<Integer> at = new ArrayList<>();
      for (int j = 0; j < n; j += stride) {
        at.add(j);
      }
      if (n > 0 && at.get(at.size() - 1) != n - 1) {
        at.add(n - 1);
      }
      double[] hx = at.stream().mapToDouble(j -> steps[j]).toArray();
      double[] hy = at.stream().mapToDouble(j -> b.p50()[j]).toArray();
      p.points(hx, hy, colors[i], 2.4, 0.9, j -> {
        int s = at.get(j);
        return b.name() + " at step " + b.steps()[s] + ": median "
            + NumberLabels.compact(b.p50()[s])
            + " (p10 " + NumberLabels.compact(b.p10()[s]) + ", p90 "
            + NumberLabels.compact(b.p90()[s]) + "), " + b.runs()[s] + " runs";
      });
      p.legend(b.name(), colors[i], ChartLegend.Key.LINE);
    }
    p.legend("p10\u2013p90", "#9aa5b1", ChartLegend.Key.AREA);
    return p.render();
  }

  /** The {@code symmetry_law} coefficients (issue 18): one row per response and degree term. */
  static void law(ReportData d, StringBuilder out) {
    out.append("<h3>Symmetry law</h3>");
    if (d.missing("symmetry_law")) {
      ReportSection.unavailable(d, "symmetry_law", "", out);
      return;
    }
    if (d.symmetryLaw().isEmpty()) {
      out.append("<p class=\"note\">symmetry_law has no rows: the sweep varies no size key "
          + "(width, heads, \u2026) within cells of otherwise equal hyperparameters.</p>");
      return;
    }
    ReportSection.lead("Each response regressed on a symmetry degree (ln of the continuous "
        + "group's dimension, log-order of its discrete part) with a fixed effect per cell of "
        + "runs that differ only in size; 95% intervals. An aliased term cannot be separated "
        + "from the cells in this sweep and is no effect of its own.", out);
    HtmlTable t = new HtmlTable("response", "term", "estimate", "std. error", "95% CI low",
        "95% CI high", "p-value", "runs", "cells", "R\u00b2", "aliasing", "held fixed");
    for (ReportData.SymmetryTerm l : d.symmetryLaw()) {
      boolean aliased = l.aliasedWith() != null && Double.isNaN(l.estimate());
      t.row(l.response(), l.term(), aliased ? "aliased" : l.estimate(), l.stdError(), l.ciLo(),
          l.ciHi(), l.pValue(), l.runs(), l.cells(), l.r2(), l.aliasedWith() == null ? null
              : (aliased ? "= " : "also stands for ") + l.aliasedWith(), l.heldFixed());
    }
    t.render(out);
  }
}
