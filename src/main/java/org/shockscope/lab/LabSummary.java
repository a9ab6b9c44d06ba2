package org.shockscope.lab;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@link Lab#generate} wrote.
 *
 * @param out            the output folder
 * @param layouts        the layouts written, each in {@code out/<layout>}
 * @param runsPerFamily  trained runs per family, in generation order
 * @param divergedRuns   runs that stopped on divergence
 * @param truthEvents    rows of {@code out/truth.csv}
 * @param files          files under {@code out} after writing
 * @param bytes          their total size
 */
public record LabSummary(Path out, List<Layout> layouts, Map<Family, Integer> runsPerFamily,
                         int divergedRuns, int truthEvents, long files, long bytes) {
  /** Total runs. */
  public int runs() {
    return runsPerFamily.values().stream().mapToInt(Integer::intValue).sum();
  }
}
