package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrontMapTest {
  private static ShockEvent jump(String series, String group, long step, double width,
                                 double strength) {
    return new ShockEvent(series, group, ShockEvent.JUMP, step, step - 5, step + 5, 0, 1, 1,
        width, width / 4, strength, 0.9);
  }

  /** "part@step#order+lag" of each front, in the order returned. */
  private static List<String> summary(List<Front> fronts) {
    List<String> out = new ArrayList<>();
    for (Front f : fronts) {
      out.add(f.transitionStep() + ":" + f.group() + "@" + f.step() + "#" + f.arrivalOrder()
          + "+" + f.lag());
    }
    return out;
  }

  /**
   * One transition through a depth-3 chain: the layers and the end-to-end map are compared on
   * the observable all of them moved in (sv2), not on a stronger norm jump of one layer; the
   * loss (a run-level metric) is no part of the network.
   */
  @Test
  void ordersThePartsByTheirFrontsInTheObservableTheyShare() {
    List<ShockEvent> events = List.of(
        jump("layers.0.weight/sv2", "layers", 100, 10, 20),
        jump("layers.1.weight/sv2", "layers", 112, 11, 20),
        jump("layers.2.weight/sv2", "layers", 130, 12, 20),
        jump("end_to_end/sv2", "layers", 120, 9, 30),
        jump("layers.2.weight/fro_norm", "layers", 90, 8, 80),
        jump("loss", "", 115, 20, 40));
    List<Transition> transitions = TransitionMerger.merge(events, 50.0);
    assertEquals(1, transitions.size(), transitions.toString());
    List<Front> fronts = FrontMap.of(events, transitions);
    long t = transitions.get(0).step();
    assertEquals(List.of(t + ":layers/layers.0.weight@100#1+0",
        t + ":layers/layers.1.weight@112#2+12", t + ":layers/end_to_end@120#3+20",
        t + ":layers/layers.2.weight@130#4+30"), summary(fronts));
    assertEquals(List.of(0, 1, Front.NO_DEPTH, 2),
        fronts.stream().map(Front::depth).toList());
    Front last = fronts.get(3);
    assertEquals("layers.2.weight/sv2", last.series());
    assertEquals(12.0, last.width());
    assertEquals(125, last.stepLo());
    assertEquals(135, last.stepHi());
    assertEquals(20.0, last.strength());
  }

  /** A part without a jump in the shared observable takes its own strongest jump. */
  @Test
  void aPartOutsideTheSharedObservableTakesItsStrongestJump() {
    List<ShockEvent> events = List.of(
        jump("layers.0.weight/sv1", "layers", 200, 10, 20),
        jump("layers.1.weight/sv1", "layers", 205, 10, 20),
        jump("balanced_norm", "layers", 190, 10, 5),
        jump("quotient_step", "layers", 195, 10, 50));
    List<Front> fronts = FrontMap.of(events, TransitionMerger.merge(events, 50.0));
    assertEquals(3, fronts.size());
    Front group = fronts.stream().filter(f -> f.group().equals("layers")).findFirst().get();
    assertEquals("quotient_step", group.series());
    assertEquals(1, group.arrivalOrder());
    assertEquals(Front.NO_DEPTH, group.depth());
  }

  /** A staircase: each of a series' fronts belongs to the transition nearest to it. */
  @Test
  void aSeriesWithTwoFrontsGivesEachTransitionItsOwn() {
    List<ShockEvent> events = List.of(
        jump("layers.0.weight/sv1", "layers", 100, 5, 20),
        jump("layers.1.weight/sv1", "layers", 106, 5, 20),
        jump("layers.0.weight/sv1", "layers", 500, 5, 20),
        jump("layers.1.weight/sv1", "layers", 490, 5, 20));
    List<Transition> transitions = TransitionMerger.merge(events, 20.0);
    assertEquals(2, transitions.size(), transitions.toString());
    long a = transitions.get(0).step();
    long b = transitions.get(1).step();
    assertEquals(List.of(a + ":layers/layers.0.weight@100#1+0",
        a + ":layers/layers.1.weight@106#2+6", b + ":layers/layers.1.weight@490#1+0",
        b + ":layers/layers.0.weight@500#2+10"), summary(FrontMap.of(events, transitions)));
  }

  /** Fronts between the same two samples share an arrival order. */
  @Test
  void equalStepsShareAnArrivalOrder() {
    List<ShockEvent> events = List.of(
        jump("layers.0.weight/sv1", "layers", 100, 5, 20),
        jump("layers.1.weight/sv1", "layers", 100, 5, 20),
        jump("layers.2.weight/sv1", "layers", 110, 5, 20));
    List<Front> fronts = FrontMap.of(events, TransitionMerger.merge(events, 20.0));
    assertEquals(List.of(1, 1, 2), fronts.stream().map(Front::arrivalOrder).toList());
    assertEquals(List.of(0L, 0L, 10L), fronts.stream().map(Front::lag).toList());
  }

  /** A transition of the metrics alone, or no transition, has no fronts. */
  @Test
  void metricsAloneMakeNoFront() {
    List<ShockEvent> events = List.of(jump("loss", "", 100, 5, 20),
        jump("accuracy", "", 102, 5, 20));
    List<Transition> transitions = TransitionMerger.merge(events, 20.0);
    assertEquals(1, transitions.size());
    assertEquals(List.of(), FrontMap.of(events, transitions));
    assertEquals(List.of(), FrontMap.of(events, List.of()));
  }

  /** A divergence event is a front of the divergence only, not of a jump beside it. */
  @Test
  void divergencesAreFrontsOfDivergencesOnly() {
    ShockEvent blowUp = new ShockEvent("layers.0.weight/fro_norm", "layers",
        ShockEvent.DIVERGENCE, 300, 290, 300, 1, Double.POSITIVE_INFINITY, Double.NaN,
        Double.NaN, Double.NaN, Double.NaN, 1);
    List<ShockEvent> events = List.of(jump("layers.0.weight/fro_norm", "layers", 295, 5, 20),
        jump("layers.1.weight/fro_norm", "layers", 296, 5, 20), blowUp);
    List<Transition> transitions = TransitionMerger.merge(events, 20.0);
    List<Front> fronts = FrontMap.of(events, transitions);
    long divergence = transitions.stream()
        .filter(t -> t.kind().equals(ShockEvent.DIVERGENCE)).findFirst().get().step();
    List<Front> atDivergence = fronts.stream()
        .filter(f -> f.transitionStep() == divergence).toList();
    assertEquals(1, atDivergence.size(), fronts.toString());
    assertEquals(300, atDivergence.get(0).step());
    assertTrue(Double.isNaN(atDivergence.get(0).width()));
    assertEquals(3, fronts.size(), fronts.toString());
  }

  @Test
  void partsAndDepthsFollowTheNames() {
    assertEquals("layers/layers.1.weight", FrontMap.part("layers", "layers.1.weight/sv3"));
    assertEquals(1, FrontMap.depth("layers", "layers.1.weight/sv3"));
    assertEquals("layers/end_to_end", FrontMap.part("layers", "end_to_end/fro_norm"));
    assertEquals(Front.NO_DEPTH, FrontMap.depth("layers", "end_to_end/fro_norm"));
    assertEquals("layers", FrontMap.part("layers", "balanced_norm"));
    assertEquals(Front.NO_DEPTH, FrontMap.depth("layers", "balanced_norm"));
    // a head's two circuits are one part, at its layer's depth
    assertEquals("transformer.h.3.attn/head2", FrontMap.part("transformer.h.3.attn",
        "head2.qk/spectral_norm"));
    assertEquals("transformer.h.3.attn/head2", FrontMap.part("transformer.h.3.attn",
        "head2.ov/sv1"));
    assertEquals(3, FrontMap.depth("transformer.h.3.attn", "head2.ov/sv1"));
    assertEquals(11, FrontMap.depth("transformer.h.11.mlp",
        "transformer.h.11.mlp.c_fc.weight/stable_rank"));
    assertEquals(4, FrontMap.depth("transformer.h.4.mlp", "quotient_step"));
    // a plain tensor's matrix and group-level observables are one part
    assertEquals("transformer.wpe.weight", FrontMap.part("transformer.wpe.weight",
        "transformer.wpe.weight/sv1"));
    assertEquals("transformer.wpe.weight", FrontMap.part("transformer.wpe.weight",
        "balanced_norm"));
    assertEquals(Front.NO_DEPTH, FrontMap.depth("transformer.wpe.weight",
        "transformer.wpe.weight/sv1"));
  }

  @Test
  void aFrontCannotArriveBeforeTheFirst() {
    ShockDetectionException e = assertThrows(ShockDetectionException.class, () ->
        new Front(100, "layers/layers.0.weight", 0, "layers.0.weight/sv1", 90, 85, 95, 5, 1,
            10, 1, -10));
    assertEquals("Front of 'layers/layers.0.weight' in the transition at step 100: arrival "
        + "order 1 must be >= 1 and lag -10 >= 0", e.getMessage());
  }

  /**
   * The detector's own events: three layers' singular values switching on one after the other
   * (tanh fronts 20 steps apart, width 8, noise 1% of the jump) are one transition, and its
   * fronts reach layer 0, then 1, then 2, each within a sampling interval of its true centre.
   */
  @Test
  void detectedFrontsTravelThroughTheLayersInTheirTrueOrder() {
    Random rnd = new Random(18);
    long[] steps = Synthetic.regularSteps(201, 5);
    double[] centres = {400, 420, 440};
    List<SeriesData> series = new ArrayList<>();
    for (int l = 0; l < centres.length; l++) {
      double[] y = Synthetic.gaussian(Synthetic.tanh(steps, 1.0, 2.0, centres[l], 8.0), 0.02,
          rnd);
      series.add(new SeriesData("layers." + l + ".weight/sv1", "layers", steps, y));
    }
    RunShocks run = new ShockDetector(DetectorConfig.DEFAULTS).detectRun(series);
    assertEquals(1, run.transitions().size(), run.toString());
    List<Front> fronts = FrontMap.of(run);
    assertEquals(List.of("layers/layers.0.weight", "layers/layers.1.weight",
        "layers/layers.2.weight"), fronts.stream().map(Front::group).toList());
    assertEquals(List.of(1, 2, 3), fronts.stream().map(Front::arrivalOrder).toList());
    for (int l = 0; l < centres.length; l++) {
      assertEquals(centres[l], fronts.get(l).step(), 5.0, fronts.get(l).toString());
      assertEquals(l, fronts.get(l).depth());
    }
    assertEquals(40.0, fronts.get(2).lag(), 10.0);
  }
}
