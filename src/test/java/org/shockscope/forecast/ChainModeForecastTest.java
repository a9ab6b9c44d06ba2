package org.shockscope.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.shockscope.shock.SeriesData;

class ChainModeForecastTest {
  /** Checkpoint interval of the synthetic chains, steps. */
  private static final long INTERVAL = 100;

  /**
   * A mode of a balanced chain, du/dt = c·u^{1+p}·(s − u) from u0, integrated by RK4 at a
   * hundredth of a step and sampled every {@link #INTERVAL} steps up to {@code until}; element
   * [1][0] is the step at which u crosses s/2.
   */
  private static double[][] mode(double c, double s, double p, double u0, long until) {
    int n = (int) (until / INTERVAL) + 1;
    double[] v = new double[n];
    double u = u0;
    double crossing = Double.NaN;
    double h = 0.01;
    long perSample = Math.round(INTERVAL / h);
    v[0] = u;
    for (int i = 1; i < n; i++) {
      for (long k = 0; k < perSample; k++) {
        double before = u;
        double k1 = rhs(u, c, s, p);
        double k2 = rhs(u + h / 2 * k1, c, s, p);
        double k3 = rhs(u + h / 2 * k2, c, s, p);
        double k4 = rhs(u + h * k3, c, s, p);
        u += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
        if (Double.isNaN(crossing) && before < s / 2 && u >= s / 2) {
          crossing = (i - 1) * INTERVAL + (k + (s / 2 - before) / (u - before)) * h;
        }
      }
      v[i] = u;
    }
    return new double[][] {v, {crossing}};
  }

  private static double rhs(double u, double c, double s, double p) {
    return c * Math.pow(u, 1 + p) * (s - u);
  }

  private static long[] steps(int n) {
    long[] s = new long[n];
    for (int i = 0; i < n; i++) {
      s[i] = i * INTERVAL;
    }
    return s;
  }

  private static int lastBelow(double[] v, double level) {
    int i = 0;
    while (i + 1 < v.length && v[i + 1] < level) {
      i++;
    }
    return i;
  }

  @Test
  void integralMatchesTheLogisticClosedForm() {
    // p = 0: ∫ du / (u (s − u)) = (1/s) ln(b (s − a) / (a (s − b)))
    double a = 0.01;
    double b = 1.2;
    double s = 3.0;
    double exact = Math.log(b * (s - a) / (a * (s - b))) / s;
    assertEquals(exact, ChainModeForecast.integral(a, b, s, 0.0), 1e-6 * exact);
    assertTrue(Double.isNaN(ChainModeForecast.integral(a, s, s, 0.0)), "b must be below s");
  }

  @Test
  void saturatedModeGivesTheRunsRateAndALaterModeIsTimedLongBeforeItSlows() {
    // depth 3 (p = 1/3), c shared; the second mode's target is a third of the first's
    double p = ChainModeForecast.exponent(3);
    double c = 2e-3;
    double[][] first = mode(c, 3.0, p, 1e-3, 20_000);
    double[][] second = mode(c, 1.0, p, 1e-3, 20_000);
    long[] steps = steps(first[0].length);
    double crossing = second[1][0];
    // the second mode at 5% of its target: its growth has not visibly slowed yet
    int e = lastBelow(second[0], 0.05);
    assertTrue(steps[e] > first[1][0] + 5 * INTERVAL, "first mode saturated by then");
    double rate = ChainModeForecast.rateConstant(steps, first[0], e, p);
    assertEquals(c, rate, 0.02 * c);

    FrontForecast.Front f = ChainModeForecast.at(steps, second[0], e, p, rate);
    assertNotNull(f);
    double remaining = crossing - steps[e];
    assertTrue(Math.abs(f.centre() - crossing) <= 0.05 * remaining,
        "predicted " + f.centre() + " for " + crossing + " from step " + steps[e]);
    assertEquals(1.0, f.level(), 0.02);
    // an early sample of the second mode, below the first share its fits accept: not read
    int early = lastBelow(second[0], 0.5 * ChainModeForecast.MIN_SHARE);
    assertNull(ChainModeForecast.at(steps, second[0], early, p, rate));
  }

  /**
   * A later mode that starts far below the share of its target where a deep chain's mode may
   * still be aligning, then rises through it within a few checkpoints: its first samples are
   * left out of the target's estimate, not the whole rise. Tuning lab dl0 seed 167 (depth 4,
   * target 2.82, checkpoints every 45 steps): the second mode rises from 0.001 at step 450 to 0.087
   * at 1215, its window of sixteen rising samples still starting below 1% of the target, and was
   * not forecast before its midpoint (1291); now from 1215, on time.
   */
  @Test
  void aModeThatRoseFromFarBelowTheAligningShareIsTimedByItsIntervalsAboveIt() {
    double p = ChainModeForecast.exponent(3);
    double c = 0.065;
    double[][] second = mode(c, 1.0, p, 1e-4, 3_000);
    long[] steps = steps(second[0].length);
    int e = lastBelow(second[0], 0.3);
    assertTrue(second[0][0] < ChainModeForecast.MIN_SHARE && second[0][e - 1]
        >= ChainModeForecast.MIN_SHARE, "rose through the share within the window");
    FrontForecast.Front f = ChainModeForecast.at(steps, second[0], e, p, c);
    assertNotNull(f, "a forecast from the intervals above the share");
    double crossing = second[1][0];
    double remaining = crossing - steps[e];
    assertTrue(Math.abs(f.centre() - crossing) <= 0.2 * remaining,
        "predicted " + f.centre() + " for " + crossing + " from step " + steps[e]);
    // before any of its intervals starts above the share, it is not timed
    int early = lastBelow(second[0], ChainModeForecast.MIN_SHARE);
    assertNull(ChainModeForecast.at(steps, second[0], early, p, c));
  }

  /**
   * A mode calibrates the run from its second sample on its plateau: a deep chain's first mode
   * crosses most of its rise within a checkpoint interval or two, and the next mode, of a third
   * its target, reaches its midpoint a few intervals later (time ∝ 1/s). With three plateau
   * samples required, tuning lab r00642 (short600) had no rate constant before its second
   * mode's midpoint and no forecast for it at all.
   */
  @Test
  void aModeCalibratesFromItsSecondSampleOnItsPlateau() {
    double p = ChainModeForecast.exponent(3);
    double c = 2e-3;
    double[][] m = mode(c, 3.0, p, 1e-3, 20_000);
    long[] steps = steps(m[0].length);
    int k = 1;
    while (Math.abs(m[0][k] - m[0][k - 1]) > ChainModeForecast.PLATEAU_SPREAD * m[0][k]) {
      k++;
    }
    assertTrue(Double.isNaN(ChainModeForecast.rateConstant(steps, m[0], k - 1, p)),
        "one sample on the plateau");
    assertEquals(c, ChainModeForecast.rateConstant(steps, m[0], k, p), 0.05 * c);
  }

  @Test
  void rateConstantIsUnknownUntilTheModeHasSaturated() {
    double p = ChainModeForecast.exponent(3);
    double[][] m = mode(2e-3, 3.0, p, 1e-3, 20_000);
    long[] steps = steps(m[0].length);
    int e = lastBelow(m[0], 2.0);
    assertTrue(Double.isNaN(ChainModeForecast.rateConstant(steps, m[0], e, p)));
  }

  @Test
  void firstModeOfADeepChainIsTimedByItsFiniteTimeBlowUp() {
    // depth 4 (p = 1/2): far below the target the mode blows up in finite time, T = u^{-p}/(p k)
    double p = ChainModeForecast.exponent(4);
    double[][] m = mode(4e-3, 4.0, p, 1e-3, 10_000);
    long[] steps = steps(m[0].length);
    double crossing = m[1][0];
    int e = lastBelow(m[0], 0.02);
    FrontForecast.Front f = ChainModeForecast.at(steps, m[0], e, p, Double.NaN);
    assertNotNull(f);
    double remaining = crossing - steps[e];
    assertTrue(remaining > 2 * INTERVAL, "issued " + remaining + " steps ahead");
    assertTrue(Math.abs(f.centre() - crossing) <= 0.2 * remaining,
        "predicted " + f.centre() + " for " + crossing + " from step " + steps[e]);
  }

  @Test
  void exponentialGrowthIsNoBlowUp() {
    // a mode still aligning grows exponentially: its power-law rates disagree, no forecast
    double p = ChainModeForecast.exponent(3);
    long[] steps = steps(10);
    double[] v = new double[10];
    for (int i = 0; i < v.length; i++) {
      v[i] = 1e-4 * Math.exp(0.01 * steps[i]);
    }
    assertNull(ChainModeForecast.blowUp(steps, v, 9, p));
    assertNull(ChainModeForecast.at(steps, v, 9, p, Double.NaN));
  }

  @Test
  void aModeRisingFromAFloorIsTimedByTheBlowUpOfItsPartAboveTheFloor() {
    // a later mode of a randomly initialised depth-4 chain: its singular value is the floor the
    // rest of the initial map gives (2e-3) plus its component along the teacher, which follows
    // the mode ODE from 2e-3; the blow-up read on the sum comes late by half the time left
    // and more, read on the part above the fitted floor it is on time
    double p = ChainModeForecast.exponent(4);
    double floor = 2e-3;
    double[][] m = mode(5e-3, 1.0, p, 2e-3, 12_000);
    double[] v = new double[m[0].length];
    for (int i = 0; i < v.length; i++) {
      v[i] = floor + m[0][i];
    }
    long[] steps = steps(v.length);
    double crossing = m[1][0];
    for (int e = 6; e <= 36; e += 6) {
      double remaining = crossing - steps[e];
      FrontForecast.Front plain = ChainModeForecast.blowUp(steps, v, e, p);
      assertNotNull(plain);
      assertTrue(plain.centre() - crossing > 0.4 * remaining, "plain " + plain.centre());
      FrontForecast.Front f = ChainModeForecast.at(steps, v, e, p, Double.NaN);
      assertNotNull(f, "step " + steps[e]);
      assertTrue(Math.abs(f.centre() - crossing) <= 0.1 * remaining,
          "predicted " + f.centre() + " for " + crossing + " from step " + steps[e]);
    }
    // without the floor the rates do not rise: no floor is fitted, the blow-up stands
    for (int e = 6; e <= 36; e += 6) {
      assertNull(ChainModeForecast.blowUpAboveFloor(steps, m[0], e, p), "step " + steps[e]);
    }
  }

  @Test
  void aModeNotYetAboveItsFloorIsNotTimedByTheFloorsFit() {
    // a 3% rise over four intervals whose rates rise: the floor that equalises them is 98.5% of
    // the first sample, and the part above it (a few percent of the floor, a difference of two
    // nearly equal numbers that a wobble of the floor or noise makes) would be read as a
    // blow-up 900 steps ahead; the mode must stand at least twice its floor
    double p = ChainModeForecast.exponent(3);
    long[] steps = steps(5);
    double[] v = {1.000e-3, 1.004e-3, 1.010e-3, 1.018e-3, 1.030e-3};
    assertNull(ChainModeForecast.blowUpAboveFloor(steps, v, 4, p));
  }

  @Test
  void aFloorIsNotFittedToRatesThatRiseByNoise() {
    // rates that rise over the last four intervals, the last two twice the first two: a floor
    // that equalises the first and the last leaves the middle ones 1.44-fold apart, which no
    // single blow-up above a floor explains (a jump in the growth, noise or a change of regime)
    double p = ChainModeForecast.exponent(3);
    long[] steps = steps(5);
    double[] v = {1.00e-3, 1.11e-3, 1.24e-3, 1.53e-3, 1.94e-3};
    assertNull(ChainModeForecast.blowUpAboveFloor(steps, v, 4, p));
  }

  /** The logistic u = s/(1 + (s/u0 − 1)·e^{−c·s·t}) (a depth-2 mode) every {@link #INTERVAL}. */
  private static double[] logistic(double c, double s, double u0, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = s / (1 + (s / u0 - 1) * Math.exp(-c * s * i * INTERVAL));
    }
    return v;
  }

  @Test
  void aDepthTwoChainIsCalibratedByAFirstModeThatRoseFromFarBelowItsTarget() {
    // the first mode of a depth-2 chain goes from 0.025% of its target to 43% in one interval
    // and saturates in the next: its only interval below 0.9 s starts below MIN_SHARE · s. The
    // logistic's time from a to b is logarithmic in a, so the interval still gives c
    double c = 0.02;
    double[] v = logistic(c, 4.0, 1e-3, 11);
    long[] steps = steps(v.length);
    assertEquals(c, ChainModeForecast.rateConstant(steps, v, 10, 0.0), 1e-3 * c);
    // a deeper chain's time is dominated by a^{-p}: there an aligning start still disqualifies
    assertTrue(Double.isNaN(ChainModeForecast.rateConstant(steps, v, 10,
        ChainModeForecast.exponent(3))));
  }

  @Test
  void aModeRingingAboutItsTargetCalibratesFromItsOvershoot() {
    // a depth-2 chain's first mode rises along the logistic to 86% of its target, then overshoots
    // (large steps, momentum) and rings: 1.3 s, 0.75 s, 1.15 s, 0.9 s; no two samples agree
    // within PLATEAU_SPREAD, yet the fall after the peak shows the target reached, and the
    // centre of the ringing gives it (within the bias of a part cycle's mean, 7% here)
    double c = 5e-4;
    double s = 4.0;
    double[] rise = logistic(c, s, 1e-3, 60);
    int top = lastBelow(rise, 0.9 * s);
    double[] ring = {1.3 * s, 0.75 * s, 1.15 * s, 0.9 * s};
    double[] v = Arrays.copyOf(rise, top + 1 + ring.length);
    System.arraycopy(ring, 0, v, top + 1, ring.length);
    long[] steps = steps(v.length);
    assertTrue(Double.isNaN(ChainModeForecast.rateConstant(steps, v, top + 1, 0.0)),
        "at its peak the mode has not shown its target");
    for (int e = top + 2; e < v.length; e++) {
      assertEquals(c, ChainModeForecast.rateConstant(steps, v, e, 0.0), 0.1 * c,
          "ringing to index " + e);
    }
  }

  @Test
  void aDepthTwoLaterModeIsTimedWhileItsRiseStartsFarBelowItsTarget() {
    // the second mode (target 0.25, start 1e-4) with the run's c: at step 1,000 it is at 5.6% of
    // its target and the rising samples read go back to 0.18%; the target from its last
    // intervals times the midpoint (step 1,565)
    double c = 0.02;
    double s = 0.25;
    double[] v = logistic(c, s, 1e-4, 31);
    long[] steps = steps(v.length);
    double crossing = Math.log(s / 1e-4 - 1) / (c * s);
    for (int e = 8; e <= 12; e += 2) {
      FrontForecast.Front f = ChainModeForecast.at(steps, v, e, 0.0, c);
      assertNotNull(f, "step " + steps[e]);
      assertEquals(crossing, f.centre(), 0.05 * (crossing - steps[e]), "step " + steps[e]);
    }
  }

  @Test
  void aModeWhoseRiseSlowsHasPassedItsMidpoint() {
    // the rise is fastest at u* = s(1 + p)/(2 + p) >= s/2: the first checkpoint at which a mode
    // rises more slowly than over the interval before lies after its crossing of s/2, and
    // within two intervals of the rise's fastest point
    for (int depth : new int[] {2, 3, 4, 6}) {
      double p = ChainModeForecast.exponent(depth);
      double[][] m = mode(2e-3, 2.0, p, 1e-3, 40_000);
      long[] steps = steps(m[0].length);
      int first = -1;
      for (int e = 0; e < steps.length && first < 0; e++) {
        if (PrecursorForecaster.pastInflection(steps, m[0], e)) {
          first = e;
        }
      }
      assertTrue(first > 0, "depth " + depth + ": never slows");
      assertTrue(steps[first] >= m[1][0],
          "depth " + depth + ": slows at " + steps[first] + " before its midpoint " + m[1][0]);
      assertTrue(m[0][first - 2] < 2.0 * (1 + p) / (2 + p),
          "depth " + depth + ": slows long after its fastest rise");
    }
  }

  @Test
  void chainRunIsForecastFromItsEndToEndModesOnly() {
    // a depth-3 chain: end-to-end modes and the layers' singular values (their cube roots)
    double p = ChainModeForecast.exponent(3);
    double c = 2e-3;
    double[][] first = mode(c, 3.0, p, 1e-3, 20_000);
    double[][] second = mode(c, 1.0, p, 1e-3, 20_000);
    long[] steps = steps(first[0].length);
    List<SeriesData> run = depthThreeRun(steps, first[0], second[0]);
    assertEquals(3, PrecursorForecaster.chainDepths(run).get("layers"));
    int e = lastBelow(second[0], 0.05);
    Forecast f = PrecursorForecaster.at(run, steps[e], new long[] {INTERVAL}).get(0);
    double crossing = second[1][0];
    assertTrue(Math.abs(f.expectedStep() - crossing) <= 0.05 * (crossing - steps[e]),
        "expected " + f.expectedStep() + " for " + crossing);
    assertEquals(List.of("layers/end_to_end/sv2"), f.series());
    assertFalse(f.series().stream().anyMatch(s -> s.contains("layers.0")));
  }

  /**
   * The null directions of a rank-deficient end-to-end map do not calibrate the run: a singular
   * value near 1e-6 that creeps 20-fold by rounding and levels off looks saturated to
   * {@link ChainModeForecast#rateConstant}, and its rate constant, scaled by 1/s, is orders of
   * magnitude above the learned modes'. As the upper of two it was the median, and the second
   * mode was not timed at all (tune300 r00304 once two plateau samples calibrate). A mode
   * calibrates only once it stands {@value ChainModeForecast#MIN_RISE}× above the largest first
   * sample of the map's modes.
   */
  @Test
  void theNullDirectionsOfARankDeficientMapDoNotCalibrateTheRun() {
    double p = ChainModeForecast.exponent(3);
    double c = 2e-3;
    double[][] first = mode(c, 3.0, p, 1e-3, 20_000);
    double[][] second = mode(c, 1.0, p, 1e-3, 20_000);
    long[] steps = steps(first[0].length);
    double[] nullMode = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      nullMode[i] = 1e-6 * (1 + 19 * Math.min(1.0, i / 5.0));
    }
    assertTrue(ChainModeForecast.rateConstant(steps, nullMode, 20, p) > 1e3 * c,
        "a null direction alone looks saturated, at a far higher rate");
    List<SeriesData> run = depthThreeRun(steps, first[0], second[0], nullMode);
    int e = lastBelow(second[0], 0.05);
    Forecast f = PrecursorForecaster.at(run, steps[e], new long[] {INTERVAL}).get(0);
    double crossing = second[1][0];
    assertTrue(Math.abs(f.expectedStep() - crossing) <= 0.05 * (crossing - steps[e]),
        "expected " + f.expectedStep() + " for " + crossing);
  }

  /**
   * A depth-3 chain whose end-to-end map has the given modes ({@code end_to_end/sv1}, …) and
   * whose layers carry their cube roots (balanced), all at the same steps.
   */
  private static List<SeriesData> depthThreeRun(long[] steps, double[]... modes) {
    List<SeriesData> run = new ArrayList<>();
    for (int k = 0; k < modes.length; k++) {
      run.add(new SeriesData("end_to_end/sv" + (k + 1), "layers", steps, modes[k]));
    }
    for (int l = 0; l < 3; l++) {
      for (int k = 0; k < modes.length; k++) {
        double[] root = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
          root[i] = Math.cbrt(modes[k][i]);
        }
        run.add(new SeriesData("layers." + l + ".weight/sv" + (k + 1), "layers", steps, root));
      }
    }
    return run;
  }

  /**
   * A depth-{@code depth} chain whose first mode follows {@code m} (sampled every
   * {@link #INTERVAL} steps): {@code end_to_end/sv1} and each layer's sv1 (u^{1/depth},
   * balanced) at every {@code every}-th sample, and the loss 0.5·(s − u)² + 0.3 at every sample,
   * last.
   */
  private static List<SeriesData> chainRun(double[][] m, double s, int depth, int every) {
    long[] fine = steps(m[0].length);
    double[] loss = new double[fine.length];
    for (int i = 0; i < fine.length; i++) {
      loss[i] = 0.5 * (s - m[0][i]) * (s - m[0][i]) + 0.3;
    }
    int n = (fine.length - 1) / every + 1;
    long[] ckpt = new long[n];
    double[] u = new double[n];
    double[] layer = new double[n];
    for (int i = 0; i < n; i++) {
      ckpt[i] = fine[i * every];
      u[i] = m[0][i * every];
      layer[i] = Math.pow(u[i], 1.0 / depth);
    }
    return chainRun(ckpt, u, layer, depth, fine, loss);
  }

  @Test
  void firstModeBetweenTwoCheckpointsIsTimedFromTheLoss() {
    // depth 4 (p = 1/2), checkpoints every 3,000 steps: at step 3,000 the mode has two samples,
    // too few to read its growth; the loss, logged every 100 steps, falls by δ ≈ s·(u − u0)
    double p = ChainModeForecast.exponent(4);
    double s = 4.0;
    double[][] m = mode(4e-3, s, p, 1e-3, 8_000);
    double crossing = m[1][0];
    List<SeriesData> run = chainRun(m, s, 4, 30);
    long t = 3_000;
    assertTrue(crossing > t + 5 * INTERVAL && crossing < 6_000, "crossing at " + crossing);
    Forecast f = PrecursorForecaster.at(run, t, new long[] {INTERVAL}).get(0);
    assertTrue(Math.abs(f.expectedStep() - crossing) <= 0.2 * (crossing - t),
        "expected " + f.expectedStep() + " for " + crossing);
    assertEquals(List.of("loss"), f.series());
    // without the loss, nothing is forecast at t
    Forecast without = PrecursorForecaster.at(run.subList(0, 5), t, new long[] {INTERVAL})
        .get(0);
    assertTrue(Double.isNaN(without.expectedStep()));
  }

  @Test
  void aModeAlreadyAtItsEstimatedMidpointLevelIsNotForecast() {
    // depth 2 (logistic), a slow mode so that a checkpoint falls just past its crossing of s/2;
    // the run's rate constant reads 10% low (the mode is a little faster than the run's other
    // modes), so its target from the last intervals comes out ~5% high and s/2 still looks
    // ahead: a forecast issued after the midpoint, which would be scored against the next mode
    double p = ChainModeForecast.exponent(2);
    double c = 2e-4;
    double s = 2.0;
    double[][] m = mode(c, s, p, 1e-3, 80_000);
    long[] steps = steps(m[0].length);
    int past = lastBelow(m[0], s / 2) + 1;
    assertTrue(steps[past] >= m[1][0] && m[0][past] < 0.52 * s, "u = " + m[0][past]);
    double low = 0.9 * c;
    int[] ends = {past, lastBelow(m[0], 0.3 * s)};
    FrontForecast.Front late = ChainModeForecast.at(steps, m[0], ends[0], p, low);
    assertNull(late, () -> "forecast " + late.centre() + " from step " + steps[past]
        + ", after the crossing at " + m[1][0]);
    // well below its midpoint the same mode is still forecast
    FrontForecast.Front early = ChainModeForecast.at(steps, m[0], ends[1], p, low);
    assertNotNull(early);
    assertTrue(early.centre() > steps[ends[1]]);
  }

  @Test
  void aModeRingingAfterAMomentumOvershootIsNotForecast() {
    // heavy-ball momentum (β = 0.9) on a balanced depth-3 chain's mode, u = w³, loss ½(s − u)²:
    // the mode overshoots its target and rings about it; each upswing is a rise that has not
    // slowed yet, from which the mode's own model extrapolates a centre ahead
    int depth = 3;
    double p = ChainModeForecast.exponent(depth);
    double s = 3.0;
    double eta = 2e-3;
    double beta = 0.9;
    int every = 3;
    int n = 200;
    long[] steps = new long[n];
    double[] u = new double[n];
    double w = 0.1;
    double v = 0;
    for (int i = 0, k = 0; i < n; k++) {
      if (k % every == 0) {
        steps[i] = k;
        u[i++] = Math.pow(w, depth);
      }
      double grad = -(s - Math.pow(w, depth)) * depth * Math.pow(w, depth - 1);
      v = beta * v + grad;
      w -= eta * v;
    }
    // the first trough after the overshoot, then the first upswing sample from which the mode's
    // model (target fitted or finite-time blow-up) puts a centre ahead and whose rise has not
    // slowed
    int peak = 0;
    while (peak < n && u[peak] <= s) {
      peak++;
    }
    int trough = -1;
    for (int i = peak + 1; i + 1 < n && trough < 0; i++) {
      if (u[i - 1] > u[i] && u[i + 1] > u[i]) {
        trough = i;
      }
    }
    assertTrue(peak < n && trough > 0, "the mode never rings");
    int upswing = -1;
    for (int e = trough + 2; e < n && upswing < 0; e++) {
      FrontForecast.Front f = ChainModeForecast.at(steps, u, e, p, Double.NaN);
      if (f != null && f.centre() > steps[e]
          && !PrecursorForecaster.pastInflection(steps, u, e)) {
        upswing = e;
      }
    }
    assertTrue(upswing > 0, "the ringing's upswings give the mode's model no centre");
    List<SeriesData> run = new ArrayList<>();
    run.add(new SeriesData("end_to_end/sv1", "layers", steps, u));
    double[] layer = new double[n];
    for (int i = 0; i < n; i++) {
      layer[i] = Math.cbrt(u[i]);
    }
    for (int l = 0; l < depth; l++) {
      run.add(new SeriesData("layers." + l + ".weight/sv1", "layers", steps, layer));
    }
    Forecast f = PrecursorForecaster.at(run, steps[upswing], new long[] {INTERVAL}).get(0);
    assertTrue(Double.isNaN(f.expectedStep()),
        "forecast " + f.expectedStep() + " at step " + steps[upswing] + ", u = " + u[upswing]);
  }

  /**
   * A depth-4 chain's first mode, {@code mode(c, s, p, 1e-3, until)}, checkpointed every
   * {@code every} samples ({@link #INTERVAL} steps each) with its layers, and its loss
   * ½(s − u)² + 0.3 logged at every sample.
   */
  private static List<SeriesData> firstModeRun(double[] u, double s, int every) {
    int n = (u.length - 1) / every + 1;
    long[] ckpt = new long[n];
    double[] sv = new double[n];
    double[] layer = new double[n];
    for (int i = 0; i < n; i++) {
      ckpt[i] = i * every * INTERVAL;
      sv[i] = u[i * every];
      layer[i] = Math.pow(sv[i], 0.25);
    }
    long[] fine = steps(u.length);
    double[] loss = new double[u.length];
    for (int i = 0; i < u.length; i++) {
      loss[i] = 0.5 * (s - u[i]) * (s - u[i]) + 0.3;
    }
    return chainRun(ckpt, sv, layer, 4, fine, loss);
  }

  @Test
  void theLossShowsTheFirstModePastItsMidpointAndNeverBefore() {
    // φ = (L(0) − L)/u = C(2s − u − ...) falls from 2Cs to 1.5Cs at u = s/2
    double p = ChainModeForecast.exponent(4);
    double s = 4.0;
    double[][] m = mode(2e-4, s, p, 1e-3, 200_000);
    List<SeriesData> run = firstModeRun(m[0], s, 3);
    SeriesData sv1 = run.get(0);
    boolean fired = false;
    for (int e = 0; e < sv1.steps().length; e++) {
      boolean past = PrecursorForecaster.lossShowsPastMidpoint(run, sv1, e);
      if (sv1.steps()[e] < m[1][0]) {
        assertFalse(past, "past its midpoint at " + sv1.steps()[e] + ", crossing " + m[1][0]);
      } else if (sv1.values()[e] >= 0.6 * s) {
        fired |= past;
      }
    }
    assertTrue(fired, "the loss never shows the mode past its midpoint");
  }

  @Test
  void aFirstModeThatCrossedItsMidpointBetweenCheckpointsIsNotForecast() {
    // checkpoints every 2,000 steps: the mode rises from ~2% to 90% of its target within the
    // last interval while its finite-time blow-up law still holds over the last two, so its
    // own model extrapolates a blow-up ahead; the loss, logged every 100 steps, has already
    // fallen past the midpoint's share
    double p = ChainModeForecast.exponent(4);
    double s = 4.0;
    double[][] m = mode(4e-3, s, p, 1e-3, 20_000);
    List<SeriesData> run = firstModeRun(m[0], s, 20);
    SeriesData sv1 = run.get(0);
    int past = 0;
    while (sv1.steps()[past] < m[1][0]) {
      past++;
    }
    long t = sv1.steps()[past];
    FrontForecast.Front own = ChainModeForecast.at(sv1.steps(), sv1.values(), past, p,
        Double.NaN);
    assertTrue(own != null && own.centre() > t, "the mode's own model forecasts nothing");
    Forecast f = PrecursorForecaster.at(run, t, new long[] {INTERVAL}).get(0);
    assertTrue(Double.isNaN(f.expectedStep()), "forecast " + f.expectedStep() + " at " + t
        + " for a midpoint at " + m[1][0]);
  }

  @Test
  void aRandomlyInitialisedFirstModeIsNotShownPastItsMidpointEarly() {
    // a random initialisation: the map's component along the teacher's mode, π, grows from
    // (nearly) zero by the mode ODE while a random component r₀ = 2·10⁻³ decays; the top singular
    // value u = √(π² + r²) starts at r₀, not at π. The loss falls with π only,
    // ½(s − π)² + ½r² + 0.3, so δ/(u − u₀) would read far above 2Cs while π ≈ u₀, and a fall to
    // 3/4 of that early high would come long before the midpoint; δ/u does not
    double p = ChainModeForecast.exponent(3);
    double s = 3.0;
    double[][] m = mode(2e-3, s, p, 1e-4, 200_000);
    double r0 = 2e-3;
    double[] u = new double[m[0].length];
    double[] loss = new double[u.length];
    for (int i = 0; i < u.length; i++) {
      double r = r0 * Math.exp(-i / 20.0);
      u[i] = Math.hypot(m[0][i], r);
      loss[i] = 0.5 * (s - m[0][i]) * (s - m[0][i]) + 0.5 * r * r + 0.3;
    }
    long[] fine = steps(u.length);
    int every = 5;
    int n = (u.length - 1) / every + 1;
    long[] ckpt = new long[n];
    double[] sv = new double[n];
    for (int i = 0; i < n; i++) {
      ckpt[i] = fine[i * every];
      sv[i] = u[i * every];
    }
    SeriesData sv1 = new SeriesData("end_to_end/sv1", "layers", ckpt, sv);
    List<SeriesData> run = List.of(sv1, new SeriesData("loss", "", fine, loss));
    boolean fired = false;
    for (int e = 0; e < n; e++) {
      boolean past = PrecursorForecaster.lossShowsPastMidpoint(run, sv1, e);
      if (ckpt[e] < m[1][0]) {
        assertFalse(past, "past its midpoint at " + ckpt[e] + ", crossing " + m[1][0]);
      } else if (sv[e] >= 0.6 * s) {
        fired |= past;
      }
    }
    assertTrue(fired, "the loss never shows the mode past its midpoint");
  }

  @Test
  void aFirstModesBlowUpIsRetimedByTheTargetItsLossBounds() {
    // depth 3 (p = 1/3), a random initialisation: the top singular value starts off the
    // teacher's direction and falls before the mode rises, so at 3% of its target the mode has
    // risen over two checkpoint intervals only: too few to fit its target, its finite-time
    // blow-up times it. That ignores the saturation and comes late by a share of order
    // (2u/s)^{1/3} of the remaining time; the loss ½(s − π)² + 0.3 (π the mode's component along
    // the teacher, logged every 100 steps; its initial level bounds s) re-times it by the ODE
    double p = ChainModeForecast.exponent(3);
    double s = 3.0;
    double[][] m = mode(2e-3, s, p, 1e-3, 20_000);
    int end = lastBelow(m[0], 0.03 * s);
    int every = 5;
    long[] ckpt = {0, (end - 2 * every) * INTERVAL, (end - every) * INTERVAL, end * INTERVAL};
    double[] sv = {2 * m[0][end - 2 * every], m[0][end - 2 * every], m[0][end - every], m[0][end]};
    double[] layer = new double[sv.length];
    for (int i = 0; i < sv.length; i++) {
      layer[i] = Math.cbrt(sv[i]);
    }
    long[] fine = steps(m[0].length);
    double[] loss = new double[fine.length];
    for (int i = 0; i < fine.length; i++) {
      double pi = i == 0 ? 0 : m[0][i];
      loss[i] = 0.5 * (s - pi) * (s - pi) + 0.3;
    }
    List<SeriesData> run = chainRun(ckpt, sv, layer, 3, fine, loss);
    double crossing = m[1][0];
    long t = ckpt[3];
    double remaining = crossing - t;
    FrontForecast.Front raw = ChainModeForecast.at(ckpt, sv, 3, p, Double.NaN);
    assertTrue(raw != null && Double.isNaN(raw.level()), "not a blow-up forecast");
    assertTrue(raw.centre() - crossing > ForecastScoring.ON_TIME * remaining,
        "the blow-up at " + raw.centre() + " is not late for " + crossing);
    Forecast f = PrecursorForecaster.at(run, t, new long[] {INTERVAL}).get(0);
    assertTrue(Math.abs(f.expectedStep() - crossing) <= 0.1 * remaining,
        "expected " + f.expectedStep() + " for " + crossing + " from step " + t
            + " (blow-up " + raw.centre() + ")");
  }

  @Test
  void aFirstModesBlowUpReadFromTheLossIsRetimedByItsInitialLevel() {
    // as firstModeBetweenTwoCheckpointsIsTimedFromTheLoss, depth 3 (p = 1/3): the loss's blow-up
    // ignores the saturation and comes late; in the loss's units (δ ≈ 2Cs·u) the target is
    // 2Cs² ≤ 2·L(0), which re-times it by the mode ODE
    double p = ChainModeForecast.exponent(3);
    double s = 3.0;
    double[][] m = mode(2e-3, s, p, 1e-3, 20_000);
    double crossing = m[1][0];
    List<SeriesData> run = chainRun(m, s, 3, 40);
    SeriesData lossSeries = run.get(run.size() - 1);
    long t = run.get(0).steps()[1];
    assertTrue(crossing > t + 5 * INTERVAL, "crossing at " + crossing);
    FrontForecast.Front raw = PrecursorForecaster.lossBlowUp(lossSeries, t, p);
    double remaining = crossing - t;
    assertTrue(raw != null && raw.centre() - crossing > ForecastScoring.ON_TIME * remaining,
        "the loss's blow-up at " + (raw == null ? null : raw.centre()) + " is not late for "
            + crossing + " from " + t);
    Forecast f = PrecursorForecaster.at(run, t, new long[] {INTERVAL}).get(0);
    assertEquals(List.of("loss"), f.series());
    assertTrue(Math.abs(f.expectedStep() - crossing) <= 0.1 * remaining,
        "expected " + f.expectedStep() + " for " + crossing + " from step " + t);
  }

  @Test
  void aFittedTargetAboveTheBoundIsRetimedWithTheBound() {
    // depth 3; the mode timed with a rate constant that reads 1.5× low: its target from the last
    // intervals comes out ~1.5× high (below s mostly k = c·s is seen), and the centre late;
    // with a bound 5% above the true target the front keeps k and is re-timed closer
    double p = ChainModeForecast.exponent(3);
    double c = 2e-3;
    double s = 3.0;
    double[][] all = mode(c, s, p, 1e-3, 20_000);
    // from 3.5% of the target on: every sample of the fit above its least share of the high one
    int from = lastBelow(all[0], 0.035 * s) + 1;
    double[][] m = {Arrays.copyOfRange(all[0], from, all[0].length), all[1]};
    long[] steps = Arrays.copyOfRange(steps(all[0].length), from, all[0].length);
    int e = lastBelow(m[0], 0.1 * s);
    double crossing = m[1][0];
    double remaining = crossing - steps[e];
    FrontForecast.Front high = ChainModeForecast.at(steps, m[0], e, p, c / 1.5);
    assertTrue(high != null && high.level() > 1.3 * s, "target " + (high == null ? null
        : high.level()));
    assertTrue(high.centre() > crossing, "the high target's centre " + high.centre()
        + " is not late for " + crossing);
    FrontForecast.Front f = ChainModeForecast.bounded(high, steps[e], m[0][e], 1.05 * s, p);
    assertNotNull(f);
    assertEquals(1.05 * s, f.level(), 1e-12);
    assertTrue(Math.abs(f.centre() - crossing) <= 0.05 * remaining
            && Math.abs(f.centre() - crossing) < 0.5 * (high.centre() - crossing),
        "re-timed " + f.centre() + " for " + crossing + " from " + steps[e] + " (high target "
            + high.centre() + ")");
    // a target below the bound is kept
    FrontForecast.Front exact = ChainModeForecast.at(steps, m[0], e, p, c);
    assertEquals(exact, ChainModeForecast.bounded(exact, steps[e], m[0][e], 1.05 * s, p));
  }

  @Test
  void aFirstModeTimedByItsLossIsForecastAtTheLossStepsBetweenCheckpoints() {
    // depth 4, checkpoints every 3,000 steps: at 3,000 the mode stands 17× above its start and
    // has two samples, so the loss times it; the next checkpoint, at 6,000, is past its midpoint.
    // The loss, logged every 100 steps, keeps timing it at its own steps in between
    double p = ChainModeForecast.exponent(4);
    double s = 4.0;
    double[][] m = mode(4e-3, s, p, 1e-3, 8_000);
    double crossing = m[1][0];
    List<SeriesData> run = chainRun(m, s, 4, 30);
    assertTrue(crossing > 3_800 && crossing < 6_000, "crossing at " + crossing);
    long[] at = PrecursorForecaster.forecastSteps(run);
    int between = 0;
    for (long t : at) {
      if (t > 3_000 && t < crossing) {
        between++;
        Forecast f = PrecursorForecaster.at(run, t, new long[] {INTERVAL}).get(0);
        assertEquals(List.of("loss"), f.series(), "at " + t);
        assertTrue(Math.abs(f.expectedStep() - crossing) <= ForecastScoring.ON_TIME
            * (crossing - t), "expected " + f.expectedStep() + " for " + crossing + " at " + t);
      }
    }
    // the loss's steps 3,100 … 3,800, each with a front ahead
    assertEquals(8, between, Arrays.toString(at));
  }

  @Test
  void theLossTimesAFirstModeBeforeItLeavesItsFloorFromItsStart() {
    // depth 4, checkpoints every 2,000 steps: at 2,000 the mode is 4× its start (an aligned
    // initialisation's u₀), below the LOSS_TIMED_RISE gate, and the loss falls by δ ∝ u − u₀,
    // which grows faster in relative terms than u: the blow-up read from δ at 2,700 (u ≈ 10 u₀)
    // comes early by a quarter of the time left. Read on w + Δ, the start w at which δ's last two
    // doublings give one blow-up rate — and the interval from step 0 agrees — the loss times the
    // mode at its steps between the checkpoints, on time
    double p = ChainModeForecast.exponent(4);
    double s = 4.0;
    double[][] m = mode(4e-3, s, p, 1e-3, 8_000);
    double crossing = m[1][0];
    List<SeriesData> run = chainRun(m, s, 4, 20);
    assertTrue(m[0][20] < PrecursorForecaster.LOSS_TIMED_RISE * m[0][0] && crossing < 4_000,
        "mode at " + m[0][20] + ", crossing at " + crossing);
    SeriesData loss = run.get(run.size() - 1);
    FrontForecast.Front raw = PrecursorForecaster.lossBlowUp(loss, 2_700, p);
    assertTrue(crossing - raw.centre() > ForecastScoring.ON_TIME * (crossing - 2_700),
        "blow-up " + raw.centre() + " for " + crossing + " is not early");
    int between = 0;
    for (long t : PrecursorForecaster.forecastSteps(run)) {
      if (t > 2_000 && t < crossing) {
        between++;
        Forecast f = PrecursorForecaster.at(run, t, new long[] {INTERVAL}).get(0);
        assertEquals(List.of("loss"), f.series(), "at " + t);
        assertTrue(Math.abs(f.expectedStep() - crossing) <= ForecastScoring.ON_TIME
            * (crossing - t), "expected " + f.expectedStep() + " for " + crossing + " at " + t);
      }
    }
    assertTrue(between >= 5, between + " forecasts before " + crossing);
  }

  @Test
  void theLossDoesNotTimeAnAligningFirstModeFromItsStart() {
    // as above with checkpoints every 1,000 steps, but the mode's checkpoint at 1,000 below its
    // first (a random initialisation's top singular value, off the teacher direction, dips while
    // the mode aligns): δ follows the component along the teacher, which starts near 0, not
    // u − u₀. At 2,000 the mode is above its first sample again, below the LOSS_TIMED_RISE gate,
    // and no loss step up to the next checkpoint is forecast
    double p = ChainModeForecast.exponent(4);
    double s = 4.0;
    double[][] m = mode(4e-3, s, p, 1e-3, 8_000);
    List<SeriesData> run = new ArrayList<>(chainRun(m, s, 4, 10));
    SeriesData sv = run.get(0);
    double[] dipped = sv.values().clone();
    dipped[1] = 0.5 * dipped[0];
    run.set(0, new SeriesData(sv.name(), sv.group(), sv.steps(), dipped));
    assertTrue(dipped[2] > dipped[0]
        && dipped[2] < PrecursorForecaster.LOSS_TIMED_RISE * dipped[1], "mode " + dipped[2]);
    for (long t : PrecursorForecaster.forecastSteps(run)) {
      assertFalse(t > 2_000 && t < 3_000, "forecast at " + t);
    }
  }

  @Test
  void aFirstModeGrowingAsAPowerOfTimeIsTimedByItsPowerLawUpToTheLossBound() {
    // Adam: each of the 3 layers grows along the mode at a constant rate (sign-like steps of a
    // fixed size), a = 0.1 + 1e-4·t, so u = a³ — no exponential, no finite-time blow-up, and the
    // mode ODE finds no front. Checkpoints every 1,000 steps, the loss ½(s − u)² + 0.3 every 100
    // (its initial level bounds s). u reaches s/2 at a = (s/2)^{1/3}
    double s = 3.0;
    int depth = 3;
    double v = 1e-4;
    double crossing = (Math.cbrt(s / 2) - 0.1) / v;
    long[] fine = steps(111);
    double[] loss = new double[fine.length];
    for (int i = 0; i < fine.length; i++) {
      double u = Math.pow(0.1 + v * fine[i], 3);
      loss[i] = 0.5 * (s - u) * (s - u) + 0.3;
    }
    long[] ckpt = new long[11];
    double[] sv = new double[ckpt.length];
    double[] layer = new double[ckpt.length];
    for (int i = 0; i < ckpt.length; i++) {
      ckpt[i] = i * 10 * INTERVAL;
      layer[i] = 0.1 + v * ckpt[i];
      sv[i] = Math.pow(layer[i], 3);
    }
    List<SeriesData> run = chainRun(ckpt, sv, layer, depth, fine, loss);
    double p = ChainModeForecast.exponent(depth);
    // from 4,000 on, the midpoint lies within twice the history ahead (MAX_AHEAD)
    for (int e = 4; e <= 8; e++) {
      long t = ckpt[e];
      assertNull(ChainModeForecast.at(ckpt, sv, e, p, Double.NaN), "an ODE front at " + t);
      Forecast f = PrecursorForecaster.at(run, t, new long[] {INTERVAL}).get(0);
      assertTrue(f.series().contains("layers/end_to_end/sv1"), "at " + t + ": " + f.series());
      // the bound errs large (the loss's floor 0.3 in L(0)): late by a few percent
      assertTrue(Math.abs(f.expectedStep() - crossing) <= ForecastScoring.ON_TIME
          * (crossing - t), "expected " + f.expectedStep() + " for " + crossing + " at " + t);
    }
  }

  @Test
  void aDepthTwoFirstModeIsTimedByTheLogisticItsLossShows() {
    // depth 2 (p = 0): du/dt = c·u·(s − u), a logistic of rate c·s = 4e-3 per step from
    // u₀ = 1e-3, which never blows up. Checkpoints every 1,000 steps: at 1,000 the mode has two
    // samples, too few for the ODE's fit; the loss ½(s − u)² + 0.3, logged every 100 steps,
    // falls by δ = s·u − u²/2 (less the start's share), exponentially at the rate c·s while the
    // mode is far below s, and its initial level bounds the target (s² ≤ 2·L(0))
    double s = 2.0;
    double[][] m = mode(2e-3, s, 0.0, 1e-3, 3_000);
    double crossing = m[1][0];
    List<SeriesData> run = chainRun(m, s, 2, 10);
    long t = 1_000;
    assertTrue(crossing > 1_850 && crossing < 2_000, "crossing at " + crossing);
    assertTrue(m[0][10] >= PrecursorForecaster.LOSS_TIMED_RISE * m[0][0], "mode " + m[0][10]);
    assertNull(ChainModeForecast.at(run.get(0).steps(), run.get(0).values(), 1, 0.0,
        Double.NaN));
    Forecast f = PrecursorForecaster.at(run, t, new long[] {INTERVAL}).get(0);
    assertEquals(List.of("loss"), f.series());
    assertTrue(Math.abs(f.expectedStep() - crossing) <= 0.05 * (crossing - t),
        "expected " + f.expectedStep() + " for " + crossing + " from " + t);
    // and at the loss's steps after it: on time while the mode is below a quarter of s (up to
    // 1,600: δ's growth slowing, read by the logistic's exact time and the level the quadratic
    // gives); nearer the midpoint the bound's error (the floor 0.3 in L(0), 15% here) dominates
    // and the forecast at 1,700 comes late by a third of the time left …
    int between = 0;
    for (long step : PrecursorForecaster.forecastSteps(run)) {
      if (step > t && step < crossing) {
        between++;
        Forecast g = PrecursorForecaster.at(run, step, new long[] {INTERVAL}).get(0);
        assertEquals(List.of("loss"), g.series(), "at " + step);
        assertTrue(m[0][(int) (step / INTERVAL)] >= s / 4
            || Math.abs(g.expectedStep() - crossing) <= ForecastScoring.ON_TIME
            * (crossing - step), "expected " + g.expectedStep() + " for " + crossing + " at "
            + step);
        // … and none once δ's exponential rates over its last two doublings disagree (at 1,800
        // the second is 0.74× the first: the mode is no longer far below its target)
        assertTrue(step < 1_800, "forecast at " + step);
      }
    }
    assertTrue(between >= 6, "forecast at " + between + " loss steps before " + crossing);
  }

  @Test
  void theEarlyRateOfALogisticTimesItsMidpoint() {
    // p = 0: from k = c·s and s, the centre is the logistic's t + ln(s/u − 1)/k, width 2/k
    double k = 4e-3;
    double s = 2.0;
    double u = 0.05;
    FrontForecast.Front f = ChainModeForecast.fromEarlyRate(1_000, u, k, s, 0.0);
    assertNotNull(f);
    assertEquals(1_000 + Math.log(s / u - 1) / k, f.centre(), 1e-6 * f.centre());
    assertEquals(2 / k, f.width(), 1e-9);
    // the exponential rate through three samples of e^{k t}; none when the rates disagree
    assertEquals(k, ChainModeForecast.earlyRate(0, 1.0, 200, Math.exp(200 * k), 500,
        Math.exp(500 * k), 0.0), 1e-12);
    assertTrue(Double.isNaN(ChainModeForecast.earlyRate(0, 1.0, 200, Math.exp(200 * k), 500,
        Math.exp(200 * k + 300 * k / 1.5), 0.0)));
  }

  /**
   * An Adam-like first mode of a chain of {@code depth} layers, each growing along the mode at a
   * constant rate: a = a0 + rate·t, u = a^depth, sampled every {@link #INTERVAL} steps up to
   * {@code until} as the loss ½(s − u)² + floor, and as {@code end_to_end/sv1} and the layers'
   * sv1 at every {@code every}-th sample.
   */
  private static List<SeriesData> powerLawRun(double a0, double rate, int depth, double s,
                                              double floor, long until, int every) {
    long[] fine = steps((int) (until / INTERVAL) + 1);
    double[] loss = new double[fine.length];
    for (int i = 0; i < fine.length; i++) {
      double u = Math.pow(a0 + rate * fine[i], depth);
      loss[i] = 0.5 * (s - u) * (s - u) + floor;
    }
    int n = (fine.length - 1) / every + 1;
    long[] ckpt = new long[n];
    double[] sv = new double[n];
    double[] layer = new double[n];
    for (int i = 0; i < n; i++) {
      ckpt[i] = fine[i * every];
      layer[i] = a0 + rate * ckpt[i];
      sv[i] = Math.pow(layer[i], depth);
    }
    return chainRun(ckpt, sv, layer, depth, fine, loss);
  }

  @Test
  void anAdamFirstModeIsTimedByThePowerLawItsLossShowsBeforeItsSecondCheckpoint() {
    // Adam, depth 3: a = 0.1 + 1e-4·t, u = a³ crosses s/2 = 1.5 at t ≈ 8,090; checkpoints every
    // 10,000 steps, so only the initial one comes before the midpoint, and the loss, logged every
    // 100 steps, is all there is: δ = L(0) − L grows as a power of time (neither the mode ODE's
    // blow-up nor an exponential) over its last three doublings, and its level, timed by that
    // law up to the target its initial level bounds, crosses the midpoint on time
    double s = 3.0;
    double crossing = (Math.cbrt(s / 2) - 0.1) / 1e-4;
    List<SeriesData> run = powerLawRun(0.1, 1e-4, 3, s, 0.0, 20_000, 100);
    long first = -1;
    for (long t : PrecursorForecaster.forecastSteps(run)) {
      if (t > 0 && t < crossing) {
        Forecast f = PrecursorForecaster.at(run, t, new long[] {INTERVAL}).get(0);
        assertEquals(List.of("loss"), f.series(), "at " + t);
        if (first < 0) {
          first = t;
          assertTrue(Math.abs(f.expectedStep() - crossing) <= ForecastScoring.ON_TIME
              * (crossing - t), "first forecast " + f.expectedStep() + " for " + crossing
              + " at " + t);
        }
      }
    }
    assertTrue(first > 0 && first < crossing / 2, "first forecast at " + first);
  }

  @Test
  void aPowerLawMustHoldOverEveryIntervalItIsReadFrom() {
    // a = u^{1/2} rising by 0.1 per 100 steps over three intervals reaches (s/2)^{1/2} = 1 at 800
    long[] t = {0, 100, 200, 300};
    double[] u = {0.04, 0.09, 0.16, 0.25};
    FrontForecast.Front f = ChainModeForecast.powerLaw(t, u, 3, 2, 2.0, 3);
    assertNotNull(f);
    assertEquals(800.0, f.centre(), 1e-9);
    // the first interval twice as fast: the last two agree, the three do not
    double[] faster = {0.0025, 0.09, 0.16, 0.25};
    assertNotNull(ChainModeForecast.powerLaw(t, faster, 3, 2, 2.0, 2));
    assertNull(ChainModeForecast.powerLaw(t, faster, 3, 2, 2.0, 3));
  }

  @Test
  void aPowerLawWhoseRateDriftsIsTimedAtItsRateAtTheLastSampleNotAtTheIntervalsMean() {
    // Adam's warm-up: a = u^{1/2} = 0.1 + 1e-3·t + 5e-7·t², its rate 1e-3 + 1e-6·t; the chords
    // of the three intervals (1.05e-3, 1.15e-3, 1.25e-3) agree within BLOW_UP_AGREEMENT and lag
    // the rate at 300, 1.3e-3, at which a = 0.445 reaches (s/2)^{1/2} = 1 0.555 / 1.3e-3 steps
    // later (the chords' mean gave 784, late by a seventh of the time left)
    long[] t = {0, 100, 200, 300};
    double[] u = new double[t.length];
    double[] slowing = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      double a = 0.1 + 1e-3 * t[i] + 5e-7 * t[i] * t[i];
      u[i] = a * a;
      // Adam's later slowing, the same drift falling: the rate at 300 is 1e-3
      double b = 0.1 + 1.3e-3 * t[i] - 5e-7 * t[i] * t[i];
      slowing[i] = b * b;
    }
    FrontForecast.Front f = ChainModeForecast.powerLaw(t, u, 3, 2, 2.0, 3);
    assertNotNull(f);
    assertEquals(300 + 0.555 / 1.3e-3, f.centre(), 1e-6);
    assertEquals(300 + 0.555 / 1e-3,
        ChainModeForecast.powerLaw(t, slowing, 3, 2, 2.0, 3).centre(), 1e-6);
  }

  @Test
  void aModeOfTheOdeSlowingNearItsTargetIsNotTimedAsAPowerLawByItsLoss() {
    // depth 2, the logistic du/dt = c·u·(s − u) from u₀ = 1e-3, checkpoints every 3,000 steps
    // (only the initial one before the midpoint, so the loss's exponential is not read, the mode
    // not yet risen from its floor), the loss logged every 100 steps over a floor of other modes'
    // energy (0.7, which makes the bound from L(0) err large). The loss times the mode from its
    // start up to 1,100; near its target the mode's growth slows and δ's last two doublings pass
    // for a power law of time (at 1,800, its centre late by a third of the time left), the three
    // before do not: every forecast before the midpoint is on time. (Past it, at 2,100, all three
    // doublings lie in the slowing and one is issued; a single-mode run has no later jump to read
    // it against.)
    double s = 2.0;
    double[][] m = mode(2e-3, s, 0.0, 1e-3, 4_000);
    double crossing = m[1][0];
    List<SeriesData> run = chainRun(m, s, 2, 30);
    List<SeriesData> floored = new ArrayList<>(run.subList(0, run.size() - 1));
    SeriesData loss = run.get(run.size() - 1);
    double[] lv = loss.values().clone();
    for (int i = 0; i < lv.length; i++) {
      lv[i] += 0.7;
    }
    floored.add(new SeriesData("loss", "", loss.steps(), lv));
    assertTrue(crossing > 1_800 && crossing < 2_000, "crossing at " + crossing);
    for (long t : PrecursorForecaster.forecastSteps(floored)) {
      if (t > 0 && t < crossing) {
        Forecast f = PrecursorForecaster.at(floored, t, new long[] {INTERVAL}).get(0);
        assertTrue(Math.abs(f.expectedStep() - crossing) <= ForecastScoring.ON_TIME
            * (crossing - t), "expected " + f.expectedStep() + " for " + crossing + " at " + t);
      }
    }
  }

  @Test
  void aModesRiseFromAnUnknownStartTimesItsMidpoint() {
    // depth 4 from u₀ = 1e-3, seen only as Δ = u − u₀ at 2,700 and the latest samples where Δ was
    // at most a half and a quarter of that: the start at which both intervals give one blow-up
    // rate is u₀ again, and with the target the ODE's centre is the crossing's
    double p = ChainModeForecast.exponent(4);
    double s = 4.0;
    double u0 = 1e-3;
    double[][] m = mode(4e-3, s, p, u0, 8_000);
    double crossing = m[1][0];
    int e = 27;
    double de = m[0][e] - u0;
    int a = lastBelow(m[0], u0 + de / 2);
    int b = lastBelow(m[0], u0 + de / 4);
    FrontForecast.Front f = ChainModeForecast.fromStart(0, b * INTERVAL, m[0][b] - u0,
        a * INTERVAL, m[0][a] - u0, e * INTERVAL, de, s, p);
    assertNotNull(f);
    assertEquals(crossing, f.centre(), 0.02 * (crossing - e * INTERVAL));
    // read as if it had started at step 1,000, the interval from the start is too slow
    assertNull(ChainModeForecast.fromStart(1_000, b * INTERVAL, m[0][b] - u0, a * INTERVAL,
        m[0][a] - u0, e * INTERVAL, de, s, p));
    // the mode read whole (Δ = u, its start included) is not timed from a start
    assertNull(ChainModeForecast.fromStart(0, b * INTERVAL, m[0][b], a * INTERVAL, m[0][a],
        e * INTERVAL, m[0][e], s, p));
  }

  /**
   * Lab-generated: run r00552 of the randomized lab of seed 300 (depth 3, gradient descent, a
   * random initialisation, one teacher mode of strength 3.79 whose singular value crosses half of
   * it at step 3,677), its end-to-end map's top singular value at the checkpoints up to step
   * 1,547 (every 91 steps) and its loss up to step 1,552 (every 16 steps), as the replay reads
   * them.
   */
  private static List<SeriesData> r00552UpTo1552() {
    double[] sv1 = {
      9.552347271623333E-4, 9.700259110203139E-4, 9.868093320505357E-4,
      0.001005888807443291, 0.0010276177502263671, 0.0010524074391028229,
      0.0010807360755735952, 0.0011131603796423657, 0.0011503290852590505,
      0.001192999633437524, 0.0012420599320299118, 0.0012985549123675066,
      0.0013637225013990828, 0.0014390393565580483, 0.001526281837249113,
      0.001627606556301789, 0.0017456573581175762, 0.001883709128326402
    };
    double[] loss = {
      7.1898266943753955, 7.189809217036703, 7.1897917026381775, 7.189774144032966,
      7.1897565340414396, 7.189738865446048, 7.189721130986126, 7.189703323352673,
      7.189685435182999, 7.1896674590554, 7.189649387483676, 7.189631212911629,
      7.189612927707451, 7.189594524157998, 7.189575994463009, 7.189557330729171,
      7.189538524964093, 7.189519569070157, 7.189500454838204, 7.1894811739411395,
      7.1894617179273075, 7.18944207821378, 7.189422246079431, 7.1894022126578605,
      7.189381968930096, 7.189361505717134, 7.189340813672229, 7.1893198832730105,
      7.189298704813332, 7.189277268394866, 7.189255563918468, 7.189233581075266,
      7.189211309337448, 7.189188737948736, 7.189165855914618, 7.189142651992141,
      7.1891191146794355, 7.189095232204856, 7.189070992515731, 7.189046383266686,
      7.189021391807605, 7.188996005171099, 7.188970210059519, 7.188943992831489,
      7.188917339487934, 7.188890235657541, 7.188862666581681, 7.1888346170987445,
      7.188806071627825, 7.18877701415177, 7.188747428199546, 7.188717296827896,
      7.188686602602192, 7.188655327576561, 7.18862345327313, 7.1885909606604015,
      7.188557830130737, 7.188524041476821, 7.188489573867175, 7.18845440582053,
      7.188418515179127, 7.188381879080811, 7.188344473929898, 7.188306275366697,
      7.188267258235678, 7.188227396552205, 7.188186663467699, 7.188145031233209,
      7.188102471161307, 7.188058953586138, 7.188014447821657, 7.18796892211782,
      7.187922343614695, 7.187874678294346, 7.187825890930426, 7.187775945035251,
      7.187724802804275, 7.187672425057848, 7.187618771180022, 7.187563799054319,
      7.187507464996198, 7.187449723682141, 7.187390528075056, 7.187329829345833,
      7.187267576790833, 7.187203717745056, 7.1871381974906825, 7.187070959160826,
      7.187001943638099, 7.186931089447715, 7.186858332644797, 7.186783606695525,
      7.186706842351768, 7.186627967518747, 7.1865469071153205, 7.186463582926419,
      7.186377913447133, 7.186289813717886
    };
    long[] ckpt = new long[sv1.length];
    for (int i = 0; i < ckpt.length; i++) {
      ckpt[i] = 91L * i;
    }
    long[] logged = new long[loss.length];
    for (int i = 0; i < logged.length; i++) {
      logged[i] = 16L * i;
    }
    return chainRun(ckpt, sv1, sv1, 3, logged, loss);
  }

  @Test
  void aFirstModeWhoseLossShowsNoOdeGrowthIsTimedByItsLossNotByItsCheckpoints() {
    // r00552 (tune300): the top singular value of a randomly initialised chain rises slowly while
    // the mode aligns, and its checkpoints' ODE fit reads a front (from step 1,638 on, late by
    // half the time left); its loss meanwhile falls as a power of time over three doublings, not
    // as the ODE's blow-up. The checkpoints' front is set aside, the loss times the mode (from its
    // start, the mode never below its first checkpoint), and at the loss's step 1,552 the
    // forecast is on time
    List<SeriesData> run = r00552UpTo1552();
    double crossing = 3_677;
    long t = 1_552;
    assertTrue(Arrays.binarySearch(PrecursorForecaster.forecastSteps(run), t) >= 0,
        "not forecast at " + t);
    Forecast f = PrecursorForecaster.at(run, t, new long[] {INTERVAL}).get(0);
    assertEquals(List.of("loss"), f.series());
    assertTrue(Math.abs(f.expectedStep() - crossing) <= ForecastScoring.ON_TIME * (crossing - t),
        "expected " + f.expectedStep() + " for " + crossing);
  }

  /**
   * A chain's run as the forecaster reads it: the end-to-end map's top mode and the same mode
   * series {@code layer} for each of {@code layers} weights at the checkpoints, and the loss at
   * its logged steps.
   */
  private static List<SeriesData> chainRun(long[] ckpt, double[] endToEnd, double[] layer,
                                           int layers, long[] lossSteps, double[] loss) {
    List<SeriesData> run = new ArrayList<>();
    run.add(new SeriesData("end_to_end/sv1", "layers", ckpt, endToEnd));
    for (int l = 0; l < layers; l++) {
      run.add(new SeriesData("layers." + l + ".weight/sv1", "layers", ckpt, layer));
    }
    run.add(new SeriesData("loss", "", lossSteps, loss));
    return run;
  }
}
