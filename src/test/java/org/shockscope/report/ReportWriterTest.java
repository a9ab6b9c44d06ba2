package org.shockscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole page: sections, escaping, size bounds, degenerate inputs. */
class ReportWriterTest {
  static final List<String> SECTIONS = List.of("overview", "risk", "phase", "first-shock",
      "boundary", "gallery", "symmetry", "viscosity");
  static ReportData big;
  static String bigHtml;

  @BeforeAll
  static void render() {
    big = SyntheticReport.of(10_000, 2_000, 50_000, 5_000);
    bigHtml = ReportWriter.render(big);
  }

  @Test
  void tenThousandRunsGiveAPageUnderFiveMegabytes() throws Exception {
    int bytes = bigHtml.getBytes(StandardCharsets.UTF_8).length;
    assertTrue(bytes < 5_000_000, bytes + " bytes");
    List<String> charts = SvgChecks.charts(bigHtml);
    assertTrue(charts.size() >= 2 + 1 + 1 + 12 * 4 + 2 * 3 + 2, charts.size() + " charts");
    for (String svg : charts) {
      SvgChecks.parse(svg);
    }
    // 50,000 events are sampled down to the option's bound (two scatters of them)
    String visc = SvgChecks.section(bigHtml, "viscosity");
    assertEquals(2 * big.options().scatterPoints(), SvgChecks.count(visc, "<circle") - 2,
        "points plus one legend dot per chart");
    assertTrue(visc.contains("2000 of 50,000 jump events of primary series"));
    // 12 gallery runs of 2,000 steps each: lines thinned to the panel width
    String gallery = SvgChecks.section(bigHtml, "gallery");
    assertEquals(big.options().galleryRuns(), SvgChecks.count(gallery, "<article class=\"run\""));
    assertTrue(SvgChecks.pathVertices(gallery) < 12 * 4 * 4 * 2 * GallerySection.PANEL_WIDTH,
        SvgChecks.pathVertices(gallery) + " vertices");
    // only the first error rows are listed
    String overview = SvgChecks.section(bigHtml, "overview");
    assertEquals(big.options().errorRows(), SvgChecks.count(overview, "PickleRefused"));
    assertTrue(overview.contains("5,000 inputs could not be used; the first 20 are listed"));
    // box plots: the all-runs row plus at most boxCells cells
    String first = SvgChecks.section(bigHtml, "first-shock");
    assertTrue(first.contains("shocked</text>"));
    assertTrue(SvgChecks.count(first, "shocked</text>") <= 1 + big.options().boxCells());
  }

  @Test
  void everySectionIsPresentWithData() {
    for (String id : SECTIONS) {
      String s = SvgChecks.section(bigHtml, id);
      assertFalse(s.contains("class=\"empty\""), id + " says it is empty");
      if (!id.equals("overview")) {
        assertTrue(s.contains("<svg"), id + " has no chart");
      }
      assertTrue(bigHtml.contains("<a href=\"#" + id + "\">"), "nav link to " + id);
    }
    String phase = SvgChecks.section(bigHtml, "phase");
    assertTrue(phase.contains("aria-label=\"Shock rate\""));
    assertTrue(phase.contains("aria-label=\"Divergence rate\""));
    assertTrue(phase.contains("pooled over momentum, optimizer"));
    assertTrue(bigHtml.contains(">10,000</div><div class=\"k\">runs<"));
  }

  @Test
  void runsAtRiskListTheRiskiestRunningRunsAndTheLeadTimes() {
    String risk = SvgChecks.section(bigHtml, "risk");
    assertTrue(risk.contains("1,000 runs have neither diverged nor reached their planned steps"),
        risk.substring(0, Math.min(600, risk.length())));
    assertTrue(risk.contains("the 50 riskiest are listed"));
    // the riskiest first: risk 1 (run 0), then 0.999 (run 1)
    int first = risk.indexOf("<td>" + Html.escape(big.runs().get(0).runId()) + "</td>");
    int second = risk.indexOf("<td>" + Html.escape(big.runs().get(1).runId()) + "</td>");
    assertTrue(first > 0 && second > first, first + " " + second);
    assertTrue(risk.contains("loss, attn&lt;q&amp;k&gt;/qk_spectral_norm"));
    assertEquals((1 + 50) + (1 + 2), SvgChecks.count(risk, "<tr>"),
        "header and 50 running runs; header, divergence and jump leads");
    assertTrue(risk.contains("Lead time of the first alarm"));
    assertTrue(risk.contains("alarmed before</text>"));
    // one in five events had no alarm before it
    long divergences = big.risk().leads().stream().filter(l -> l.kind().equals("divergence"))
        .count();
    long alarmed = big.risk().leads().stream().filter(l -> l.kind().equals("divergence")
        && Double.isFinite(l.leadSteps())).count();
    assertTrue(alarmed < divergences && alarmed > 0);
    assertTrue(risk.contains(alarmed + "/" + divergences + " alarmed before"), risk);
  }

  @Test
  void noTextFromDataReachesThePageUnescaped() {
    assertFalse(bigHtml.contains("<b>&"), "run id with markup");
    assertFalse(bigHtml.contains("adam<β>"), "hyperparameter value with markup");
    assertFalse(bigHtml.contains("<sweep>"), "title with markup");
    assertFalse(bigHtml.contains("<q&k>"), "group name with markup");
    assertFalse(bigHtml.contains("<pickle>"), "error message with markup");
    assertTrue(bigHtml.contains("adam&lt;β&gt;"));
    assertTrue(bigHtml.contains("synthetic &lt;sweep&gt; &amp; &quot;friends&quot;"));
    assertTrue(bigHtml.contains("run-0&lt;b&gt;&amp;&#39;&quot;"));
    assertTrue(bigHtml.contains("attn&lt;q&amp;k&gt;"));
    assertFalse(bigHtml.contains("<script"), "no script at all");
    String outside = bigHtml.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assertFalse(outside.matches("(?s).*(https?:|src=|url\\(|href=\"(?!#)).*"),
        "no external resource");
  }

  @Test
  void missingTablesGiveNoticesNotExceptions() throws Exception {
    Set<String> all = new TreeSet<>(ReportCollector.TABLES);
    ReportData d = SyntheticReport.empty(all);
    StringWriter w = new StringWriter();
    ReportWriter.write(d, w);
    String html = w.toString();
    assertFalse(html.contains("could not be drawn"), html);
    for (String id : SECTIONS) {
      assertTrue(SvgChecks.section(html, id).contains("table was not found"),
          SvgChecks.section(html, id));
    }
    assertTrue(html.contains("Tables not found: <code>errors</code>"));
    // present but empty tables: the sections say there is nothing, without "not found"
    String empty = ReportWriter.render(SyntheticReport.empty(Set.of()));
    assertFalse(empty.contains("table was not found"));
    assertFalse(empty.contains("could not be drawn"));
    assertTrue(SvgChecks.section(empty, "phase").contains("has no rows"));
    assertTrue(SvgChecks.section(empty, "overview").contains("No errors"));
  }

  @Test
  void phaseDiagramPoolsCellsOverTheHyperparametersItDoesNotShow() {
    List<String> cols = List.of("lr", "batch", "seedless");
    List<ReportData.Cell> cells = List.of(
        SyntheticReport.cell(List.of("0.1", "16", "a"), 10, 3, 1),
        SyntheticReport.cell(List.of("0.1", "16", "b"), 5, 2, 0),
        SyntheticReport.cell(List.of("0.01", "16", "a"), 4, 0, 0),
        SyntheticReport.cell(List.of("0.1", "64", "a"), 6, 6, 6),
        SyntheticReport.cell(List.of("0.01", "64", "b"), 6, 1, 0));
    List<ReportData.Importance> imp = List.of(new ReportData.Importance("shock", "batch", 0.5, 1),
        new ReportData.Importance("shock", "lr", 0.4, 2),
        new ReportData.Importance("shock", "seedless", 0.1, 3));
    ReportData d = SyntheticReport.withCells(SyntheticReport.empty(Set.of()), cols, cells, imp);
    assertEquals(List.of("batch", "lr"), PhaseDiagramSection.axes(d));
    String phase = SvgChecks.section(ReportWriter.render(d), "phase");
    assertTrue(phase.contains(">5/15</text>"), "0.1 × 16 pools a and b: 3+2 of 10+5");
    assertTrue(phase.contains(">33%</text>"));
    assertTrue(phase.contains("(2 cells pooled)"));
    assertTrue(phase.contains(">1/15</text>"), "divergence 1 of 15");
    assertTrue(phase.contains("pooled over seedless"));
    // importance decides before levels: 'seedless' has as many levels as 'batch'
    List<ReportData.Importance> flipped = List.of(
        new ReportData.Importance("divergence", "seedless", 0.9, 1));
    assertEquals(List.of("seedless", "lr"),
        PhaseDiagramSection.axes(SyntheticReport.withCells(d, cols, cells, flipped)));
    // without importance: most levels, then column order
    assertEquals(List.of("lr", "batch"),
        PhaseDiagramSection.axes(SyntheticReport.withCells(d, cols, cells, List.of())));
  }

  @Test
  void numericAxesAreLabelledRoundedWithExactValuesInTooltips() {
    String lo = "0.035631715873272775";
    String hi = "0.10689514761981833";
    List<ReportData.Cell> cells = List.of(
        SyntheticReport.cell(List.of(lo, "16"), 4, 1, 0),
        SyntheticReport.cell(List.of(hi, "16"), 4, 3, 1),
        SyntheticReport.cell(List.of(lo, "64"), 4, 0, 0),
        SyntheticReport.cell(List.of(hi, "64"), 4, 2, 0));
    ReportData d = SyntheticReport.withCells(SyntheticReport.empty(Set.of()),
        List.of("lr", "batch"), cells, List.of());
    String phase = SvgChecks.section(ReportWriter.render(d), "phase");
    assertTrue(phase.contains(">0.0356</text>"), phase);
    assertTrue(phase.contains(">0.107</text>"));
    assertFalse(phase.contains(">" + lo + "</text>"), "no 17-digit tick label");
    assertTrue(phase.contains("<title>lr=" + lo + ", batch=16\nshock rate"), "exact on hover");
    // one varying hyperparameter: the bars' rows are labelled rounded too
    ReportData one = SyntheticReport.withCells(d, List.of("lr"), List.of(
        SyntheticReport.cell(List.of(lo), 8, 1, 0), SyntheticReport.cell(List.of(hi), 8, 5, 1)),
        List.of());
    assertTrue(SvgChecks.section(ReportWriter.render(one), "phase").contains(">lr=0.0356</text>"));
  }

  @Test
  void oneVaryingHyperparameterGivesBarsAndNoneGivesSingleNumbers() {
    ReportData base = SyntheticReport.empty(Set.of());
    ReportData one = SyntheticReport.withCells(base, List.of("lr", "width"), List.of(
        SyntheticReport.cell(List.of("0.1", "8"), 10, 5, 0),
        SyntheticReport.cell(List.of("0.3", "8"), 10, 9, 2)), List.of());
    String p1 = SvgChecks.section(ReportWriter.render(one), "phase");
    assertTrue(p1.contains("aria-label=\"Shock rate by lr\""), p1);
    assertTrue(p1.contains(">9/10 · 90%</text>"));
    assertFalse(p1.contains("aria-label=\"Shock rate\""));
    ReportData none = SyntheticReport.withCells(base, List.of("width"), List.of(
        SyntheticReport.cell(List.of("8"), 12, 3, 1)), List.of());
    String p0 = SvgChecks.section(ReportWriter.render(none), "phase");
    assertTrue(p0.contains("<div class=\"v\">25%</div><div class=\"k\">shock rate"), p0);
    assertTrue(p0.contains("3 of 12 runs"));
    assertFalse(p0.contains("<svg"));
  }

  @Test
  void aSectionThatFailsIsReplacedByANoteAndThePageGoesOn() {
    // a cell with fewer values than cell columns cannot be placed on the diagram
    ReportData bad = SyntheticReport.withCells(SyntheticReport.empty(Set.of()),
        List.of("lr", "batch"), List.of(SyntheticReport.cell(List.of("0.1"), 3, 1, 0)),
        List.of());
    String html = ReportWriter.render(bad);
    assertTrue(SvgChecks.section(html, "phase").contains("This section could not be drawn: "));
    assertTrue(html.contains("<section id=\"viscosity\">"));
    assertTrue(html.endsWith("</html>\n"));
  }

  @Test
  void scatterSamplingIsSpreadAndBounded() {
    List<ReportData.LawPoint> pts = new java.util.ArrayList<>();
    for (int i = 0; i < 10_001; i++) {
      pts.add(new ReportData.LawPoint("r" + i, "s", i, 1, 1, 1));
    }
    List<ReportData.LawPoint> s = ViscositySection.sample(pts, 2000);
    assertEquals(2000, s.size());
    assertEquals("r0", s.get(0).runId());
    assertTrue(s.get(1999).step() > 9_990, "reaches the end of the list");
    assertEquals(pts.subList(0, 5), ViscositySection.sample(pts.subList(0, 5), 2000));
  }

  @Test
  void viscositySectionShowsOptimiserTermsWithIntervalsAliasingAndTheSettingSummary() {
    ReportData e = SyntheticReport.empty(Set.of());
    List<ReportData.LawTerm> terms = List.of(
        new ReportData.LawTerm("log_width", "log_temperature", 0.5, 0.01, 0.48, 0.52, 1e-9, 40,
            0.8),
        new ReportData.LawTerm("log_width", "momentum", -2.25, 0.2, -2.65, -1.85, 1e-6, 40, 0.8,
            "optimizer=momentum"),
        new ReportData.LawTerm("log_width", "optimizer=momentum", Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, 40, 0.8, "momentum"),
        new ReportData.LawTerm("log_width", "intercept", 7.1, 0.05, 7.0, 7.2, 1e-40, 40, 0.8));
    List<ReportData.SettingSummary> settings = List.of(
        new ReportData.SettingSummary("gd", 0, Double.NaN, Double.NaN, 0, 4, 4, 12, 98.5, 7.25,
            6.25e-5),
        new ReportData.SettingSummary("momentum", 0.9, Double.NaN, Double.NaN, 0, 4, 3, 9, 10.5,
            0.75, 6.25e-5));
    ReportData d = new ReportData(e.title(), e.source(), e.generated(), e.summary(),
        e.missingTables(), e.hyperparameters(), e.runs(), e.cellColumns(), e.cells(),
        e.boundary(), e.importance(), e.survival(), e.gallery(), e.symmetry(),
        new ReportData.Viscosity(List.of(), 0, Double.NaN, Double.NaN, Double.NaN, terms,
            settings), e.options());
    String v = SvgChecks.section(ReportWriter.render(d), "viscosity");
    assertTrue(v.contains("ln(width) changes by -2.25 (95% CI -2.65 to -1.85) per unit of "
        + "momentum at fixed temperature"), v);
    assertTrue(v.contains("<td>aliased</td>"), v);
    assertTrue(v.contains("= momentum"), v);
    assertTrue(v.contains("also stands for optimizer=momentum"), v);
    assertFalse(v.contains("per unit of optimizer=momentum"), "an aliased term is no effect");
    assertTrue(v.contains("Per optimiser setting"), v);
    assertTrue(v.contains("98.5") && v.contains("10.5") && v.contains("0.75"), v);
  }
}
