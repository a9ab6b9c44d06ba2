package org.shockscope.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The viscosity law: width (and viscosity) of every sampled front (a jump of a primary series,
 * {@code org.shockscope.spark.ViscosityEvents}) against its run's SGD
 * temperature T = lr / batch_size on log–log axes, with the least-squares line of the
 * {@code viscosity_law} table, ln y = ȳ + b·(ln T − x̄), drawn through the centroid (x̄, ȳ) of
 * all events (where an OLS fit passes, at the mean of any other regressor) and a fan spanning
 * the slope's 95% confidence interval; then the table of coefficients with their 95% intervals
 * (optimiser terms — momentum, weight decay, Adam's β1/β2, the optimiser kind — read at fixed
 * temperature; a term the sweep confounds with others is shown as aliased, with the terms it
 * equals, never as an effect of its own), and the per-setting summary of
 * {@code viscosity_by_setting}. The shock-wave picture predicts b &gt; 0: hotter training, wider
 * shocks.
 */
final class ViscositySection implements ReportSection {
  static final int WIDTH = 588;
  static final int HEIGHT = 380;

  @Override
  public String id() {
    return "viscosity";
  }

  @Override
  public String title() {
    return "Viscosity law";
  }

  @Override
  public void render(ReportData d, StringBuilder out) {
    ReportData.Viscosity v = d.viscosity();
    String t = "temperature " + d.options().lrKey() + " / " + d.options().batchKey();
    if (v.points().isEmpty()) {
      ReportSection.unavailable(d, d.missing("shocks") ? "shocks" : "runs", "No jump event "
          + "has a positive width and a run with a positive " + t + ".", out);
      terms(d, out);
      return;
    }
    List<ReportData.LawPoint> pts = sample(v.points(), d.options().scatterPoints());
    ReportData.LawTerm wSlope = slope(v.terms(), "log_width");
    ReportData.LawTerm vSlope = slope(v.terms(), "log_viscosity");
    StringBuilder lead = new StringBuilder();
    lead.append(pts.size() < v.events() ? pts.size() + " of " + NumberLabels.count(v.events())
        : NumberLabels.count(pts.size())).append(" jump events of primary series (velocities and spectrum shape measures, "
        + "whose widths are the sampling interval, left out). ");
    if (wSlope != null) {
      lead.append("ln(width) changes by ").append(NumberLabels.compact(wSlope.estimate(), 3))
          .append(" (95% CI ").append(NumberLabels.compact(wSlope.ciLo(), 3)).append(" to ")
          .append(NumberLabels.compact(wSlope.ciHi(), 3)).append(") per unit of ln(T), R\u00b2 = ")
          .append(NumberLabels.compact(wSlope.r2(), 3)).append(". ");
    }
    lead.append("The shock-wave picture predicts a positive slope: hotter SGD, wider shocks.");
    ReportSection.lead(lead.toString(), out);
    double[] temp = pts.stream().mapToDouble(ReportData.LawPoint::temperature).toArray();
    double[] width = pts.stream().mapToDouble(ReportData.LawPoint::width).toArray();
    double[] visc = pts.stream().mapToDouble(ReportData.LawPoint::viscosity).toArray();
    out.append("<div class=\"charts\">");
    out.append(scatter("Shock width vs temperature", t, "width (steps)", temp, width, pts,
        wSlope, centre(v.meanLnTemperature(), temp), centre(v.meanLnWidth(), width)));
    out.append(scatter("Viscosity vs temperature", t, "viscosity |J|\u00b7w/4", temp, visc, pts,
        vSlope, centre(v.meanLnTemperature(), temp), centre(v.meanLnViscosity(), visc)));
    out.append("</div>");
    terms(d, out);
  }

  /** Every k-th point so that at most {@code max} remain, spread over the list. */
  static List<ReportData.LawPoint> sample(List<ReportData.LawPoint> points, int max) {
    if (points.size() <= max) {
      return points;
    }
    List<ReportData.LawPoint> out = new ArrayList<>(max);
    for (int i = 0; i < max; i++) {
      out.add(points.get((int) ((long) i * points.size() / max)));
    }
    return out;
  }

  /** The given centroid, or the mean of the logs of the drawn values when it is unknown. */
  private static double centre(double given, double[] values) {
    if (Double.isFinite(given)) {
      return given;
    }
    double s = 0;
    int n = 0;
    for (double x : values) {
      if (x > 0 && Double.isFinite(x)) {
        s += Math.log(x);
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }

  private static ReportData.LawTerm slope(List<ReportData.LawTerm> terms, String response) {
    for (ReportData.LawTerm t : terms) {
      if (t.response().equals(response) && t.term().equals("log_temperature")) {
        return t;
      }
    }
    return null;
  }

  private static String scatter(String title, String xLabel, String yLabel, double[] xs,
                                double[] ys, List<ReportData.LawPoint> pts,
                                ReportData.LawTerm fit, double cx, double cy) {
    double[] xr = Axis.positiveRange(xs);
    double[] yr = Axis.positiveRange(ys);
    Axis x = Double.isNaN(xr[0]) ? Axis.log(1, 10) : Axis.log(xr[0], xr[1]);
    Axis y = Double.isNaN(yr[0]) ? Axis.log(1, 10) : Axis.log(yr[0], yr[1]);
    SvgPlot p = new SvgPlot(WIDTH, HEIGHT, x, y).title(title).xLabel(xLabel).yLabel(yLabel);
    String dot = Palette.category(0);
    p.points(xs, ys, dot, 2.6, 0.45, i -> {
      ReportData.LawPoint q = pts.get(i);
      return q.runId() + " " + q.series() + " @" + q.step() + "\nT " + NumberLabels.compact(
          q.temperature(), 3) + ", w " + NumberLabels.compact(q.width(), 3) + ", \u03bd "
          + NumberLabels.compact(q.viscosity(), 3);
    });
    p.legend("jump event", dot, ChartLegend.Key.POINT);
    if (fit != null && Double.isFinite(fit.estimate()) && Double.isFinite(cx)
        && Double.isFinite(cy)) {
      double a = Math.log(x.lo());
      double b = Math.log(x.hi());
      String line = Palette.SHOCK;
      if (Double.isFinite(fit.ciLo()) && Double.isFinite(fit.ciHi())) {
        // the fan of lines through the centroid with slopes across the 95% interval
        double[] fx = {Math.exp(a), Math.exp(cx), Math.exp(b), Math.exp(b), Math.exp(cx),
            Math.exp(a)};
        double[] fy = {Math.exp(cy + fit.ciHi() * (a - cx)), Math.exp(cy),
            Math.exp(cy + fit.ciHi() * (b - cx)), Math.exp(cy + fit.ciLo() * (b - cx)),
            Math.exp(cy), Math.exp(cy + fit.ciLo() * (a - cx))};
        p.polygon(fx, fy, line, 0.15, "slope 95% CI " + NumberLabels.compact(fit.ciLo(), 3)
            + " to " + NumberLabels.compact(fit.ciHi(), 3));
        p.legend("slope 95% CI", line, ChartLegend.Key.AREA);
      }
      p.line(new double[] {Math.exp(a), Math.exp(b)},
          new double[] {Math.exp(cy + fit.estimate() * (a - cx)),
              Math.exp(cy + fit.estimate() * (b - cx))}, line, 2, null,
          fit.response() + " = " + NumberLabels.compact(cy, 3) + " + "
              + NumberLabels.compact(fit.estimate(), 3) + " \u00b7 (ln T \u2212 "
              + NumberLabels.compact(cx, 3) + "), R\u00b2 = " + NumberLabels.compact(fit.r2(), 3));
      p.legend("fit: slope " + NumberLabels.compact(fit.estimate(), 3), line,
          ChartLegend.Key.LINE);
    }
    return p.render();
  }

  private static void terms(ReportData d, StringBuilder out) {
    out.append("<h3>Fitted coefficients</h3>");
    List<ReportData.LawTerm> all = d.viscosity().terms();
    if (all.isEmpty()) {
      ReportSection.unavailable(d, "viscosity_law", "The viscosity law was not fitted (fewer "
          + "than two temperatures or too few jump events).", out);
    } else {
      StringBuilder lead = new StringBuilder();
      for (ReportData.LawTerm l : all) {
        if (l.response().equals("log_width") && !l.term().equals("intercept")
            && !l.term().equals("log_temperature") && !l.aliased()
            && Double.isFinite(l.estimate())) {
          lead.append("ln(width) changes by ").append(NumberLabels.compact(l.estimate(), 3))
              .append(" (95% CI ").append(NumberLabels.compact(l.ciLo(), 3)).append(" to ")
              .append(NumberLabels.compact(l.ciHi(), 3)).append(") per unit of ")
              .append(l.term()).append(" at fixed temperature. ");
        }
      }
      if (all.stream().anyMatch(ReportData.LawTerm::aliased)) {
        lead.append("Terms marked aliased cannot be told apart from the terms they equal in "
            + "this sweep's design: they were left out of the fit, and the kept term's "
            + "coefficient stands for both.");
      }
      if (lead.length() > 0) {
        ReportSection.lead(lead.toString(), out);
      }
      HtmlTable t = new HtmlTable("response", "term", "estimate", "std. error", "95% CI low",
          "95% CI high", "p-value", "events", "R\u00b2", "aliasing");
      for (ReportData.LawTerm l : all) {
        if (l.aliased()) {
          t.row(l.response(), l.term(), "aliased", null, null, null, null, l.events(), l.r2(),
              "= " + l.aliasedWith());
        } else {
          t.row(l.response(), l.term(), l.estimate(), l.stdError(), l.ciLo(), l.ciHi(),
              l.pValue(), l.events(), l.r2(), l.aliasedWith() == null ? null
                  : "also stands for " + l.aliasedWith());
        }
      }
      t.render(out);
    }
    settings(d, out);
  }

  /** The {@code viscosity_by_setting} table: median width and viscosity per optimiser setting. */
  private static void settings(ReportData d, StringBuilder out) {
    out.append("<h3>Per optimiser setting</h3>");
    List<ReportData.SettingSummary> rows = d.viscosity().settings();
    if (rows.isEmpty()) {
      ReportSection.unavailable(d, "viscosity_by_setting", "No optimiser setting summary.",
          out);
      return;
    }
    ReportSection.lead("Median width and viscosity of the jump events of each optimiser "
        + "setting, pooled over the other hyperparameters: compare settings at similar median "
        + "temperature, or read the adjusted effects above.", out);
    HtmlTable t = new HtmlTable("optimizer", "momentum", "\u03b21", "\u03b22", "weight decay",
        "runs", "runs with jumps", "jump events", "median width (steps)", "median viscosity",
        "median temperature");
    for (ReportData.SettingSummary r : rows) {
      t.row(r.optimizer(), r.momentum(), r.beta1(), r.beta2(), r.weightDecay(), r.runs(),
          r.runsWithJumps(), r.events(), r.medianWidth(), r.medianViscosity(),
          r.medianTemperature());
    }
    t.render(out);
  }
}
