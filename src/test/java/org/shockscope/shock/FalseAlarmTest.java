package org.shockscope.shock;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Series without any transition must give no jump: 500 seeds per family of noise and smooth
 * trend, 400 samples each, half on an irregular grid. The false-alarm rate (series with at
 * least one jump) must stay at or below 1%; spikes must not fire on the steady (Gaussian,
 * autocorrelated and drifting) families either. The rates achieved are in the messages.
 */
class FalseAlarmTest {
  private static final int SEEDS = 500;
  private static final int N = 400;
  private static final double MAX_RATE = 0.01;

  /** The null families: each maps (steps, random) to values. */
  enum Family {
    GAUSSIAN(true, (s, r) -> {
      double[] y = new double[s.length];
      return Synthetic.gaussian(y, 1.0, r);
    }),
    STUDENT_T3(false, (s, r) -> {
      double[] y = new double[s.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = Synthetic.studentT(3, r);
      }
      return y;
    }),
    /** White noise plus a random walk whose total excursion is about 2σ over the run. */
    WHITE_PLUS_RANDOM_WALK(true, (s, r) -> {
      double[] y = new double[s.length];
      double walk = 0;
      for (int i = 0; i < y.length; i++) {
        walk += 2.0 / Math.sqrt(y.length) * r.nextGaussian();
        y[i] = walk + r.nextGaussian();
      }
      return y;
    }),
    /** AR(1) with ρ = 0.9, unit marginal variance: slow, correlated SGD-like wander. */
    AUTOREGRESSIVE(true, (s, r) -> {
      double[] y = new double[s.length];
      double x = 0;
      for (int i = 0; i < y.length; i++) {
        x = 0.9 * x + Math.sqrt(1 - 0.81) * r.nextGaussian();
        y[i] = x;
      }
      return y;
    }),
    /** 10·e^{−t/τ} + N(0, 0.3²), τ from 2% to 32% of the run. */
    EXPONENTIAL_DECAY(true, (s, r) -> {
      double tau = (0.02 + 0.3 * r.nextDouble()) * s[s.length - 1];
      double[] y = new double[s.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = 10 * Math.exp(-s[i] / tau);
      }
      return Synthetic.gaussian(y, 0.3, r);
    }),
    /** Noise-free saturation 1 − e^{−t/τ} (deterministic gradient descent curves). */
    NOISE_FREE_SATURATION(true, (s, r) -> {
      double tau = (0.02 + 0.3 * r.nextDouble()) * s[s.length - 1];
      double[] y = new double[s.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = 1 - Math.exp(-s[i] / tau);
      }
      return y;
    }),
    /** A random quadratic drift of a few σ over the run. */
    SLOW_DRIFT(true, (s, r) -> {
      double b = 5 * r.nextGaussian();
      double c = 5 * r.nextGaussian();
      double span = s[s.length - 1];
      double[] y = new double[s.length];
      for (int i = 0; i < y.length; i++) {
        double u = s[i] / span;
        y[i] = b * u + c * u * u;
      }
      return Synthetic.gaussian(y, 1.0, r);
    }),
    /**
     * A value constant by construction, computed with double rounding error (the rank of a
     * vector through an SVD): a few units in the last place around 1.38, any sign.
     */
    CONSTANT_TO_ROUNDING(true, (s, r) -> {
      double[] y = new double[s.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = 1.38 + Math.ulp(1.38) * (r.nextInt(9) - 4);
      }
      return y;
    }),
    /** A power-law loss 3(1 + t/10)^−α with 10% multiplicative noise (searched on both scales). */
    POWER_LAW_LOSS(true, (s, r) -> {
      double alpha = 0.3 + r.nextDouble();
      double[] y = new double[s.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = 3 * Math.pow(1 + s[i] / 10.0, -alpha) * Math.exp(0.1 * r.nextGaussian());
      }
      return y;
    });

    final boolean steady;
    final BiFunction<long[], Random, double[]> generator;

    Family(boolean steady, BiFunction<long[], Random, double[]> generator) {
      this.steady = steady;
      this.generator = generator;
    }
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void noJumpsWithoutTransitions(Family family) {
    ShockDetector detector = new ShockDetector(DetectorConfig.DEFAULTS);
    int withJump = 0;
    int withSpike = 0;
    for (int seed = 0; seed < SEEDS; seed++) {
      Random r = new Random(seed * 7919L + family.ordinal());
      long[] steps = seed % 2 == 0 ? Synthetic.regularSteps(N, 10)
          : Synthetic.irregularSteps(N, 10, r);
      double[] y = family.generator.apply(steps, r);
      boolean jump = false;
      boolean spike = false;
      for (ShockEvent e : detector.detect("x", "", steps, y)) {
        jump |= e.kind().equals(ShockEvent.JUMP);
        spike |= e.kind().equals(ShockEvent.SPIKE);
      }
      withJump += jump ? 1 : 0;
      withSpike += spike ? 1 : 0;
    }
    double jumpRate = withJump / (double) SEEDS;
    double spikeRate = withSpike / (double) SEEDS;
    assertTrue(jumpRate <= MAX_RATE, family + ": jump false-alarm rate " + jumpRate);
    if (family.steady) {
      assertTrue(spikeRate <= MAX_RATE, family + ": spike false-alarm rate " + spikeRate);
    }
  }
}
