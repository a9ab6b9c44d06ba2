package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: grokking from the weights alone. A synthetic run shaped like modular addition under
 * AdamW: a training loss that falls by two decades early and keeps creeping down, and the
 * balanced norms of three groups that grow while the network memorises, drift down under weight
 * decay, then fall through a wide front (the cleanup) at step {@link #CLEANUP}.
 */
class NormContractionTest {
  private static final int N = 51;
  private static final long DT = 50;
  private static final double CLEANUP = 1400;
  private static final double WIDTH = 250;

  private static double[] norm(long[] steps, double peak, double drop, double cleanup) {
    double[] y = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      double t = steps[i];
      double grow = peak * (1.0 - 0.5 * Math.exp(-t / 40.0));
      double drift = -0.1 * drop * t / 2500.0;
      y[i] = grow + drift - 0.5 * drop * (1.0 + Math.tanh((t - cleanup) / WIDTH));
    }
    return y;
  }

  private static double[] loss(long[] steps, double floor) {
    double[] y = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      double t = steps[i];
      y[i] = 3.5 * Math.exp(-t / 30.0) + floor * Math.exp(-t / 2000.0);
    }
    return y;
  }

  private static List<SeriesData> run(double lossFloor, boolean heldOut, int groups) {
    long[] steps = Synthetic.regularSteps(N, DT);
    List<SeriesData> s = new ArrayList<>();
    s.add(new SeriesData("loss", "", steps, loss(steps, lossFloor)));
    if (heldOut) {
      double[] flat = new double[N];
      Arrays.fill(flat, 4.0);
      s.add(new SeriesData("val_loss", "", steps, flat));
    }
    String[] names = {"wte.weight", "h.0.mlp", "lm_head.weight"};
    for (int g = 0; g < groups; g++) {
      s.add(new SeriesData("balanced_norm", names[g], steps,
          norm(steps, 10.0 + 5.0 * g, 1.5 + 0.5 * g, CLEANUP + 30.0 * (g - 1))));
    }
    return s;
  }

  private static Transition near(RunShocks found, double step, double reach) {
    for (Transition t : found.transitions()) {
      if (Math.abs(t.step() - step) <= reach) {
        return t;
      }
    }
    return null;
  }

  @Test
  void contractionOfSeveralGroupsAtAFittedLossIsATransition() {
    RunShocks found = new ShockDetector(DetectorConfig.DEFAULTS).detectRun(run(0.03, false, 3));
    Transition t = near(found, CLEANUP, 100);
    assertNotNull(t, "no transition near " + CLEANUP + ": " + found.transitions());
    assertEquals(ShockEvent.JUMP, t.kind());
    assertTrue(t.series().stream().allMatch(x -> x.endsWith("/balanced_norm")), t.toString());
  }

  @Test
  void oneGroupAloneIsNoContraction() {
    RunShocks found = new ShockDetector(DetectorConfig.DEFAULTS).detectRun(run(0.03, false, 1));
    assertNull(near(found, CLEANUP, 300), found.transitions().toString());
  }

  @Test
  void aLossThatHasNotFittedPlacesNoContraction() {
    // the loss sits at half its start: the network is still learning, not cleaning up
    RunShocks found = new ShockDetector(DetectorConfig.DEFAULTS).detectRun(run(1.8, false, 3));
    assertNull(near(found, CLEANUP, 300), found.transitions().toString());
  }

  @Test
  void aHeldOutMetricSpeaksForGeneralisation() {
    RunShocks found = new ShockDetector(DetectorConfig.DEFAULTS).detectRun(run(0.03, true, 3));
    assertNull(near(found, CLEANUP, 300), found.transitions().toString());
  }

  @Test
  void aSlowingDecayIsNoFront() {
    long[] steps = Synthetic.regularSteps(N, DT);
    double[] y = new double[N];
    for (int i = 0; i < N; i++) {
      y[i] = 8.0 + 6.0 * Math.exp(-steps[i] / 700.0);
    }
    assertNull(NormContraction.fit("g", steps, y, 500.0));
  }

  @Test
  void fitPlacesTheFrontOnItsDrift() {
    long[] steps = Synthetic.regularSteps(N, DT);
    double[] y = norm(steps, 20.0, 3.0, CLEANUP);
    NormContraction.Fit f = NormContraction.fit("g", steps, y, 500.0);
    assertNotNull(f);
    assertEquals(CLEANUP, f.center(), DT);
    assertEquals(WIDTH, f.width(), 0.3 * WIDTH);
    assertTrue(f.left() > f.right(), f.toString());
  }
}
