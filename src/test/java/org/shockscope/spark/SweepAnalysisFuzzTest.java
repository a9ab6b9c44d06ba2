package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.ShockscopeException;
import org.shockscope.sweep.FuzzSweeps;
import org.shockscope.sweep.Sweep;
import org.shockscope.sweep.SweepDiscovery;
import org.shockscope.sweep.SweepMutation.Kind;
import org.shockscope.sweep.SweepMutation.Outcome;
import org.shockscope.sweep.SweepMutator;

/**
 * Sweep-level fuzzing of the whole analyze job: a valid four-run sweep in each layout is
 * analysed once clean, then copies carrying random mutations of three of its runs (the first may hit the sweep's own files instead) (see
 * {@link SweepMutator}). Every mutated job must return normally; its {@code errors} table must
 * hold exactly the rows the mutations call for, each naming the mutated input, at the right
 * stage; and the per-run tables ({@code observables}, {@code spectra}, {@code shocks},
 * {@code transitions}, and the run-level columns of {@code runs}) of every run a mutation did
 * not touch must equal the clean job's, as must those of touched runs that must not change
 * (under their new id for renamed runs). Tables over all runs ({@code phase_stats} and the
 * models) depend on every run by design and are not compared; nor are the typed hyperparameter
 * columns of {@code runs}, whose type is decided across runs. With {@code --strict} a sweep with
 * an unusable input must fail.
 *
 * <p>{@code -Dfuzz.jobs=N} mutated jobs per layout (default 1), {@code -Dfuzz.seed=S}; the seed
 * and the mutations are in every failure message.
 */
class SweepAnalysisFuzzTest {
  /** Mutations a job gets, each on another run. */
  private static final int MUTATIONS_PER_JOB = 3;
  /**
   * Kinds the job is fuzzed with. UNREADABLE_FILE needs the failing file system, which only the
   * discovery fuzz test installs.
   */
  static final Set<Kind> JOB_KINDS = EnumSet.complementOf(EnumSet.of(Kind.UNREADABLE_FILE));
  /** The run-level columns of {@code runs}; its typed hyperparameter columns are cross-run. */
  private static final List<String> RUN_COLUMNS = List.of("run_id", "params", "n_checkpoints",
      "last_step", "final_loss", "diverged", "divergence_step", "n_shocks", "first_shock_step",
      "structure", "symmetry_dim", "symmetry_log_order");
  private static final List<String> PER_RUN = List.of(Tables.OBSERVABLES, Tables.SPECTRA,
      Tables.SHOCKS, Tables.TRANSITIONS, Tables.RUNS);

  @TempDir
  static Path dir;
  static SparkSession spark;
  static Path lab;
  static final Map<String, Sweep> CLEAN = new TreeMap<>();
  /** Layout, table, run id: the clean job's rows. */
  static final Map<String, Map<String, Map<String, List<String>>>> CLEAN_ROWS = new TreeMap<>();

  @BeforeAll
  static void start() {
    // -Dfuzz.jobs=0 (e.g. a discovery-only session) skips the class, clean jobs included
    Assumptions.assumeTrue(jobs() > 0, "fuzz.jobs=0");
    spark = SparkSession.builder().master("local[2]").appName("SweepAnalysisFuzzTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
    lab = FuzzSweeps.generate(dir.resolve("lab"));
    for (String layout : FuzzSweeps.LAYOUTS) {
      Path sweep = lab.resolve(layout);
      CLEAN.put(layout, SweepDiscovery.discover(sweep.toString(), new Configuration()));
      Path out = dir.resolve("clean-" + layout);
      analyze(sweep, out, false);
      assertEquals(0, spark.read().parquet(out.resolve(Tables.ERRORS).toString()).count(),
          layout);
      CLEAN_ROWS.put(layout, perRun(out));
    }
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  static int jobs() {
    return Integer.getInteger("fuzz.jobs", 1);
  }

  static SweepAnalysis.Summary analyze(Path sweep, Path out, boolean strict) {
    Map<String, String> cli = new LinkedHashMap<>();
    cli.put("sweep", sweep.toString());
    cli.put("out", out.toString());
    cli.put("report", "false");
    cli.put("strict", String.valueOf(strict));
    cli.put("progress_seconds", "3600");
    AnalyzeSettings s = AnalyzeSettings.resolve(cli, null, Map.of());
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return new SweepAnalysis(spark, s, quiet).run();
  }

  @Test
  void nativeJobsSurviveMutations() throws IOException {
    fuzz("native");
  }

  @Test
  void huggingFaceJobsSurviveMutations() throws IOException {
    fuzz("hf");
  }

  @Test
  void mlflowJobsSurviveMutations() throws IOException {
    fuzz("mlflow");
  }

  private static void fuzz(String layout) throws IOException {
    long seed = FuzzSweeps.seed();
    int jobs = jobs();
    Sweep clean = CLEAN.get(layout);
    Map<String, String> folders = SweepMutator.runFolders(clean);
    Map<String, String> uuids = SweepMutator.uuids(clean);
    List<Kind> kinds = new ArrayList<>(JOB_KINDS);
    List<String> failures = new ArrayList<>();
    boolean strictTried = false;
    for (int j = 0; j < jobs; j++) {
      Path copy = dir.resolve(layout + "-job" + j);
      SweepMutator.copy(lab.resolve(layout), copy);
      SweepMutator m = new SweepMutator(copy, layout, folders, uuids);
      List<Outcome> outcomes = new ArrayList<>();
      Set<String> touched = new TreeSet<>();
      for (int i = 0; i < MUTATIONS_PER_JOB; i++) {
        long ms = FuzzSweeps.mutationSeed(seed, layout + "-job" + j, i);
        int k = new SplittableRandom(ms).nextInt(kinds.size());
        Outcome o = null;
        for (int t = 0; t < kinds.size() && o == null; t++) {
          // the first mutation may hit the sweep's own files (runs.csv, sweep.json), which
          // later ones, each confined to one run, leave readable
          o = m.apply(kinds.get((k + t) % kinds.size()), ms, touched, i > 0);
        }
        outcomes.add(o);
        touched.addAll(o.touched());
      }
      String where = "fuzz.seed=" + seed + " layout=" + layout + " job " + j + " "
          + outcomes.stream().map(Outcome::mutation).toList();
      Path out = dir.resolve("out-" + layout + "-" + j);
      try {
        analyze(copy, out, false);
      } catch (RuntimeException | Error e) {
        failures.add(where + ": the job threw " + e + "\n" + trace(e));
        continue;
      }
      check(layout, out, outcomes).forEach(p -> failures.add(where + ": " + p));
      boolean discoveryError = outcomes.stream().anyMatch(o -> o.errors() > 0 && !o.readStage());
      if (discoveryError && !strictTried) {
        strictTried = true;
        try {
          analyze(copy, dir.resolve("strict-" + layout), true);
          failures.add(where + ": --strict completed despite an unusable input");
        } catch (ShockscopeException e) {
          if (!e.getMessage().startsWith("--strict:")) {
            failures.add(where + ": --strict failed with another reason: " + e.getMessage());
          }
        }
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " of " + jobs + " mutated jobs failed:\n"
        + String.join("\n", failures));
  }

  /** What is wrong with the tables the job wrote for the mutated sweep; empty when fine. */
  static List<String> check(String layout, Path out, List<Outcome> outcomes) {
    List<String> problems = new ArrayList<>();
    List<Row> errors = spark.read().parquet(out.resolve(Tables.ERRORS).toString())
        .collectAsList();
    int expected = 0;
    for (Outcome o : outcomes) {
      expected += o.errors();
      List<Row> naming = errors.stream().filter(r -> names(r.getAs("source"),
          o.errorSource())).toList();
      Set<String> stages = o.readStage() ? Set.of("read", "observables") : Set.of("discovery");
      if (naming.size() != o.errors()
          || naming.stream().anyMatch(r -> !stages.contains((String) r.getAs("stage")))) {
        problems.add(o.mutation() + ": expected " + o.errors() + " error row(s) naming "
            + o.errorSource() + " at stage " + stages + ", got " + naming);
      }
    }
    if (errors.size() != expected) {
      problems.add("expected " + expected + " error rows in all, got " + errors);
    }
    Map<String, Map<String, List<String>>> got = perRun(out);
    Map<String, Map<String, List<String>>> clean = CLEAN_ROWS.get(layout);
    Set<String> changed = new TreeSet<>();
    Map<String, String> renamed = new TreeMap<>();
    outcomes.forEach(o -> {
      changed.addAll(o.changed());
      renamed.putAll(o.renamed());
    });
    Set<String> expectedIds = new TreeSet<>();
    for (String id : clean.get(Tables.RUNS).keySet()) {
      if (changed.contains(id)) {
        continue;
      }
      String newId = renamed.getOrDefault(id, id);
      expectedIds.add(newId);
      for (String t : PER_RUN) {
        List<String> want = clean.get(t).getOrDefault(id, List.of());
        List<String> have = got.get(t).getOrDefault(newId, List.of());
        if (!want.equals(have)) {
          problems.add(t + " rows of run '" + newId + "' differ from the clean job's "
              + (newId.equals(id) ? "" : "(run '" + id + "') ") + diff(want, have));
        }
      }
    }
    for (String id : got.get(Tables.RUNS).keySet()) {
      if (!expectedIds.contains(id) && !changed.contains(id)) {
        problems.add("unexpected run '" + id + "' in the runs table");
      }
    }
    return problems;
  }

  private static String diff(List<String> want, List<String> have) {
    List<String> lost = new ArrayList<>(want);
    lost.removeAll(have);
    List<String> extra = new ArrayList<>(have);
    extra.removeAll(want);
    return want.size() + " vs " + have.size() + " rows; lost " + head(lost) + "; new "
        + head(extra);
  }

  private static List<String> head(List<String> l) {
    return l.subList(0, Math.min(3, l.size()));
  }

  private static boolean names(String source, String expected) {
    return expected != null && (source.endsWith("/" + expected)
        || source.contains("/" + expected + "/") || source.contains("/" + expected + ","));
  }

  /** Table, run id: a per-run table's rows without their run id, as sorted strings. */
  static Map<String, Map<String, List<String>>> perRun(Path out) {
    Map<String, Map<String, List<String>>> byTable = new TreeMap<>();
    for (String t : PER_RUN) {
      Dataset<Row> all = spark.read().parquet(out.resolve(t).toString());
      List<String> present = Arrays.asList(all.columns());
      Dataset<Row> d = !t.equals(Tables.RUNS) ? all : all.selectExpr(RUN_COLUMNS.stream()
          .filter(present::contains).toArray(String[]::new));
      Map<String, List<String>> byRun = new TreeMap<>();
      for (Row r : d.collectAsList()) {
        String id = r.getAs("run_id");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < r.length(); i++) {
          if (!d.columns()[i].equals("run_id")) {
            b.append(value(r.get(i))).append('|');
          }
        }
        byRun.computeIfAbsent(id, k -> new ArrayList<>()).add(b.toString());
      }
      byRun.values().forEach(l -> l.sort(null));
      byTable.put(t, byRun);
    }
    return byTable;
  }

  private static Object value(Object v) {
    if (v instanceof scala.collection.Map<?, ?> m) {
      return new TreeMap<>(scala.jdk.javaapi.CollectionConverters.asJava(m));
    }
    if (v instanceof scala.collection.Seq<?> s) {
      return scala.jdk.javaapi.CollectionConverters.asJava(s);
    }
    return v;
  }

  private static String trace(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append("  caused by ").append(t).append('\n');
      for (StackTraceElement s : Arrays.copyOf(t.getStackTrace(), Math.min(8,
          t.getStackTrace().length))) {
        b.append("    at ").append(s).append('\n');
      }
    }
    return b.toString();
  }
}
