package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransitionMergerTest {
  private static ShockEvent jump(String series, String group, long step, long lo, long hi,
                                 double score) {
    return new ShockEvent(series, group, ShockEvent.JUMP, step, lo, hi, 0, 1, 1, 5, 1.25, 10,
        score);
  }

  @Test
  void mergesEventsThatHappenTogether() {
    List<ShockEvent> events = List.of(
        jump("effective_rank", "fc1", 1000, 990, 1010, 0.9),
        jump("spectral_norm", "fc1", 1030, 1020, 1040, 0.99),
        jump("loss", "", 1012, 1005, 1020, 0.7),
        jump("loss", "", 5000, 4990, 5010, 0.8));
    List<Transition> tr = TransitionMerger.merge(events, 25.0);
    assertEquals(2, tr.size(), tr.toString());
    Transition first = tr.get(0);
    // no invariant map among the members: the loss's front is where the transition is
    assertEquals(1012, first.step());
    assertEquals(990, first.stepLo());
    assertEquals(1040, first.stepHi());
    assertEquals(3, first.nSeries());
    assertEquals(List.of("fc1/effective_rank", "loss", "fc1/spectral_norm"), first.series());
    assertEquals(0.99, first.score());
    assertEquals(ShockEvent.JUMP, first.kind());
    assertEquals(5000, tr.get(1).step());
    assertEquals(1, tr.get(1).nSeries());
  }

  /**
   * A deep linear mode: the loss's front (its squared error halves early) at 327, the mode's
   * singular value and the layers' at 350-352. The transition is at the weights' 350, not at
   * the lower median 327 of all three; without weight members the metrics' median stands.
   */
  @Test
  void aTransitionSitsAtItsCheckpointSeriesFronts() {
    List<ShockEvent> events = List.of(jump("loss", "", 327, 300, 350, 0.9),
        jump("sv2", "layers/end_to_end", 350, 330, 370, 0.9),
        jump("sv2", "layers/layers.0.weight", 352, 330, 370, 0.9),
        jump("accuracy", "", 340, 320, 360, 0.9));
    List<Transition> tr = TransitionMerger.merge(events, 20.0);
    assertEquals(1, tr.size(), tr.toString());
    assertEquals(350, tr.get(0).step());
    List<Transition> metrics = TransitionMerger.merge(List.of(events.get(0), events.get(3)),
        20.0);
    assertEquals(327, metrics.get(0).step());
  }

  /**
   * A teacher–student network (teacher–student tuning lab, seed 56): its units split apart at
   * 14,020 (effective rank and second singular value of fc1.weight rise), the loss falls
   * through its midpoint at 14,816, where the specialisation is. Without an invariant map among the members, the
   * transition sits at the loss's front, not at the weights' lower median; with the end-to-end
   * map's mode among them, at the mode.
   */
  @Test
  void aTransitionWithoutAnInvariantMapSitsAtItsMetricFront() {
    List<ShockEvent> events = new ArrayList<>(List.of(
        new ShockEvent("loss", "", ShockEvent.JUMP, 14_816, 14_568, 15_064, 0.46, 1e-7, -0.46,
            1_273, 146, 24.6, 0.999),
        checkpointFront("fc1.weight/effective_rank", 14_018, 13_968, 14_112, 144),
        checkpointFront("fc1.weight/sv2", 14_020, 13_968, 14_112, 147),
        checkpointFront("fc1.weight/sv3", 14_188, 14_112, 14_256, 201)));
    List<Transition> tr = TransitionMerger.merge(events, 656.0);
    assertEquals(1, tr.size(), tr.toString());
    assertEquals(14_816, tr.get(0).step());
    events.add(front("end_to_end/sv1", 14_600, 14_400, 14_700, 0.01, 2.0, 150));
    List<Transition> withMap = TransitionMerger.merge(events, 656.0);
    assertEquals(1, withMap.size(), withMap.toString());
    assertEquals(14_600, withMap.get(0).step());
  }

  /**
   * Two modes of one end-to-end map learned one after the other (dl0 seeds 104 and 286): the
   * second half learned at 111 (front width 74, checkpoints every 74 steps), the third at 311
   * (width 127, bracketed by checkpoints 222 and 444); and 185 (width 51) then 258 (width 88).
   * Nothing else moves between them and they are apart by more than their fronts' mean width,
   * so two transitions, though the later one's bracket or width alone exceeds the distance;
   * modes moving within their fronts of each other (a catapult shaking the spectrum), or one
   * after the other while the rest of the network moves between them, stay one.
   */
  @Test
  void modesOfOneMapApartByMoreThanTheirFrontsAreTwoTransitions() {
    List<ShockEvent> sparse = List.of(front("end_to_end/sv2", 111, 74, 148, 8e-4, 0.44, 74),
        front("end_to_end/sv3", 311, 222, 444, 8e-4, 0.12, 127));
    assertEquals(List.of(111L, 311L), steps(TransitionMerger.merge(sparse, 148.0)));
    List<ShockEvent> close = List.of(front("end_to_end/sv2", 185, 168, 210, 6e-3, 0.97, 51),
        front("end_to_end/sv3", 258, 252, 294, 5e-3, 0.63, 88.5));
    assertEquals(List.of(185L, 258L), steps(TransitionMerger.merge(close, 84.0)));
    List<ShockEvent> together = List.of(front("end_to_end/sv2", 185, 168, 210, 6e-3, 0.97, 51),
        front("end_to_end/sv3", 220, 210, 252, 5e-3, 0.63, 88.5));
    assertEquals(1, TransitionMerger.merge(together, 84.0).size());
    // a head's modes filling in while another head moves between them: one reorganisation
    List<ShockEvent> busy = List.of(front("head0.qk/sv3", 208, 200, 220, 0.2, 16.5, 20),
        front("head1.ov/sv5", 230, 220, 240, 0.1, 1.3, 30),
        front("head0.qk/sv7", 243, 200, 280, 0.01, 0.55, 43));
    assertEquals(1, TransitionMerger.merge(busy, 40.0).size());
    List<ShockEvent> resting = List.of(busy.get(0), busy.get(2));
    assertEquals(2, TransitionMerger.merge(resting, 40.0).size());
  }

  private static List<Long> steps(List<Transition> transitions) {
    List<Long> out = new ArrayList<>();
    for (Transition t : transitions) {
      out.add(t.step());
    }
    return out;
  }

  private static ShockEvent front(String series, long step, long lo, long hi, double left,
                                  double right, double width) {
    return new ShockEvent(series, "layers", ShockEvent.JUMP, step, lo, hi, left, right,
        right - left, width, (right - left) * width / 4, 500, 1.0);
  }

  /**
   * A two-layer chain learning its first mode: each layer's singular value (the square root of
   * the end-to-end map's) is half learned at 220, the map's own at 247, where the truth of a
   * mode is. The transition sits at the invariant map's members, however many layer observables
   * moved earlier.
   */
  @Test
  void aTransitionSitsAtItsInvariantMapsMembers() {
    List<ShockEvent> events = new ArrayList<>();
    for (String layer : List.of("layers.0.weight", "layers.1.weight")) {
      for (String obs : List.of("fro_norm", "spectral_norm", "sv1")) {
        events.add(front(layer + "/" + obs, 220, 216, 225, 0.07, 2.2, 64));
      }
    }
    events.add(front("balanced_norm", 221, 216, 225, 0.11, 3.1, 64));
    for (String obs : List.of("fro_norm", "spectral_norm", "sv1")) {
      events.add(front("end_to_end/" + obs, 247, 240, 248, 0.01, 4.8, 51));
    }
    List<Transition> tr = TransitionMerger.merge(events, 16.0);
    assertEquals(1, tr.size(), tr.toString());
    assertEquals(247, tr.get(0).step());
  }

  /** Overlapping intervals link even beyond the tolerance; disjoint ones beyond it do not. */
  @Test
  void linksByOverlapOrTolerance() {
    List<ShockEvent> overlap = List.of(jump("a", "", 100, 60, 140, 0.9),
        jump("b", "", 170, 130, 200, 0.9));
    assertEquals(1, TransitionMerger.merge(overlap, 40.0).size());
    List<ShockEvent> apart = List.of(jump("a", "", 100, 95, 105, 0.9),
        jump("b", "", 170, 165, 175, 0.9));
    assertEquals(2, TransitionMerger.merge(apart, 40.0).size());
    assertEquals(1, TransitionMerger.merge(apart, 70.0).size());
  }

  /**
   * A jump's front (step ± width) counts as its interval: a loss falling over decades and the
   * rank switch that starts it are one transition though their centres lie beyond the
   * tolerance; the same centres with narrow fronts are two.
   */
  @Test
  void overlappingFrontsLinkBeyondTheTolerance() {
    List<ShockEvent> wide = List.of(widthJump("fc1.weight/effective_rank", 14_000, 1_100),
        widthJump("loss", 16_500, 2_000));
    assertEquals(1, TransitionMerger.merge(wide, 1_200.0).size());
    List<ShockEvent> narrow = List.of(widthJump("fc1.weight/effective_rank", 14_000, 300),
        widthJump("loss", 16_500, 300));
    assertEquals(2, TransitionMerger.merge(narrow, 1_200.0).size());
  }

  private static ShockEvent checkpointFront(String series, long step, long lo, long hi,
                                            double width) {
    return new ShockEvent(series, "fc1", ShockEvent.JUMP, step, lo, hi, 1, 0.5, -0.5, width,
        width / 4, 1000, 1.0);
  }

  private static ShockEvent widthJump(String series, long step, double width) {
    return new ShockEvent(series, "", ShockEvent.JUMP, step, step - 50, step + 50, 0, 1, 1,
        width, width / 4, 10, 0.9);
  }

  /** A badly localised event (huge interval) is clipped to step ± 2·tolerance: no chaining. */
  @Test
  void wideIntervalsDoNotChainUnrelatedEvents() {
    List<ShockEvent> events = List.of(jump("a", "", 100, 95, 105, 0.9),
        jump("vague", "", 500, 0, 10_000, 0.6), jump("b", "", 900, 895, 905, 0.9));
    assertEquals(3, TransitionMerger.merge(events, 20.0).size());
  }

  /**
   * A loss spike and jumps at the same step are one event (a catapult: the loss spikes while the
   * weights' norms change for good), named spike after the metric's excursion. A divergence at the same step stays a transition of its own.
   */
  @Test
  void jumpsAndSpikesTogetherAreOneTransitionDivergenceApart() {
    ShockEvent spike = new ShockEvent("loss", "", ShockEvent.SPIKE, 1000, 990, 1010, 1, 1, 9,
        20, Double.NaN, 12, 0.95);
    ShockEvent divergence = new ShockEvent("loss", "", ShockEvent.DIVERGENCE, 1006, 1005, 1006,
        1, 1e9, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 1.0);
    List<ShockEvent> events = List.of(jump("fro_norm", "fc1", 1000, 995, 1005, 0.9),
        jump("fro_norm", "fc2", 1004, 1000, 1010, 0.8), spike, divergence);
    List<Transition> tr = TransitionMerger.merge(events, 10.0);
    assertEquals(2, tr.size(), tr.toString());
    assertEquals(ShockEvent.SPIKE, tr.get(0).kind());
    assertEquals(List.of("fc1/fro_norm", "loss", "fc2/fro_norm"), tr.get(0).series());
    assertEquals(ShockEvent.DIVERGENCE, tr.get(1).kind());
  }

  /**
   * Two events of one series are two transitions however close (loss spikes with quiet samples
   * between them, a staircase's fronts): the per-series detector told them apart. Another
   * series' event between them joins the nearer group it links to.
   */
  @Test
  void eventsOfOneSeriesAreNeverOneTransition() {
    List<ShockEvent> events = List.of(spike("loss", "", 1000), spike("loss", "", 1030),
        jump("fro_norm", "fc1", 1032, 1028, 1036, 0.9), spike("loss", "", 1060));
    List<Transition> tr = TransitionMerger.merge(events, 50.0);
    assertEquals(3, tr.size(), tr.toString());
    assertEquals(List.of(1000L, 1030L, 1060L), tr.stream().map(Transition::step).toList());
    assertEquals(List.of("loss", "fc1/fro_norm"), tr.get(1).series());
  }

  /**
   * Loss spikes fewer than four sampling intervals apart (and closer than twice their
   * durations) are one train, one episode at its highest peak, with the weights' jump at its
   * first bounce; a spike after four quiet intervals starts a new episode.
   */
  @Test
  void aTrainOfLossSpikesIsOneEpisodeAtItsHighestPeak() {
    List<ShockEvent> events = List.of(
        height("loss", 1000, 3), height("loss", 1010, 9), height("loss", 1020, 5),
        jump("fro_norm", "fc1", 1001, 995, 1005, 0.9),
        height("loss", 1040, 2), height("loss", 1100, 4));
    List<Transition> tr = TransitionMerger.merge(events, 2.0);
    assertEquals(List.of(1010L, 1100L), tr.stream().map(Transition::step).toList(),
        tr.toString());
    assertEquals(ShockEvent.SPIKE, tr.get(0).kind());
    assertEquals(995, tr.get(0).stepLo());
    assertEquals(1045, tr.get(0).stepHi());
    assertEquals(List.of("loss", "fc1/fro_norm"), tr.get(0).series());
  }

  /**
   * A noise-free loss at 0.04 (logged every 5 steps for 2,000 steps) bouncing ×6 at step 300 and
   * ×5 at 600, 300 steps apart: while it alternates 0.04 / 0.064 from sample to sample between
   * them (a period-2 orbit at the edge of stability, under the doubling that opens an excursion)
   * it never settles, and the bounces are one episode at the higher, as the lab's truth keeps it;
   * on a flat loss they are two transitions.
   */
  @Test
  void bouncesOfALossThatNeverSettlesBetweenThemAreOneEpisode() {
    assertEquals(List.of(300L), bounceTransitions(true));
    assertEquals(List.of(300L, 600L), bounceTransitions(false));
  }

  private static List<Long> bounceTransitions(boolean oscillating) {
    long[] steps = Synthetic.regularSteps(400, 5);
    double[] loss = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      boolean high = oscillating && steps[i] >= 250 && steps[i] < 650 && i % 2 == 1;
      loss[i] = 0.04 + 0.4 * Math.exp(-steps[i] / 20.0) + (high ? 0.024 : 0.0);
    }
    loss[60] = 0.24;
    loss[120] = 0.2;
    RunShocks run = new ShockDetector(DetectorConfig.DEFAULTS)
        .detectRun(List.of(new SeriesData("loss", "", steps, loss)));
    return run.transitions().stream().map(Transition::step).toList();
  }

  /**
   * A catapult-only lab run (seed 97, noise-free GD, logged every 42 steps): out of a steep
   * decay the loss bounces 165-fold at step 252 and, three samples after coming back, 60-fold at
   * step 420 from a basin ten times deeper. The first bounce's prominence drowns in the
   * curvature of the decay before it, so the spike search finds only the second; both are one
   * train, and the lab keeps the episode at its highest logged peak. The transition is at 252,
   * the train's highest excursion, although no event lies in it.
   */
  @Test
  void anEpisodePeaksAtItsHighestBounceAlsoWhenNoEventLiesInIt() {
    List<Transition> tr = labLossTransitions(org.shockscope.lab.Family.CATAPULT, 97,
        org.shockscope.io.DType.F32, org.shockscope.lab.RandomizedLab.MAX_STEPS, 42);
    assertEquals(1, tr.size(), tr.toString());
    assertEquals(252, tr.get(0).step(), tr.toString());
    assertEquals(ShockEvent.SPIKE, tr.get(0).kind());
  }

  /**
   * A short deep linear run under heavy-ball momentum (β 0.9, randomized lab capped at 1,000
   * steps, seed 742, logged every 5 steps): converged at 1e-3, the loss rings, ×8 at step 365,
   * down to 7e-6 at 390, ×25 at 400, ×5 at 440. The fall from the first bounce is fitted as a
   * front of its own before the second bounce rises; it ends no train, and what lies between two
   * bounces of one train is one episode, at its highest bounce, as the lab's truth keeps it.
   */
  @Test
  void aLossFallingBetweenTwoBouncesOfATrainIsPartOfTheirEpisode() {
    List<Transition> tr = labLossTransitions(org.shockscope.lab.Family.DEEP_LINEAR, 742,
        org.shockscope.io.DType.F64, 1000, 5);
    List<Transition> late = tr.stream().filter(t -> t.step() > 340).toList();
    assertEquals(1, late.size(), tr.toString());
    assertEquals(365, late.get(0).step(), late.toString());
    assertEquals(ShockEvent.SPIKE, late.get(0).kind());
  }

  /**
   * A catapult-only lab run (seed 690, full-batch GD, logged every 45 steps) whose loss spans
   * less than a decade (0.19 to 0.022) and is searched on the linear scale: it bounces ×7 at
   * 2340, ×2.6 at 2430 and ×3.6 at 2565, never settling between them for twice their durations.
   * One train, one episode at its highest bounce, as on the log scale.
   */
  @Test
  void bouncesOfALossWithinADecadeFormTrainsAsOnTheLogScale() {
    List<Transition> tr = labLossTransitions(org.shockscope.lab.Family.CATAPULT, 690,
        org.shockscope.io.DType.F32, org.shockscope.lab.RandomizedLab.MAX_STEPS, 45);
    List<Long> late = tr.stream().map(Transition::step)
        .filter(s -> s > 2200 && s < 3000).toList();
    assertEquals(List.of(2340L), late, tr.toString());
  }

  /**
   * The transitions of the logged loss alone of randomized-lab run {@code seed} of
   * {@code family} (runs of at most {@code maxSteps} steps), which must be logged every
   * {@code logEvery} steps.
   */
  private static List<Transition> labLossTransitions(org.shockscope.lab.Family family,
                                                     long seed, org.shockscope.io.DType dtype,
                                                     int maxSteps, long logEvery) {
    org.shockscope.lab.TrainedRun run = org.shockscope.lab.RandomizedLab.plan(1, seed, dtype,
        java.util.Set.of(family), maxSteps).get(0).train();
    long[] steps = Synthetic.loggedSteps(run);
    assertEquals(logEvery, steps[1], "logged every " + logEvery + " steps");
    return new ShockDetector(DetectorConfig.DEFAULTS)
        .detectRun(List.of(new SeriesData("loss", "", steps, run.metrics().values())))
        .transitions();
  }

  /**
   * Edge-of-stability bounces of a converged loss, each rising and falling over ~50 steps (a
   * triangle on the log scale, ×15–44): the ones whose excursions above twice the baseline are
   * apart by less than twice their duration are one episode at the highest bounce, although
   * their half-height widths alone would leave them apart; a bounce after a long quiet stretch
   * is its own transition.
   */
  @Test
  void bouncesAreJoinedByTheirExcursionsAboveTwiceTheBaseline() {
    long[] steps = Synthetic.regularSteps(700, 9);
    double[] centers = {4140, 4473, 4662, 4833, 5022};
    double[] ratios = {40, 38, 20, 15, 44};
    double[] loss = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      double logRatio = 0.0;
      for (int k = 0; k < centers.length; k++) {
        logRatio += Math.log(ratios[k]) * Math.max(0.0, 1.0 - Math.abs(steps[i] - centers[k]) / 60.0);
      }
      loss[i] = (4e-4 + 0.4 * Math.exp(-steps[i] / 300.0)) * Math.exp(logRatio);
    }
    RunShocks run = new ShockDetector(DetectorConfig.DEFAULTS)
        .detectRun(List.of(new SeriesData("loss", "", steps, loss)));
    assertEquals(5, run.shocks().size(), run.shocks().toString());
    assertEquals(List.of(4140L, 5022L), run.transitions().stream().map(Transition::step).toList(),
        run.transitions().toString());
  }

  /**
   * A catapult as the logged loss shows it (r00071 of the tuning lab): a first excursion the
   * jump search fitted as a rising front (step 313, just before its first sample above twice the
   * basin), then a long one (steps 440–1020) whose spike peaks at 600 while the weights' top
   * mode moves twice and the loss decays as a front at 843. What lies in an excursion is one
   * event, and the two excursions, 40 steps apart, are one episode at the spike; a jump after
   * the loss is back in its basin is a transition of its own.
   */
  @Test
  void eventsInsideALossExcursionAreOneEpisode() {
    ShockEvent rise = new ShockEvent("loss", "", ShockEvent.JUMP, 313, 300, 320, 5e-10, 2e-3,
        2e-3, 20, 1e-5, 600, 1.0);
    ShockEvent spike = new ShockEvent("loss", "", ShockEvent.SPIKE, 600, 580, 620, 2.5e-3,
        1.8e-3, 1.6e-2, 267, Double.NaN, 100, 1.0);
    ShockEvent decay = new ShockEvent("loss", "", ShockEvent.JUMP, 843, 838, 860, 1.8e-3, 2.4e-5,
        -1.8e-3, 44, 2e-2, 14, 1.0);
    List<ShockEvent> events = List.of(rise, spike, decay, jump("sv1", "fc1", 623, 580, 638, 1.0),
        jump("sv1", "fc1", 843, 838, 860, 1.0), jump("fro_norm", "fc2", 1300, 1290, 1310, 1.0));
    List<Excursion> excursions = List.of(new Excursion(320, 400, 20, 7),
        new Excursion(440, 1020, 20, 7));
    List<Transition> tr = TransitionMerger.merge(events, 50.0, e -> true, excursions);
    assertEquals(List.of(600L, 1300L), tr.stream().map(Transition::step).toList(), tr.toString());
    assertEquals(ShockEvent.SPIKE, tr.get(0).kind());
    assertEquals(List.of("loss", "fc1/sv1"), tr.get(0).series());
    assertEquals(4, TransitionMerger.merge(events, 50.0, e -> true).size());
  }

  /**
   * A deep linear chain under heavy-ball momentum (randomized lab capped at 1,000 steps, seed
   * 634, checkpoints every 2 steps, loss every 3): the end-to-end map's mode is learned at 143,
   * then the loss overshoots its new basin and rings out of it, ×5 at 153 and smaller bounces
   * to 234, one train. The mode's jump, ahead of the excursion, names the transition; the
   * ringing is what followed it. When the mode moves inside the excursion (a catapult of a
   * linear network), the excursion's spike does.
   */
  @Test
  void aModeLearnedBeforeTheLossRingsOutOfItsBasinNamesTheTransition() {
    ShockEvent mode = front("end_to_end/sv1", 143, 136, 148, 0.0015, 4.3, 8.8);
    ShockEvent ring = new ShockEvent("loss", "", ShockEvent.SPIKE, 153, 150, 156, 0.091, 0.0094,
        0.37, 7.0, Double.NaN, 113, 1.0);
    ShockEvent norm = new ShockEvent("balanced_norm", "layers", ShockEvent.SPIKE, 154, 152, 156,
        2.646, 2.644, 0.25, 9.9, Double.NaN, 98, 1.0);
    List<Excursion> excursions = List.of(new Excursion(150, 160, 3, 1),
        new Excursion(168, 177, 3, 1));
    List<Transition> tr = TransitionMerger.merge(List.of(mode, ring, norm), 7.0, e -> true,
        excursions);
    assertEquals(1, tr.size(), tr.toString());
    assertEquals(143, tr.get(0).step());
    assertEquals(ShockEvent.JUMP, tr.get(0).kind());
    ShockEvent inside = front("end_to_end/sv1", 155, 151, 158, 0.0015, 4.3, 2.0);
    List<Transition> catapult = TransitionMerger.merge(List.of(inside, ring, norm), 7.0,
        e -> true, excursions);
    assertEquals(1, catapult.size(), catapult.toString());
    assertEquals(153, catapult.get(0).step());
    assertEquals(ShockEvent.SPIKE, catapult.get(0).kind());
  }

  /**
   * A linear catapult network's train of bounces (after cat400 seed 781, logged every 35 steps):
   * the loss leaves its basin ×2.8 at 140, which no spike search flags (a quiet excursion), and
   * comes back; its highest bounce, at 288, is the episode the lab keeps. fc2's norm falls ×5 and
   * fc1's spectrum moves while the loss is out at 150: those weight events are part of the
   * episode, not a transition of their own. A mode of the end-to-end map learned while the loss
   * is out (its rising jump) is a transition of its own: the loss bumping while a mode is learned
   * does not make the mode a catapult.
   */
  @Test
  void weightsMovingWhileTheLossIsQuietlyOutOfItsBasinArePartOfItsTrainsEpisode() {
    Excursion quiet = new Excursion(140, 150, Math.log(1.4), Math.log(0.025), 210, 245, 35, 1,
        true);
    Excursion bounce = new Excursion(280, 288, Math.log(9), Math.log(0.16), 320, 320, 35, 1,
        false);
    ShockEvent spike = new ShockEvent("loss", "", ShockEvent.SPIKE, 288, 280, 300, 0.009, 0.009,
        0.15, 20, Double.NaN, 40, 1.0);
    ShockEvent norm = jump("fro_norm", "fc2", 150, 140, 175, 1.0);
    ShockEvent spectrum = jump("sv8", "fc1", 152, 140, 175, 1.0);
    List<Transition> tr = TransitionMerger.merge(List.of(spike, norm, spectrum), 20.0, e -> true,
        List.of(quiet, bounce));
    assertEquals(1, tr.size(), tr.toString());
    assertEquals(288, tr.get(0).step());
    assertEquals(ShockEvent.SPIKE, tr.get(0).kind());
    assertTrue(tr.get(0).series().containsAll(List.of("loss", "fc2/fro_norm", "fc1/sv8")),
        tr.toString());

    ShockEvent mode = front("end_to_end/sv1", 151, 140, 175, 0.01, 2.0, 12);
    List<Transition> learned = TransitionMerger.merge(List.of(spike, norm, mode), 20.0,
        e -> true, List.of(quiet, bounce));
    assertEquals(List.of(151L, 288L), learned.stream().map(Transition::step).toList(),
        learned.toString());
    assertEquals(ShockEvent.JUMP, learned.get(0).kind());
  }

  /**
   * A loss logged every 42 steps spikes at 2478 and again at 3360, each an excursion of its own
   * train (21 quiet samples apart), while the weights, checkpointed every 500 steps, move across
   * both (a step-size spike and fronts between 2500 and 3500, each localised only to its
   * checkpoint gap). The sparse events reach into both excursions; the loss resolved two
   * catapults, so they stay two transitions, one at each spike.
   */
  @Test
  void sparseCheckpointEventsDoNotJoinTwoSpikesTheLossResolvedApart() {
    ShockEvent first = new ShockEvent("loss", "", ShockEvent.SPIKE, 2478, 2436, 2520, 4e-3, 4e-3,
        4.3e-2, 42, Double.NaN, 521, 1.0);
    ShockEvent second = new ShockEvent("loss", "", ShockEvent.SPIKE, 3360, 3318, 3402, 4e-3,
        4e-3, 2.9e-2, 42, Double.NaN, 12, 0.98);
    ShockEvent step = new ShockEvent("quotient_step", "fc1", ShockEvent.SPIKE, 2500, 2000, 3000,
        0.03, 0.06, 0.28, 453, Double.NaN, 15, 1.0);
    List<ShockEvent> events = List.of(first, second, step,
        checkpointFront("sv5", 2869, 2500, 3001, 1034), checkpointFront("fro_norm", 3180, 3000,
            3500, 1166), checkpointFront("balanced_norm", 3348, 3000, 3508, 1280));
    List<Excursion> excursions = List.of(new Excursion(2478, 2520, 42, 1),
        new Excursion(3360, 3402, 42, 2));
    List<Transition> tr = TransitionMerger.merge(events, 1000.0, e -> true, excursions);
    assertEquals(List.of(2478L, 3360L), tr.stream().map(Transition::step).toList(),
        tr.toString());
    assertEquals(List.of(ShockEvent.SPIKE, ShockEvent.SPIKE),
        tr.stream().map(Transition::kind).toList());
  }

  /**
   * In a run with metrics, one ordered singular value of one layer that kinks while nothing else
   * moves (random-walk weights) is no transition; a mode of the end-to-end map alone, the same
   * kink seen in two observables of the layer, or any kink in a run without metrics is one.
   */
  @Test
  void aLoneLayerObservableIsNoTransitionWhenTheRunHasMetrics() {
    long[] steps = {0, 100, 200};
    SeriesData loss = new SeriesData("loss", "", steps, new double[] {1, 1, 0.5});
    SeriesData sv1 = new SeriesData("fc1.weight/sv1", "fc1", steps, new double[] {3, 3, 3});
    SeriesRole withMetrics = SeriesRole.of(List.of(loss, sv1));
    SeriesRole weightsOnly = SeriesRole.of(List.of(sv1));
    ShockEvent kink = new ShockEvent("fc1.weight/sv7", "fc1", ShockEvent.JUMP, 100, 90, 110, 0.5,
        0.8, 0.3, 5, 0.4, 10, 1.0);
    ShockEvent norm = new ShockEvent("fc1.weight/fro_norm", "fc1", ShockEvent.JUMP, 102, 92, 112,
        4.0, 4.4, 0.4, 5, 0.5, 10, 1.0);
    ShockEvent mode = new ShockEvent("end_to_end/sv2", "layers", ShockEvent.JUMP, 100, 90, 110,
        0.1, 1.0, 0.9, 5, 1.1, 10, 1.0);
    assertEquals(0, TransitionMerger.merge(List.of(kink), 20.0, withMetrics, List.of()).size());
    assertEquals(1, TransitionMerger.merge(List.of(kink), 20.0, weightsOnly, List.of()).size());
    assertEquals(1,
        TransitionMerger.merge(List.of(kink, norm), 20.0, withMetrics, List.of()).size());
    assertEquals(1, TransitionMerger.merge(List.of(mode), 20.0, withMetrics, List.of()).size());
  }

  /**
   * A ReLU network's first layer in a smooth descent below the catapult threshold (catapult-only
   * lab, seed 448): its bulk modes adjust as the loss falls, sv7 0.376 → 0.280 and sv5 0.457 →
   * 0.553, a quarter of their level or less. A mode learned or lost changes by a large factor
   * (from its initialisation to its teacher's s_k), so in a run with metrics these are no
   * transition; the same modes doubling are one, and without metrics the weights are all there
   * is.
   */
  @Test
  void modesAdjustingByUnderAThirdOfTheirLevelAreNoTransitionWhenTheRunHasMetrics() {
    long[] steps = {0, 12, 24, 36, 48, 60};
    SeriesData falling = new SeriesData("loss", "", steps,
        new double[] {0.5, 0.2, 0.066, 0.03, 0.015, 0.01});
    SeriesData sv1 = new SeriesData("fc1.weight/sv1", "fc1", steps,
        new double[] {1.5, 1.5, 1.5, 1.5, 1.5, 1.5});
    List<ShockEvent> adjusting = List.of(
        new ShockEvent("fc1.weight/sv7", "fc1", ShockEvent.JUMP, 14, 12, 15, 0.376, 0.280,
            -0.096, 4.4, 0.1, 496, 1.0),
        new ShockEvent("fc1.weight/sv5", "fc1", ShockEvent.JUMP, 16, 12, 18, 0.457, 0.553,
            0.096, 8.0, 0.2, 672, 1.0));
    List<ShockEvent> doubling = List.of(
        new ShockEvent("fc1.weight/sv7", "fc1", ShockEvent.JUMP, 14, 12, 15, 0.376, 0.76,
            0.384, 4.4, 0.4, 496, 1.0),
        new ShockEvent("fc1.weight/sv5", "fc1", ShockEvent.JUMP, 16, 12, 18, 0.457, 0.92,
            0.463, 8.0, 0.9, 672, 1.0));
    SeriesRole withMetrics = SeriesRole.of(List.of(falling, sv1));
    assertEquals(0, TransitionMerger.merge(adjusting, 20.0, withMetrics, List.of()).size());
    assertEquals(1, TransitionMerger.merge(doubling, 20.0, withMetrics, List.of()).size());
    assertEquals(1, TransitionMerger.merge(adjusting, 20.0, SeriesRole.of(List.of(sv1)),
        List.of()).size());
  }

  /**
   * A catapult that leaves the loss where it was (a bounce below a doubling, then back to the
   * same level): the weights' norms moving for good with it are no transition of their own; the
   * same moves while the loss falls across them join the loss's front (a mode learned), and
   * without metrics the weights are all there is.
   */
  @Test
  void weightsMovingWhileTheLossStaysPutAreNoTransition() {
    long[] steps = {0, 50, 80, 100, 120, 150, 200};
    SeriesData bounced = new SeriesData("loss", "", steps,
        new double[] {0.046, 0.046, 0.046, 0.08, 0.046, 0.046, 0.046});
    SeriesData falling = new SeriesData("loss", "", steps,
        new double[] {0.3, 0.3, 0.3, 0.2, 0.1, 0.1, 0.1});
    SeriesData norm = new SeriesData("fc2.weight/fro_norm", "fc1", steps,
        new double[] {0.96, 0.96, 0.96, 1.1, 1.19, 1.19, 1.19});
    List<ShockEvent> events = List.of(
        new ShockEvent("fc2.weight/fro_norm", "fc1", ShockEvent.JUMP, 100, 90, 110, 0.96, 1.19,
            0.23, 10, 0.6, 150, 1.0),
        new ShockEvent("fc2.weight/spectral_norm", "fc1", ShockEvent.JUMP, 101, 90, 110, 0.96,
            1.19, 0.23, 10, 0.6, 150, 1.0));
    assertEquals(0, TransitionMerger.merge(events, 20.0, SeriesRole.of(List.of(bounced, norm)),
        List.of()).size());
    List<ShockEvent> withLossFront = new ArrayList<>(events);
    withLossFront.add(new ShockEvent("loss", "", ShockEvent.JUMP, 100, 80, 120, 0.3, 0.1, -0.2,
        20, 0.01, 150, 1.0));
    List<Transition> learned = TransitionMerger.merge(withLossFront, 20.0,
        SeriesRole.of(List.of(falling, norm)), List.of());
    assertEquals(1, learned.size());
    assertEquals(3, learned.get(0).series().size(), learned.toString());
    assertEquals(1, TransitionMerger.merge(events, 20.0, SeriesRole.of(List.of(norm)),
        List.of()).size());
  }

  /**
   * A student's layer mode that moves while its loss sits on its plateau is no transition, even
   * when a shape measure that follows it has a wide front reaching into the loss's later fall:
   * followers do not stretch the interval across which the loss must move.
   */
  @Test
  void followersDoNotStretchTheIntervalTheLossMustMoveAcross() {
    long[] steps = new long[30];
    double[] loss = new double[30];
    for (int i = 0; i < 30; i++) {
      steps[i] = 30L * i;
      loss[i] = steps[i] < 750 ? 0.13 : 0.01;
    }
    SeriesData metric = new SeriesData("loss", "", steps, loss);
    ShockEvent mode = new ShockEvent("fc1.weight/sv2", "fc1", ShockEvent.JUMP, 599, 559, 602,
        0.0002, 0.17, 0.17, 43, 1.8, 787, 1.0);
    ShockEvent rank = new ShockEvent("fc1.weight/effective_rank", "fc1", ShockEvent.JUMP, 666,
        645, 688, 0.95, 1.96, 1.0, 109, 27, 1000, 1.0);
    assertEquals(0, TransitionMerger.merge(List.of(mode, rank), 90.0,
        SeriesRole.of(List.of(metric)), List.of()).size());
  }

  /**
   * A transformer's heads grow from their small initialisation while the loss sits at
   * ln(vocabulary), and one head's wide front chains them into a group whose span reaches the
   * loss's later fall: across the whole span the loss moves, but not where the group's events
   * are. The group is no transition; the same events with the loss falling at them are one.
   */
  @Test
  void aWeightGroupIsNoTransitionWhenTheLossMovesOnlyAtTheFarEndOfItsSpan() {
    long[] steps = new long[41];
    double[] late = new double[41];
    double[] atGroup = new double[41];
    for (int i = 0; i < 41; i++) {
      steps[i] = 20L * i;
      late[i] = steps[i] < 500 ? 3.0 : 1.0;
      atGroup[i] = steps[i] < 140 ? 3.0 : 1.0;
    }
    List<ShockEvent> events = List.of(
        new ShockEvent("head0.qk/fro_norm", "h.1.attn", ShockEvent.JUMP, 130, 120, 140, 0.05,
            22.0, 21.95, 20, 1.0, 400, 1.0),
        new ShockEvent("head1.qk/fro_norm", "h.1.attn", ShockEvent.JUMP, 140, 130, 150, 0.05,
            20.0, 19.95, 20, 1.0, 400, 1.0),
        new ShockEvent("head0.ov/fro_norm", "h.0.attn", ShockEvent.JUMP, 250, 150, 350, 0.01,
            2.0, 1.99, 150, 5.0, 100, 1.0));
    SeriesData lateLoss = new SeriesData("loss", "", steps, late);
    SeriesData lossAtGroup = new SeriesData("loss", "", steps, atGroup);
    assertEquals(1, TransitionMerger.merge(events, 60.0, e -> true).size(), "one group");
    assertEquals(0, TransitionMerger.merge(events, 60.0, SeriesRole.of(List.of(lateLoss)),
        List.of()).size());
    assertEquals(1, TransitionMerger.merge(events, 60.0, SeriesRole.of(List.of(lossAtGroup)),
        List.of()).size());
  }

  /**
   * After an induction-head phase change (the loss's front at 215, width 25, from 3.13 to 1.64)
   * the heads keep growing further modes while the loss drifts from 1.69 to 1.54 (under a tenth
   * of its level): the group of those weight events, centred at 333 with fronts 75 wide, is no
   * transition. Its comparison window before it would reach back into the loss's front; that
   * front is the earlier transition's change, and the comparison starts where it ends. The same
   * group with the loss's front unseen (no metric event) borrows the drop and stands.
   */
  @Test
  void weightsSettlingAfterALossFrontDoNotBorrowItsDrop() {
    long[] steps = new long[101];
    double[] loss = new double[101];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = 5L * i;
      double t = steps[i];
      loss[i] = 3.13 - 1.45 * 0.5 * (1 + Math.tanh((t - 215) / 25.0)) - 1.5e-4 * Math.max(0, t - 260);
    }
    ShockEvent front = new ShockEvent("loss", "", ShockEvent.JUMP, 215, 214, 220, 3.13, 1.64,
        -1.49, 25, 9.3, 179, 1.0);
    List<ShockEvent> settling = List.of(
        new ShockEvent("head0.ov/sv6", "h.0.attn", ShockEvent.JUMP, 333, 300, 360, 0.007, 2.97,
            2.96, 75, 55, 60, 1.0),
        new ShockEvent("head1.qk/sv8", "h.0.attn", ShockEvent.JUMP, 331, 317, 346, 0.027, 0.50,
            0.47, 75, 8.8, 22, 1.0),
        new ShockEvent("head1.qk/sv4", "h.1.attn", ShockEvent.JUMP, 345, 320, 370, 0.015, 5.6,
            5.6, 75, 105, 50, 1.0));
    SeriesRole roles = SeriesRole.of(List.of(new SeriesData("loss", "", steps, loss)));
    List<ShockEvent> events = new ArrayList<>(settling);
    events.add(front);
    List<Transition> tr = TransitionMerger.merge(events, 40.0, roles, List.of());
    assertEquals(List.of(215L), tr.stream().map(Transition::step).toList(), tr.toString());
    assertEquals(1, TransitionMerger.merge(settling, 40.0, roles, List.of()).size());
  }

  /**
   * Weight events whose span starts inside the loss's front (centred at 591, 116 wide, so it
   * reaches 823) and ends after it (630–1,100): across the span the loss falls by a quarter (2.26
   * where it starts, 1.72 after it), but most of that is the front's tail, the earlier
   * transition's change. Where the front ends the loss is at 1.82 and drifts to 1.72, under a
   * tenth: the group is no transition. With the loss's front unseen the group borrows the tail
   * and stands. (PyTorch induction heads, seed 2 of src/bench/foreign_sweeps.py: the heads'
   * minor modes settling through the tail of the loss's fall.)
   */
  @Test
  void weightsStartingInsideALossFrontDoNotBorrowItsTail() {
    long[] steps = new long[301];
    double[] loss = new double[301];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = 10L * i;
      double t = steps[i];
      loss[i] = 3.17 - 1.37 * 0.5 * (1 + Math.tanh((t - 591) / 116.0))
          - 1.5e-4 * Math.max(0, t - 800);
    }
    ShockEvent front = new ShockEvent("loss", "", ShockEvent.JUMP, 591, 580, 600, 3.17, 1.80,
        -1.37, 116, 40, 179, 1.0);
    List<ShockEvent> tail = List.of(
        new ShockEvent("head0.ov/sv4", "h.0.attn", ShockEvent.JUMP, 800, 630, 970, 0.3, 1.2,
            0.9, 170, 38, 40, 1.0),
        new ShockEvent("head1.qk/sv3", "h.1.attn", ShockEvent.JUMP, 900, 700, 1100, 0.4, 1.5,
            1.1, 180, 50, 35, 1.0));
    SeriesRole roles = SeriesRole.of(List.of(new SeriesData("loss", "", steps, loss)));
    assertFalse(roles.withMetricFronts(List.of(front)).isTransition(tail));
    assertTrue(roles.isTransition(tail));
  }

  /**
   * A Hugging Face Trainer logs {@code epoch} and {@code learning_rate} beside the loss. An epoch
   * counter grows across any span; counted as a metric it made every group of weight events one
   * across which "a metric moved" (a drifting GPT-2 block with random-walk weights only: 2 false
   * transitions in 3 quiet runs, seed 4 of src/bench/foreign_sweeps.py). A head's mode that
   * jumps while the loss stays where it was is no transition, whatever the bookkeeping does; the
   * same jump with the loss falling at it is one.
   */
  @Test
  void theTrainingLoopsBookkeepingIsNoMetric() {
    long[] steps = new long[101];
    double[] flat = new double[101];
    double[] falling = new double[101];
    double[] epoch = new double[101];
    double[] lr = new double[101];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = 25L * i;
      flat[i] = 2.6 + 0.05 * Math.sin(i);
      falling[i] = steps[i] < 1250 ? 2.6 : 1.9;
      epoch[i] = steps[i] / 2500.0;
      lr[i] = 3e-4 * Math.min(1.0, steps[i] / 500.0);
    }
    List<ShockEvent> mode = List.of(new ShockEvent("head0.qk/sv2", "h.0.attn", ShockEvent.JUMP,
        1250, 1200, 1300, 0.5, 1.5, 1.0, 40, 10, 60, 1.0));
    SeriesData epochs = new SeriesData("epoch", "", steps, epoch);
    SeriesData rate = new SeriesData("train/learning_rate", "", steps, lr);
    assertEquals(0, TransitionMerger.merge(mode, 40.0, SeriesRole.of(List.of(
        new SeriesData("loss", "", steps, flat), epochs, rate)), List.of()).size());
    assertEquals(1, TransitionMerger.merge(mode, 40.0, SeriesRole.of(List.of(
        new SeriesData("loss", "", steps, falling), epochs, rate)), List.of()).size());
    for (String name : List.of("epoch", "learning_rate", "train/learning_rate", "lr-Adam",
        "total_flos", "eval_runtime", "train_samples_per_second", "global_step")) {
      assertTrue(SeriesRole.bookkeeping(name), name);
    }
    for (String name : List.of("loss", "train_loss", "eval_loss", "grad_norm", "accuracy",
        "val/acc", "perplexity")) {
      assertFalse(SeriesRole.bookkeeping(name), name);
    }
  }

  /**
   * A teacher–student run (teacher–student tuning lab, seed 848: K = 3 ReLU units, online SGD):
   * the third singular value of the student's first layer rises from 1.9e-4 to 1.0 at step 2,500
   * (the last two units split apart; the lab's truth has the split at 2,530) while the loss
   * sits on its plateau, and nothing else jumps then. One observable of one matrix jumping alone
   * is no transition, nor is a group of weight events across which no metric moves; a mode born
   * (from under 1% of its matrix's top mode to a third of it and more) is one. The same jump
   * from 0.3, or to a tenth of the top, is not.
   */
  @Test
  void aModeBornInAStudentsWeightsIsATransitionThoughTheLossWaits() {
    long[] steps = new long[61];
    double[] loss = new double[61];
    double[] top = new double[61];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = 70L * i;
      loss[i] = 0.14 * (1 + 0.05 * Math.sin(1.7 * i));
      top[i] = 1.2 + 0.3 * Math.min(1.0, steps[i] / 1500.0);
    }
    SeriesRole roles = SeriesRole.of(List.of(new SeriesData("loss", "", steps, loss),
        new SeriesData("fc1.weight/sv1", "fc1", steps, top)));
    ShockEvent born = new ShockEvent("fc1.weight/sv3", "fc1", ShockEvent.JUMP, 2500, 2430, 2570,
        1.9e-4, 1.0, 1.0, 141, 70, 40, 1.0);
    ShockEvent grown = new ShockEvent("fc1.weight/sv3", "fc1", ShockEvent.JUMP, 2500, 2430, 2570,
        0.3, 1.0, 0.7, 141, 50, 40, 1.0);
    ShockEvent small = new ShockEvent("fc1.weight/sv3", "fc1", ShockEvent.JUMP, 2500, 2430, 2570,
        1.9e-4, 0.15, 0.15, 141, 10, 40, 1.0);
    assertEquals(1, TransitionMerger.merge(List.of(born), 70.0, roles, List.of()).size());
    assertEquals(0, TransitionMerger.merge(List.of(grown), 70.0, roles, List.of()).size());
    assertEquals(0, TransitionMerger.merge(List.of(small), 70.0, roles, List.of()).size());
  }

  /**
   * A training loss that falls while the held-out loss climbs is the network memorising its
   * training set (before grokking), not a transition of what it computes; the same fall with the
   * held-out loss falling too, or in a run without held-out metrics, is one.
   */
  @Test
  void aTrainingLossFallingWhileTheHeldOutLossRisesIsMemorisation() {
    long[] steps = new long[41];
    double[] train = new double[41];
    double[] rising = new double[41];
    double[] falling = new double[41];
    for (int i = 0; i < 41; i++) {
      steps[i] = 10L * i;
      train[i] = 0.1 + 2.9 / (1.0 + Math.exp((steps[i] - 150) / 10.0));
      rising[i] = steps[i] < 140 ? 3.0 : steps[i] > 160 ? 6.0 : 4.5;
      falling[i] = steps[i] < 140 ? 3.0 : steps[i] > 160 ? 1.0 : 2.0;
    }
    SeriesData loss = new SeriesData("loss", "", steps, train);
    ShockEvent fall = new ShockEvent("loss", "", ShockEvent.JUMP, 150, 140, 160, 3.0, 0.1, -2.9,
        20, 1.0, 400, 1.0);
    assertEquals(0, TransitionMerger.merge(List.of(fall), 20.0, SeriesRole.of(List.of(loss,
        new SeriesData("val_loss", "", steps, rising))), List.of()).size());
    assertEquals(1, TransitionMerger.merge(List.of(fall), 20.0, SeriesRole.of(List.of(loss,
        new SeriesData("val_loss", "", steps, falling))), List.of()).size());
    assertEquals(1, TransitionMerger.merge(List.of(fall), 20.0, SeriesRole.of(List.of(loss)),
        List.of()).size());
  }

  /**
   * A loss bouncing at the edge of stability (a different level every sample): the medians of
   * five samples either side of a weight-only jump differ by 67% by chance, which is within two
   * of their standard errors, so the loss has not moved and the jump is no transition; the same
   * jump with the loss falling from one level to the other is one.
   */
  @Test
  void aBouncingLossWhoseSideMediansDifferByChanceHasNotMoved() {
    long[] steps = new long[31];
    double[] bouncing = new double[31];
    double[] falling = new double[31];
    double[] before = {0.02, 0.07, 0.03, 0.06, 0.025};
    double[] after = {0.065, 0.02, 0.05, 0.03, 0.07};
    for (int i = 0; i < 31; i++) {
      steps[i] = 60L * i;
      bouncing[i] = i >= 10 && i < 15 ? before[i - 10] : i >= 20 && i < 25 ? after[i - 20] : 0.04;
      falling[i] = steps[i] < 1000 ? 0.06 : 0.03;
    }
    ShockEvent norm = new ShockEvent("fc1.weight/spectral_norm", "fc1", ShockEvent.JUMP, 1044,
        945, 1074, 1.1, 1.69, 0.59, 150, 22, 11, 1.0);
    ShockEvent mode = new ShockEvent("fc1.weight/sv1", "fc1", ShockEvent.JUMP, 1044, 945, 1074,
        1.1, 1.69, 0.59, 150, 22, 11, 1.0);
    SeriesData weights = new SeriesData("fc1.weight/sv1", "fc1", steps, new double[31]);
    assertEquals(0, TransitionMerger.merge(List.of(norm, mode), 40.0,
        SeriesRole.of(List.of(new SeriesData("loss", "", steps, bouncing), weights)),
        List.of()).size());
    assertEquals(1, TransitionMerger.merge(List.of(norm, mode), 40.0,
        SeriesRole.of(List.of(new SeriesData("loss", "", steps, falling), weights)),
        List.of()).size());
  }

  /**
   * In a run with metrics, a norm of a weight matrix that settles by a few parts in ten thousand
   * (strong only because a full-batch run is noise-free) follows, and so does one that moves by
   * 9% (a readout converging through a learning-rate warm-up while the loss decays smoothly);
   * a norm that grows by half leads, as a mode learned does, and without metrics so does the
   * tiny one.
   */
  @Test
  void aNormChangeBelowAThirdOfItsLevelFollowsWhenTheRunHasMetrics() {
    long[] steps = {0, 100, 200};
    SeriesData loss = new SeriesData("loss", "", steps, new double[] {1, 1, 1});
    SeriesData norm = new SeriesData("fc1.weight/fro_norm", "fc1", steps,
        new double[] {4.027, 4.027, 4.028});
    ShockEvent settles = new ShockEvent("fc1.weight/fro_norm", "fc1", ShockEvent.JUMP, 57, 37,
        74, 4.027, 4.028, 0.0008, 37, 0.007, 45, 0.85);
    ShockEvent adjusts = new ShockEvent("fc1.weight/fro_norm", "fc1", ShockEvent.JUMP, 57, 37, 74,
        0.97, 1.054, 0.084, 37, 3.7, 45, 0.85);
    ShockEvent grows = new ShockEvent("fc1.weight/fro_norm", "fc1", ShockEvent.JUMP, 57, 37, 74,
        4.0, 6.5, 2.5, 37, 3.7, 45, 0.85);
    SeriesRole withMetrics = SeriesRole.of(List.of(loss, norm));
    assertTrue(!withMetrics.primary(settles));
    assertTrue(!withMetrics.primary(adjusts));
    assertTrue(withMetrics.primary(grows));
    assertTrue(SeriesRole.of(List.of(norm)).primary(settles));
  }

  /**
   * A short deep linear run checkpointed every 57 steps, its loss logged every 13: the loss's
   * front at 47 (width 13) is the first mode, learned before the first checkpoint after it
   * showed; the second mode's onset, located only to [57, 171], comes after it and is a second
   * transition, although the run's tolerance (two checkpoint gaps) spans both. Weights that move
   * before the loss front (a student specialising, its loss falling after) stay with it.
   */
  @Test
  void aWeightEventAfterADenselyLoggedLossFrontIsTheNextTransition() {
    ShockEvent loss = new ShockEvent("loss", "", ShockEvent.JUMP, 47, 39, 52, 2.97, 0.17, -2.8,
        13, 9.1, 900, 1.0);
    ShockEvent second = new ShockEvent("end_to_end/sv2", "layers", ShockEvent.JUMP, 139, 57, 171,
        0.002, 0.67, 0.67, 57, 9.5, Double.NaN, 1.0);
    List<Transition> tr = TransitionMerger.merge(List.of(loss, second), 114.0);
    assertEquals(List.of(47L, 139L), tr.stream().map(Transition::step).toList(), tr.toString());
    ShockEvent before = new ShockEvent("fc1.weight/sv2", "fc1", ShockEvent.JUMP, 3477, 3400,
        3550, 0.5, 1.0, 0.5, 60, 7.5, 80, 1.0);
    ShockEvent fall = new ShockEvent("loss", "", ShockEvent.JUMP, 3686, 3650, 3720, 0.3, 0.01,
        -0.29, 50, 3.6, 90, 1.0);
    assertEquals(1, TransitionMerger.merge(List.of(before, fall), 300.0).size());
  }

  /**
   * An induction-head phase change: the loss falls as one front (step 514, width 66) while the
   * heads' circuits move in two bursts (460–480 and 520–560) whose modes would otherwise make
   * two transitions (the same matrices' modes, further apart than their fronts). Inside the
   * loss's front they are one transition; a second front of the loss (a staircase) stays apart.
   */
  @Test
  void weightsMovingWhileTheLossFallsAreThatTransition() {
    ShockEvent fall = new ShockEvent("loss", "", ShockEvent.JUMP, 514, 509, 518, 2.99, 1.89,
        -1.1, 66, 18, 79, 1.0);
    ShockEvent second = new ShockEvent("loss", "", ShockEvent.JUMP, 700, 695, 705, 1.89, 0.5,
        -1.39, 20, 7, 50, 1.0);
    List<ShockEvent> events = List.of(fall, second,
        jump("head1.qk/sv4", "h.1.attn", 470, 465, 475, 1.0),
        jump("head1.qk/sv2", "h.1.attn", 540, 535, 545, 1.0),
        jump("head0.ov/sv3", "h.0.attn", 476, 471, 481, 1.0),
        jump("head0.ov/sv1", "h.0.attn", 556, 551, 561, 1.0));
    List<Transition> tr = TransitionMerger.merge(events, 20.0, e -> true, List.of());
    assertEquals(List.of(514L, 700L), tr.stream().map(Transition::step).toList(), tr.toString());
  }

  /**
   * A deep linear chain's second mode (lab seed 295: 530 steps, checkpoints every 5): the loss's
   * front at 354 (width 77) absorbs the end-to-end map's jump at 397 (width 103), the mode's
   * half crossing; the squared error halved when the mode was 29% learned. The two are apart at
   * first (a tolerance of 5 steps); the transition is the map's, as when they fall in one group
   * from the start.
   */
  @Test
  void aLossFrontThatAbsorbsAnEndToEndModeTakesTheModesStep() {
    ShockEvent fall = new ShockEvent("loss", "", ShockEvent.JUMP, 354, 351, 356, 0.0645, 0.0005,
        -0.064, 76.7, 1.2, 900, 1.0);
    ShockEvent mode = new ShockEvent("end_to_end/sv2", "layers", ShockEvent.JUMP, 397, 395, 400,
        0.0015, 0.329, 0.327, 103.3, 8.4, Double.NaN, 1.0);
    List<Transition> tr = TransitionMerger.merge(List.of(fall, mode), 5.0, e -> true,
        List.of());
    assertEquals(List.of(397L), tr.stream().map(Transition::step).toList(), tr.toString());
  }

  /**
   * A deep linear chain's second mode learned ahead of the loss's log-scale front (short-run lab
   * seed 20: the end-to-end map's onset at 215, [176, 248], width 64; the loss falling over
   * decades, its front centred at 301, width 63): weights moving just ahead of a metric front
   * are folded into it as its precursors, but the end-to-end map is the function itself, so the
   * transition is the mode's, at its half crossing; a student's units (a layer's modes) moving
   * ahead of its loss stay precursors, and the loss names the step.
   */
  @Test
  void anEndToEndModeAheadOfTheLossFrontItDrivesNamesTheTransition() {
    ShockEvent fall = new ShockEvent("loss", "", ShockEvent.JUMP, 301, 298, 304, 0.0336, 6e-7,
        -0.0336, 62.8, 0.5, 630, 1.0);
    ShockEvent mode = new ShockEvent("end_to_end/sv2", "layers", ShockEvent.JUMP, 215, 176, 248,
        0.00056, 0.496, 0.4958, 64.1, 7.9, Double.NaN, 1.0);
    List<Transition> tr = TransitionMerger.merge(List.of(fall, mode), 4.0, e -> true, List.of());
    assertEquals(List.of(215L), tr.stream().map(Transition::step).toList(), tr.toString());
    ShockEvent unit = new ShockEvent("fc1.weight/sv2", "fc1", ShockEvent.JUMP, 215, 176, 248,
        0.1, 0.9, 0.8, 64.1, 12.8, 80, 1.0);
    tr = TransitionMerger.merge(List.of(fall, unit), 4.0, e -> true, List.of());
    assertEquals(List.of(301L), tr.stream().map(Transition::step).toList(), tr.toString());
  }

  /**
   * The transition of a metric's front is at the front's centre, not at the median of the
   * weights that moved inside it: here most of the heads' bursts come early in the fall
   * (median 470), and the transition is still the loss's 514.
   */
  @Test
  void aMetricFrontThatWeightsJoinedNamesTheStep() {
    ShockEvent fall = new ShockEvent("loss", "", ShockEvent.JUMP, 514, 509, 518, 2.99, 1.89,
        -1.1, 66, 18, 79, 1.0);
    List<ShockEvent> events = List.of(fall,
        jump("head1.qk/sv4", "h.1.attn", 455, 450, 460, 1.0),
        jump("head0.ov/sv3", "h.0.attn", 462, 457, 467, 1.0),
        jump("head1.qk/sv2", "h.1.attn", 470, 465, 475, 1.0),
        jump("head0.qk/sv1", "h.0.attn", 478, 473, 483, 1.0),
        jump("head0.ov/sv1", "h.0.attn", 570, 565, 575, 1.0));
    List<Transition> tr = TransitionMerger.merge(events, 5.0, e -> true, List.of());
    assertEquals(List.of(514L), tr.stream().map(Transition::step).toList(), tr.toString());
  }

  /** A loss spike sampled every 5 steps, peak {@code height} above its base, half-width 4. */
  private static ShockEvent height(String series, long step, double height) {
    return new ShockEvent(series, "", ShockEvent.SPIKE, step, step - 5, step + 5, 1, 1, height,
        4, Double.NaN, 12, 0.95);
  }

  /**
   * In a run with metrics a mode's change by a few percent of its own level (the layer
   * adjusting) follows; a mode learned (a large factor) leads. Without metrics the weights are
   * all there is: the few-percent change leads when it clears 1% of the matrix's top mode.
   */
  @Test
  void smallRelativeModeChangesFollowWhenTheRunHasMetrics() {
    long[] steps = {0, 100, 200};
    SeriesData top = new SeriesData("w/sv1", "fc1", steps, new double[] {2, 2, 2});
    SeriesData loss = new SeriesData("loss", "", steps, new double[] {1, 1, 1});
    ShockEvent adjusts = new ShockEvent("w/sv2", "fc1", ShockEvent.JUMP, 100, 90, 110, 1.0, 1.05,
        0.05, 5, 0.06, 10, 0.9);
    ShockEvent learned = new ShockEvent("w/sv2", "fc1", ShockEvent.JUMP, 100, 90, 110, 0.01, 1.0,
        0.99, 5, 1.2, 10, 0.9);
    SeriesRole withMetrics = SeriesRole.of(List.of(top, loss));
    assertTrue(!withMetrics.primary(adjusts));
    assertTrue(withMetrics.primary(learned));
    assertTrue(SeriesRole.of(List.of(top)).primary(adjusts));
  }

  /**
   * A mode's onset from a small initialisation leads when the loss moves with it (a deep linear
   * network learning its mode) and follows when the loss stays put (a transformer's heads
   * growing from their initialisation while the loss sits at ln(vocabulary)); a constant metric
   * (a zero epoch counter) is no evidence either way.
   */
  @Test
  void aModeOnsetLeadsOnlyWhenAMetricMovesWithIt() {
    long[] steps = {0, 30, 60, 90, 120, 150, 180};
    ShockEvent onset = new ShockEvent("head0.ov/sv1", "h.0.attn", ShockEvent.JUMP, 96, 60, 120,
        0.01, 1.6, 1.59, 30, 12, Double.NaN, 1.0);
    SeriesData epoch = new SeriesData("epoch", "", steps, new double[] {0, 0, 0, 0, 0, 0, 0});
    SeriesData flat = new SeriesData("loss", "", steps,
        new double[] {3.18, 3.18, 3.17, 3.18, 3.18, 3.17, 3.18});
    SeriesData falling = new SeriesData("loss", "", steps,
        new double[] {3.18, 3.18, 3.1, 2.0, 1.2, 1.1, 1.1});
    assertTrue(!SeriesRole.of(List.of(flat, epoch)).primary(onset));
    assertTrue(SeriesRole.of(List.of(falling, epoch)).primary(onset));
    assertTrue(SeriesRole.of(List.of()).primary(onset));
  }

  @Test
  void toleranceIsTheLargerOfIntervalsAndFraction() {
    assertEquals(40.0, TransitionMerger.tolerance(1000, 20, DetectorConfig.DEFAULTS));
    assertEquals(200.0, TransitionMerger.tolerance(10_000, 20, DetectorConfig.DEFAULTS));
    ShockDetectionException e = assertThrows(ShockDetectionException.class,
        () -> TransitionMerger.merge(List.of(), -1.0));
    assertTrue(e.getMessage().contains("-1.0"), e.getMessage());
  }

  /**
   * A run whose three observables move at the same step (a mode being learned, the loss falling
   * with it) and whose loss spikes elsewhere: one jump transition listing the three series and
   * the loss, one spike transition.
   */
  @Test
  void detectRunMergesAcrossSeries() {
    Random r = new Random(3);
    long[] steps = Synthetic.regularSteps(500, 10);
    List<SeriesData> series = new ArrayList<>();
    String[] names = {"effective_rank", "spectral_norm", "stable_rank"};
    double[] centers = {2500, 2510, 2490};
    for (int k = 0; k < 3; k++) {
      double[] y = Synthetic.gaussian(Synthetic.tanh(steps, 1, 2 + k, centers[k], 20), 0.1, r);
      series.add(new SeriesData(names[k], "chain", steps, y));
    }
    double[] loss = Synthetic.gaussian(Synthetic.tanh(steps, 1.25, -0.5, 2500, 20), 0.05, r);
    loss[400] += 2;
    series.add(new SeriesData("loss", "", steps, loss));
    RunShocks run = new ShockDetector(DetectorConfig.DEFAULTS).detectRun(series);
    assertEquals(5, run.shocks().size(), run.shocks().toString());
    assertEquals(2, run.transitions().size(), run.transitions().toString());
    Transition jump = run.transitions().get(0);
    assertEquals(ShockEvent.JUMP, jump.kind());
    assertEquals(4, jump.nSeries());
    assertEquals(2500, jump.step(), 15);
    Transition spike = run.transitions().get(1);
    assertEquals(ShockEvent.SPIKE, spike.kind());
    assertEquals(List.of("loss"), spike.series());
    assertEquals(4000, spike.step());
  }

  /**
   * A broad catapult (the loss out of its basin from step 45 to 73, peaking at 63) whose spike
   * the detector saw only as its flanks, a rise fitted as a front at 58 and a fall at 68: the
   * excursion came back, so the transition is a spike, at the excursion's peak. Without the
   * excursion the two fronts are a jump.
   */
  @Test
  void anExcursionSeenOnlyByItsFlanksIsASpikeAtItsPeak() {
    ShockEvent rise = new ShockEvent("loss", "", ShockEvent.JUMP, 58, 57, 59, 0.0037, 0.23,
        0.23, 2.2, 0.13, 937, 1.0);
    ShockEvent fall = new ShockEvent("loss", "", ShockEvent.JUMP, 68, 68, 69, 0.26, 0.0039,
        -0.26, 1.8, 0.12, 905, 1.0);
    Excursion out = new Excursion(45, 63, Math.log(0.45 / 6.8e-4), Math.log(0.45), 73, 76, 1.0, 0,
        false);
    List<Transition> tr = TransitionMerger.merge(List.of(rise, fall), 4.0, e -> true,
        List.of(out));
    assertEquals(1, tr.size(), tr.toString());
    assertEquals(ShockEvent.SPIKE, tr.get(0).kind());
    assertEquals(63, tr.get(0).step());
    List<Transition> fronts = TransitionMerger.merge(List.of(rise, fall), 4.0, e -> true,
        List.of());
    assertTrue(fronts.stream().allMatch(t -> ShockEvent.JUMP.equals(t.kind())), fronts.toString());
  }

  /**
   * ln of a gradient-descent loss logged every step: an exponential decay from 0.13 to 0.0045,
   * a catapult spike (×{@code spike}) at step 12 that leaves the loss {@code left}× higher, on a
   * level it falls back from around step {@code back} (a front 4 steps wide), and optionally a
   * second bounce (×7 over that level) at step {@code bounce}.
   */
  private static double[] catapultLoss(long[] steps, double spike, double left, double back,
                                       double bounce) {
    double[] loss = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      double t = steps[i];
      double ln = Math.log(0.0045 + 0.125 * Math.exp(-t / 2.5))
          + Math.log(spike) * Math.exp(-0.5 * Math.pow((t - 12) / 1.2, 2))
          + Math.log(left) * 0.5 * (1 + Math.tanh((t - 13) / 0.7))
              * 0.5 * (1 - Math.tanh((t - back) / 4.0));
      if (bounce > 0) {
        ln += Math.log(7) * Math.exp(-0.5 * Math.pow((t - bounce) / 2.5, 2));
      }
      loss[i] = Math.exp(ln);
    }
    return loss;
  }

  /**
   * A catapult's loss spikes at step 12, comes halfway back (on the log scale) within two steps
   * and then sits 15× above its old level until it falls back from around step 26: that fall,
   * which starts before the loss is back under twice its old level, is the catapult's return,
   * not a transition of its own. A second bounce out of the raised level (×7 at step 40) is an
   * excursion of its own, and the fall after it is not the first catapult's return.
   */
  @Test
  void aCatapultsReturnFromItsRaisedLevelIsThatCatapult() {
    long[] steps = Synthetic.regularSteps(101, 1);
    ShockDetector detector = new ShockDetector(DetectorConfig.DEFAULTS);
    RunShocks one = detector.detectRun(List.of(
        new SeriesData("loss", "", steps, catapultLoss(steps, 3000, 15, 26, 0))));
    assertEquals(List.of(12L), one.transitions().stream().map(Transition::step).toList(),
        one.shocks().toString());
    RunShocks two = detector.detectRun(List.of(
        new SeriesData("loss", "", steps, catapultLoss(steps, 3000, 15, 50, 40))));
    assertEquals(2, two.transitions().size(), two.shocks().toString());
  }

  /**
   * A catapult's loss logged every 4 steps (a randomized tuning lab's run, seed 144): ×1900 at
   * step 28, halfway back (on the log scale) by step 32, but still above twice its old level
   * when a second, ×8 bounce opens at step 60; the loss's fall from that bounce starts there.
   * The first excursion reaches to where the second opens, and a fall that starts there is the
   * second bounce's return, not the first's: the two bounces stay two transitions, as the lab's
   * truth has them (29 and 61), instead of the fall joining the first and taking the second
   * along.
   */
  @Test
  void aFallStartingWhereTheNextExcursionOpensIsThatExcursionsReturn() {
    List<ShockEvent> events = List.of(
        new ShockEvent("loss", "", ShockEvent.SPIKE, 28, 24, 32, 0.0586, 0.0217, 8.39, 4.7,
            Double.NaN, 552, 1.0),
        new ShockEvent("fc1/balanced_norm", "fc1", ShockEvent.JUMP, 28, 27, 36, 1.6, 3.7, 2.1,
            2.0, Double.NaN, 882, 1.0),
        new ShockEvent("loss", "", ShockEvent.SPIKE, 60, 56, 64, 0.0107, 0.0071, 0.073, 4.0,
            Double.NaN, 101, 1.0),
        new ShockEvent("loss", "", ShockEvent.JUMP, 63, 60, 66, 0.0205, 0.0015, -0.019, 15.6,
            Double.NaN, 251, 0.999));
    List<Excursion> excursions = List.of(
        new Excursion(28, 28, 6.85, 2.13, 32, 60, 4, 0, false),
        new Excursion(60, 60, 1.51, -2.50, 64, 64, 4, 1, false));
    List<Transition> tr = TransitionMerger.merge(events, 2.0, e -> true, excursions);
    assertEquals(List.of(28L, 60L), tr.stream().map(Transition::step).toList(), tr.toString());
  }

  /**
   * A catapult's loss logged every 2 steps (a randomized tuning lab's run, seed 668) ends a
   * train of bounces with a long excursion that peaks at step 740 and is under its bound again
   * at 794; it keeps falling, two decades in a front fitted 26 steps wide and centred at 809,
   * back to the basin it left before the train. That front began before the excursion settled
   * (809 − 26 = 783): it is the excursion's return, not a transition of its own, although the
   * interval of its centre lies after 794.
   */
  @Test
  void aSlowReturnFrontThatBeganBeforeTheExcursionSettledIsItsReturn() {
    List<ShockEvent> events = List.of(
        new ShockEvent("loss", "", ShockEvent.SPIKE, 740, 738, 742, 0.0103, 0.0077, 0.0105,
            132.8, Double.NaN, 34.4, 1.0),
        new ShockEvent("loss", "", ShockEvent.JUMP, 809, 808, 811, 0.0088, 1.85e-4, -0.0086,
            26.19, Double.NaN, 5.61, 0.999));
    List<Excursion> excursions = List.of(
        new Excursion(544, 740, 0.90, -3.96, 786, 794, 2, 0, false));
    List<Transition> tr = TransitionMerger.merge(events, 4.0, e -> true, excursions);
    assertEquals(1, tr.size(), tr.toString());
    assertEquals(740, tr.get(0).step());
    assertEquals(ShockEvent.SPIKE, tr.get(0).kind());
  }

  /**
   * A catapult's loss logged every 28 steps (a randomized tuning lab's run, seed 638) bounces
   * from its basin at 0.0023 four times between steps 616 and 840, is under the last
   * excursion's bound at 896 but hangs at 0.005–0.008, three times its basin, and falls back to
   * it in a front centred at 1005, 32 steps wide. That front begins within the quiet the series
   * must keep after an excursion for the next to start a train of its own (896 + 4 × 28): the
   * fall ends the train's episode and makes no transition of its own, which the lab's truth
   * has none of either.
   */
  @Test
  void aFallBackToTheBasinSoonAfterATrainSettledEndsItsEpisode() {
    List<ShockEvent> events = List.of(
        new ShockEvent("loss", "", ShockEvent.SPIKE, 616, 588, 644, 0.00456, 0.00456, 0.21, 34.9,
            Double.NaN, 14.8, 0.999),
        new ShockEvent("loss", "", ShockEvent.SPIKE, 840, 812, 868, 0.00303, 0.0023, 0.018, 51.1,
            Double.NaN, 357, 1.0),
        new ShockEvent("loss", "", ShockEvent.JUMP, 1005, 980, 1024, 0.00597, 0.00238, -0.0036,
            32.33, Double.NaN, 170, 0.722));
    List<Excursion> excursions = List.of(
        new Excursion(616, 616, 3.84, -1.54, 644, 672, 28, 1, false),
        new Excursion(812, 840, 1.24, -3.86, 868, 896, 28, 1, false));
    List<Transition> tr = TransitionMerger.merge(events, 56.0, e -> true, excursions);
    assertEquals(List.of(616L), tr.stream().map(Transition::step).toList(), tr.toString());
  }

  /**
   * A catapult's loss logged every 2 steps (a randomized tuning lab's run, seed 81) grows
   * smoothly out of its flat basin at 0.0155 (×1.1 at step 214, ×1.5 at 222) before it first
   * doubles at step 226, peaks ×10 at 234 and comes back: the front fitted to its rise is
   * centred at 223, before the excursion opens, and is that excursion's rise, not a jump of
   * its own.
   */
  @Test
  void aRiseFrontCentredBeforeTheExcursionOpensIsThatExcursionsRise() {
    List<ShockEvent> events = List.of(
        new ShockEvent("loss", "", ShockEvent.JUMP, 223, 222, 224, 0.0158, 0.0411, 0.025, 2.6,
            Double.NaN, 13.6, 1.0),
        new ShockEvent("loss", "", ShockEvent.SPIKE, 234, 232, 236, 0.0411, 0.0411, 0.104, 10.1,
            Double.NaN, 264, 1.0),
        new ShockEvent("loss", "", ShockEvent.JUMP, 244, 244, 246, 0.0411, 0.0158, -0.025, 2.0,
            Double.NaN, 13.0, 0.958));
    List<Excursion> excursions = List.of(
        new Excursion(226, 234, 1.54, -1.93, 240, 244, 2, 0, false));
    List<Transition> tr = TransitionMerger.merge(events, 1.0, e -> true, excursions);
    assertEquals(1, tr.size(), tr.toString());
    assertEquals(234, tr.get(0).step());
    assertEquals(ShockEvent.SPIKE, tr.get(0).kind());
  }

  /**
   * A deep linear chain checkpointed every 39 steps (a randomized tuning lab's run, seed 13)
   * learns its first mode at step 175 and its second at 262, two checkpoints apart; the loss,
   * logged every 19 steps, falls through both in one front fitted 53 steps wide at 188, and
   * the layers' second modes are fitted at 235, inside that front. Two modes of the map learned
   * one after the other are two transitions: the loss's wide front does not take the second
   * into the first.
   */
  @Test
  void aLossFrontThroughTwoModesLearnedApartDoesNotMakeThemOne() {
    List<ShockEvent> events = List.of(
        front("layers.0.weight/sv1", 162, 156, 195, 0.3, 1.6, 39),
        front("end_to_end/sv1", 175, 156, 195, 0.0038, 2.39, 39),
        new ShockEvent("loss", "", ShockEvent.JUMP, 188, 171, 192, 4.33, 0.0496, -4.28, 52.6,
            Double.NaN, 998, 1.0),
        front("layers.0.weight/sv2", 235, 230, 273, 0.3, 1.3, 51.7),
        front("end_to_end/sv2", 262, 234, 273, 0.0062, 1.70, 39));
    List<Transition> tr = TransitionMerger.merge(events, 95.0, e -> true, List.of());
    assertEquals(List.of(175L, 262L), tr.stream().map(Transition::step).toList(),
        tr.toString());
  }

  /**
   * A deep linear chain checkpointed every 104 steps (a randomized tuning lab's run, seed 126)
   * learns its first mode between the checkpoints at 416 and 520 and its second between 520 and
   * 624 (the lab measured 460 and 557, fronts 25 steps wide): each front is narrower than the
   * checkpoints resolve, and their steps (450, 547) lie closer than the interval, but each rose
   * in its own interval, so they are two modes learned, not one event; the loss falling through
   * both in one front does not join them either.
   */
  @Test
  void modesThatRoseInSuccessiveCheckpointIntervalsAreTwoTransitions() {
    List<ShockEvent> events = List.of(
        front("end_to_end/sv1", 450, 416, 520, 8.5e-4, 3.58, 104),
        new ShockEvent("loss", "", ShockEvent.JUMP, 479, 473, 510, 10.9, 0.39, -10.5, 67.6,
            Double.NaN, 975, 1.0),
        front("end_to_end/sv2", 547, 520, 624, 1.0e-3, 2.87, 104));
    List<Transition> tr = TransitionMerger.merge(events, 208.0, e -> true, List.of());
    assertEquals(List.of(450L, 547L), tr.stream().map(Transition::step).toList(),
        tr.toString());
    // a front wider than its interval moved with its neighbour: one event
    List<Transition> together = TransitionMerger.merge(List.of(
        front("end_to_end/sv1", 450, 416, 520, 8.5e-4, 3.58, 300),
        front("end_to_end/sv2", 547, 520, 624, 1.0e-3, 2.87, 300)), 208.0, e -> true,
        List.of());
    assertEquals(1, together.size(), together.toString());
  }

  private static ShockEvent spike(String series, String group, long step) {
    return new ShockEvent(series, group, ShockEvent.SPIKE, step, step - 5, step + 5, 1, 1, 3, 8,
        Double.NaN, 12, 0.95);
  }

  /**
   * Issue 12, point 3: a step size and a rank that peak while a front passes are that front's
   * transition (their series listed, not their steps); a step-size spike or a rank jump far
   * from any primary event is no transition; a small jump of a mode series (below 1% of its
   * matrix's top singular value) only follows.
   */
  @Test
  void followersJoinAFrontAndNeverMakeATransitionAlone() {
    List<ShockEvent> events = List.of(
        jump("matrix/sv2", "chain", 1000, 990, 1010, 0.9),
        spike("quotient_step", "chain", 1025),
        spike("matrix/effective_rank", "chain", 985),
        spike("quotient_step", "chain", 3000),
        jump("matrix/stable_rank", "chain", 5000, 4990, 5010, 0.9),
        new ShockEvent("matrix/sv7", "chain", ShockEvent.JUMP, 7000, 6990, 7010, 0, 0.1, 0.1,
            5, 0.125, 10, 0.9));
    double[] top = new double[20];
    java.util.Arrays.fill(top, 50.0);
    long[] steps = new long[20];
    for (int i = 0; i < 20; i++) {
      steps[i] = 500L * i;
    }
    SeriesRole roles = SeriesRole.of(List.of(new SeriesData("matrix/sv1", "chain", steps, top)));
    List<Transition> tr = TransitionMerger.merge(events, 20.0, roles::primary);
    assertEquals(1, tr.size(), tr.toString());
    assertEquals(1000, tr.get(0).step());
    assertEquals(990, tr.get(0).stepLo());
    assertEquals(List.of("chain/matrix/effective_rank", "chain/matrix/sv2",
        "chain/quotient_step"), tr.get(0).series());
    // the same mode jump is primary when the matrix's scale is its own size
    assertEquals(2, TransitionMerger.merge(events, 20.0, SeriesRole.of(List.of())::primary)
        .size());
  }

  @Test
  void velocitiesAndSpectralShapesFollow() {
    for (String f : List.of("quotient_step", "raw_step", "drift_fraction", "W1W2/stable_rank",
        "h0.qk/participation_ratio", "fc1.weight/alpha", "fc1.weight/spectral_entropy",
        "fc1.weight/mp_softrank", "fc1.weight/num_spikes")) {
      assertTrue(SeriesRole.follower(f), f);
    }
    for (String p : List.of("loss", "W1W2/sv1", "fc1.weight/fro_norm", "balanced_norm")) {
      assertTrue(!SeriesRole.follower(p), p);
    }
  }

  /**
   * Grokking with held-out metrics (issue 13): the held-out accuracy's front at 760 and the
   * weights reorganising around it until 1000 are one transition, at the held-out front: that
   * metric is the generalisation, the weights lead and lag it.
   */
  @Test
  void aHeldOutFrontNamesItsTransition() {
    List<ShockEvent> events = List.of(
        new ShockEvent("val_accuracy", "", ShockEvent.JUMP, 760, 755, 765, 0.0, 1.0, 1.0, 170,
            42.5, 150, 1.0),
        new ShockEvent("sv7", "wte", ShockEvent.JUMP, 900, 850, 950, 1.0, 2.0, 1.0, 60, 15, 50,
            1.0),
        new ShockEvent("sv8", "mlp", ShockEvent.JUMP, 950, 900, 1000, 1.0, 2.0, 1.0, 60, 15, 50,
            1.0),
        new ShockEvent("sv3", "head", ShockEvent.JUMP, 1000, 950, 1050, 1.0, 2.0, 1.0, 60, 15,
            50, 1.0));
    List<Transition> tr = TransitionMerger.merge(events, 100.0);
    assertEquals(1, tr.size(), tr.toString());
    assertEquals(760, tr.get(0).step());
  }

  private static SeriesData exponential(String name, long[] steps, double start, double tau) {
    double[] v = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      v[i] = start * Math.exp(-steps[i] / tau);
    }
    return new SeriesData(name, "", steps, v);
  }

  /**
   * Weights reorganising after a model has fitted its training set, while its training loss and
   * its held-out loss both keep falling steadily (a tenth of their level across any few hundred
   * steps): with a held-out metric logged, a group of weight events alone is no transition; with
   * only the training loss, the loss's fall still confirms it.
   */
  @Test
  void weightEventsAloneAreNoTransitionWhenTheRunLogsHeldOutMetrics() {
    long[] steps = Synthetic.regularSteps(51, 50);
    SeriesData loss = exponential("loss", steps, 0.1, 1500);
    SeriesData val = exponential("val_loss", steps, 10.0, 1000);
    List<ShockEvent> events = List.of(
        new ShockEvent("sv8", "wte", ShockEvent.JUMP, 835, 800, 850, 1.0, 2.0, 1.0, 50, 12.5, 50,
            1.0),
        new ShockEvent("fro_norm", "mlp", ShockEvent.JUMP, 840, 800, 850, 5.0, 4.0, -1.0, 50,
            12.5, 50, 1.0));
    assertEquals(0, TransitionMerger.merge(events, 100.0, SeriesRole.of(List.of(loss, val)),
        List.of()).size());
    assertEquals(1, TransitionMerger.merge(events, 100.0, SeriesRole.of(List.of(loss)),
        List.of()).size());
  }

  /**
   * An early grokking: the held-out loss climbs from 3.4 to 6.3 while the training loss falls
   * through its front at 120 and turns down right after it, so its medians either side of the
   * front differ by less than a tenth. It never fell: the front is memorisation, as is a spike
   * the held-out loss's peak makes beside it; with the held-out loss falling across the front it
   * is a transition.
   */
  @Test
  void aHeldOutLossThatDoesNotFallMakesTheTrainingFrontMemorisation() {
    long[] steps = new long[41];
    double[] train = new double[41];
    double[] peaked = new double[41];
    double[] falling = new double[41];
    for (int i = 0; i < 41; i++) {
      steps[i] = 10L * i;
      train[i] = 0.1 + 2.9 / (1.0 + Math.exp((steps[i] - 120) / 10.0));
      peaked[i] = steps[i] <= 120 ? 3.4 + 2.9 * steps[i] / 120.0
          : 6.3 - 1.0 * (steps[i] - 120) / 70.0;
      falling[i] = 3.0 - 2.0 / (1.0 + Math.exp(-(steps[i] - 120) / 10.0));
    }
    SeriesData loss = new SeriesData("loss", "", steps, train);
    ShockEvent fall = new ShockEvent("loss", "", ShockEvent.JUMP, 120, 110, 130, 3.0, 0.1, -2.9,
        34, 1.0, 400, 1.0);
    ShockEvent peak = new ShockEvent("val_loss", "", ShockEvent.SPIKE, 125, 115, 135, 6.0, 5.5,
        1.0, 70, Double.NaN, 70, 1.0);
    SeriesRole memorising = SeriesRole.of(List.of(loss,
        new SeriesData("val_loss", "", steps, peaked)));
    assertEquals(0, TransitionMerger.merge(List.of(fall), 20.0, memorising, List.of()).size());
    assertEquals(0,
        TransitionMerger.merge(List.of(fall, peak), 20.0, memorising, List.of()).size());
    assertEquals(1, TransitionMerger.merge(List.of(fall), 20.0, SeriesRole.of(List.of(loss,
        new SeriesData("val_loss", "", steps, falling))), List.of()).size());
  }

  /**
   * An induction head forming: the heads' circuits grow from 120 on while the loss still sits at
   * ln(vocabulary), and the loss falls through its front at 187 (w 18) while one of those
   * circuits moves a second time at 181, which splits the weights into two groups. The earlier
   * group reaches the front's leading edge (187 − 2w) and is folded into the front's transition
   * as followers; a group further ahead (its median before 187 − 4w) stays an event of its own.
   */
  @Test
  void weightsReorganisingJustBeforeAMetricFrontAreThatTransition() {
    ShockEvent front = new ShockEvent("loss", "", ShockEvent.JUMP, 187, 184, 190, 3.1, 1.8,
        -1.3, 18, 5.9, 139, 1.0);
    ShockEvent again = new ShockEvent("sv2", "h1.ov", ShockEvent.JUMP, 181, 180, 200, 0.8, 4.3,
        3.5, 20, 17.5, 50, 0.9);
    List<ShockEvent> near = List.of(front, again,
        new ShockEvent("sv2", "h1.ov", ShockEvent.JUMP, 120, 60, 180, 0.01, 1.2, 1.2, 50, 15,
            Double.NaN, 1.0),
        new ShockEvent("sv3", "h1.qk", ShockEvent.JUMP, 125, 80, 170, 0.01, 1.7, 1.7, 40, 17,
            Double.NaN, 1.0));
    List<Transition> tr = TransitionMerger.merge(near, 40.0);
    assertEquals(1, tr.size(), tr.toString());
    // at the loss's front: none of these made-up series names an invariant map
    assertEquals(187, tr.get(0).step());
    assertEquals(180, tr.get(0).stepLo());
    assertTrue(tr.get(0).series().contains("h1.qk/sv3"), tr.toString());
    List<ShockEvent> ahead = List.of(front, again,
        new ShockEvent("sv2", "h1.ov", ShockEvent.JUMP, 100, 60, 160, 0.01, 1.2, 1.2, 50, 15,
            Double.NaN, 1.0),
        new ShockEvent("sv3", "h1.qk", ShockEvent.JUMP, 105, 80, 150, 0.01, 1.7, 1.7, 40, 17,
            Double.NaN, 1.0));
    assertEquals(2, TransitionMerger.merge(ahead, 40.0).size());
  }

  /**
   * A held-out loss peaking as the training set is fitted, found as a spike, while the training
   * loss's own front went undetected: the training loss falls across the spike, so it is
   * memorisation; the same spike over a flat training loss is a transition.
   */
  @Test
  void aHeldOutLossSpikeWhileTheTrainingLossFallsIsMemorisation() {
    long[] steps = new long[41];
    double[] falling = new double[41];
    double[] flat = new double[41];
    double[] val = new double[41];
    for (int i = 0; i < 41; i++) {
      steps[i] = 10L * i;
      falling[i] = 0.1 + 2.9 / (1.0 + Math.exp((steps[i] - 140) / 15.0));
      flat[i] = 0.1;
      val[i] = 3.4 + 3.3 * Math.exp(-Math.pow((steps[i] - 140) / 50.0, 2));
    }
    ShockEvent peak = new ShockEvent("val_loss", "", ShockEvent.SPIKE, 140, 130, 150, 6.7, 6.1,
        2.2, 74, Double.NaN, 62, 1.0);
    SeriesData heldOut = new SeriesData("val_loss", "", steps, val);
    assertEquals(0, TransitionMerger.merge(List.of(peak), 20.0, SeriesRole.of(List.of(
        new SeriesData("loss", "", steps, falling), heldOut)), List.of()).size());
    assertEquals(1, TransitionMerger.merge(List.of(peak), 20.0, SeriesRole.of(List.of(
        new SeriesData("loss", "", steps, flat), heldOut)), List.of()).size());
  }

  /**
   * A rank-1 teacher learned by a chain of three layers under Adam (deep-linear lab, seed 36):
   * the end-to-end map's second singular value, never learned, decays from 0.0024 to 6e-5 of a
   * top mode of 2.33, and the balanced layers carry it to the power 1/3, from 0.125 to 0.05 of a
   * layer top of 1.33 — 5% of the layer's scale, a tenth of a percent of the map's. Judged on the
   * map's scale the layers' jumps follow; a second mode the chain learns (to 0.9 of the map's
   * top) still leads.
   */
  @Test
  void aChainsLayerModeIsJudgedOnTheEndToEndMapsScale() {
    long[] steps = {0, 10000, 20000, 30000};
    SeriesData e2e = new SeriesData("end_to_end/sv1", "layers", steps,
        new double[] {0.003, 2.3, 2.33, 2.33});
    List<SeriesData> series = new ArrayList<>(List.of(e2e));
    for (int l = 0; l < 3; l++) {
      series.add(new SeriesData("layers." + l + ".weight/sv1", "layers", steps,
          new double[] {0.14, 1.32, 1.33, 1.33}));
    }
    SeriesRole roles = SeriesRole.of(series);
    List<ShockEvent> unlearned = new ArrayList<>();
    List<ShockEvent> learned = new ArrayList<>();
    for (int l = 0; l < 3; l++) {
      unlearned.add(new ShockEvent("layers." + l + ".weight/sv2", "layers", ShockEvent.JUMP,
          26286, 24000, 28000, 0.125, 0.050, -0.075, 4610, 86, Double.NaN, 0.99));
      learned.add(new ShockEvent("layers." + l + ".weight/sv2", "layers", ShockEvent.JUMP,
          26286, 24000, 28000, 0.125, 1.28, 1.155, 4610, 1331, Double.NaN, 0.99));
    }
    assertEquals(0, TransitionMerger.merge(unlearned, 2000.0, roles, List.of()).size());
    assertEquals(1, TransitionMerger.merge(learned, 2000.0, roles, List.of()).size());
    // a layer of a network without an end-to-end map keeps its own scale: 5% of its top leads
    List<SeriesData> noChain = new ArrayList<>(series.subList(1, 4));
    assertEquals(1, TransitionMerger.merge(unlearned, 2000.0, SeriesRole.of(noChain), List.of())
        .size());
  }

  /**
   * A random-walk control's loss (tuning lab, seed 215) rises in a front centred at 2489
   * (0.90 to 5.2, 2429–2550) and keeps climbing to its highest value at 3348 before it comes
   * back: the excursion makes the transition a spike at its peak, and the transition's span,
   * which was its front's alone (2429–2550), now holds the step it reports.
   */
  @Test
  void aTransitionsSpanHoldsTheStepItReports() {
    List<ShockEvent> events = List.of(
        new ShockEvent("loss", "", ShockEvent.JUMP, 2489, 2429, 2550, 0.9008, 5.197, 4.296,
            363.8, Double.NaN, 38.7, 0.893));
    List<Excursion> excursions = List.of(
        new Excursion(2429, 3348, Math.log(6.5), Math.log(5.9), 3700, 3760, 30, 0, false));
    List<Transition> tr = TransitionMerger.merge(events, 120.0, e -> true, excursions);
    assertEquals(1, tr.size(), tr.toString());
    Transition t = tr.get(0);
    assertEquals(3348, t.step());
    assertEquals(2429, t.stepLo());
    assertEquals(3348, t.stepHi());
  }
}
