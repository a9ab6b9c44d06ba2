package org.shockscope.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.ShockscopeException;
import org.shockscope.shock.DetectionScore;
import org.shockscope.shock.DetectorConfig;
import org.shockscope.shock.DetectorEvaluation;

/**
 * Scoring a real lab sweep analysed by the job: every detector gets a row per family and
 * overall whose counts add up to the scored truth, analytic rows only feed the width check,
 * the matching rules hold (spectral truth only matched by that mode's series, divergences at
 * their exact step), and moving a true event out of tolerance turns a hit into a miss plus a
 * false alarm.
 */
class DetectorScoringTest {
  @TempDir
  static Path dir;
  static SparkSession spark;
  static Path lab;
  static Path tables;
  static List<LabTruthFile.Row> truth;
  static DetectorScoring.Scores scores;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("DetectorScoringTest")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    lab = LabSweeps.small(dir.resolve("lab"));
    tables = dir.resolve("out");
    analyse(lab.resolve("native"), tables);
    truth = LabTruthFile.read(lab.resolve("truth.csv").toString(),
        spark.sparkContext().hadoopConfiguration());
    scores = score(truth);
  }

  /** Analyses a sweep into {@code out} as the job does, without a report, quietly. */
  static void analyse(Path sweep, Path out) {
    Map<String, String> cli = new LinkedHashMap<>();
    cli.put("sweep", sweep.toString());
    cli.put("out", out.toString());
    cli.put("report", "false");
    cli.put("progress_seconds", "3600");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    new SweepAnalysis(spark, AnalyzeSettings.resolve(cli, null, Map.of()), quiet).run();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static DetectorScoring.Scores score(List<LabTruthFile.Row> rows) {
    return score(tables, lab.resolve("native"), rows);
  }

  static DetectorScoring.Scores score(Path tables, Path sweep, List<LabTruthFile.Row> rows) {
    return new DetectorScoring(spark, DetectorConfig.DEFAULTS, "loss")
        .score(tables.toString(), sweep.toString(), rows);
  }

  static DetectionScore row(DetectorScoring.Scores s, String detector, String family,
                            String kind) {
    return s.rows().stream().filter(r -> r.detector().equals(detector)
            && r.kind().equals(kind) && r.score().family().equals(family))
        .findFirst().orElseThrow(() -> new AssertionError(detector + "/" + family + "/" + kind))
        .score();
  }

  @Test
  void everyDetectorAccountsForEveryScoredTruthRow() {
    long measured = truth.stream().filter(t -> t.source().equals("measured")).count();
    assertTrue(truth.stream().anyMatch(t -> t.source().equals("analytic")));
    assertEquals(measured, scores.truthRows());
    for (String det : List.of(DetectorScoring.OURS, "olmo-core", "megatron")) {
      DetectionScore all = row(scores, det, DetectorEvaluation.OVERALL, DetectorScoring.ALL_KINDS);
      assertEquals(measured, all.truePositives() + all.falseNegatives(), det);
      for (String family : List.of("deep-linear", "teacher-student", "catapult")) {
        long n = truth.stream().filter(t -> t.source().equals("measured")
            && t.family().equals(family)).count();
        DetectionScore f = row(scores, det, family, DetectorScoring.ALL_KINDS);
        assertEquals(n, f.truePositives() + f.falseNegatives(), det + " " + family);
      }
    }
    DetectionScore ours = row(scores, DetectorScoring.OURS, DetectorEvaluation.OVERALL,
        DetectorScoring.ALL_KINDS);
    assertTrue(ours.truePositives() > 0.6 * measured, ours.toString());
    assertTrue(ours.medianTimingError() < 0.03, ours.toString());
    // the rate rules stay silent on runs this short (they need 100 / 128 values first)
    DetectionScore olmo = row(scores, "olmo-core", DetectorEvaluation.OVERALL,
        DetectorScoring.ALL_KINDS);
    assertEquals(0.0, olmo.f1());
  }

  @Test
  void spectralTruthIsOnlyMatchedByItsOwnMode() {
    DetectionScore modes = row(scores, DetectorScoring.OURS, "deep-linear", "jump");
    assertTrue(modes.truePositives() >= 5, modes.toString());
    for (DetectorScoring.Mismatch m : scores.mismatches()) {
      if (m.runId().startsWith("deep-linear") && m.kind().equals("jump")) {
        assertTrue(m.series().matches("end_to_end\\.sv[1-5]"), m.toString());
      }
    }
    // analytic widths of the aligned depth-2 run, compared with the fitted fronts
    assertEquals(truth.stream().filter(t -> t.source().equals("analytic")).count(),
        scores.widths().size());
    long fitted = scores.widths().stream().filter(w -> !Double.isNaN(w.fittedWidth())).count();
    assertTrue(fitted >= 3, scores.widths().toString());
    for (DetectorScoring.WidthCheck w : scores.widths()) {
      assertFalse(w.relativeError() > 0.2, w.toString());
    }
  }

  @Test
  void divergencesAreFoundAtTheirExactStep() {
    List<DetectorScoring.StepCheck> div = scores.steps().stream()
        .filter(c -> c.kind().equals("divergence")).toList();
    assertFalse(div.isEmpty());
    for (DetectorScoring.StepCheck c : div) {
      assertTrue(c.within(0), c.toString());
    }
  }

  @Test
  void aTrueEventMovedOutOfToleranceBecomesAMissAndAFalseAlarm() {
    LabTruthFile.Row d = truth.stream().filter(t -> t.kind().equals("divergence")).findFirst()
        .orElseThrow();
    List<LabTruthFile.Row> moved = new ArrayList<>();
    for (LabTruthFile.Row t : truth) {
      moved.add(t != d ? t : new LabTruthFile.Row(t.runId(), t.family(), t.kind(), t.series(),
          t.step() + 40, t.source(), t.width()));
    }
    DetectorScoring.Scores s = score(moved);
    DetectionScore before = row(scores, DetectorScoring.OURS, d.family(), "divergence");
    DetectionScore after = row(s, DetectorScoring.OURS, d.family(), "divergence");
    assertEquals(before.truePositives() - 1, after.truePositives());
    assertEquals(before.falsePositives() + 1, after.falsePositives());
    assertEquals(before.falseNegatives() + 1, after.falseNegatives());
  }

  @Test
  void truthNamingAnUnknownRunIsRejectedByName() {
    List<LabTruthFile.Row> bad = new ArrayList<>(truth);
    bad.add(new LabTruthFile.Row("ghost", "catapult", "spike", "loss", 3, "measured",
        Double.NaN));
    ShockscopeException e = assertThrows(ShockscopeException.class, () -> score(bad));
    assertTrue(e.getMessage().contains("ghost"), e.getMessage());
  }

  /**
   * The user's view reads every row of the transitions table: each is a true or a false
   * positive, and every scored truth row a true positive or a miss; each bin's F1 lies in its
   * bootstrap interval; PELT's best penalty is the grid point with the highest F1.
   */
  @Test
  void theUsersViewCountsEveryTransitionOfTheTable() {
    long transitions = spark.read().parquet(tables.resolve("transitions").toString()).count();
    DetectorScoring.BinScore all = scores.view().stream()
        .filter(b -> b.detector().equals(DetectorScoring.OURS)
            && b.bin().equals("all with controls")).findFirst().orElseThrow();
    assertEquals(transitions, all.score().truePositives() + all.score().falsePositives());
    assertEquals(scores.truthRows(), all.score().truePositives() + all.score().falseNegatives());
    for (DetectorScoring.BinScore b : scores.view()) {
      // each bin's F1 lies in its bootstrap interval over the bin's runs
      double f1 = b.score().f1();
      assertTrue(Double.isNaN(f1) || b.f1Low() <= f1 && f1 <= b.f1High(),
          b.detector() + " " + b.bin() + ": " + f1 + " outside [" + b.f1Low() + ", "
              + b.f1High() + "]");
    }
    double best = scores.pelt().stream().mapToDouble(p -> p.score().f1())
        .filter(f -> !Double.isNaN(f)).max().orElseThrow();
    DetectorScoring.PenaltyPoint chosen = scores.pelt().stream()
        .filter(p -> p.factor() == scores.peltBest()).findFirst().orElseThrow();
    assertEquals(best, chosen.score().f1());
    for (String family : List.of("deep-linear", "teacher-student", "catapult")) {
      assertTrue(scores.view().stream().anyMatch(b -> b.detector().equals(DetectorScoring.PELT)
          && b.dimension().equals("family") && b.bin().equals(family)), family);
    }
    assertEquals(scores.runs(), scores.tuningSeedRuns(), "the small lab uses seed 0");
  }

  /**
   * The {@code evaluate} command end to end on the same tables: the detector table, the forecast
   * methods side by side with the practitioners' rules, the bound on loss-based warnings over the
   * lab's diverging runs, and the score rows written as CSV and JSON.
   */
  @Test
  void evaluatePrintsEverySectionAndWritesTheScoreRows(@TempDir Path out) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream console = System.out;
    int code;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      code = new picocli.CommandLine(new org.shockscope.cli.EvaluateCommand()).execute(
          "--sweep", lab.toString(), "--tables", tables.toString(),
          "--csv", out.resolve("scores.csv").toString(),
          "--json", out.resolve("scores.json").toString());
    } finally {
      System.setOut(console);
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, text);
    long diverging = truth.stream().filter(t -> t.kind().equals("divergence"))
        .map(LabTruthFile.Row::runId).distinct().count();
    assertTrue(diverging > 0);
    assertTrue(text.contains("FORECASTS: METHODS SIDE BY SIDE"), text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("precursor ")
        && l.contains("/" + diverging + " ")), text);
    assertTrue(text.lines().anyMatch(l -> l.startsWith("olmo-core ")), text);
    assertTrue(text.lines().anyMatch(l -> l.matches("bound: \\d+ of " + diverging
        + " diverging runs showed it in the logged loss .*")), text);
    List<String> csv = java.nio.file.Files.readAllLines(out.resolve("scores.csv"));
    assertEquals("detector,family,kind,tp,fp,fn,precision,recall,f1,median_timing_error",
        csv.get(0));
    assertEquals(scores.rows().size(), csv.size() - 1);
    String json = java.nio.file.Files.readString(out.resolve("scores.json"));
    assertTrue(json.matches("(?s)\\{\\s*\"runs\"\\s*:\\s*" + scores.runs() + "\\s*,.*"), json);
    // the user's view prints and writes each bin's F1 with its interval over the bin's runs
    assertTrue(text.lines().anyMatch(l -> l.startsWith("shockscope all ")
        && l.matches(".* \\d\\.\\d{3}-\\d\\.\\d{3} .*")), text);
    assertTrue(json.contains("\"f1_low\"") && json.contains("\"f1_high\""), json);
  }

  /**
   * A deep linear sweep whose runs do not say they are linear (no activation, no preset: a
   * user's own {@code nn.Linear(.., bias=False)} chains) scores as the declared one: the chain's
   * product is observed ({@code end_to_end} spectra) and its modes are found as transitions.
   */
  @Test
  void aDeepLinearSweepThatDoesNotSayItIsLinearScoresAsTheDeclaredOne(@TempDir Path work)
      throws Exception {
    Path native_ = lab.resolve("native");
    Path stripped = work.resolve("sweep");
    ObjectMapper json = new ObjectMapper();
    Files.createDirectories(stripped);
    List<String> runs = new ArrayList<>();
    try (var dirs = Files.list(native_)) {
      for (Path d : dirs.filter(Files::isDirectory).toList()) {
        String run = d.getFileName().toString();
        if (!run.startsWith("deep-linear")) {
          continue;
        }
        runs.add(run);
        Path to = Files.createDirectories(stripped.resolve(run));
        Files.createSymbolicLink(to.resolve("checkpoints"), d.resolve("checkpoints"));
        Files.copy(d.resolve("metrics.csv"), to.resolve("metrics.csv"));
        Map<String, Object> params = json.readValue(d.resolve("params.json").toFile(),
            new TypeReference<Map<String, Object>>() {});
        params.keySet().removeAll(List.of("activation", "preset"));
        json.writeValue(to.resolve("params.json").toFile(), params);
      }
    }
    assertTrue(runs.size() >= 2, runs.toString());
    Path out = work.resolve("out");
    analyse(stripped, out);

    assertTrue(spark.read().parquet(out.resolve("spectra").toString())
        .where("matrix = 'end_to_end'").count() > 0, "the product is observed");
    List<LabTruthFile.Row> rows = truth.stream().filter(t -> runs.contains(t.runId())).toList();
    DetectorScoring.Scores undeclared = score(out, stripped, rows);
    DetectionScore declared = family(scores, "deep-linear");
    DetectionScore found = family(undeclared, "deep-linear");
    assertTrue(declared.truePositives() >= 5, declared.toString());
    assertEquals(declared.truePositives(), found.truePositives(), found.toString());
    assertTrue(found.falsePositives() <= declared.falsePositives(), found.toString());
  }

  private static DetectionScore family(DetectorScoring.Scores s, String family) {
    return s.view().stream().filter(b -> b.detector().equals(DetectorScoring.OURS)
            && b.dimension().equals("family") && b.bin().equals(family)).findFirst()
        .orElseThrow(() -> new AssertionError(family)).score();
  }
}
