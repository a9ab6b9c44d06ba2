package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Update rules against hand-computed PyTorch semantics on L = ½·c·θ² (gradient cθ). */
class OptimizerTest {
  private static double[] run(OptimizerSettings s, double c, double theta0, int steps) {
    double[][] p = {{theta0}};
    double[][] g = {{0}};
    Optimizer o = new Optimizer(s, p);
    double[] out = new double[steps + 1];
    out[0] = theta0;
    for (int t = 0; t < steps; t++) {
      g[0][0] = c * p[0][0];
      o.step(p, g);
      out[t + 1] = p[0][0];
    }
    return out;
  }

  @Test
  void heavyBallFollowsItsRecurrence() {
    double lr = 0.1;
    double mu = 0.9;
    double wd = 0.01;
    double[] th = run(OptimizerSettings.plain(OptimizerKind.MOMENTUM, lr, mu, 1, wd, 0),
        2.0, 1.0, 20);
    double theta = 1.0;
    double buf = 0;
    for (int t = 0; t < 20; t++) {
      double g = (2.0 + wd) * theta;
      buf = t == 0 ? g : mu * buf + g;
      theta -= lr * buf;
      assertEquals(theta, th[t + 1], 1e-15);
    }
  }

  @Test
  void gdWarmsUpLinearly() {
    OptimizerSettings s = OptimizerSettings.plain(OptimizerKind.GD, 0.2, 0, 1, 0, 4);
    double[] th = run(s, 1.0, 1.0, 5);
    double[] lrs = {0.05, 0.1, 0.15, 0.2, 0.2};
    double theta = 1;
    for (int t = 0; t < 5; t++) {
      theta *= 1 - lrs[t];
      assertEquals(theta, th[t + 1], 1e-15);
    }
  }

  @Test
  void adamFirstStepIsTheLearningRateAndAdamWDecaysDecoupled() {
    double[] adam = run(OptimizerSettings.plain(OptimizerKind.ADAM, 0.01, 0, 1, 0, 0),
        3.0, 2.0, 1);
    assertEquals(2.0 - 0.01, adam[1], 1e-9);
    double[] adamw = run(OptimizerSettings.plain(OptimizerKind.ADAMW, 0.01, 0, 1, 0.5, 0),
        3.0, 2.0, 1);
    assertEquals(2.0 * (1 - 0.01 * 0.5) - 0.01, adamw[1], 1e-9);
  }
}
