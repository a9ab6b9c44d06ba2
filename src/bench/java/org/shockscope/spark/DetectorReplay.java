package org.shockscope.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.shockscope.shock.DetectionScore;
import org.shockscope.shock.Detection;
import org.shockscope.shock.DetectorConfig;
import org.shockscope.shock.DetectorEvaluation;
import org.shockscope.shock.RunShocks;
import org.shockscope.shock.RunSpan;
import org.shockscope.shock.Transition;
import org.shockscope.shock.TruthEvent;
import org.shockscope.sweep.MetricSeries;
import org.shockscope.sweep.RunInfo;
import org.shockscope.sweep.Sweep;
import org.shockscope.sweep.SweepDiscovery;

/**
 * Re-runs the job's detection stage on an analysed sweep without reducing its checkpoints again,
 * and scores the result as {@code evaluate} reads the transitions table (issue 12's user view),
 * so a detector change is measured in a minute instead of a full analysis.
 *
 * <pre>
 *   export TABLES CACHE          the job's detector input (observables but the raw ones, the
 *                                mode series of the spectra, k = 8) from an analysed sweep
 *   score  CACHE LAB [DETAIL]    detection on every run (the job's RunDetection.detectRows),
 *                                scored against LAB/truth.csv with LAB/native's runs; DETAIL gets
 *                                one line per truth row and transition (TP / FP / FN)
 * </pre>
 *
 * The metrics are not in the cache: they come from the sweep, as in the job. System property
 * {@code replay.modes} (default 8) keeps mode series {@code …/sv1 … sv<k>} only;
 * {@code replay.thin} (default 1) keeps every k-th point of every series ({@link #thinned}), in
 * {@code score} and {@code probe}.
 */
public final class DetectorReplay {
  private static final Pattern MODE = Pattern.compile(".*/sv(\\d+)$");
  /** Every how many points of a series are kept ({@link #thinned}); 1 keeps them all. */
  private static final int THIN = Integer.getInteger("replay.thin", 1);

  private DetectorReplay() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 3 && args[0].equals("export")) {
      export(args[1], args[2]);
    } else if (args.length >= 4 && args[0].equals("probe")) {
      probe(args[1], args[2], args[3], args.length > 4 ? args[4] : ".*");
    } else if (args.length >= 5 && args[0].equals("dump")) {
      dump(args[1], args[2], args[3], args[4]);
    } else if (args.length >= 3 && args[0].equals("score")) {
      score(args[1], args[2], args.length > 3 ? args[3] : null);
    } else {
      System.err.println("usage: DetectorReplay export TABLES CACHE | score CACHE LAB [DETAIL] | probe CACHE LAB RUN"
          + " [REGEX] | dump CACHE LAB RUN REGEX");
      System.exit(2);
    }
  }

  private static void export(String tables, String cache) throws IOException {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("replay-export")
        .config("spark.ui.enabled", "false").getOrCreate();
    Dataset<Row> obs = spark.read().parquet(tables + "/observables")
        .filter(not(col("name").isin(RunDetection.RAW.toArray())))
        .select(col("run_id"), col("name").as("series"), col("group"), col("step"),
            col("value"));
    Dataset<Row> spectra = spark.read().parquet(tables + "/spectra");
    Dataset<Row> series = obs.unionByName(
        RunDetection.modeSeries(spectra, RunDetection.DEFAULT_MODES));
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
        new GZIPOutputStream(new FileOutputStream(cache)), 1 << 16))) {
      Iterator<Row> it = series.orderBy("run_id").toLocalIterator();
      long n = 0;
      while (it.hasNext()) {
        Row r = it.next();
        out.writeUTF(r.getString(0));
        out.writeUTF(r.getString(1));
        out.writeUTF(r.isNullAt(2) ? "\u0000" : r.getString(2));
        out.writeLong(r.getLong(3));
        out.writeDouble(r.isNullAt(4) ? Double.NaN : r.getDouble(4));
        n++;
      }
      System.err.println("exported " + n + " points");
    }
    spark.stop();
  }

  static Map<String, List<Row>> load(String cache, int modes) throws IOException {
    Map<String, List<Row>> byRun = new LinkedHashMap<>();
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(
        new GZIPInputStream(new FileInputStream(cache)), 1 << 16))) {
      while (true) {
        String run;
        try {
          run = in.readUTF();
        } catch (EOFException e) {
          break;
        }
        String series = in.readUTF();
        String group = in.readUTF();
        long step = in.readLong();
        double value = in.readDouble();
        Matcher m = MODE.matcher(series);
        if (m.matches() && Integer.parseInt(m.group(1)) > modes) {
          continue;
        }
        byRun.computeIfAbsent(run, k -> new ArrayList<>()).add(RowFactory.create(run,
            series.intern(), group.equals("\u0000") ? null : group.intern(), step,
            Double.isNaN(value) ? null : value));
      }
    }
    // as RunDetection.modeSeries: numerically zero singular values are not part of a mode
    // series (caches exported before that rule hold them)
    for (List<Row> rows : byRun.values()) {
      Map<String, Double> top = new HashMap<>();
      for (Row r : rows) {
        Matcher m = MODE.matcher(r.getString(1));
        if (m.matches() && m.group(1).equals("1") && !r.isNullAt(4)) {
          top.put(r.getString(2) + "\u0000" + r.getString(1) + "\u0000" + r.getLong(3),
              r.getDouble(4));
        }
      }
      rows.removeIf(r -> {
        Matcher m = MODE.matcher(r.getString(1));
        if (!m.matches() || r.isNullAt(4)) {
          return false;
        }
        String s1 = r.getString(1).substring(0, r.getString(1).lastIndexOf("/sv")) + "/sv1";
        Double t = top.get(r.getString(2) + "\u0000" + s1 + "\u0000" + r.getLong(3));
        return t != null && !(r.getDouble(4) > t * org.shockscope.shock.SeriesRole.MODE_RESOLUTION);
      });
    }
    return byRun;
  }

  /**
   * The lab's sweep: {@code LAB/native}, {@code LAB/hf} for the transformer families, else LAB
   * itself (a sweep of any layout with its truth.csv beside, as {@code foreign_sweeps.py} writes).
   */
  static String sweepFolder(String lab) {
    for (String layout : new String[] {"native", "hf"}) {
      if (new java.io.File(lab, layout).isDirectory()) {
        return "file://" + lab + "/" + layout;
      }
    }
    return "file://" + lab;
  }

  /** One run's rows: its cached series and its metrics from the sweep, as the job sees them. */
  private static List<Row> runRows(String cache, String lab, String runId) throws IOException {
    List<Row> rows = load(cache, Integer.getInteger("replay.modes", RunDetection.DEFAULT_MODES))
        .getOrDefault(runId, new ArrayList<>());
    for (RunInfo r : SweepDiscovery.discover(sweepFolder(lab), new Configuration())
        .runs()) {
      if (r.runId().equals(runId)) {
        addMetrics(rows, r);
      }
    }
    return rows;
  }

  /** Appends the run's metric points as rows (run_id, series, null group, step, value). */
  static void addMetrics(List<Row> rows, RunInfo r) {
    for (MetricSeries m : r.metrics().values()) {
      for (int i = 0; i < m.size(); i++) {
        rows.add(RowFactory.create(r.runId(), m.name(), null, m.steps()[i], m.values()[i]));
      }
    }
  }

  /** Prints every event (shock) of one run whose series matches the pattern, and its transitions. */
  private static void probe(String cache, String lab, String runId, String pattern)
      throws IOException {
    List<Row> rows = runRows(cache, lab, runId);
    rows = thinned(rows, THIN);
    RunShocks found = RunDetection.detectRows(rows.iterator(), config());
    Pattern p = Pattern.compile(pattern);
    for (var e : found.shocks()) {
      if (p.matcher(e.qualifiedSeries()).find()) {
        System.out.printf("%-10s %-40s step %8d [%d, %d] %.4g -> %.4g jump %.4g width %.4g "
            + "strength %.3g score %.3g%n", e.kind(), e.qualifiedSeries(), e.step(), e.stepLo(),
            e.stepHi(), e.uLeft(), e.uRight(), e.jump(), e.width(), e.strength(), e.score());
      }
    }
    for (Transition t : found.transitions()) {
      System.out.printf("TRANSITION %s %d [%d, %d] %s%n", t.kind(), t.step(), t.stepLo(),
          t.stepHi(), abbreviate(t.series()));
    }
  }

  /** Prints the points of one run's series matching the pattern: series, step, value. */
  private static void dump(String cache, String lab, String runId, String pattern)
      throws IOException {
    List<Row> rows = runRows(cache, lab, runId);
    Pattern p = Pattern.compile(pattern);
    for (Row r : rows) {
      String name = r.isNullAt(2) ? r.getString(1) : r.getString(2) + "/" + r.getString(1);
      if (p.matcher(name).find()) {
        System.out.printf("%s %d %s%n", name, r.getLong(3), r.isNullAt(4) ? "null" : r.get(4));
      }
    }
  }

  private static DetectorConfig config() {
    DetectorConfig d = DetectorConfig.DEFAULTS;
    return new DetectorConfig(dbl("minEvidence", d.minEvidence()),
        dbl("maxWidthFraction", d.maxWidthFraction()), dbl("minStrength", d.minStrength()),
        dbl("resolution", d.resolution()), (int) dbl("minSupport", d.minSupport()),
        (int) dbl("maxCandidates", d.maxCandidates()), dbl("logDecades", d.logDecades()),
        dbl("spikeThreshold", d.spikeThreshold()),
        dbl("spikeWindowFraction", d.spikeWindowFraction()),
        dbl("growthFactor", d.growthFactor()), dbl("mergeFraction", d.mergeFraction()),
        dbl("mergeIntervals", d.mergeIntervals()));
  }

  private static void score(String cache, String lab, String detail) throws IOException {
    int modes = Integer.getInteger("replay.modes", RunDetection.DEFAULT_MODES);
    long t0 = System.nanoTime();
    Map<String, List<Row>> byRun = load(cache, modes);
    Configuration conf = new Configuration();
    Sweep sweep = SweepDiscovery.discover(sweepFolder(lab), conf);
    List<LabTruthFile.Row> truthRows = DetectorScoring.scoredRows(
        LabTruthFile.read("file://" + lab + "/truth.csv", conf));
    Map<String, RunInfo> runs = new LinkedHashMap<>();
    for (RunInfo r : sweep.runs()) {
      runs.put(r.runId(), r);
      addMetrics(byRun.computeIfAbsent(r.runId(), k -> new ArrayList<>()), r);
    }
    byRun.replaceAll((id, rows) -> thinned(rows, THIN));
    long t1 = System.nanoTime();
    DetectorConfig config = config();
    Map<String, RunShocks> found = new ConcurrentHashMap<>();
    runs.keySet().parallelStream().forEach(id ->
        found.put(id, RunDetection.detectRows(byRun.get(id).iterator(), config)));
    long t2 = System.nanoTime();
    Map<String, String> familyOf = new HashMap<>();
    List<TruthEvent> truth = new ArrayList<>();
    for (LabTruthFile.Row t : truthRows) {
      familyOf.putIfAbsent(t.runId(), t.family());
      truth.add(new TruthEvent(t.runId(), t.family(), t.kind(), t.series(),
          Math.round(t.step()), t.width()));
    }
    List<RunSpan> spans = new ArrayList<>();
    List<Detection> dets = new ArrayList<>();
    for (RunInfo r : runs.values()) {
      String family = familyOf.getOrDefault(r.runId(), r.params().getOrDefault("model", "other"));
      spans.add(DetectorScoring.span(r, family));
      for (Transition tr : found.get(r.runId()).transitions()) {
        dets.add(Detection.of(r.runId(), tr));
      }
    }
    List<DetectorEvaluation.RunTally> tallies = DetectorEvaluation.tally(spans, truth, dets,
        DetectorEvaluation.SeriesMatching.IGNORE, DetectorEvaluation.KindMatching.IGNORE);
    List<DetectorScoring.BinScore> bins = new ArrayList<>();
    List<DetectorScoring.ControlRate> controls = new ArrayList<>();
    DetectorScoring.bin(DetectorScoring.OURS, tallies, runs, bins, controls);
    PrintStream o = System.out;
    o.printf("%d runs, %d truth rows, %d transitions; load %.1f s, detect %.1f s (modes %d)%n",
        runs.size(), truth.size(), dets.size(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, modes);
    o.printf("%-13s %-22s %5s %5s %5s %5s %6s %6s %6s %8s %12s%n", "dimension", "bin", "runs",
        "TP", "FP", "FN", "prec", "recall", "F1", "timing", "F1 95%");
    for (DetectorScoring.BinScore b : bins) {
      DetectionScore s = b.score();
      o.printf("%-13s %-22s %5d %5d %5d %5d %6.3f %6.3f %6.3f %7.2f%% %5.3f-%5.3f%n",
          b.dimension(), b.bin(), b.runs(), s.truePositives(), s.falsePositives(),
          s.falseNegatives(), s.precision(), s.recall(), s.f1(), 100 * s.medianTimingError(),
          b.f1Low(), b.f1High());
    }
    for (DetectorScoring.ControlRate c : controls) {
      o.printf("control %-22s %4d runs %4d false  %.2f per run%n", c.family(), c.runs(),
          c.falseAfterT0(), c.perRun());
    }
    int gradual = 0;
    int gradualFound = 0;
    for (DetectorEvaluation.RunTally t : tallies) {
      gradual += t.gradual();
      gradualFound += t.gradualFound();
    }
    o.printf("gradual fronts (width > %.0f%% of the run, not scored): %d, found %d%n",
        100 * DetectorEvaluation.SUDDEN_WIDTH_FRACTION, gradual, gradualFound);
    if (detail != null) {
      writeDetail(detail, spans, truth, found);
    }
  }

  /**
   * A perturbation check (-Dreplay.thin=k): every series of a run keeps every k-th of its points
   * in step order (its first and last always), as if the sweep had logged and checkpointed k
   * times more sparsely (k ≤ 1: the rows as they are). The truth and the scoring tolerance stay
   * those of the full run, so transitions that appear only in the thinned run point to rules
   * that depend on the sampling.
   */
  static List<Row> thinned(List<Row> rows, int k) {
    if (k <= 1) {
      return rows;
    }
    Map<String, List<Row>> bySeries = new LinkedHashMap<>();
    for (Row r : rows) {
      bySeries.computeIfAbsent(r.getString(1) + "\u0000" + r.get(2), x -> new ArrayList<>())
          .add(r);
    }
    List<Row> out = new ArrayList<>();
    for (List<Row> series : bySeries.values()) {
      series.sort(java.util.Comparator.comparingLong(r -> r.getLong(3)));
      for (int i = 0; i < series.size(); i++) {
        if (i % k == 0 || i == series.size() - 1) {
          out.add(series.get(i));
        }
      }
    }
    return out;
  }

  /** A detector option from system property {@code replay.<name>}, else its default. */
  private static double dbl(String name, double fallback) {
    String v = System.getProperty("replay." + name);
    return v == null ? fallback : Double.parseDouble(v);
  }

  /** One line per truth row (matched or FN) and per unmatched transition (FP), run by run. */
  private static void writeDetail(String file, List<RunSpan> spans, List<TruthEvent> truth,
                                  Map<String, RunShocks> found) throws IOException {
    Map<String, List<TruthEvent>> truthOf = new HashMap<>();
    for (TruthEvent t : truth) {
      truthOf.computeIfAbsent(t.runId(), k -> new ArrayList<>()).add(t);
    }
    try (PrintStream p = new PrintStream(new FileOutputStream(file))) {
      for (RunSpan s : spans) {
        List<TruthEvent> all = truthOf.getOrDefault(s.runId(), List.of());
        List<TruthEvent> tr = new ArrayList<>();
        long t0 = Long.MAX_VALUE;
        for (TruthEvent t : all) {
          if (DetectorEvaluation.NONE.equals(t.kind())) {
            t0 = Math.min(t0, t.step());
          } else {
            tr.add(t);
          }
        }
        List<Detection> ds = new ArrayList<>();
        for (Transition x : found.get(s.runId()).transitions()) {
          ds.add(Detection.of(s.runId(), x));
        }
        Set<Integer> used = new HashSet<>();
        p.printf("RUN %s %s steps %d-%d ckpt %.0f tol %.0f%n", s.runId(), s.family(),
            s.firstStep(), s.lastStep(), s.checkpointInterval(), s.tolerance());
        // Sudden fronts take their matches first, gradual ones (GTP / GFN, not scored) the rest,
        // as DetectorEvaluation scores them.
        for (boolean gradual : new boolean[] {false, true}) {
          List<TruthEvent> rows = new ArrayList<>();
          for (TruthEvent t : tr) {
            if (DetectorEvaluation.gradual(t, s) == gradual) {
              rows.add(new TruthEvent(t.runId(), t.family(), t.kind(), t.series(), t.step(),
                  t.width()));
            }
          }
          List<TruthEvent> anyKind = new ArrayList<>();
          for (TruthEvent t : rows) {
            anyKind.add(new TruthEvent(t.runId(), t.family(), "", "", t.step(), t.width()));
          }
          List<Detection> free = new ArrayList<>();
          List<Integer> index = new ArrayList<>();
          for (int j = 0; j < ds.size(); j++) {
            if (!used.contains(j)) {
              free.add(ds.get(j));
              index.add(j);
            }
          }
          int[] a = DetectorEvaluation.match(anyKind, free, s.tolerance());
          String tag = gradual ? "G" : "";
          for (int i = 0; i < rows.size(); i++) {
            TruthEvent t = rows.get(i);
            if (a[i] >= 0) {
              used.add(index.get(a[i]));
              Detection d = free.get(a[i]);
              p.printf("  %sTP %-10s %-28s %8d -> %8d %s %s%n", tag, t.kind(), t.series(),
                  t.step(), d.step(), d.kind(), abbreviate(d.series()));
            } else {
              p.printf("  %sFN %-10s %-28s %8d w %.0f%n", tag, t.kind(), t.series(), t.step(),
                  t.width());
            }
          }
        }
        for (int j = 0; j < ds.size(); j++) {
          if (!used.contains(j) && ds.get(j).step() > (t0 == Long.MAX_VALUE ? Long.MIN_VALUE
              : t0)) {
            Detection d = ds.get(j);
            p.printf("  FP %-10s %-28s %8d score %.3g %s%n", d.kind(), "", d.step(), d.score(),
                abbreviate(d.series()));
          }
        }
      }
    }
  }

  private static String abbreviate(List<String> series) {
    String s = String.join(",", series);
    return s.length() > 200 ? s.substring(0, 200) + "…(" + series.size() + ")" : s;
  }
}
