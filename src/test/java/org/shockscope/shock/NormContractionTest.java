package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: grokking from the weights alone. Synthetic runs shaped like modular addition under
 * AdamW: a training loss that falls by two decades early and keeps creeping down, and the
 * balanced norms of three groups that grow while the network memorises (to step ~150), then
 * contract under weight decay to a smaller level, in the three shapes the lab's runs show: a
 * front on a drift, a constant-rate decline that stops (a kink), and a decay that slows into the
 * smaller level (an exponential approach).
 */
class NormContractionTest {
  private static final int N = 51;
  private static final long DT = 50;
  private static final double CLEANUP = 1400;
  private static final double WIDTH = 250;
  private static final String[] GROUPS = {"wte.weight", "h.0.mlp", "lm_head.weight"};

  /** A group's norm: growth to {@code peak} while memorising, minus {@code fall} of t. */
  private static double[] norm(long[] steps, double peak, DoubleUnaryOperator fall) {
    double[] y = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      double t = steps[i];
      y[i] = peak * (1.0 - 0.5 * Math.exp(-t / 40.0)) - fall.applyAsDouble(t);
    }
    return y;
  }

  /** A tanh front of {@code drop} at {@code centre} on a drift of a tenth of it over the run. */
  private static DoubleUnaryOperator front(double drop, double centre) {
    return t -> 0.1 * drop * t / 2500.0 + 0.5 * drop * (1.0 + Math.tanh((t - centre) / WIDTH));
  }

  /** A fall of {@code drop} at a constant rate from {@code from} that stops at {@code to}. */
  private static DoubleUnaryOperator kink(double drop, double from, double to) {
    return t -> drop * Math.min(1.0, Math.max(0.0, (t - from) / (to - from)));
  }

  /** A fall of {@code drop} from {@code from} on, exponential with time constant tau. */
  private static DoubleUnaryOperator approach(double drop, double from, double tau) {
    return t -> t <= from ? 0.0 : drop * (1.0 - Math.exp(-(t - from) / tau));
  }

  private static double[] loss(long[] steps, double floor) {
    double[] y = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      double t = steps[i];
      y[i] = 3.5 * Math.exp(-t / 30.0) + floor * Math.exp(-t / 2000.0);
    }
    return y;
  }

  /** A run with the loss, optionally a flat held-out loss, and the groups' norms. */
  private static List<SeriesData> run(double lossFloor, boolean heldOut,
                                      DoubleUnaryOperator... falls) {
    long[] steps = Synthetic.regularSteps(N, DT);
    List<SeriesData> s = new ArrayList<>();
    s.add(new SeriesData("loss", "", steps, loss(steps, lossFloor)));
    if (heldOut) {
      double[] flat = new double[N];
      Arrays.fill(flat, 4.0);
      s.add(new SeriesData("val_loss", "", steps, flat));
    }
    for (int g = 0; g < falls.length; g++) {
      s.add(new SeriesData("balanced_norm", GROUPS[g], steps,
          norm(steps, 10.0 + 5.0 * g, falls[g])));
    }
    return s;
  }

  /** Three groups contracting through fronts at CLEANUP − 30, CLEANUP, CLEANUP + 30. */
  private static List<SeriesData> fronts(double lossFloor, boolean heldOut, int groups) {
    DoubleUnaryOperator[] falls = new DoubleUnaryOperator[groups];
    for (int g = 0; g < groups; g++) {
      falls[g] = front(1.5 + 0.5 * g, CLEANUP + 30.0 * (g - 1));
    }
    return run(lossFloor, heldOut, falls);
  }

  private static Transition near(RunShocks found, double step, double reach) {
    for (Transition t : found.transitions()) {
      if (Math.abs(t.step() - step) <= reach) {
        return t;
      }
    }
    return null;
  }

  private static RunShocks detect(List<SeriesData> run) {
    return new ShockDetector(DetectorConfig.DEFAULTS).detectRun(run);
  }

  @Test
  void contractionOfSeveralGroupsAtAFittedLossIsATransition() {
    RunShocks found = detect(fronts(0.03, false, 3));
    Transition t = near(found, CLEANUP, 100);
    assertNotNull(t, "no transition near " + CLEANUP + ": " + found.transitions());
    assertEquals(ShockEvent.JUMP, t.kind());
    assertTrue(t.series().stream().allMatch(x -> x.endsWith("/balanced_norm")), t.toString());
  }

  @Test
  void oneGroupAloneIsNoContraction() {
    RunShocks found = detect(fronts(0.03, false, 1));
    assertNull(near(found, CLEANUP, 300), found.transitions().toString());
  }

  @Test
  void aLossThatHasNotFittedPlacesNoContraction() {
    // the loss sits at half its start: the network is still learning, not cleaning up
    RunShocks found = detect(fronts(1.8, false, 3));
    assertNull(near(found, CLEANUP, 300), found.transitions().toString());
  }

  @Test
  void aHeldOutMetricSpeaksForGeneralisation() {
    RunShocks found = detect(fronts(0.03, true, 3));
    assertNull(near(found, CLEANUP, 300), found.transitions().toString());
  }

  @Test
  void aDeclineThatStopsIsAContractionPlacedHalfwayThroughIt() {
    // after the peak the norms shed 30% of their fall within ~100 steps, then decline at a
    // constant rate that stops at steps 1,100-1,200: no front, a kink (a tanh on a drift fits
    // no contraction here); the network's norm is halfway down at ~517
    RunShocks found = detect(run(0.03, false, shedThenKink(1.5, 1100), shedThenKink(2.0, 1150),
        shedThenKink(2.5, 1200)));
    Transition t = near(found, 517, 75);
    assertNotNull(t, "no transition near 517: " + found.transitions());
    assertTrue(t.series().stream().allMatch(x -> x.endsWith("/balanced_norm")), t.toString());
  }

  private static DoubleUnaryOperator shedThenKink(double drop, double stop) {
    DoubleUnaryOperator shed = approach(0.3 * drop, 150, 100);
    DoubleUnaryOperator decline = kink(0.7 * drop, 150, stop);
    return t -> shed.applyAsDouble(t) + decline.applyAsDouble(t);
  }

  @Test
  void aDecayThatSlowsIntoTheSmallerNormIsAContractionAtItsHalfLife() {
    // exponential approaches from the peak with tau = 300: halfway at 150 + 300 ln 2 ≈ 358
    RunShocks found = detect(run(0.03, false, approach(1.5, 150, 300), approach(2.0, 150, 300),
        approach(2.5, 150, 300)));
    Transition t = near(found, 150 + 300 * Math.log(2.0), 75);
    assertNotNull(t, "no transition near 358: " + found.transitions());
  }

  @Test
  void aNormStillFallingAtItsPaceAtTheRunsEndIsNoContraction() {
    // a steady decline from the peak to the end: where it is "halfway" depends only on where
    // the run stops
    RunShocks found = detect(run(0.03, false, kink(1.5, 150, 2500), kink(2.0, 150, 2500),
        kink(2.5, 150, 2500)));
    for (Transition t : found.transitions()) {
      assertTrue(t.series().stream().noneMatch(x -> x.endsWith("/balanced_norm")),
          found.transitions().toString());
    }
  }

  @Test
  void normsWanderingOnAPlateauAreNoContraction() {
    // after the peak the norms only fluctuate (0.5% white noise): their maximum and lowest
    // value are noise, and the network's norm crosses the middle of that range again and again
    long[] steps = Synthetic.regularSteps(N, DT);
    Random r = new Random(13);
    List<SeriesData> s = new ArrayList<>();
    s.add(new SeriesData("loss", "", steps, loss(steps, 0.03)));
    for (int g = 0; g < GROUPS.length; g++) {
      double[] y = norm(steps, 10.0 + 5.0 * g, t -> 0.0);
      for (int i = 0; i < N; i++) {
        y[i] *= 1.0 + 0.005 * r.nextGaussian();
      }
      s.add(new SeriesData("balanced_norm", GROUPS[g], steps, y));
    }
    assertNull(NormContraction.find(s));
    for (Transition t : detect(s).transitions()) {
      assertTrue(t.series().stream().noneMatch(x -> x.endsWith("/balanced_norm")), t.toString());
    }
  }

  @Test
  void aContractionOfUnderOnePercentOfTheNormIsNoChangeOfTheNetwork() {
    // the same fronts scaled down to 0.08-0.12 on norms of 10-20 (the network's norm falls by
    // 0.7%): weights settling under decay, not one solution exchanged for another
    DoubleUnaryOperator[] small = new DoubleUnaryOperator[3];
    for (int g = 0; g < 3; g++) {
      small[g] = front(0.08 + 0.02 * g, CLEANUP + 30.0 * (g - 1));
    }
    assertNull(NormContraction.find(run(0.03, false, small)));
    DoubleUnaryOperator[] large = new DoubleUnaryOperator[3];
    for (int g = 0; g < 3; g++) {
      large[g] = front(0.5 + 0.1 * g, CLEANUP + 30.0 * (g - 1));
    }
    assertNotNull(NormContraction.find(run(0.03, false, large)));
  }

  @Test
  void aDipThatRecoversIsNoContraction() {
    // the norms fall by as much as in a contraction around step 1,200 and come most of the way
    // back: a transient (a catapult, a loss spike's trace), not a change of level
    DoubleUnaryOperator[] dips = new DoubleUnaryOperator[GROUPS.length];
    for (int g = 0; g < dips.length; g++) {
      double depth = 1.5 + 0.5 * g;
      dips[g] = t -> depth * (Math.exp(-0.5 * Math.pow((t - 1200.0) / 150.0, 2))
          + 0.15 * (1.0 + Math.tanh((t - 1200.0) / 100.0)));
    }
    assertNull(NormContraction.find(run(0.03, false, dips)));
  }

  @Test
  void findPlacesTheContractionAtItsHalfwayCrossingWithTheFrontsWidth() {
    NormContraction.Contraction c = NormContraction.find(fronts(0.03, false, 3));
    assertNotNull(c);
    assertEquals(CLEANUP, c.step(), DT);
    assertEquals(WIDTH, c.width(), 0.3 * WIDTH);
    assertEquals(3, c.events().size());
    for (ShockEvent e : c.events()) {
      assertTrue(e.uLeft() > e.uRight(), e.toString());
      assertEquals(Math.round(c.step()), e.step());
    }
  }

  @Test
  void aGroupThatGrowsIsNotPartOfTheContraction() {
    long[] steps = Synthetic.regularSteps(N, DT);
    List<SeriesData> s = new ArrayList<>(fronts(0.03, false, 2));
    double[] bias = new double[N];
    for (int i = 0; i < N; i++) {
      bias[i] = 0.1 + 0.2 * steps[i] / 2500.0;
    }
    s.add(new SeriesData("balanced_norm", "bias", steps, bias));
    NormContraction.Contraction c = NormContraction.find(s);
    assertNotNull(c);
    assertEquals(2, c.events().size());
    assertTrue(c.events().stream().noneMatch(e -> e.group().equals("bias")), c.toString());
  }
}
