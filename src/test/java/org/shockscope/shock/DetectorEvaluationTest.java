package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DetectorEvaluationTest {
  private static Detection det(String run, String kind, long step, String... series) {
    return new Detection(run, kind, List.of(series), step, 1.0);
  }

  private static TruthEvent truth(String run, String family, String kind, long step) {
    return new TruthEvent(run, family, kind, "", step);
  }

  @Test
  void toleranceIsTwoIntervalsOrThreePercent() {
    assertEquals(30.0, new RunSpan("r", "f", 0, 1000, 10).tolerance());
    assertEquals(50.0, new RunSpan("r", "f", 0, 1000, 25).tolerance());
  }

  /**
   * Two families. deep-linear: truths at 100 and 500 (tolerance 30), detections at 105 (match,
   * error 5/1000) and 300 (false) → P = R = F1 = 1/2. catapult: truth at 2000 of a 10 000-step
   * run (tolerance 300), detection at 2200 → P = R = F1 = 1, error 0.02; plus a run without
   * truth and one false detection.
   */
  @Test
  void scoresPerFamilyAndOverall() {
    List<RunSpan> runs = List.of(new RunSpan("a", "deep-linear", 0, 1000, 10),
        new RunSpan("b", "catapult", 0, 10_000, 10), new RunSpan("c", "catapult", 0, 10_000, 10));
    List<TruthEvent> truths = List.of(truth("a", "deep-linear", "jump", 100),
        truth("a", "deep-linear", "jump", 500), truth("b", "catapult", "spike", 2000));
    List<Detection> dets = List.of(det("a", "jump", 105), det("a", "jump", 300),
        det("b", "spike", 2200), det("c", "spike", 50));
    List<DetectionScore> scores = DetectorEvaluation.score(runs, truths, dets,
        DetectorEvaluation.SeriesMatching.IGNORE);
    assertEquals(3, scores.size());
    DetectionScore cat = scores.get(0);
    assertEquals("catapult", cat.family());
    assertEquals(1, cat.truePositives());
    assertEquals(1, cat.falsePositives());
    assertEquals(0, cat.falseNegatives());
    assertEquals(0.5, cat.precision());
    assertEquals(1.0, cat.recall());
    assertEquals(2.0 / 3.0, cat.f1(), 1e-12);
    assertEquals(0.02, cat.medianTimingError(), 1e-12);
    DetectionScore dl = scores.get(1);
    assertEquals("deep-linear", dl.family());
    assertEquals(0.5, dl.precision());
    assertEquals(0.5, dl.recall());
    assertEquals(0.5, dl.f1());
    assertEquals(0.005, dl.medianTimingError(), 1e-12);
    DetectionScore all = scores.get(2);
    assertEquals(DetectorEvaluation.OVERALL, all.family());
    assertEquals(2, all.truePositives());
    assertEquals(2, all.falsePositives());
    assertEquals(1, all.falseNegatives());
    assertEquals(0.5, all.precision());
    assertEquals(2.0 / 3.0, all.recall(), 1e-12);
    assertEquals(0.0125, all.medianTimingError(), 1e-12);
  }

  /**
   * Truths at 100 and 109, detections at 104 and 95, tolerance 10: matching the closest pair
   * first (100–104) would leave 109 without a partner (95 is 14 away); the optimal assignment
   * matches both (100–95, 109–104).
   */
  @Test
  void matchingMaximisesMatchesBeforeDistance() {
    List<TruthEvent> t = List.of(truth("r", "f", "jump", 100), truth("r", "f", "jump", 109));
    List<Detection> d = List.of(det("r", "jump", 104), det("r", "jump", 95));
    int[] a = DetectorEvaluation.assign(t, d, DetectorEvaluation.SeriesMatching.IGNORE, 10.0);
    assertArrayEquals(new int[] {1, 0}, a);
    // One detection, two candidates: it goes to the closer truth.
    int[] b = DetectorEvaluation.assign(t, List.of(det("r", "jump", 106)),
        DetectorEvaluation.SeriesMatching.IGNORE, 10.0);
    assertArrayEquals(new int[] {-1, 0}, b);
  }

  /**
   * A run of 1000 steps (tolerance 30): a sudden front at 500 (w 50) and a gradual one at 700
   * (w 300, more than 20% of the run). Found or missed, the gradual front is neither a TP nor an
   * FN, and the detection that matches it is no FP; a second detection at the sudden front is an
   * FP; a gradual front next to a sudden one never takes the sudden front's detection.
   */
  @Test
  void gradualFrontsAreNeitherFoundNorMissed() {
    RunSpan run = new RunSpan("r", "f", 0, 1000, 10);
    TruthEvent sudden = new TruthEvent("r", "f", "jump", "", 500, 50);
    TruthEvent gradual = new TruthEvent("r", "f", "jump", "", 700, 300);
    assertTrue(DetectorEvaluation.gradual(gradual, run));
    assertTrue(!DetectorEvaluation.gradual(sudden, run));
    DetectorEvaluation.RunTally both = tally(run, List.of(sudden, gradual),
        List.of(det("r", "jump", 510), det("r", "jump", 690)));
    assertEquals(List.of(1, 0, 0, 1, 1), counts(both));
    DetectorEvaluation.RunTally missed = tally(run, List.of(sudden, gradual),
        List.of(det("r", "jump", 510)));
    assertEquals(List.of(1, 0, 0, 1, 0), counts(missed));
    DetectorEvaluation.RunTally extra = tally(run, List.of(sudden, gradual),
        List.of(det("r", "jump", 505), det("r", "jump", 515)));
    assertEquals(List.of(1, 1, 0, 1, 0), counts(extra));
    // the gradual front never takes the sudden front's only detection
    TruthEvent near = new TruthEvent("r", "f", "jump", "", 520, 300);
    DetectorEvaluation.RunTally first = tally(run, List.of(near, sudden),
        List.of(det("r", "jump", 515)));
    assertEquals(List.of(1, 0, 0, 1, 0), counts(first));
  }

  private static DetectorEvaluation.RunTally tally(RunSpan run, List<TruthEvent> truth,
                                                   List<Detection> dets) {
    return DetectorEvaluation.tally(List.of(run), truth, dets,
        DetectorEvaluation.SeriesMatching.IGNORE, DetectorEvaluation.KindMatching.IGNORE).get(0);
  }

  /** TP, FP, FN, gradual rows, gradual rows found. */
  private static List<Integer> counts(DetectorEvaluation.RunTally t) {
    return List.of(t.truePositives(), t.falsePositives(), t.falseNegatives(), t.gradual(),
        t.gradualFound());
  }

  @Test
  void kindsAndSeriesMustAgree() {
    TruthEvent rank = new TruthEvent("r", "f", "jump", "fc1/effective_rank", 100);
    assertTrue(DetectorEvaluation.compatible(rank,
        det("r", "jump", 100, "fc1/effective_rank", "loss"),
        DetectorEvaluation.SeriesMatching.REQUIRE));
    assertTrue(!DetectorEvaluation.compatible(rank, det("r", "jump", 100, "loss"),
        DetectorEvaluation.SeriesMatching.REQUIRE));
    assertTrue(DetectorEvaluation.compatible(rank, det("r", "jump", 100, "loss"),
        DetectorEvaluation.SeriesMatching.IGNORE));
    assertTrue(!DetectorEvaluation.compatible(rank, det("r", "spike", 100),
        DetectorEvaluation.SeriesMatching.IGNORE));
    assertTrue(DetectorEvaluation.compatible(new TruthEvent("r", "f", "any", "", 100),
        det("r", "spike", 100), DetectorEvaluation.SeriesMatching.REQUIRE));
  }

  @Test
  void undefinedRatesAreNaN() {
    List<DetectionScore> s = DetectorEvaluation.score(List.of(new RunSpan("r", "f", 0, 100, 1)),
        List.of(), List.of(), DetectorEvaluation.SeriesMatching.IGNORE);
    assertTrue(Double.isNaN(s.get(0).precision()));
    assertTrue(Double.isNaN(s.get(0).recall()));
    assertTrue(Double.isNaN(s.get(0).f1()));
    assertTrue(Double.isNaN(s.get(0).medianTimingError()));
    List<DetectionScore> miss = DetectorEvaluation.score(
        List.of(new RunSpan("r", "f", 0, 100, 1)), List.of(truth("r", "f", "jump", 10)),
        List.of(det("r", "jump", 90)), DetectorEvaluation.SeriesMatching.IGNORE);
    assertEquals(0.0, miss.get(0).precision());
    assertEquals(0.0, miss.get(0).f1());
    List<DetectionScore> silent = DetectorEvaluation.score(
        List.of(new RunSpan("r", "f", 0, 100, 1)), List.of(truth("r", "f", "jump", 10)),
        List.of(), DetectorEvaluation.SeriesMatching.IGNORE);
    assertTrue(Double.isNaN(silent.get(0).precision()));
    assertEquals(0.0, silent.get(0).f1());
  }

  @Test
  void unknownRunsAreRejectedByName() {
    ShockDetectionException e = assertThrows(ShockDetectionException.class,
        () -> DetectorEvaluation.score(List.of(new RunSpan("r", "f", 0, 100, 1)), List.of(),
            List.of(det("ghost", "jump", 5)), DetectorEvaluation.SeriesMatching.IGNORE));
    assertTrue(e.getMessage().contains("'ghost'"), e.getMessage());
  }

  @Test
  void detectionsComeFromEventsAndTransitions() {
    ShockEvent e = new ShockEvent("rank", "fc1", ShockEvent.JUMP, 10, 5, 15, 0, 1, 1, 2, 0.5, 9,
        0.8);
    assertEquals(List.of("fc1/rank"), Detection.of("r", e).series());
    Transition tr = new Transition(10, 5, 15, ShockEvent.JUMP, 2, List.of("fc1/rank", "loss"),
        0.9);
    assertEquals(2, Detection.of("r", tr).series().size());
    assertEquals(0.9, Detection.of("r", tr).score());
  }

  /**
   * A negative control (truth "none" at t0 = 100 of a 1000-step run) with transitions at 50
   * (before t0: not counted), 150 and 900 (false alarms after t0), beside a run with one true
   * jump at 500 found at 510 as a spike: kinds ignored, it matches; kinds required, it is a miss
   * and a false alarm.
   */
  @Test
  void controlRunsCountEveryDetectionAfterT0AsAFalseAlarm() {
    List<RunSpan> runs = List.of(new RunSpan("c", "control-decay", 0, 1000, 10),
        new RunSpan("a", "deep-linear", 0, 1000, 10));
    List<TruthEvent> truths = List.of(truth("c", "control-decay", DetectorEvaluation.NONE, 100),
        truth("a", "deep-linear", "jump", 500));
    List<Detection> dets = List.of(det("c", "jump", 50), det("c", "spike", 150),
        det("c", "jump", 900), det("a", "spike", 510, "loss"));
    List<DetectorEvaluation.RunTally> t = DetectorEvaluation.tally(runs, truths, dets,
        DetectorEvaluation.SeriesMatching.IGNORE, DetectorEvaluation.KindMatching.IGNORE);
    DetectorEvaluation.RunTally control = t.get(0);
    assertTrue(control.control());
    assertEquals(0, control.truePositives());
    assertEquals(2, control.falsePositives());
    assertEquals(2, control.falseAfterT0());
    assertEquals(0, control.falseNegatives());
    DetectorEvaluation.RunTally a = t.get(1);
    assertEquals(1, a.truePositives());
    assertEquals(0, a.kindAgrees());
    assertArrayEquals(new double[] {0.01}, a.timingErrors(), 1e-12);
    DetectionScore pooled = DetectorEvaluation.pool("all", t);
    assertEquals(1.0 / 3.0, pooled.precision(), 1e-12);
    assertEquals(1.0, pooled.recall());
    List<DetectorEvaluation.RunTally> strict = DetectorEvaluation.tally(runs, truths, dets,
        DetectorEvaluation.SeriesMatching.IGNORE, DetectorEvaluation.KindMatching.REQUIRE);
    assertEquals(0, strict.get(1).truePositives());
    assertEquals(1, strict.get(1).falsePositives());
    assertEquals(1, strict.get(1).falseNegatives());
  }
}
