package org.shockscope.shock;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Synthetic series for the detector's tests: sampling grids, profiles and noises. */
final class Synthetic {
  private Synthetic() {}

  /** n steps spaced by dt, starting at 0. */
  /** The jump events of a list, in order. */
  static List<ShockEvent> jumps(List<ShockEvent> events) {
    List<ShockEvent> out = new ArrayList<>();
    for (ShockEvent e : events) {
      if (e.kind().equals(ShockEvent.JUMP)) {
        out.add(e);
      }
    }
    return out;
  }

  static long[] regularSteps(int n, long dt) {
    long[] s = new long[n];
    for (int i = 0; i < n; i++) {
      s[i] = i * dt;
    }
    return s;
  }

  /** The steps of a lab run's logged metrics, as the detector takes them. */
  static long[] loggedSteps(org.shockscope.lab.TrainedRun run) {
    int[] s = run.metrics().steps();
    long[] steps = new long[s.length];
    for (int i = 0; i < s.length; i++) {
      steps[i] = s[i];
    }
    return steps;
  }

  /** n steps with gaps drawn uniformly from 1..2·dt−1 (mean dt), starting at 0. */
  static long[] irregularSteps(int n, long dt, Random r) {
    long[] s = new long[n];
    long c = 0;
    for (int i = 0; i < n; i++) {
      s[i] = c;
      c += 1 + r.nextInt((int) (2 * dt - 1));
    }
    return s;
  }

  /** m + (J/2)·tanh((t − ts)/w) at the steps. */
  static double[] tanh(long[] steps, double m, double jump, double ts, double w) {
    double[] y = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      y[i] = m + 0.5 * jump * Math.tanh((steps[i] - ts) / w);
    }
    return y;
  }

  /** Adds N(0, sd²) to every value, in place; returns y. */
  static double[] gaussian(double[] y, double sd, Random r) {
    for (int i = 0; i < y.length; i++) {
      y[i] += sd * r.nextGaussian();
    }
    return y;
  }

  /** A Student-t draw with the given degrees of freedom (heavy-tailed for small dof). */
  static double studentT(int dof, Random r) {
    double chi2 = 0.0;
    for (int k = 0; k < dof; k++) {
      double g = r.nextGaussian();
      chi2 += g * g;
    }
    return r.nextGaussian() / Math.sqrt(chi2 / dof);
  }

  /** The (sorted) sample index whose step is closest to x. */
  static int nearest(long[] steps, double x) {
    int best = 0;
    for (int i = 1; i < steps.length; i++) {
      if (Math.abs(steps[i] - x) < Math.abs(steps[best] - x)) {
        best = i;
      }
    }
    return best;
  }
}
