package org.shockscope.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Chooses the runs of the gallery, deterministically: about a quarter of the places for
 * diverged runs (one per cell in turn, so that they come from different cells), a quarter for
 * the runs with the most shocks, and the rest spread evenly over the cells (cells in
 * {@link LevelOrder}, taking evenly spaced cells and their first run by id, round after
 * round).
 */
public final class GallerySelection {
  private GallerySelection() {}

  /** A chosen run and why it was chosen. */
  public record Pick(ReportData.Run run, String reason) {}

  /**
   * Picks at most {@code n} runs.
   *
   * @param runs        candidates (not modified)
   * @param cellColumns columns defining a cell
   */
  public static List<Pick> pick(List<ReportData.Run> runs, List<String> cellColumns, int n) {
    Map<List<String>, List<ReportData.Run>> byCell = new TreeMap<>(LevelOrder.CELL);
    List<ReportData.Run> sorted = new ArrayList<>(runs);
    sorted.sort(Comparator.comparing(ReportData.Run::runId));
    for (ReportData.Run r : sorted) {
      byCell.computeIfAbsent(r.values(cellColumns), k -> new ArrayList<>()).add(r);
    }
    Map<String, Pick> picked = new LinkedHashMap<>();
    int quarter = Math.max(1, n / 4);
    // diverged runs, one cell at a time
    List<List<ReportData.Run>> divergedByCell = new ArrayList<>();
    for (List<ReportData.Run> cell : byCell.values()) {
      List<ReportData.Run> d = cell.stream().filter(ReportData.Run::diverged).toList();
      if (!d.isEmpty()) {
        divergedByCell.add(d);
      }
    }
    roundRobin(divergedByCell, Math.min(n, quarter), "diverged", picked);
    // most shocks
    List<ReportData.Run> byShocks = new ArrayList<>(sorted);
    byShocks.sort(Comparator.comparingInt(ReportData.Run::shocks).reversed()
        .thenComparing(ReportData.Run::runId));
    int goal = Math.min(n, picked.size() + quarter);
    for (ReportData.Run r : byShocks) {
      if (picked.size() >= goal || r.shocks() <= 0) {
        break;
      }
      picked.putIfAbsent(r.runId(), new Pick(r, "most shocks"));
    }
    // spread over evenly spaced cells
    List<List<ReportData.Run>> cells = new ArrayList<>(byCell.values());
    int free = n - picked.size();
    if (free > 0 && !cells.isEmpty()) {
      List<List<ReportData.Run>> spaced = new ArrayList<>();
      boolean[] used = new boolean[cells.size()];
      int k = Math.min(free, cells.size());
      for (int i = 0; i < k; i++) {
        int c = (int) Math.round(i * (cells.size() - 1) / (double) Math.max(1, k - 1));
        if (!used[c]) {
          used[c] = true;
          spaced.add(cells.get(c));
        }
      }
      for (int c = 0; c < cells.size(); c++) {
        if (!used[c]) {
          spaced.add(cells.get(c));
        }
      }
      roundRobin(spaced, n, "cell sample", picked);
    }
    return new ArrayList<>(picked.values());
  }

  private static void roundRobin(List<List<ReportData.Run>> groups, int total, String reason,
                                 Map<String, Pick> picked) {
    int[] next = new int[groups.size()];
    boolean progress = true;
    while (picked.size() < total && progress) {
      progress = false;
      for (int g = 0; g < groups.size() && picked.size() < total; g++) {
        List<ReportData.Run> runs = groups.get(g);
        while (next[g] < runs.size() && picked.containsKey(runs.get(next[g]).runId())) {
          next[g]++;
        }
        if (next[g] < runs.size()) {
          ReportData.Run r = runs.get(next[g]++);
          picked.put(r.runId(), new Pick(r, reason));
          progress = true;
        }
      }
    }
  }
}
