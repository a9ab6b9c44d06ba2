package org.shockscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A sweep of several model families: one phase diagram and one first-shock chart each. */
class ModelFamilyTest {
  private static List<String> names(List<ModelFamily> families) {
    return families.stream().map(ModelFamily::name).toList();
  }

  @Test
  void aPooledSweepWithTwoModelFamiliesGetsTwoPhaseDiagrams() {
    ReportData d = SyntheticReport.pooled(true);
    List<ModelFamily> families = ModelFamily.split(d);
    assertEquals(List.of("catapult", "deep-linear"), names(families));
    ReportData catapult = families.get(0).data();
    ReportData deepLinear = families.get(1).data();
    assertEquals(24, catapult.runs().size());
    assertEquals(16, deepLinear.runs().size());
    assertEquals(List.of("lr", "lr_scale", "depth", "init", "activation"),
        catapult.cellColumns(), "the model column is the family's, not an axis");
    assertEquals(12, catapult.cells().size(), "its phase_stats rows");
    assertEquals(8, deepLinear.cells().size());
    assertEquals(8, catapult.cells().stream().mapToLong(ReportData.Cell::diverged).sum());
    // lr = lr_scale / λ₀(activation): lr × lr_scale or lr × activation would be diagonals
    assertEquals(List.of("lr_scale", "activation"), PhaseDiagramSection.axes(catapult));
    assertEquals(List.of("lr", "depth"), PhaseDiagramSection.axes(deepLinear));
    // pooled, lr determines lr_scale too: the next column that spans a grid with lr
    assertEquals(List.of("lr", "init"), PhaseDiagramSection.axes(d));

    String html = ReportWriter.render(d);
    String phase = SvgChecks.section(html, "phase");
    assertEquals(2, SvgChecks.count(phase, "aria-label=\"Shock rate\""));
    assertEquals(2, SvgChecks.count(phase, "aria-label=\"Divergence rate\""));
    assertTrue(phase.contains("The runs are of 2 model families (by their model "
        + "hyperparameter)"), phase);
    assertTrue(phase.contains("<div class=\"family\"><h3>catapult <span class=\"note\">24 runs"
        + "</span></h3><p class=\"note\">MLP, 1 hidden layer of 64 (linear), permutation (12 "
        + "runs) \u00b7 MLP, 1 hidden layer of 64 (relu), permutation \u00d7 positive scaling "
        + "(12 runs)</p>"), phase);
    assertTrue(phase.contains("<h3>deep-linear <span class=\"note\">16 runs</span></h3>"));
    assertTrue(phase.contains("per cell of lr_scale \u00d7 activation (lr follows from them)"));
    assertTrue(phase.contains("per cell of lr \u00d7 depth (pooled over init)"));
    assertFalse(phase.contains("pooled over model"));
    assertEquals(1, SvgChecks.count(phase, "<h3>Hyperparameter importance</h3>"));
    // catapult: both activations diverge at lr_scale 8 (2 of 2 runs each)
    assertTrue(phase.contains("lr_scale=8, activation=relu\ndivergence rate 100%"), phase);
    String first = SvgChecks.section(html, "first-shock");
    assertEquals(2, SvgChecks.count(first, "aria-label=\"First-shock step by cell\""));
    assertTrue(first.contains(">lr_scale=2.5, activation=linear</text>"), first);
    assertTrue(first.contains(">lr=0.01, depth=2</text>"), first);
    // the structures read as words, the JSON only behind a click
    String seen = SvgChecks.outsideJsonDetails(html);
    assertFalse(seen.contains("&quot;groups&quot;"));
    assertFalse(seen.contains("\"groups\""));
    String overview = SvgChecks.section(html, "overview");
    assertTrue(overview.contains("deep linear, 3 layers, GL(h) on each hidden space"));
    // the catapult's learning rates listed rounded, as on the axes
    assertTrue(overview.contains("<td>0.01, 0.02, 0.0234, 0.0356, "), overview);
    assertFalse(overview.contains("0.035631715873272775"));
  }

  @Test
  void withoutAModelKeyRunsAreSplitByTheKindOfTheirStructure() {
    ReportData d = SyntheticReport.pooled(false);
    List<ModelFamily> families = ModelFamily.split(d);
    assertEquals(List.of("MLP", "deep linear"), names(families));
    assertEquals(ModelFamily.Basis.STRUCTURE, families.get(0).basis());
    // phase_stats cells do not name the family here: the family's cells are its runs counted
    ReportData mlp = families.get(0).data();
    assertEquals(12, mlp.cells().size());
    assertEquals(24, mlp.cells().stream().mapToLong(ReportData.Cell::runs).sum());
    assertEquals(8, mlp.cells().stream().mapToLong(ReportData.Cell::shocked).sum());
    assertEquals(8, mlp.cells().stream().mapToLong(ReportData.Cell::diverged).sum());
    String phase = SvgChecks.section(ReportWriter.render(d), "phase");
    assertTrue(phase.contains("(by the kind of their recorded structure)"), phase);
    assertEquals(2, SvgChecks.count(phase, "aria-label=\"Shock rate\""));
  }

  @Test
  void cellsCountedFromRunsAgreeWithPhaseStats() {
    ReportData d = SyntheticReport.pooled(true);
    ReportData catapult = ModelFamily.split(d).get(0).data();
    List<ReportData.Cell> counted = ModelFamily.counted(catapult.runs(),
        catapult.cellColumns());
    List<ReportData.Cell> given = catapult.cells().stream()
        .sorted((a, b) -> LevelOrder.CELL.compare(a.values(), b.values())).toList();
    assertEquals(given.size(), counted.size());
    for (int i = 0; i < given.size(); i++) {
      assertEquals(given.get(i).values(), counted.get(i).values());
      assertEquals(given.get(i).runs(), counted.get(i).runs());
      assertEquals(given.get(i).shocked(), counted.get(i).shocked());
      assertEquals(given.get(i).diverged(), counted.get(i).diverged());
      assertEquals(given.get(i).shockHi(), counted.get(i).shockHi(), 1e-15);
    }
  }

  @Test
  void runsOfOneKindKeepOneDiagramWithoutFamilyHeadings() {
    ReportData d = SyntheticReport.of(60, 20, 10, 0);
    List<ModelFamily> families = ModelFamily.split(d);
    assertEquals(1, families.size());
    assertNull(families.get(0).name());
    assertEquals(ModelFamily.Basis.NONE, families.get(0).basis());
    String html = ReportWriter.render(d);
    assertFalse(html.contains("class=\"family\""));
    assertEquals(1, SvgChecks.count(SvgChecks.section(html, "phase"),
        "aria-label=\"Shock rate\""));
    // a run without a recorded structure does not make a kind of its own
    List<ReportData.Run> runs = new java.util.ArrayList<>(d.runs());
    ReportData.Run r = runs.get(0);
    runs.set(0, new ReportData.Run(r.runId(), r.hyperparameters(), r.checkpoints(),
        r.lastStep(), r.finalLoss(), r.diverged(), r.divergenceStep(), r.shocks(),
        r.firstShockStep(), null));
    assertEquals(1, ModelFamily.split(d.restrictedTo(runs, d.cellColumns(), d.cells())).size());
  }

  @Test
  void aModelKeyWithALevelPerRunIsNoFamilyKey() {
    ReportData pooled = SyntheticReport.pooled(true);
    List<ReportData.Run> runs = new java.util.ArrayList<>();
    for (ReportData.Run r : pooled.runs()) {
      java.util.Map<String, String> hp = new java.util.LinkedHashMap<>(r.hyperparameters());
      hp.put("model", "net-" + r.runId());
      runs.add(new ReportData.Run(r.runId(), hp, r.checkpoints(), r.lastStep(), r.finalLoss(),
          r.diverged(), r.divergenceStep(), r.shocks(), r.firstShockStep(), r.structure()));
    }
    List<ModelFamily> families = ModelFamily.split(pooled.restrictedTo(runs,
        pooled.cellColumns(), List.of()));
    assertEquals(List.of("MLP", "deep linear"), names(families), "by structure kind instead");
  }
}
