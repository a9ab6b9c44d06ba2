package org.shockscope.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training lab of SPEC §8: trains every run of a {@link LabConfig} for real (plain Java on
 * float64 arrays, deterministic by seed) and writes the sweep in the chosen layouts of SPEC §3
 * ({@code out/native}, {@code out/hf}, {@code out/mlflow/mlruns}) plus {@code out/truth.csv}
 * with the transitions it knows. Runs are trained and written one at a time, so memory holds one
 * run's checkpoints at most. The same configuration writes byte-identical files.
 */
public final class Lab {
  /** The truth file, directly under the output folder. */
  static final String TRUTH_FILE = "truth.csv";

  private Lab() {}

  /**
   * Generates the sweep into {@code out}.
   *
   * @throws LabException when {@code out} already holds lab output, or on a write failure
   */
  public static LabSummary generate(LabConfig config, Path out) {
    for (Path p : ownedPaths(out)) {
      if (Files.exists(p)) {
        throw new LabException("lab output " + p + " already exists; remove it or regenerate");
      }
    }
    return write(config, config.plan(), LabConfigJson.toTree(config), out);
  }

  /**
   * Generates the randomized sweep of {@link RandomizedLab} ({@code n} runs, seeds
   * {@code seed}…{@code seed + n − 1}) into {@code out}, in {@code config}'s layouts and formats;
   * with {@code replace}, what a previous lab wrote there is deleted first.
   *
   * @throws LabException when {@code out} already holds lab output and {@code replace} is not
   *                      set, or on a write failure
   */
  public static LabSummary generateRandomized(int n, long seed, LabConfig config, Path out,
                                              boolean replace) {
    return generateRandomized(n, seed, java.util.Set.of(), config, out, replace);
  }

  /** The same, drawing only the families in {@code only} (empty: all of them). */
  public static LabSummary generateRandomized(int n, long seed, java.util.Set<Family> only,
                                              LabConfig config, Path out, boolean replace) {
    return generateRandomized(n, seed, only, RandomizedLab.MAX_STEPS, config, out, replace);
  }

  /** The same with run lengths drawn up to {@code maxSteps} ({@link RandomizedLab#plan}). */
  public static LabSummary generateRandomized(int n, long seed, java.util.Set<Family> only,
                                              int maxSteps, LabConfig config, Path out,
                                              boolean replace) {
    List<PlannedRun> plan = RandomizedLab.plan(n, seed, config.dtype(), only, maxSteps);
    for (Path p : ownedPaths(out)) {
      if (replace) {
        deleteTree(p);
      } else if (Files.exists(p)) {
        throw new LabException("lab output " + p + " already exists; remove it or regenerate");
      }
    }
    return write(config, plan, RandomizedLab.description(n, seed, only, maxSteps), out);
  }

  /**
   * Deletes what a previous lab wrote into {@code out} (its layout folders and truth.csv, and
   * nothing else) and generates the sweep anew.
   */
  public static LabSummary regenerate(LabConfig config, Path out) {
    for (Path p : ownedPaths(out)) {
      deleteTree(p);
    }
    return write(config, config.plan(), LabConfigJson.toTree(config), out);
  }

  private static List<Path> ownedPaths(Path out) {
    List<Path> paths = new ArrayList<>();
    for (Layout l : Layout.values()) {
      paths.add(out.resolve(l.label()));
    }
    paths.add(out.resolve(TRUTH_FILE));
    return paths;
  }

  private static LabSummary write(LabConfig config, List<PlannedRun> plan,
                                  Map<String, Object> description, Path out) {
    List<LayoutWriter> writers = new ArrayList<>();
    for (Layout l : config.layouts()) {
      Path root = out.resolve(l.label());
      writers.add(switch (l) {
        case NATIVE -> new NativeLayoutWriter(root, config, description);
        case HF -> new HfLayoutWriter(root, config);
        case MLFLOW -> new MlflowLayoutWriter(root, config);
      });
    }
    TruthCsvWriter truth = new TruthCsvWriter();
    Map<Family, Integer> perFamily = new EnumMap<>(Family.class);
    int diverged = 0;
    Path current = out;
    try {
      Files.createDirectories(out);
      for (int i = 0; i < plan.size(); i++) {
        TrainedRun run = plan.get(i).train();
        current = out.resolve(run.runId());
        for (LayoutWriter w : writers) {
          w.write(i, run);
        }
        truth.add(run);
        perFamily.merge(run.family(), 1, Integer::sum);
        if (run.divergenceStep() >= 0) {
          diverged++;
        }
      }
      current = out;
      for (LayoutWriter w : writers) {
        w.finish();
      }
      current = out.resolve(TRUTH_FILE);
      truth.write(current);
    } catch (IOException e) {
      throw new LabException("lab: cannot write " + current + ": " + e, e);
    }
    long[] files = new long[2];
    try (Stream<Path> s = Files.walk(out)) {
      s.filter(Files::isRegularFile).forEach(p -> {
        files[0]++;
        try {
          files[1] += Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      throw new LabException("lab: cannot list " + out + ": " + e, e);
    }
    return new LabSummary(out, config.layouts(), perFamily, diverged, truth.size(), files[0],
        files[1]);
  }

  private static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    } catch (IOException e) {
      throw new LabException("lab: cannot delete previous output " + p + ": " + e, e);
    }
  }
}
