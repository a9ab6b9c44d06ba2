package org.shockscope.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The run gallery: a few runs (spread over cells, with diverged ones and those with the most
 * shocks), each as small multiples over a shared step axis: its loss and its quotient
 * observables per symmetry group, with the detected shocks marked (dashed line at the step,
 * shaded uncertainty interval step_lo–step_hi) and divergence as a solid line, and its
 * crystallisation map ({@link FrontChart}) when the run has fronts.
 */
final class GallerySection implements ReportSection {
  static final int PANEL_WIDTH = 300;
  static final int PANEL_HEIGHT = 178;
  /** Groups drawn per panel (more would be unreadable at this size). */
  static final int MAX_GROUPS = 6;
  /** Shocks marked per panel. */
  static final int MAX_MARKS = 40;
  /** Observable panels per run. */
  static final int MAX_OBSERVABLES = 3;

  @Override
  public String id() {
    return "gallery";
  }

  @Override
  public String title() {
    return "Run gallery";
  }

  @Override
  public void render(ReportData d, StringBuilder out) {
    if (d.gallery().isEmpty()) {
      ReportSection.unavailable(d, d.missing("runs") ? "runs" : "observables",
          "No run has observables or metrics to draw.", out);
      return;
    }
    List<ReportData.GalleryRun> runs = d.gallery().subList(0,
        Math.min(d.options().galleryRuns(), d.gallery().size()));
    ReportSection.lead(runs.size() + " runs: diverged ones, those with the most shocks, and "
        + "runs spread over the cells. Dashed lines mark detected shocks at their step, the "
        + "shading their uncertainty interval; a solid purple line marks divergence. Where a "
        + "transition's front passed through the network (fronts table), the last chart of a "
        + "run draws each part that moved (layers by depth, then invariant maps) against the "
        + "step: a dot at the front's centre, a bar over its width, the fronts of one "
        + "transition joined in arrival order.", out);
    out.append("<div class=\"gallery\">");
    for (ReportData.GalleryRun g : runs) {
      card(d, g, out);
    }
    out.append("</div>");
  }

  private static void card(ReportData d, ReportData.GalleryRun g, StringBuilder out) {
    ReportData.Run run = g.run();
    out.append("<article class=\"run\"><header><h3 title=\"").append(Html.escape(run.runId()))
        .append("\">").append(Html.escape(Html.shorten(run.runId(), 60))).append("</h3>");
    for (String reason : g.reasons()) {
      if (!(run.diverged() && reason.equals("diverged"))) {
        out.append("<span class=\"badge\">").append(Html.escape(reason)).append("</span>");
      }
    }
    if (run.diverged()) {
      out.append("<span class=\"badge div\">diverged")
          .append(run.divergenceStep() == null ? "" : " at step " + run.divergenceStep())
          .append("</span>");
    }
    out.append(run.shocks() > 0 ? "<span class=\"badge shock\">" : "<span class=\"badge\">")
        .append(run.shocks())
        .append(run.shocks() == 1 ? " shock" : " shocks").append("</span></header>");
    out.append("<p class=\"params\">");
    boolean first = true;
    for (Map.Entry<String, String> e : run.hyperparameters().entrySet()) {
      out.append(first ? "" : " \u00b7 ").append("<span>").append(Html.escape(e.getKey()))
          .append("=<b>").append(Html.escape(e.getValue())).append("</b></span>");
      first = false;
    }
    out.append("</p>");
    if (run.structure() != null) {
      out.append("<div class=\"params\">structure: ");
      StructureSummary.of(run.structure()).html(out);
      out.append("</div>");
    }
    List<String> names = observableNames(d.options(), g);
    List<String> groups = groups(g);
    double[] steps = stepRange(g);
    Axis x = Axis.linear(steps[0], steps[1]);
    Set<ReportData.Shock> placed = new HashSet<>();
    List<String> panels = new ArrayList<>();
    for (String name : names) {
      panels.add(observablePanel(g, name, groups, x, placed));
    }
    String lossName = g.loss() == null ? d.options().lossMetric() : g.loss().name();
    panels.add(0, lossPanel(g, lossName, x, placed));
    String fronts = FrontChart.render(run.runId(), g.fronts(), x);
    if (!fronts.isEmpty()) {
      // two panels wide: one row per part needs the room for its label and the step axis
      panels.add("<div class=\"fronts\">" + fronts + "</div>");
    }
    out.append("<div class=\"panels\">");
    for (String p : panels) {
      out.append(p);
    }
    out.append("</div><p class=\"keys\">");
    for (int i = 0; i < Math.min(MAX_GROUPS, groups.size()); i++) {
      out.append("<span><i style=\"background:").append(groupColor(i)).append("\"></i>")
          .append(Html.escape(groups.get(i))).append("</span>");
    }
    if (groups.size() > MAX_GROUPS) {
      out.append("<span>+").append(groups.size() - MAX_GROUPS).append(" more groups not drawn</span>");
    }
    out.append("<span><i class=\"dash\"></i>shock (shaded: step_lo\u2013step_hi)</span>");
    out.append("<span><i class=\"other\"></i>shock in another series</span>");
    if (run.divergenceStep() != null) {
      out.append("<span><i class=\"div\"></i>divergence</span>");
    }
    out.append("</p></article>");
  }

  private static String groupColor(int i) {
    return Palette.category(i + 1);
  }

  /** The options' gallery observables that the run has, else the first ones it has. */
  static List<String> observableNames(ReportOptions o, ReportData.GalleryRun g) {
    Set<String> present = new LinkedHashSet<>();
    for (ReportData.Series s : g.observables()) {
      present.add(s.name());
    }
    List<String> names = new ArrayList<>();
    for (String n : o.galleryObservables()) {
      if (present.contains(n) && names.size() < MAX_OBSERVABLES) {
        names.add(n);
      }
    }
    if (names.isEmpty()) {
      for (String n : present) {
        if (names.size() < MAX_OBSERVABLES) {
          names.add(n);
        }
      }
    }
    return names;
  }

  private static List<String> groups(ReportData.GalleryRun g) {
    TreeSet<String> groups = new TreeSet<>();
    for (ReportData.Series s : g.observables()) {
      groups.add(s.group() == null ? "" : s.group());
    }
    return new ArrayList<>(groups);
  }

  private static double[] stepRange(ReportData.GalleryRun g) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    List<ReportData.Series> all = new ArrayList<>(g.observables());
    if (g.loss() != null) {
      all.add(g.loss());
    }
    for (ReportData.Series s : all) {
      for (long st : s.steps()) {
        lo = Math.min(lo, st);
        hi = Math.max(hi, st);
      }
    }
    if (g.run().lastStep() != null) {
      hi = Math.max(hi, g.run().lastStep());
      lo = Math.min(lo, 0);
    }
    return lo > hi ? new double[] {0, 1} : new double[] {lo, hi};
  }

  private static String lossPanel(ReportData.GalleryRun g, String lossName, Axis x,
                                  Set<ReportData.Shock> placed) {
    ReportData.Series loss = g.loss();
    Axis y = loss == null ? Axis.linear(0, 1) : Axis.fit(loss.values());
    SvgPlot p = new SvgPlot(PANEL_WIDTH, PANEL_HEIGHT, x, y).title(lossName).xLabel("step");
    int marks = 0;
    for (ReportData.Shock s : g.shocks()) {
      if (matches(s.series(), lossName) && marks++ < MAX_MARKS) {
        mark(p, s, Palette.SHOCK);
        placed.add(s);
      }
    }
    if (loss != null) {
      p.line(steps(loss), loss.values(), Palette.category(0), 1.6, null,
          describe(g.run().runId(), loss));
    }
    // shocks of series that no panel shows still belong on the run's timeline
    for (ReportData.Shock s : g.shocks()) {
      if (!placed.contains(s) && !"divergence".equals(s.kind()) && marks++ < MAX_MARKS) {
        p.vline(s.step(), "#9aa5b1", 1, "2 3", shockText(s));
      }
    }
    Long div = g.run().divergenceStep();
    if (div != null) {
      p.vline(div, Palette.DIVERGENCE, 1.6, null, "diverged at step " + div);
    }
    if (loss == null) {
      p.title(lossName + " (not available)");
    }
    return p.render();
  }

  private static String observablePanel(ReportData.GalleryRun g, String name, List<String> groups,
                                        Axis x, Set<ReportData.Shock> placed) {
    List<ReportData.Series> series = new ArrayList<>();
    for (ReportData.Series s : g.observables()) {
      if (s.name().equals(name) && groups.indexOf(s.group() == null ? "" : s.group())
          < MAX_GROUPS) {
        series.add(s);
      }
    }
    Axis y = Axis.fit(series.stream().map(ReportData.Series::values).toArray(double[][]::new));
    SvgPlot p = new SvgPlot(PANEL_WIDTH, PANEL_HEIGHT, x, y).title(name).xLabel("step");
    int marks = 0;
    for (ReportData.Shock s : g.shocks()) {
      if (matches(s.series(), name) && marks < MAX_MARKS) {
        int gi = groups.indexOf(s.group() == null ? "" : s.group());
        mark(p, s, gi >= 0 && gi < MAX_GROUPS ? groupColor(gi) : Palette.SHOCK);
        placed.add(s);
        marks++;
      }
    }
    for (ReportData.Series s : series) {
      int gi = groups.indexOf(s.group() == null ? "" : s.group());
      p.line(steps(s), s.values(), groupColor(gi), 1.5, null, describe(g.run().runId(), s));
    }
    return p.render();
  }

  private static void mark(SvgPlot p, ReportData.Shock s, String color) {
    String text = shockText(s);
    if (s.stepHi() > s.stepLo()) {
      p.vspan(s.stepLo(), s.stepHi(), color, 0.13, text);
    }
    p.vline(s.step(), color, 1.3, "4 3", text);
  }

  /** Whether a shock's series is the panel's series ("effective_rank", "layer1/effective_rank"). */
  static boolean matches(String series, String name) {
    if (series == null) {
      return false;
    }
    if (series.equals(name)) {
      return true;
    }
    if (series.endsWith(name) && series.length() > name.length()) {
      char sep = series.charAt(series.length() - name.length() - 1);
      return sep == '/' || sep == '.' || sep == ':';
    }
    return false;
  }

  static String shockText(ReportData.Shock s) {
    StringBuilder b = new StringBuilder();
    b.append(s.kind()).append(" in ").append(s.series());
    if (s.group() != null) {
      b.append(" [").append(s.group()).append(']');
    }
    b.append(" at step ").append(s.step()).append(" (").append(s.stepLo()).append('\u2013')
        .append(s.stepHi()).append(')');
    if (Double.isFinite(s.jump())) {
      b.append("\njump ").append(NumberLabels.compact(s.jump()));
    }
    if (Double.isFinite(s.width())) {
      b.append(", width ").append(NumberLabels.compact(s.width())).append(" steps");
    }
    if (Double.isFinite(s.score())) {
      b.append(", score ").append(NumberLabels.compact(s.score(), 3));
    }
    return b.toString();
  }

  private static String describe(String runId, ReportData.Series s) {
    double[] r = Axis.range(s.values());
    int n = s.values().length;
    return s.name() + (s.group() == null ? "" : " [" + s.group() + "]") + " of " + runId
        + "\n" + n + " points" + (n > 0 ? ", first " + NumberLabels.compact(s.values()[0])
        + ", last " + NumberLabels.compact(s.values()[n - 1]) + ", min "
        + NumberLabels.compact(r[0]) + ", max " + NumberLabels.compact(r[1]) : "");
  }

  private static double[] steps(ReportData.Series s) {
    double[] x = new double[s.steps().length];
    for (int i = 0; i < x.length; i++) {
      x[i] = s.steps()[i];
    }
    return x;
  }
}
