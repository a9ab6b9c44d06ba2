package org.shockscope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.ErrorRecord;
import org.shockscope.ShockscopeException;
import org.shockscope.io.TensorFile;
import org.shockscope.io.TensorFiles;
import org.shockscope.sweep.SweepMutation.Kind;
import org.shockscope.sweep.SweepMutation.Outcome;

/**
 * Sweep-level fuzzing of discovery and the tensor readers, without Spark: random mutations of
 * a valid sweep in each layout (see {@link SweepMutator}) must be discovered without an
 * exception, give exactly the error records expected, naming the mutated file, and leave every
 * other run exactly as in the clean sweep (parameters, metric series, checkpoint files). A
 * mutated checkpoint must make the readers throw a {@link ShockscopeException}, the only kind
 * the job turns into an error row: anything else would fail a Spark task.
 *
 * <p>{@code -Dfuzz.mutations=N} mutations per layout (default 40), {@code -Dfuzz.seed=S}.
 */
class SweepDiscoveryFuzzTest {
  @TempDir
  static Path dir;
  static Path lab;
  static final Map<String, Sweep> CLEAN = new TreeMap<>();

  @BeforeAll
  static void generate() {
    lab = FuzzSweeps.generate(dir.resolve("lab"));
    for (String layout : FuzzSweeps.LAYOUTS) {
      Sweep s = SweepDiscovery.discover(lab.resolve(layout).toString(), conf());
      assertEquals(List.of(), s.errors(), layout);
      assertEquals(4, s.runs().size(), layout);
      CLEAN.put(layout, s);
    }
  }

  static Configuration conf() {
    Configuration c = new Configuration();
    c.set("fs." + FuzzFileSystem.SCHEME + ".impl", FuzzFileSystem.class.getName());
    c.setBoolean("fs." + FuzzFileSystem.SCHEME + ".impl.disable.cache", true);
    c.setInt(DiscoveryLimits.THREADS, 2);
    return c;
  }

  @Test
  void nativeSweepsSurviveEveryMutation() throws IOException {
    fuzz("native");
  }

  @Test
  void huggingFaceSweepsSurviveEveryMutation() throws IOException {
    fuzz("hf");
  }

  @Test
  void mlflowSweepsSurviveEveryMutation() throws IOException {
    fuzz("mlflow");
  }

  private static void fuzz(String layout) throws IOException {
    long seed = FuzzSweeps.seed();
    int n = FuzzSweeps.mutations(40);
    Sweep clean = CLEAN.get(layout);
    Map<String, String> folders = SweepMutator.runFolders(clean);
    Map<String, String> uuids = SweepMutator.uuids(clean);
    List<String> failures = new ArrayList<>();
    Map<Kind, Integer> tried = new TreeMap<>();
    Kind[] kinds = Kind.values();
    for (int i = 0; i < n; i++) {
      long ms = FuzzSweeps.mutationSeed(seed, layout, i);
      Path copy = dir.resolve(layout + "-" + i);
      SweepMutator.copy(lab.resolve(layout), copy);
      SweepMutator m = new SweepMutator(copy, layout, folders, uuids);
      int k = new SplittableRandom(ms).nextInt(kinds.length);
      Outcome o = null;
      for (int j = 0; j < kinds.length && o == null; j++) {
        o = m.apply(kinds[(k + j) % kinds.length], ms, Set.of(), false);
      }
      tried.merge(o.mutation().kind(), 1, Integer::sum);
      String where = "fuzz.seed=" + seed + " layout=" + layout + " #" + i + " " + o.mutation();
      try {
        List<String> problems = check(clean, copy, o);
        problems.forEach(p -> failures.add(where + ": " + p));
      } catch (RuntimeException | Error e) {
        failures.add(where + ": discovery threw " + e);
      } finally {
        FuzzFileSystem.UNREADABLE.clear();
      }
      SweepMutator.delete(copy);
    }
    assertTrue(failures.isEmpty(), failures.size() + " of " + n + " mutations failed (tried "
        + tried + "):\n" + String.join("\n", failures));
  }

  /** What is wrong with the discovery of the mutated sweep at {@code copy}; empty when fine. */
  static List<String> check(Sweep clean, Path copy, Outcome o) {
    SweepMutation mu = o.mutation();
    String uri = copy.toString();
    if (mu.kind() == Kind.UNREADABLE_FILE) {
      FuzzFileSystem.UNREADABLE.add(copy.resolve(mu.target()).toAbsolutePath().toString());
      uri = FuzzFileSystem.SCHEME + ":" + copy.toAbsolutePath();
    }
    Sweep s = SweepDiscovery.discover(uri, conf());
    List<String> problems = new ArrayList<>();
    int expected = o.readStage() ? 0 : o.errors();
    long naming = s.errors().stream().filter(e -> names(e, o.errorSource())).count();
    if (naming != expected || s.errors().size() != expected) {
      problems.add("expected " + expected + " error record(s) naming " + o.errorSource()
          + ", got " + s.errors());
    }
    Map<String, RunInfo> got = new TreeMap<>();
    s.runs().forEach(r -> got.put(r.runId(), r));
    Set<String> allowed = new TreeSet<>();
    for (RunInfo r : clean.runs()) {
      String id = r.runId();
      if (o.changed().contains(id)) {
        allowed.add(id);
        continue;
      }
      String newId = o.renamed().getOrDefault(id, id);
      allowed.add(newId);
      RunInfo m = got.get(newId);
      if (m == null) {
        problems.add("run '" + newId + "' was lost");
      } else if (o.touched().contains(id)) {
        if (!content(r).equals(content(m))) {
          problems.add("run '" + newId + "' differs: " + content(r) + " vs " + content(m));
        }
      } else if (!full(r, clean.uri()).equals(full(m, s.uri()))) {
        problems.add("untouched run '" + id + "' differs: " + full(r, clean.uri()) + " vs "
            + full(m, s.uri()));
      }
    }
    for (String id : got.keySet()) {
      if (!allowed.contains(id)) {
        problems.add("unexpected run '" + id + "'");
      }
    }
    if (o.readStage()) {
      problems.addAll(checkRead(s, o));
    }
    return problems;
  }

  /** The mutated checkpoint must be listed and make the readers throw a ShockscopeException. */
  private static List<String> checkRead(Sweep s, Outcome o) {
    String target = "/" + o.mutation().target();
    for (RunInfo r : s.runs()) {
      for (var c : r.checkpoints()) {
        if (c.files().stream().noneMatch(f -> f.endsWith(target)
            || f.contains("/" + o.errorSource() + "/"))) {
          continue;
        }
        if (o.mutation().kind() == Kind.ARCH_CHANGE) {
          return List.of();
        }
        try {
          for (String f : c.files()) {
            try (TensorFile t = TensorFiles.open(f, new Configuration())) {
              t.readAll();
            }
          }
          return List.of("checkpoint " + c.files() + " was read without an error");
        } catch (ShockscopeException e) {
          return List.of();
        } catch (RuntimeException | Error e) {
          return List.of("reading " + c.files() + " threw " + e + " at "
              + Arrays.toString(Arrays.copyOf(e.getStackTrace(), 4)));
        }
      }
    }
    return List.of("no checkpoint of the mutated sweep holds " + o.mutation().target());
  }

  private static boolean names(ErrorRecord e, String source) {
    return source != null && (e.source().endsWith("/" + source)
        || e.source().contains("/" + source + "/") || e.source().contains("/" + source + ","));
  }

  /** What a run holds, without its id and file locations. */
  static String content(RunInfo r) {
    StringBuilder b = new StringBuilder();
    b.append(r.params()).append(r.numericParams()).append('|');
    r.metrics().forEach((k, v) -> b.append(k).append(Arrays.toString(v.steps()))
        .append(Arrays.toString(v.values())));
    b.append('|');
    r.checkpoints().forEach(c -> b.append(c.step()).append(c.format()).append(c.bytes())
        .append(';'));
    return b.append('|').append(r.configJson()).toString();
  }

  /** Everything a run holds, locations relative to the sweep folder {@code root}. */
  static String full(RunInfo r, String root) {
    StringBuilder b = new StringBuilder(r.runId()).append('|')
        .append(r.location().substring(root.length())).append('|').append(content(r));
    r.checkpoints().forEach(c -> c.files().forEach(f -> b.append(f.substring(root.length()))));
    return b.toString();
  }
}
