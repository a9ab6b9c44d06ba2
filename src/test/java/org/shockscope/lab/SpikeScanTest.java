package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpikeScanTest {
  private static StepSeries series(double... v) {
    int[] s = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      s[i] = 10 * i;
    }
    return new StepSeries(s, v);
  }

  @Test
  void findsRecoveredSpikesAtTheirPeaks() {
    List<SpikeScan.Spike> spikes = SpikeScan.find(series(
        1, 0.5, 0.2, 0.3, 5, 40, 9, 0.35, 0.1, 0.05, 0.09, 0.3, 0.08, 0.04));
    assertEquals(List.of(new SpikeScan.Spike(40, 50, 70, 0.2, 40),
        new SpikeScan.Spike(110, 110, 120, 0.05, 0.3)), spikes);
  }

  @Test
  void ignoresExcursionsThatNeverRecoverAndRoundingNoise() {
    assertTrue(SpikeScan.find(series(1, 0.5, 0.1, 3, 300, Double.POSITIVE_INFINITY)).isEmpty());
    assertTrue(SpikeScan.find(series(1, 1e-3, 1e-12, 1e-15, 4e-15, 1e-15)).isEmpty());
    assertTrue(SpikeScan.find(series(1, 0.5, 0.25)).isEmpty());
  }

  /**
   * A catapult that throws a converged loss three decades up into a basin where it stays is a
   * rise (a jump of the loss) centred where it passes the geometric mean of the two levels; a
   * blow-up that the run's end (or its divergence) cuts off is none, and neither is a spike.
   */
  /**
   * A minibatch catapult (randomized lab, catapult seed 138, the loss over the whole data set at
   * every step): the loss falls to 0.0025, a catapult peaks at 10.8 and the loss comes back by
   * more than half its rise on the log scale, to 0.19, its initial level, where it stays (the
   * ReLU units died). That is a rise from 0.0025 (a lasting change of level), centred where
   * the loss passes the geometric mean of the two levels, with spike rows (full batch) or
   * without (minibatch); a spike the loss recovers from is a spike row or none.
   */
  @Test
  void aLossThatNeverComesBackAfterASpikeRoseForGood() {
    double[] v = new double[120];
    double[] head = {0.189, 0.127, 0.059, 0.0245, 0.0125, 0.0091, 0.0076, 0.0065, 0.0056,
        0.0048, 0.0040, 0.0034, 0.0029, 0.0025, 0.0038, 0.032, 0.587, 10.8, 5.16, 0.336};
    for (int i = 0; i < v.length; i++) {
      v[i] = i < head.length ? head[i] : 0.1924 + 1e-3 * Math.exp(-0.1 * (i - head.length));
    }
    int[] steps = new int[v.length];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = i;
    }
    StepSeries died = new StepSeries(steps, v);
    List<TruthEvent> minibatch = SpikeScan.truth("r", Family.CATAPULT, died, false);
    assertEquals(List.of(TruthEvent.JUMP), minibatch.stream().map(TruthEvent::kind).toList());
    assertEquals(15, minibatch.get(0).step());
    assertEquals(minibatch, SpikeScan.truth("r", Family.CATAPULT, died, true));

    double[] back = v.clone();
    for (int i = 60; i < back.length; i++) {
      back[i] = 0.003;
    }
    StepSeries recovered = new StepSeries(steps, back);
    assertTrue(SpikeScan.truth("r", Family.CATAPULT, recovered, false).isEmpty());
    List<TruthEvent> spike = SpikeScan.truth("r", Family.CATAPULT, recovered, true);
    assertEquals(List.of(TruthEvent.SPIKE), spike.stream().map(TruthEvent::kind).toList());
    assertEquals(17, spike.get(0).step());
  }

  @Test
  void anExcursionThatHoldsItsNewLevelToTheEndIsARise() {
    double[] v = new double[100];
    for (int i = 0; i < v.length; i++) {
      v[i] = i < 40 ? 1e-5 : i == 40 ? 3e-4 : i == 41 ? 2e-3 : 1e-2 * (1 + 0.3 * (i % 2));
    }
    StepSeries settled = series(v);
    assertTrue(SpikeScan.find(settled).isEmpty());
    SpikeScan.Rise rise = SpikeScan.unrecovered(settled);
    assertEquals(new SpikeScan.Rise(400, 410, rise.width(), 1e-5, 1e-2), rise);
    assertTrue(rise.width() >= 1 && rise.width() < 20, "width " + rise.width());
    List<TruthEvent> truth = SpikeScan.truth("r", Family.CATAPULT, settled);
    assertEquals(List.of(TruthEvent.JUMP), truth.stream().map(TruthEvent::kind).toList());
    assertEquals(410, truth.get(0).step());

    double[] blowUp = new double[60];
    for (int i = 0; i < blowUp.length; i++) {
      blowUp[i] = i < 30 ? 1e-3 : 1e-3 * Math.exp(0.5 * (i - 29));
    }
    assertNull(SpikeScan.unrecovered(series(blowUp)));
    assertTrue(SpikeScan.truth("r", Family.CATAPULT, series(blowUp)).isEmpty());
    assertNull(SpikeScan.unrecovered(series(1, 0.5, 0.1, 3, 300, Double.POSITIVE_INFINITY)));
  }

  @Test
  void crossingsAndWidthsOfATanhFront() {
    double w = 7;
    double[] v = new double[200];
    int[] s = new int[200];
    for (int i = 0; i < v.length; i++) {
      s[i] = i;
      v[i] = 0.5 + 0.5 * Math.tanh((i - 100) / w);
    }
    int q1 = Crossings.firstAtOrAbove(v, 0, 0.25);
    int q3 = Crossings.firstAtOrAbove(v, 0, 0.75);
    double width = Crossings.tanhWidth(Crossings.interpolatedStep(s, v, q1, 0.25),
        Crossings.interpolatedStep(s, v, q3, 0.75));
    assertEquals(w, width, 0.05);
    assertEquals(100, Crossings.firstAtOrAbove(v, 0, 0.5));
    assertEquals(3, Crossings.settledAtOrAbove(new double[] {0.6, 0.4, 0.1, 0.7, 0.9}, 0.5));
    assertEquals(-1, Crossings.settledAtOrAbove(new double[] {0.6, 0.4}, 0.5));
  }
  /**
   * A loss recorded at every step that bounces ×3 above its running minimum for one step every
   * fourth step (a chaotic orbit at the edge of stability) gives no truth rows; the same
   * one-step ×3 bounce alone on a smooth decay, and a catapult above its bound for four steps
   * amid the bouncing, each give one.
   */
  @Test
  void oneStepBouncesOfAnOscillationAreNoTruthRowsButAnIsolatedOneIs() {
    int n = 400;
    int[] steps = new int[n];
    double[] oscillating = new double[n];
    double[] isolated = new double[n];
    for (int i = 0; i < n; i++) {
      steps[i] = i;
      oscillating[i] = i % 4 == 1 && i > 20 ? 0.3 : 0.1;
      isolated[i] = 0.1 * Math.exp(-i / 1000.0) * (i == 200 ? 3 : 1);
    }
    for (int i = 200; i < 204; i++) {
      oscillating[i] = 2.0;
    }
    List<TruthEvent> fromOscillation = SpikeScan.truth("r", Family.CATAPULT,
        new StepSeries(steps, oscillating));
    assertEquals(List.of(200), fromOscillation.stream().map(e -> (int) e.step()).toList());
    List<TruthEvent> fromIsolated = SpikeScan.truth("r", Family.CATAPULT,
        new StepSeries(steps, isolated));
    assertEquals(List.of(200), fromIsolated.stream().map(e -> (int) e.step()).toList());
  }
}
