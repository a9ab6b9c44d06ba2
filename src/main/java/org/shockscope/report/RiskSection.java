package org.shockscope.report;

import java.util.ArrayList;
import java.util.List;
import org.shockscope.Quantiles;

/**
 * Runs at risk (issue 16, part 4): the current risk of every run still running — the largest
 * {@code p_divergence} and {@code p_jump} at its latest forecast step, the expected step of
 * the next transition and the series carrying the warning — and, on completed runs, the
 * distribution of the forecast's lead time: steps from the first alarm to each detected
 * divergence and transition ({@link RiskCollector}).
 */
final class RiskSection implements ReportSection {
  /** Leads drawn as dots per row; more are summarised by the box alone. */
  static final int MAX_DOTS = 300;

  @Override
  public String id() {
    return "risk";
  }

  @Override
  public String title() {
    return "Runs at risk";
  }

  @Override
  public void render(ReportData d, StringBuilder out) {
    ReportData.Risk risk = d.risk();
    if (d.missing("forecasts")) {
      ReportSection.unavailable(d, "forecasts", "", out);
      return;
    }
    out.append("<h3>Running runs</h3>");
    if (risk.running() == 0) {
      out.append("<p class=\"ok\">No run is still running: every run has reached its planned "
          + "steps or diverged.</p>");
    } else if (risk.atRisk().isEmpty()) {
      out.append("<p class=\"empty\">The <code>forecasts</code> table has no rows for the ")
          .append(NumberLabels.count(risk.running())).append(" running runs.</p>");
    } else {
      long high = risk.atRisk().stream().filter(r -> r.risk() >= risk.threshold()).count();
      ReportSection.lead(NumberLabels.count(risk.running()) + " runs have neither diverged nor "
          + "reached their planned steps; " + high + (high == 1 ? " is" : " are") + " at or above "
          + NumberLabels.compact(risk.threshold()) + " now. Risk at each run's latest forecast "
          + "step: the largest probability over the horizons and methods of the forecasts "
          + "table" + (risk.atRisk().size() < risk.running() ? "; the "
          + risk.atRisk().size() + " riskiest are listed" : "") + ".", out);
      HtmlTable t = new HtmlTable("run", "forecast step", "p_divergence", "p_jump",
          "expected step", "series carrying it");
      for (ReportData.RunRisk r : risk.atRisk()) {
        t.row(r.runId(), r.step(), r.pDivergence(), r.pJump(), r.expectedStep(),
            String.join(", ", r.series()));
      }
      t.render(out);
    }
    renderLeads(risk, out);
  }

  private static void renderLeads(ReportData.Risk risk, StringBuilder out) {
    out.append("<h3>Forecast lead time on completed runs</h3>");
    if (risk.leads().isEmpty()) {
      out.append("<p class=\"empty\">No completed run had a divergence or a transition, so "
          + "there is no lead time to show.</p>");
      return;
    }
    List<String> kinds = List.of("divergence", "jump");
    List<double[]> leads = new ArrayList<>();
    HtmlTable t = new HtmlTable("event", "events", "alarmed before", "median lead (steps)",
        "p10", "p90", "median lead (share of run)");
    for (String k : kinds) {
      List<ReportData.Lead> ls = risk.leads().stream().filter(l -> l.kind().equals(k)).toList();
      double[] steps = ls.stream().mapToDouble(ReportData.Lead::leadSteps)
          .filter(Double::isFinite).toArray();
      double[] share = ls.stream().mapToDouble(ReportData.Lead::leadShare)
          .filter(Double::isFinite).toArray();
      leads.add(steps);
      Quantiles q = Quantiles.of(steps);
      t.row(k, (long) ls.size(), (long) steps.length, q.at(0.5), q.at(0.1), q.at(0.9),
          Quantiles.of(share).at(0.5));
    }
    ReportSection.lead("For each divergence (runs.divergence_step) and each other transition "
        + "of a completed run: steps from the first forecast step at which p_divergence (resp. "
        + "p_jump), at any horizon, reached " + NumberLabels.compact(risk.threshold())
        + " after the run's previous transition, to the event. Events without such an alarm "
        + "before them count in the table, not in the chart.", out);
    t.render(out);
    double[] range = Axis.range(leads.toArray(double[][]::new));
    if (Double.isNaN(range[0])) {
      out.append("<p class=\"empty\">No event had an alarm before it.</p>");
      return;
    }
    RowChart chart = new RowChart(1180, Axis.auto(Math.min(0, range[0]), range[1]),
        "Lead time of the first alarm", "steps from the first alarm to the event");
    chart.legend("p25\u2013p75 of lead", Palette.category(0), ChartLegend.Key.AREA);
    chart.legend("one event", Palette.DIVERGENCE, ChartLegend.Key.POINT);
    for (int i = 0; i < kinds.size(); i++) {
      double[] v = leads.get(i);
      String kind = kinds.get(i);
      long events = risk.leads().stream().filter(l -> l.kind().equals(kind)).count();
      RowChart.Row row = chart.row(kinds.get(i));
      row.note(v.length + "/" + events + " alarmed before");
      if (v.length == 0) {
        continue;
      }
      Quantiles q = Quantiles.of(v);
      row.box(q.at(0.1), q.at(0.25), q.at(0.5), q.at(0.75), q.at(0.9), Palette.category(0),
          kinds.get(i) + ": median lead " + NumberLabels.compact(q.at(0.5)) + " steps over "
              + v.length + " events");
      if (v.length <= MAX_DOTS) {
        for (int j = 0; j < v.length; j++) {
          double dy = v.length == 1 ? 0 : ((j * 7919) % 11 - 5) * 1.4;
          row.dot(v[j], dy, Palette.DIVERGENCE, 2.2, 0.7, "lead " + NumberLabels.compact(v[j])
              + " steps");
        }
      }
    }
    out.append(chart.render());
  }
}
