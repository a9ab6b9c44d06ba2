package org.shockscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which runs the gallery shows. */
class GallerySelectionTest {
  private static ReportData.Run run(String id, String lr, boolean diverged, int shocks) {
    return new ReportData.Run(id, Map.of("lr", lr), 10, 100L, 0.1, diverged,
        diverged ? 50L : null, shocks, shocks > 0 ? 20L : null, null);
  }

  @Test
  void picksDivergedRunsTheMostShockedAndSpreadsTheRestOverCells() {
    List<ReportData.Run> runs = new ArrayList<>();
    String[] lrs = {"0.001", "0.01", "0.1", "1"};
    for (int i = 0; i < 400; i++) {
      String lr = lrs[i % 4];
      runs.add(run(String.format("r%03d", i), lr, lr.equals("1") && i % 8 == 3, i == 200 ? 9
          : i == 201 ? 8 : i % 5 == 0 ? 1 : 0));
    }
    List<GallerySelection.Pick> picks = GallerySelection.pick(runs, List.of("lr"), 12);
    assertEquals(12, picks.size());
    Set<String> ids = new HashSet<>();
    picks.forEach(p -> ids.add(p.run().runId()));
    assertEquals(12, ids.size(), "no run twice");
    long diverged = picks.stream().filter(p -> p.reason().equals("diverged")).count();
    assertEquals(3, diverged);
    assertTrue(picks.stream().allMatch(p -> !p.reason().equals("diverged") || p.run().diverged()));
    List<String> most = picks.stream().filter(p -> p.reason().equals("most shocks"))
        .map(p -> p.run().runId()).toList();
    assertEquals("r200", most.get(0));
    assertEquals("r201", most.get(1));
    Set<String> cells = new HashSet<>();
    picks.forEach(p -> cells.add(p.run().hyperparameters().get("lr")));
    assertEquals(4, cells.size(), "every cell represented");
    // deterministic
    List<ReportData.Run> reversed = new ArrayList<>(runs);
    java.util.Collections.reverse(reversed);
    assertEquals(picks, GallerySelection.pick(reversed, List.of("lr"), 12));
  }

  @Test
  void smallSweepsGiveEveryRunAndEmptyOnesNothing() {
    List<ReportData.Run> runs = List.of(run("a", "1", false, 0), run("b", "2", true, 3));
    assertEquals(2, GallerySelection.pick(runs, List.of("lr"), 12).size());
    assertEquals(1, GallerySelection.pick(runs, List.of(), 1).size());
    assertTrue(GallerySelection.pick(List.of(), List.of("lr"), 12).isEmpty());
  }
}
