package org.shockscope.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.shockscope.NaturalOrder;

/**
 * The crystallisation map of one run (issue 18) as inline SVG: the parts of the network that a
 * transition's front passed through (layers, heads, invariant maps; rows, ordered by depth from
 * the input side down, parts without a layer index last) against the step (columns, the run's
 * step axis). Each front is a dot at its centre with a bar over centre ± width (where a tanh
 * front goes from 12% to 88% of its jump); the fronts of one transition share a colour and are
 * joined in arrival order, so a reader sees the shock travel through the network — or reach
 * every layer at once.
 */
final class FrontChart {
  /** Accessible name (and title) of the chart. */
  static final String LABEL = "Fronts across depth";
  /** Parts drawn (rows). */
  static final int MAX_PARTS = 12;
  /** Transitions drawn (colours). */
  static final int MAX_TRANSITIONS = 12;
  static final int WIDTH = 612;
  private static final double ROW_HEIGHT = 20;
  private static final double LEFT = 128;
  private static final double RIGHT = 14;
  private static final double TOP = 28;
  private static final double BOTTOM = 38;
  private static final double TICK_FONT = 10.5;

  private FrontChart() {}

  /**
   * The chart of a run's fronts over the step axis {@code x}, or an empty string when it has
   * none.
   *
   * @param runId  the run (for tooltips)
   * @param fronts the run's fronts (input, not modified)
   * @param x      the step axis shared with the run's other panels
   */
  static String render(String runId, List<ReportData.Front> fronts, Axis x) {
    if (fronts.isEmpty()) {
      return "";
    }
    List<String> parts = parts(fronts);
    int shownParts = Math.min(MAX_PARTS, parts.size());
    Map<Long, List<ReportData.Front>> byTransition = new LinkedHashMap<>();
    for (ReportData.Front f : fronts) {
      byTransition.computeIfAbsent(f.transitionStep(), k -> new ArrayList<>()).add(f);
    }
    double plotH = shownParts * ROW_HEIGHT;
    int height = (int) Math.ceil(TOP + plotH + BOTTOM);
    double plotW = WIDTH - LEFT - RIGHT;
    String title = LABEL + " (" + byTransition.size()
        + (byTransition.size() == 1 ? " transition" : " transitions")
        + (byTransition.size() > MAX_TRANSITIONS ? ", first " + MAX_TRANSITIONS + " drawn" : "")
        + (parts.size() > shownParts ? "; " + (parts.size() - shownParts) + " more parts not drawn"
        : "") + ")";
    Svg svg = new Svg(WIDTH, height, LABEL);
    svg.text(LEFT, 16, Html.shorten(title, (int) (WIDTH / 6.5)), "start", 13, Palette.INK, true,
        0);
    svg.rect(LEFT, TOP, plotW, plotH, "#ffffff", 1, null, null);
    for (int r = 0; r < shownParts; r++) {
      double y = TOP + (r + 0.5) * ROW_HEIGHT;
      svg.line(LEFT, y, LEFT + plotW, y, Palette.GRID, 1, null, null);
      String part = parts.get(r);
      svg.text(LEFT - 6, y + 3.5, Html.shorten(shortName(part), 20), "end", TICK_FONT,
          Palette.MUTED, part);
    }
    SvgPlot.xTicks(svg, x, LEFT, TOP, plotW, plotH);
    svg.viewport(LEFT, TOP, plotW, plotH);
    int t = 0;
    for (Map.Entry<Long, List<ReportData.Front>> e : byTransition.entrySet()) {
      if (t >= MAX_TRANSITIONS) {
        break;
      }
      String color = Palette.category(t++);
      List<ReportData.Front> ordered = new ArrayList<>(e.getValue());
      ordered.sort(Comparator.comparingInt(ReportData.Front::arrivalOrder)
          .thenComparing(f -> parts.indexOf(f.group())));
      Svg.PathData path = Svg.pathData();
      List<double[]> dots = new ArrayList<>();
      List<String> tips = new ArrayList<>();
      for (ReportData.Front f : ordered) {
        int row = parts.indexOf(f.group());
        if (row < 0 || row >= shownParts || !x.accepts(f.step())) {
          continue;
        }
        double px = x.fraction(f.step()) * plotW;
        double py = (row + 0.5) * ROW_HEIGHT;
        String tip = tooltip(runId, e.getKey(), f);
        if (Double.isFinite(f.width()) && f.width() > 0) {
          double a = x.fraction(f.step() - f.width()) * plotW;
          double b = x.fraction(f.step() + f.width()) * plotW;
          svg.rect(Math.min(a, b), py - 3, Math.max(1, Math.abs(b - a)), 6, color, 0.25, null,
              tip);
        }
        path.to(px, py);
        dots.add(new double[] {px, py});
        tips.add(tip);
      }
      if (dots.size() > 1) {
        svg.path(path, color, 1.4, null, null, 1, "transition at step " + e.getKey()
            + ": front in arrival order");
      }
      svg.fillGroup(color, 1);
      for (int i = 0; i < dots.size(); i++) {
        svg.circle(dots.get(i)[0], dots.get(i)[1], 3.6, null, 1, tips.get(i));
      }
      svg.endGroup();
    }
    svg.endViewport();
    svg.rect(LEFT, TOP, plotW, plotH, "none", 1, "#c5ccd6", null);
    svg.text(LEFT + plotW / 2, height - 6, "step", "middle", 11.5, Palette.INK, false, 0);
    return svg.end();
  }

  /**
   * The parts of the fronts, by depth (input side first), parts without a layer index after
   * them, then by name with numbers compared as numbers ({@code head2} before {@code head10}).
   */
  static List<String> parts(List<ReportData.Front> fronts) {
    Map<String, Integer> depth = new LinkedHashMap<>();
    for (ReportData.Front f : fronts) {
      depth.merge(f.group(), f.depth() < 0 ? Integer.MAX_VALUE : f.depth(), Math::min);
    }
    TreeSet<String> sorted = new TreeSet<>(Comparator.<String>comparingInt(depth::get)
        .thenComparing(NaturalOrder.INSTANCE).thenComparing(Comparator.naturalOrder()));
    sorted.addAll(depth.keySet());
    return new ArrayList<>(sorted);
  }

  /** The part's name without its symmetry group when it names a matrix or head. */
  private static String shortName(String part) {
    int slash = part.indexOf('/');
    return slash < 0 || slash == part.length() - 1 ? part : part.substring(slash + 1);
  }

  private static String tooltip(String runId, long transition, ReportData.Front f) {
    StringBuilder b = new StringBuilder();
    b.append("transition at step ").append(transition).append(" of ").append(runId)
        .append("\n").append(f.group()).append(": front ").append(f.arrivalOrder())
        .append(" at step ").append(f.step());
    if (Double.isFinite(f.width())) {
      b.append(", width ").append(NumberLabels.compact(f.width())).append(" steps");
    }
    b.append(", lag ").append(f.lag()).append("\nseries ").append(f.series());
    return b.toString();
  }
}
