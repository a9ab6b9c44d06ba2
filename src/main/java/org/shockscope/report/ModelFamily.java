package org.shockscope.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.shockscope.Quantiles;
import org.shockscope.spark.HyperparameterColumns;

/**
 * A model family of a sweep: the runs that the report draws one phase diagram and one
 * time-to-first-shock chart for. Runs of different kinds (a deep linear chain, a ReLU
 * teacher–student network, a transformer) answer to different hyperparameters and have
 * transitions at different times, so pooling them in one diagram mixes unrelated outcomes.
 *
 * <p>A sweep is split by its {@value #MODEL_KEY} hyperparameter when that has from 2 to
 * {@value #MAX_FAMILIES} levels (the name a user gave each kind; runs without it form a family
 * of their own); otherwise by the kind of the runs' recorded structure
 * ({@link StructureSummary#kind()}) when runs differ in kind (runs without a readable
 * structure do not count for that, and form a family of their own when there is a split);
 * otherwise it is one family. Within a family, the cell columns are those of the sweep but the
 * family's own key; its cells are the {@code phase_stats} rows of the family when the key is a
 * cell column (the model's value dropped from them), else they are counted from the family's
 * runs as {@code phase_stats} counts them (a run shocked when {@code n_shocks > 0}).
 *
 * @param name       the family's name (its model value or structure kind); null for the one
 *                   family of a sweep that is not split
 * @param basis      how the sweep was split
 * @param data       the report restricted to the family's runs and cells
 * @param structures the family's distinct structures in words with their run counts, most
 *                   runs first
 */
record ModelFamily(String name, Basis basis, ReportData data, Map<String, Integer> structures) {
  /** Hyperparameter key naming a run's model family (as the training lab writes it). */
  static final String MODEL_KEY = "model";
  /**
   * Most families drawn: a key with more levels (a model name per run) is no family key, and
   * the page would repeat its diagrams once per run.
   */
  static final int MAX_FAMILIES = 12;

  /** The {@code runs} column of {@link #MODEL_KEY}. */
  static String modelColumn() {
    return HyperparameterColumns.columnName(MODEL_KEY);
  }

  /** How a sweep was split, for the page's text. */
  enum Basis {
    /** Not split: one family. */
    NONE,
    /** By the {@value #MODEL_KEY} hyperparameter. */
    MODEL,
    /** By the kind of the recorded structure. */
    STRUCTURE
  }

  /** The families of a sweep, in level order of their names (one unnamed family if none). */
  static List<ModelFamily> split(ReportData d) {
    Map<String, StructureSummary> summaries = new HashMap<>();
    Basis basis = basis(d, summaries);
    if (basis == Basis.NONE) {
      return List.of(new ModelFamily(null, basis, d, structures(d.runs(), summaries)));
    }
    String column = modelColumn();
    Map<String, List<ReportData.Run>> byName = new TreeMap<>(LevelOrder.LEVEL);
    for (ReportData.Run r : d.runs()) {
      byName.computeIfAbsent(key(basis, r, column, summaries), k -> new ArrayList<>()).add(r);
    }
    int keyIndex = basis == Basis.MODEL ? d.cellColumns().indexOf(column) : -1;
    List<String> cellColumns = new ArrayList<>(d.cellColumns());
    if (keyIndex >= 0) {
      cellColumns.remove(keyIndex);
    }
    List<ModelFamily> out = new ArrayList<>();
    for (Map.Entry<String, List<ReportData.Run>> e : byName.entrySet()) {
      List<ReportData.Cell> cells = d.cells().isEmpty() ? List.of()
          : keyIndex >= 0 ? cellsOf(d.cells(), keyIndex, e.getKey())
          : counted(e.getValue(), cellColumns);
      out.add(new ModelFamily(e.getKey(), basis, d.restrictedTo(e.getValue(), cellColumns,
          cells), structures(e.getValue(), summaries)));
    }
    return out;
  }

  private static Basis basis(ReportData d, Map<String, StructureSummary> summaries) {
    String column = modelColumn();
    if (d.hyperparameters().contains(column) && splits(d.runs().stream()
        .map(r -> key(Basis.MODEL, r, column, summaries)).distinct().limit(MAX_FAMILIES + 1)
        .count())) {
      return Basis.MODEL;
    }
    // runs without a readable structure do not make a kind of their own
    return splits(d.runs().stream().map(r -> key(Basis.STRUCTURE, r, column, summaries))
        .filter(k -> !k.equals(StructureSummary.UNKNOWN)).distinct().limit(MAX_FAMILIES + 1)
        .count()) ? Basis.STRUCTURE : Basis.NONE;
  }

  private static boolean splits(long families) {
    return families > 1 && families <= MAX_FAMILIES;
  }

  private static String key(Basis basis, ReportData.Run r, String column,
                            Map<String, StructureSummary> summaries) {
    if (basis == Basis.MODEL) {
      String v = r.hyperparameters().get(column);
      return v == null ? ReportData.MISSING : v;
    }
    return summary(r, summaries).kind();
  }

  private static StructureSummary summary(ReportData.Run r,
                                          Map<String, StructureSummary> summaries) {
    String json = r.structure() == null ? "" : r.structure();
    return summaries.computeIfAbsent(json, StructureSummary::of);
  }

  private static Map<String, Integer> structures(List<ReportData.Run> runs,
                                                 Map<String, StructureSummary> cache) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (ReportData.Run r : runs) {
      counts.merge(summary(r, cache).text(), 1, Integer::sum);
    }
    List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
    sorted.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
    Map<String, Integer> out = new LinkedHashMap<>();
    sorted.forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  /** The cells whose value at {@code index} is {@code name}, without that value. */
  private static List<ReportData.Cell> cellsOf(List<ReportData.Cell> cells, int index,
                                               String name) {
    List<ReportData.Cell> out = new ArrayList<>();
    for (ReportData.Cell c : cells) {
      if (c.values().get(index).equals(name)) {
        List<String> values = new ArrayList<>(c.values());
        values.remove(index);
        out.add(new ReportData.Cell(values, c.runs(), c.shocked(), c.shockRate(), c.shockLo(),
            c.shockHi(), c.diverged(), c.divergenceRate(), c.divergenceLo(), c.divergenceHi(),
            c.firstShockP10(), c.firstShockP50(), c.firstShockP90(), c.medianWidth(),
            c.medianViscosity(), c.temperature()));
      }
    }
    return out;
  }

  /**
   * Cells counted from runs: run count, shocked and diverged runs with their Wilson intervals
   * and the first-shock quantiles; the jump medians and the temperature are not known here
   * (NaN).
   */
  static List<ReportData.Cell> counted(List<ReportData.Run> runs, List<String> cellColumns) {
    Map<List<String>, List<ReportData.Run>> byCell = new TreeMap<>(LevelOrder.CELL);
    for (ReportData.Run r : runs) {
      byCell.computeIfAbsent(r.values(cellColumns), k -> new ArrayList<>()).add(r);
    }
    List<ReportData.Cell> out = new ArrayList<>();
    for (Map.Entry<List<String>, List<ReportData.Run>> e : byCell.entrySet()) {
      List<ReportData.Run> rs = e.getValue();
      long shocked = rs.stream().filter(r -> r.shocks() > 0).count();
      long diverged = rs.stream().filter(ReportData.Run::diverged).count();
      WilsonInterval s = WilsonInterval.of(shocked, rs.size());
      WilsonInterval v = WilsonInterval.of(diverged, rs.size());
      Quantiles first = Quantiles.of(rs.stream().filter(r -> r.firstShockStep() != null)
          .mapToDouble(r -> r.firstShockStep()).toArray());
      out.add(new ReportData.Cell(e.getKey(), rs.size(), shocked, s.rate(), s.lo(), s.hi(),
          diverged, v.rate(), v.lo(), v.hi(), first.at(0.1), first.at(0.5), first.at(0.9),
          Double.NaN, Double.NaN, Double.NaN));
    }
    return out;
  }

  /**
   * Renders {@code body} once for the whole sweep when it is one family, else once per family
   * under a heading with the family's name, run count and structures in words, after a
   * sentence saying how the sweep was split.
   */
  static void renderEach(ReportData d, String what, StringBuilder out,
                         BiConsumer<ReportData, StringBuilder> body) {
    List<ModelFamily> families = split(d);
    if (families.size() == 1 && families.get(0).name() == null) {
      body.accept(d, out);
      return;
    }
    ReportSection.lead("The runs are of " + families.size() + " model families (by "
        + (families.get(0).basis() == Basis.MODEL ? "their " + MODEL_KEY + " hyperparameter"
        : "the kind of their recorded structure") + "), so " + what + " is drawn per family, "
        + "over the hyperparameters that vary within it.", out);
    for (ModelFamily f : families) {
      out.append("<div class=\"family\"><h3>").append(Html.escape(f.name()))
          .append(" <span class=\"note\">").append(NumberLabels.count(f.data().runs().size()))
          .append(f.data().runs().size() == 1 ? " run" : " runs").append("</span></h3>")
          .append("<p class=\"note\">");
      boolean first = true;
      for (Map.Entry<String, Integer> e : f.structures().entrySet()) {
        out.append(first ? "" : " \u00b7 ").append(Html.escape(e.getKey()));
        if (f.structures().size() > 1) {
          out.append(" (").append(NumberLabels.count(e.getValue()))
              .append(e.getValue() == 1 ? " run)" : " runs)");
        }
        first = false;
      }
      out.append("</p>");
      body.accept(f.data(), out);
      out.append("</div>");
    }
  }
}
