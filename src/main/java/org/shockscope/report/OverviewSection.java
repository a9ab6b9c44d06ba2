package org.shockscope.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.shockscope.ErrorRecord;

/**
 * The sweep at a glance: its hyperparameters with their levels (numbers rounded as on the
 * axes, {@link NumberLabels#levelLabels}), the model structures of its
 * runs in words ({@link StructureSummary}), and the inputs that could not be used (the first
 * rows of the {@code errors} table).
 */
final class OverviewSection implements ReportSection {
  /** Levels listed per hyperparameter before "…". */
  static final int LEVELS_SHOWN = 10;
  /** Characters of an error message shown (the full text is a tooltip). */
  static final int MESSAGE_CHARS = 220;

  @Override
  public String id() {
    return "overview";
  }

  @Override
  public String title() {
    return "Sweep overview";
  }

  @Override
  public void render(ReportData d, StringBuilder out) {
    out.append("<h3>Hyperparameters</h3>");
    if (d.runs().isEmpty()) {
      ReportSection.unavailable(d, "runs", "The runs table has no rows.", out);
    } else if (d.hyperparameters().isEmpty()) {
      out.append("<p class=\"empty\">The runs table has no hyperparameter columns.</p>");
    } else {
      HtmlTable t = new HtmlTable("hyperparameter", "levels", "values", "role");
      for (String h : d.hyperparameters()) {
        TreeSet<String> levels = new TreeSet<>(LevelOrder.LEVEL);
        for (ReportData.Run r : d.runs()) {
          String v = r.hyperparameters().get(h);
          levels.add(v == null ? ReportData.MISSING : v);
        }
        Map<String, String> label = NumberLabels.levelLabels(levels);
        List<String> shown = levels.stream().limit(LEVELS_SHOWN).map(label::get).toList();
        String values = String.join(", ", shown)
            + (levels.size() > LEVELS_SHOWN ? ", \u2026" : "");
        String role = d.cellColumns().contains(h) ? "cell" : levels.size() > 1 ? "varies"
            : "constant";
        t.row(h, (long) levels.size(), values, role);
      }
      t.render(out);
    }
    renderStructures(d, out);
    renderErrors(d, out);
  }

  /**
   * The distinct model structures of the runs, in words, each with its recorded JSON one click
   * away, the network's kind and the runs (and their model values) that have it.
   */
  private static void renderStructures(ReportData d, StringBuilder out) {
    Map<String, List<ReportData.Run>> byJson = new LinkedHashMap<>();
    for (ReportData.Run r : d.runs()) {
      byJson.computeIfAbsent(r.structure() == null ? "" : r.structure(),
          k -> new ArrayList<>()).add(r);
    }
    if (byJson.isEmpty() || byJson.size() == 1 && byJson.containsKey("")) {
      return;
    }
    String model = ModelFamily.modelColumn();
    boolean models = d.hyperparameters().contains(model);
    out.append("<h3>Model structure</h3><p class=\"lead\">The symmetry groups each run was "
        + "analysed with (from the <code>structure</code> column of <code>runs</code>); "
        + "open JSON for the recorded description.</p><div class=\"table-wrap\">"
        + "<table class=\"data structures\"><thead><tr><th>structure</th><th>kind</th>"
        + "<th>runs</th>").append(models ? "<th>" + Html.escape(model) + "</th>" : "")
        .append("</tr></thead><tbody>");
    List<Map.Entry<String, List<ReportData.Run>>> rows = new ArrayList<>(byJson.entrySet());
    rows.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()));
    for (Map.Entry<String, List<ReportData.Run>> e : rows) {
      StructureSummary s = StructureSummary.of(e.getKey());
      out.append("<tr><td>");
      s.html(out);
      out.append("</td><td>").append(Html.escape(s.kind())).append("</td><td class=\"num\">")
          .append(NumberLabels.count(e.getValue().size())).append("</td>");
      if (models) {
        TreeSet<String> names = new TreeSet<>(LevelOrder.LEVEL);
        for (ReportData.Run r : e.getValue()) {
          names.add(r.values(List.of(model)).get(0));
        }
        out.append("<td>").append(Html.escape(String.join(", ", names))).append("</td>");
      }
      out.append("</tr>");
    }
    out.append("</tbody></table></div>");
  }

  private static void renderErrors(ReportData d, StringBuilder out) {
    ReportData.Summary s = d.summary();
    out.append("<h3>Inputs that could not be used</h3>");
    if (d.missing("errors")) {
      ReportSection.unavailable(d, "errors", "", out);
      return;
    }
    if (s.errors() == 0) {
      out.append("<p class=\"ok\">No errors: every input was used.</p>");
      return;
    }
    List<ErrorRecord> shown = s.firstErrors().subList(0,
        Math.min(s.firstErrors().size(), d.options().errorRows()));
    out.append("<p>").append(NumberLabels.count(s.errors()))
        .append(s.errors() == 1 ? " input" : " inputs")
        .append(" could not be used")
        .append(shown.size() < s.errors() ? "; the first " + shown.size() + " are listed" : "")
        .append(". The <code>errors</code> table has them all.</p>");
    out.append("<div class=\"table-wrap\"><table class=\"data errors\"><thead><tr>")
        .append("<th>stage</th><th>error</th><th>run</th><th>step</th><th>source</th>")
        .append("<th>message</th></tr></thead><tbody>");
    for (ErrorRecord e : shown) {
      out.append("<tr><td>").append(Html.escape(e.stage())).append("</td><td>")
          .append(Html.escape(e.error())).append("</td><td>")
          .append(Html.escape(e.runId())).append("</td><td class=\"num\">")
          .append(e.step() == null ? "" : e.step()).append("</td><td class=\"src\" title=\"")
          .append(Html.escape(e.source())).append("\">")
          .append(Html.escape(Html.shorten(e.source(), 60))).append("</td><td title=\"")
          .append(Html.escape(e.message())).append("\">")
          .append(Html.escape(Html.shorten(e.message(), MESSAGE_CHARS))).append("</td></tr>");
    }
    out.append("</tbody></table></div>");
  }
}
