package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The profile fit alone recovers t_s, J and w of synthetic tanh fronts on a window of
 * ±max(6w, 30 samples): widths from 0.5 to 50 sampling intervals, noise from none to J/5, regular
 * and irregular sampling, five seeds each.
 */
class ViscousShockFitTest {
  private static final long DT = 10;

  /**
   * Tolerances: every estimate within 4 of its reported standard errors (which the test thereby
   * checks as well), plus one sampling interval for t_s and 1e-6 relative for J and w without
   * noise; the width's standard error below 0.3 for σ ≤ J/20; a front narrower than 2 intervals
   * is only required to come out narrower than 1.5 gaps (its width is not identifiable, the
   * detector reports the gap as a bound).
   */
  @ParameterizedTest(name = "w = {0} intervals, sigma = J x {1}, irregular = {2}")
  @CsvSource({
      "0.5, 0, false", "0.5, 0.05, false", "0.5, 0.2, true",
      "1, 0.05, true", "2, 0, true", "2, 0.05, false", "2, 0.2, false",
      "5, 0, false", "5, 0.05, true", "5, 0.2, true",
      "10, 0.05, false", "10, 0.2, false", "20, 0, true", "20, 0.05, true", "20, 0.2, false",
      "50, 0, false", "50, 0.05, false", "50, 0.2, true"})
  void recoversFront(double widthIntervals, double relativeNoise, boolean irregular) {
    double jump = 4.0;
    double w = widthIntervals * DT;
    ViscousShockFit fit = new ViscousShockFit();
    for (int seed = 0; seed < 5; seed++) {
      Random r = new Random(100 + seed);
      int n = 400;
      long[] steps = irregular ? Synthetic.irregularSteps(n, DT, r) : Synthetic.regularSteps(n, DT);
      double ts = steps[150] + r.nextDouble() * (steps[250] - steps[150]);
      double[] y = Synthetic.gaussian(Synthetic.tanh(steps, 1.5, jump, ts, w),
          relativeNoise * jump, r);
      double[] t = new double[n];
      for (int i = 0; i < n; i++) {
        t[i] = steps[i];
      }
      int k = Synthetic.nearest(steps, ts);
      int reach = (int) Math.max(30, Math.ceil(6 * widthIntervals));
      int from = Math.max(0, k - reach);
      int to = Math.min(n, k + reach);
      assertTrue(fit.fit(t, y, from, to, t[k] - 3 * DT, t[k] + 3 * DT, 1000));
      double gap = DT * (irregular ? 2.0 : 1.0);
      double tsTol = 4.0 * (Double.isFinite(fit.centerStdError()) ? fit.centerStdError() : 0.0)
          + gap;
      String where = "seed " + seed + ": ts " + fit.center() + " vs " + ts + ", J " + fit.jump()
          + ", w " + fit.width() + " vs " + w;
      assertEquals(ts, fit.center(), tsTol, where);
      double jumpTol = 4.0 * fit.jumpStdError() + 1e-6 * jump;
      assertEquals(jump, fit.jump(), jumpTol, where);
      if (widthIntervals >= 2 && Double.isFinite(fit.logWidthStdError())) {
        assertEquals(0.0, Math.log(fit.width() / w), 4.0 * fit.logWidthStdError() + 1e-6,
            where);
        assertTrue(relativeNoise > 0.1 || fit.logWidthStdError() < 0.3,
            where + ", se(ln w) " + fit.logWidthStdError());
      } else if (widthIntervals >= 2) {
        // Under heavy noise a 2-interval front may fit as a step: then w is not identifiable.
        assertTrue(relativeNoise > 0.1 && fit.width() < 1.5 * gap, where);
      } else {
        assertTrue(fit.width() < 1.5 * gap, where);
      }
      assertEquals(1.5 - jump / 2, fit.leftLevel(), jumpTol, where);
      assertEquals(1.5 + jump / 2, fit.rightLevel(), jumpTol, where);
    }
  }

  @Test
  void slopeOfTheBackgroundIsSeparatedFromTheJump() {
    long[] steps = Synthetic.regularSteps(200, 1);
    double[] t = new double[200];
    double[] y = new double[200];
    for (int i = 0; i < 200; i++) {
      t[i] = steps[i];
      y[i] = 0.01 * (t[i] - 100) + 1.5 * Math.tanh((t[i] - 100.3) / 4.0);
    }
    ViscousShockFit fit = new ViscousShockFit();
    assertTrue(fit.fit(t, y, 0, 200, 90, 110, 200));
    assertEquals(0.01, fit.slope(), 1e-7);
    assertEquals(3.0, fit.jump(), 1e-6);
    assertEquals(100.3, fit.center(), 1e-5);
    assertEquals(4.0, fit.width(), 1e-5);
    assertEquals(0.003, fit.level(), 1e-6);
  }

  @Test
  void refitFromAThinnedLocalisationReachesTheSameOptimum() {
    Random r = new Random(7);
    long[] steps = Synthetic.regularSteps(600, 1);
    double[] t = new double[600];
    for (int i = 0; i < 600; i++) {
      t[i] = steps[i];
    }
    double[] y = Synthetic.gaussian(Synthetic.tanh(steps, 0, 2, 301.4, 1.5), 0.1, r);
    ViscousShockFit thinned = new ViscousShockFit();
    assertTrue(thinned.fit(t, y, 0, 600, 200, 400, 64));
    assertTrue(thinned.refit(t, y, 0, 600, 10.0));
    ViscousShockFit full = new ViscousShockFit();
    assertTrue(full.fit(t, y, 0, 600, 290, 310, 1000));
    // The RSS is bumpy in t_s at the sample scale for a front this sharp (1.5 samples): both
    // must land in the same basin, the refit no worse than the direct fit.
    assertEquals(full.center(), thinned.center(), 0.5);
    assertEquals(0.0, Math.log(thinned.width() / full.width()), 0.3);
    assertTrue(thinned.rss() <= full.rss() * (1 + 1e-3));
    assertEquals(301.4, thinned.center(), 0.5);
  }

  @Test
  void refusesConstantAndTooShortWindows() {
    double[] t = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    double[] flat = new double[10];
    ViscousShockFit fit = new ViscousShockFit();
    assertFalse(fit.fit(t, flat, 0, 10, 3, 6, 100));
    double[] y = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
    assertFalse(fit.fit(t, y, 0, 6, 2, 4, 100));
    assertFalse(new ViscousShockFit().refit(t, y, 0, 10, 0.0));
  }

  @Test
  void longRunFactorIsOneForWhiteResidualsAndLargeForRandomWalkResiduals() {
    Random r = new Random(3);
    int n = 400;
    double[] t = new double[n];
    double[] white = new double[n];
    double[] walk = new double[n];
    double w = 0;
    for (int i = 0; i < n; i++) {
      t[i] = i;
      white[i] = r.nextGaussian() + (i >= 200 ? 5 : 0);
      w += r.nextGaussian();
      walk[i] = w;
    }
    ViscousShockFit fit = new ViscousShockFit();
    assertTrue(fit.fit(t, white, 0, n, 190, 210, 1000));
    assertEquals(1.0, fit.longRunFactor(5, 1.0, 100), 0.5);
    assertTrue(fit.fit(t, walk, 0, n, 100, 300, 1000));
    assertTrue(fit.longRunFactor(5, 1.0, 100) > 5.0);
  }
}
