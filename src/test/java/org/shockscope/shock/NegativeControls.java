package org.shockscope.shock;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;

/**
 * Synthetic runs in which nothing sudden happens (the negative controls of issue 12): every
 * series of such a run is quiet, so any transition the detector reports is a false alarm. Each
 * run has a loss and a handful of observables, as the job would scan them, with a length drawn
 * from 60 to 4000 samples and a checkpoint interval from 1 to 50 steps.
 */
final class NegativeControls {
  private NegativeControls() {}

  /** The families of quiet runs. */
  enum Family {
    /**
     * Online SGD after its escape: a loss decaying smoothly over six decades (exponential or
     * power law), logged as per-sample losses (the mean of b ∈ {1, 4, 16} samples, each the
     * clean loss times a χ²₁ draw), beside weight observables that saturate smoothly with small
     * noise and a step size that decays with the loss and per-sample noise.
     */
    SMOOTH_DECAY,
    /** A loss sitting on a plateau with per-sample and autocorrelated (AR(1), ρ ≤ 0.95) noise. */
    NOISY_PLATEAU,
    /**
     * Weights that random-walk from a random start: W_t = W_0 + σ·Σ ξ, the observables those of
     * W_t (top singular values, Frobenius norm, stable and effective rank) and the step size.
     */
    RANDOM_WALK_WEIGHTS,
    /** Slow drifts: sigmoids wider than a fifth of the run, lines and bends, under AR noise. */
    SLOW_DRIFT
  }

  /** A quiet run of the family, drawn from the seed. */
  static List<SeriesData> run(Family family, long seed) {
    Random r = new Random(seed * 1_000_003L + family.ordinal());
    int n = (int) Math.round(60 * Math.exp(r.nextDouble() * Math.log(4000.0 / 60.0)));
    long dt = 1 + r.nextInt(50);
    long[] steps = Synthetic.regularSteps(n, dt);
    return switch (family) {
      case SMOOTH_DECAY -> smoothDecay(steps, r);
      case NOISY_PLATEAU -> noisyPlateau(steps, r);
      case RANDOM_WALK_WEIGHTS -> randomWalkWeights(steps, r);
      case SLOW_DRIFT -> slowDrift(steps, r);
    };
  }

  private static List<SeriesData> smoothDecay(long[] steps, Random r) {
    int n = steps.length;
    double span = steps[n - 1];
    int batch = new int[] {1, 4, 16}[r.nextInt(3)];
    boolean power = r.nextBoolean();
    double[] clean = new double[n];
    for (int i = 0; i < n; i++) {
      double u = steps[i] / span;
      // six decades over the run: e^{−13.8 u} or (1 + u/c)^{−p} with the same end point
      clean[i] = power ? Math.pow(1 + u / 0.001, -6.0 / 3.0) : Math.exp(-13.8 * u);
    }
    double[] loss = new double[n];
    double[] step = new double[n];
    double[] norm = new double[n];
    double[] rank = new double[n];
    double tau = 0.05 + 0.3 * r.nextDouble();
    for (int i = 0; i < n; i++) {
      loss[i] = clean[i] * chi2Mean(batch, r);
      step[i] = Math.sqrt(clean[i]) * chi2Mean(batch, r);
      double u = steps[i] / span;
      norm[i] = 3 - 2 * Math.exp(-u / tau) + 0.003 * r.nextGaussian();
      rank[i] = 1 + 2 * Math.exp(-u / tau) + 0.01 * r.nextGaussian();
    }
    List<SeriesData> out = new ArrayList<>();
    out.add(new SeriesData("loss", "", steps, loss));
    out.add(new SeriesData("quotient_step", "fc1", steps, step));
    out.add(new SeriesData("fro_norm", "fc1", steps, norm));
    out.add(new SeriesData("effective_rank", "fc1", steps, rank));
    return out;
  }

  private static List<SeriesData> noisyPlateau(long[] steps, Random r) {
    int n = steps.length;
    int batch = new int[] {1, 4, 16}[r.nextInt(3)];
    double rho = 0.95 * r.nextDouble();
    double level = Math.exp(r.nextGaussian());
    double[] loss = new double[n];
    double[] acc = new double[n];
    double[] norm = new double[n];
    double a = 0;
    double b = 0;
    for (int i = 0; i < n; i++) {
      a = rho * a + Math.sqrt(1 - rho * rho) * r.nextGaussian();
      b = rho * b + Math.sqrt(1 - rho * rho) * r.nextGaussian();
      loss[i] = level * Math.exp(0.2 * a) * chi2Mean(batch, r);
      acc[i] = 0.5 + 0.05 * b;
      norm[i] = 2 + 0.01 * a + 0.01 * r.nextGaussian();
    }
    List<SeriesData> out = new ArrayList<>();
    out.add(new SeriesData("loss", "", steps, loss));
    out.add(new SeriesData("accuracy", "", steps, acc));
    out.add(new SeriesData("fro_norm", "fc1", steps, norm));
    return out;
  }

  private static List<SeriesData> randomWalkWeights(long[] steps, Random r) {
    int n = steps.length;
    int d = 6 + r.nextInt(7);
    DMatrixRMaj w = new DMatrixRMaj(d, d);
    for (int k = 0; k < d * d; k++) {
      w.data[k] = r.nextGaussian() / Math.sqrt(d);
    }
    // the walk's total excursion: from a tenth to three times the initial norm
    double sigma = Math.exp(Math.log(0.1) + r.nextDouble() * Math.log(30.0)) / Math.sqrt(n * d);
    int top = 4;
    double[][] sv = new double[top][n];
    double[] fro = new double[n];
    double[] stable = new double[n];
    double[] eff = new double[n];
    double[] step = new double[n];
    DMatrixRMaj copy = new DMatrixRMaj(d, d);
    for (int i = 0; i < n; i++) {
      double moved = 0;
      for (int k = 0; k < d * d; k++) {
        double dw = sigma * r.nextGaussian();
        w.data[k] += dw;
        moved += dw * dw;
      }
      step[i] = Math.sqrt(moved);
      copy.setTo(w);
      double[] s = SingularOps_DDRM.singularValues(copy);
      Arrays.sort(s);
      double sum = 0;
      double sum2 = 0;
      for (double v : s) {
        sum += v;
        sum2 += v * v;
      }
      double ent = 0;
      for (double v : s) {
        double p = v / sum;
        ent -= p > 0 ? p * Math.log(p) : 0;
      }
      for (int k = 0; k < top; k++) {
        sv[k][i] = s[s.length - 1 - k];
      }
      fro[i] = Math.sqrt(sum2);
      stable[i] = sum2 / (s[s.length - 1] * s[s.length - 1]);
      eff[i] = Math.exp(ent);
    }
    List<SeriesData> out = new ArrayList<>();
    for (int k = 0; k < top; k++) {
      out.add(new SeriesData("c_attn.sv" + (k + 1), "h0.attn", steps, sv[k]));
    }
    out.add(new SeriesData("fro_norm", "h0.attn", steps, fro));
    out.add(new SeriesData("stable_rank", "h0.attn", steps, stable));
    out.add(new SeriesData("effective_rank", "h0.attn", steps, eff));
    out.add(new SeriesData("quotient_step", "h0.attn", steps, step));
    return out;
  }

  private static List<SeriesData> slowDrift(long[] steps, Random r) {
    int n = steps.length;
    double span = steps[n - 1];
    List<SeriesData> out = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      double rho = 0.9 * r.nextDouble();
      double noise = Math.exp(-1 - 3 * r.nextDouble());
      double center = r.nextDouble();
      double width = 0.2 + 0.3 * r.nextDouble();
      double size = 1 + 3 * r.nextDouble();
      double slope = r.nextGaussian();
      double bend = r.nextGaussian();
      double[] y = new double[n];
      double e = 0;
      for (int i = 0; i < n; i++) {
        double u = steps[i] / span;
        e = rho * e + Math.sqrt(1 - rho * rho) * r.nextGaussian();
        y[i] = 5 + size * Math.tanh((u - center) / width) + slope * u + bend * u * u
            + noise * e;
      }
      out.add(new SeriesData("drift" + k, "g", steps, y));
    }
    return out;
  }

  /** The mean of b draws of χ²₁: the noise factor of a loss averaged over b samples. */
  private static double chi2Mean(int b, Random r) {
    double s = 0;
    for (int k = 0; k < b; k++) {
      double g = r.nextGaussian();
      s += g * g;
    }
    return s / b;
  }
}
