package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.shockscope.OrderStatistics;

/** The numeric kernels, each checked against a second, plain algorithm. */
class KernelTest {
  @Test
  void rollingMedianMatchesTheDefinition() {
    Random r = new Random(1);
    RollingMedian rolling = new RollingMedian();
    for (int n : new int[] {1, 2, 7, 50, 333}) {
      for (int radius : new int[] {0, 1, 5, 20}) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
          x[i] = r.nextInt(5) == 0 ? 3.0 : r.nextGaussian(); // ties included
        }
        double[] out = new double[n];
        rolling.apply(x, n, radius, out);
        for (int i = 0; i < n; i++) {
          int h = Math.min(radius, Math.min(i, n - 1 - i));
          double[] w = Arrays.copyOfRange(x, i - h, i + h + 1);
          Arrays.sort(w);
          assertEquals(w[w.length / 2], out[i], 0.0, "n=" + n + " r=" + radius + " i=" + i);
        }
      }
    }
  }

  @Test
  void rollingMedianReproducesMonotoneRunsAndIgnoresShortSpikes() {
    int n = 60;
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.exp(-i / 10.0);
    }
    double[] out = new double[n];
    new RollingMedian().apply(x, n, 8, out);
    assertArrayEquals(x, out, 0.0);
    x[30] += 5;
    x[31] += 5;
    new RollingMedian().apply(x, n, 8, out);
    // Two spiked samples shift the median by at most two places along the monotone run.
    assertTrue(out[30] >= Math.exp(-3.2) && out[30] <= Math.exp(-2.8), "baseline " + out[30]);
  }

  @Test
  void medianAndSelect() {
    Random r = new Random(2);
    double[] work = new double[101];
    for (int n : new int[] {1, 2, 3, 10, 101}) {
      double[] a = new double[n];
      for (int i = 0; i < n; i++) {
        a[i] = r.nextGaussian();
      }
      double[] sorted = a.clone();
      Arrays.sort(sorted);
      double median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
      assertEquals(median, OrderStatistics.median(a, 0, n, work), 0.0);
      double[] copy = a.clone();
      assertEquals(sorted[n - 1], OrderStatistics.select(copy, n, n - 1), 0.0);
    }
    assertTrue(Double.isNaN(OrderStatistics.median(new double[0], 0, 0, work)));
  }

  /** The pseudo-residual scale estimates σ, ignores any line, and shrugs off a few spikes. */
  @Test
  void noiseScaleIgnoresTrendsAndOutliers() {
    Random r = new Random(3);
    int n = 4000;
    long[] steps = Synthetic.irregularSteps(n, 10, r);
    double[] t = new double[n];
    double[] y = new double[n];
    double[] tilted = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = steps[i];
      y[i] = 2.0 * r.nextGaussian();
      tilted[i] = y[i] + 0.37 * t[i] - 5;
    }
    double[] work = new double[n];
    double plain = RobustOps.noiseScale(t, y, 0, n, work);
    assertEquals(2.0, plain, 0.1);
    assertEquals(plain, RobustOps.noiseScale(t, tilted, 0, n, work), 1e-9);
    for (int k = 0; k < 20; k++) {
      y[r.nextInt(n)] += 1000;
    }
    assertEquals(2.0, RobustOps.noiseScale(t, y, 0, n, work), 0.15);
    assertEquals(0.0, RobustOps.noiseScale(t, y, 0, 2, work));
  }

  /** The scan's O(1) windowed statistic equals a direct least-squares fit of both models. */
  @Test
  void stepScanStatisticMatchesDirectLeastSquares() {
    Random r = new Random(4);
    int n = 200;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 0.001 * i * i + (i >= 120 ? 4 : 0) + r.nextGaussian();
    }
    StepScan scan = new StepScan();
    for (int h : new int[] {3, 12, 48}) {
      // Splits nearer an end than h have windows cut by it.
      for (int i : new int[] {h, 100, 120, n - h, h / 2 + 2, n - h / 2 - 2}) {
        double expected = rss(y, n, i, h, false) - rss(y, n, i, h, true);
        assertEquals(expected, scan.drop(y, n, i, h), 1e-8 * (1 + expected), "i=" + i + " h=" + h);
      }
    }
    // A centred step is three-quarters collinear with the window's linear term, so a 4σ step
    // over ±48 samples drops the RSS by about 4²·48·(1/2)·(1/4) = 96 σ².
    double[] unit = new double[n];
    Arrays.fill(unit, 1.0);
    List<StepScan.Candidate> found = scan.scan(y, n, unit, 1.0, 20.0, 3);
    assertEquals(120, found.get(0).split(), 1);
    assertEquals(48, found.get(0).halfWidth());
    assertEquals(96, found.get(0).statistic(), 40);

    // 39 samples hold whole windows up to h = 12; h = 24 runs with windows cut by the ends, and
    // sees a step at sample 27 against the 24 samples before it.
    int m = 39;
    double[] late = new double[m];
    for (int i = 0; i < m; i++) {
      late[i] = (i >= 27 ? -4 : 0) + r.nextGaussian();
    }
    List<StepScan.Candidate> short39 = scan.scan(late, m, unit, 1.0, 10.0, 3);
    StepScan.Candidate cut = short39.stream().filter(c -> c.halfWidth() == 24).findFirst()
        .orElseThrow();
    assertEquals(27, cut.split(), 1);
    assertEquals(scan.drop(late, m, cut.split(), 24), cut.statistic(), 1e-9 * cut.statistic());
  }

  /**
   * RSS of a quadratic in the index (plus a step at i when asked) on [i−h, i+h) cut by [0, n),
   * by EJML.
   */
  private static double rss(double[] y, int n, int i, int h, boolean step) {
    int from = Math.max(0, i - h);
    int m = Math.min(n, i + h) - from;
    int p = step ? 4 : 3;
    DMatrixRMaj x = new DMatrixRMaj(m, p);
    DMatrixRMaj b = new DMatrixRMaj(m, 1);
    for (int k = 0; k < m; k++) {
      double j = (from + k) - 100.0;
      x.set(k, 0, 1);
      x.set(k, 1, j / 100);
      x.set(k, 2, j * j / 1e4);
      if (step) {
        x.set(k, 3, from + k >= i ? 1 : 0);
      }
      b.set(k, 0, y[from + k]);
    }
    DMatrixRMaj beta = new DMatrixRMaj(p, 1);
    assertTrue(CommonOps_DDRM.solve(x, b, beta));
    DMatrixRMaj fitted = new DMatrixRMaj(m, 1);
    CommonOps_DDRM.mult(x, beta, fitted);
    double s = 0;
    for (int k = 0; k < m; k++) {
      double d = b.get(k) - fitted.get(k);
      s += d * d;
    }
    return s;
  }

  /**
   * A wander the series is too short to read at its span is extrapolated from shorter spans with
   * only the part white noise does not explain scaled as a random walk's. 40 samples of white
   * noise (σ = 1) around a front zone of 14, read for blocks of 7 a gap of 14 apart, can only be
   * read from single samples 3 apart: scaling all of that by √(28/5) gave 3.3σ on average over
   * 200 seeds; now 1.4σ (the ideal is σ·√(2/7) = 0.53σ; what lifts it is the sampling error of
   * the 18 differences read, whose excess over the white share is scaled up). A random walk
   * read the same way still grows as one: well above its wander at one sample.
   */
  @Test
  void aWanderReadAtShorterSpansScalesOnlyWhatWhiteNoiseDoesNotExplain() {
    int n = 40;
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = i;
    }
    double[] zoneLo = {18};
    double[] zoneHi = {31};
    double[] work = new double[n];
    double[] prefix = new double[n + 1];
    double white = 0.0;
    double walk = 0.0;
    double walkStep = 0.0;
    Random r = new Random(11);
    int seeds = 200;
    for (int seed = 0; seed < seeds; seed++) {
      double[] noise = new double[n];
      double[] path = new double[n];
      for (int i = 0; i < n; i++) {
        noise[i] = r.nextGaussian();
        path[i] = (i == 0 ? 0.0 : path[i - 1]) + r.nextGaussian();
      }
      white += RobustOps.wanderAtSpan(t, noise, n, 14, 7, 1.0, zoneLo, zoneHi, 1, work, prefix);
      double sd = RobustOps.noiseScale(t, path, 0, n, work);
      walk += RobustOps.wanderAtSpan(t, path, n, 14, 7, sd, zoneLo, zoneHi, 1, work, prefix);
      walkStep += RobustOps.wanderAtSpan(t, path, n, 1, 1, sd, zoneLo, zoneHi, 1, work, prefix);
    }
    assertTrue(white / seeds > Math.sqrt(2.0 / 7.0) && white / seeds < 1.6, "white " + white / seeds);
    // Block means of 7 a gap of 14 apart differ by √(14 + 2·7/3)·q ≈ 4.3 q for a walk of step q.
    assertTrue(walk / seeds > 3.0, "walk " + walk / seeds);
    assertTrue(walk / seeds > 2.5 * walkStep / seeds, walk / seeds + " vs " + walkStep / seeds);
  }

  @Test
  void smoothTrendsFitTheirOwnFamiliesExactly() {
    int n = 101;
    double[] t = new double[n];
    double[] cubic = new double[n];
    double[] exp = new double[n];
    double[] tanh = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = 1000 + 10 * i;
      double u = (t[i] - 1500) / 500;
      cubic[i] = 2 - u + 3 * u * u - 0.5 * u * u * u;
      exp[i] = 4 + 2 * Math.exp(-5 * u); // c = −5 is on the grid
      tanh[i] = Math.tanh(u / 0.05);
    }
    SmoothTrendFit fit = new SmoothTrendFit();
    fit.bestCriterion(t, cubic, 0, n, 1e-12, 1.0, Math.log(n));
    assertEquals(0.0, fit.minRss(), 1e-10);
    assertEquals(4, fit.bestParameters());
    fit.bestCriterion(t, exp, 0, n, 1e-12, 1.0, Math.log(n));
    assertEquals(0.0, fit.minRss(), 1e-9);
    assertEquals(3, fit.bestParameters());
    fit.bestCriterion(t, tanh, 0, n, 1e-12, 1.0, Math.log(n));
    assertTrue(fit.minRss() > 5, "a sharp front is not a smooth trend: " + fit.minRss());
  }

  @Test
  void smallSolveAgreesWithEjml() {
    Random r = new Random(5);
    for (int size = 1; size <= 5; size++) {
      DMatrixRMaj a = new DMatrixRMaj(size, size);
      DMatrixRMaj b = new DMatrixRMaj(size, 1);
      double[] flat = new double[size * size];
      double[] rhs = new double[size];
      for (int i = 0; i < size; i++) {
        for (int j = 0; j < size; j++) {
          double v = r.nextGaussian() + (i == j ? 3 : 0);
          a.set(i, j, v);
          flat[i * size + j] = v;
        }
        rhs[i] = r.nextGaussian();
        b.set(i, 0, rhs[i]);
      }
      DMatrixRMaj x = new DMatrixRMaj(size, 1);
      assertTrue(CommonOps_DDRM.solve(a, b, x));
      assertTrue(SmallSolve.solve(flat, rhs, size));
      for (int i = 0; i < size; i++) {
        assertEquals(x.get(i), rhs[i], 1e-12);
      }
    }
    assertFalse(SmallSolve.solve(new double[] {1, 2, 2, 4}, new double[] {1, 1}, 2));
  }
}
