package org.shockscope.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.shockscope.io.DType;

/**
 * Trains the negative controls of the randomized lab: runs in which nothing sudden happens
 * after a step t0, so that every transition a detector reports after t0 is a false alarm.
 *
 * <ul>
 *   <li>{@link Family#CONTROL_DECAY}: linear regression y = W x (W: dOut×d, weight
 *       {@code linear.weight}) trained online from W = 0 by SGD on fresh samples
 *       x ~ N(0, diag(λ)), λ log-spaced from 1 down to λ_min, labels y = W* x. The expected loss
 *       is ½ Σ_i λ_i c_i(t)² with every c_i decaying geometrically at its own rate (a convex
 *       quadratic has no plateau or saddle), so with the λ spread over decades the loss decays
 *       smoothly over decades; the logged loss is the current batch's loss, with its
 *       per-sample noise. t0 = max(2% of the run, 3/(η λ_max)): the fastest direction's first
 *       e-foldings.</li>
 *   <li>{@link Family#CONTROL_PLATEAU}: the same regression started next to its optimum
 *       (W = W* + N(0, δ²)) with label noise y = W* x + σε: the loss fluctuates around
 *       ½ dOut σ² from the start. t0 = 2% of the run.</li>
 *   <li>{@link Family#CONTROL_RANDOM_WALK}: a two-layer ReLU network (fc1 with bias, fc2)
 *       whose parameters take independent Gaussian steps θ ← θ + s ξ every step, without
 *       training; the logged loss is its mean squared error on a fixed data set labelled by a
 *       random ReLU teacher. A random walk has no sudden event: t0 = 0.</li>
 * </ul>
 */
final class ControlTrainer {
  /** Fraction of the run before t0 in the regression controls. */
  static final double EARLY_FRACTION = 0.02;
  /** Data set of the random-walk network. */
  private static final int WALK_SAMPLES = 32;
  private static final int WALK_INPUTS = 8;

  /**
   * A regression control's draw.
   *
   * @param dIn         input dimension d
   * @param dOut        output dimension
   * @param batch       fresh samples per update
   * @param lr          learning rate η
   * @param lambdaMin   smallest input variance (the largest is 1)
   * @param labelNoise  σ of the label noise (0 for the decay)
   * @param startOffset δ: the plateau starts at W* + N(0, δ²); NaN to start at W = 0
   */
  record Regression(int dIn, int dOut, int batch, double lr, double lambdaMin, double labelNoise,
                    double startOffset) {}

  /**
   * A random-walk control's draw.
   *
   * @param width hidden units
   * @param stepStd standard deviation of each parameter's step, per step
   */
  record Walk(int width, double stepStd) {}

  private ControlTrainer() {}

  /** Trains a decay or plateau control. */
  static TrainedRun regression(String runId, Family family, Regression r, Schedule schedule,
                               long seed, DType dtype) {
    int d = r.dIn();
    int o = r.dOut();
    double[] lambda = new double[d];
    double[] scale = new double[d];
    for (int i = 0; i < d; i++) {
      lambda[i] = d == 1 ? 1.0 : Math.pow(r.lambdaMin(), i / (double) (d - 1));
      scale[i] = Math.sqrt(lambda[i]);
    }
    Random teacherRng = SeedStreams.of(seed, "control/teacher");
    double[] target = SeedStreams.gaussian(teacherRng, o * d, 1.0);
    double[] w = new double[o * d];
    if (!Double.isNaN(r.startOffset())) {
      double[] offset = SeedStreams.gaussian(SeedStreams.of(seed, "control/init"), o * d,
          r.startOffset());
      for (int i = 0; i < w.length; i++) {
        w[i] = target[i] + offset[i];
      }
    }
    ParameterSet params = new ParameterSet().trained("linear.weight", new int[] {o, d}, w);
    double[][] trained = params.trained();
    double[][] grads = params.gradientBuffers();
    double[] g = grads[0];
    OptimizerSettings opt = OptimizerSettings.plain(OptimizerKind.SGD, r.lr(), 0, r.batch(), 0,
        0);
    Optimizer optimizer = new Optimizer(opt, trained);
    RunRecorder recorder = new RunRecorder(schedule, params, dtype);
    Random samples = SeedStreams.of(seed, "control/samples");
    double[] x = new double[d];
    double[] err = new double[o];
    for (int step = 0; step <= schedule.steps(); step++) {
      java.util.Arrays.fill(g, 0);
      double loss = 0;
      for (int e = 0; e < r.batch(); e++) {
        for (int i = 0; i < d; i++) {
          x[i] = scale[i] * samples.nextGaussian();
        }
        for (int k = 0; k < o; k++) {
          double f = 0;
          double y = r.labelNoise() * samples.nextGaussian();
          for (int i = 0; i < d; i++) {
            f += w[k * d + i] * x[i];
            y += target[k * d + i] * x[i];
          }
          err[k] = (f - y) / r.batch();
          loss += 0.5 * (f - y) * (f - y) / r.batch();
        }
        for (int k = 0; k < o; k++) {
          for (int i = 0; i < d; i++) {
            g[k * d + i] += err[k] * x[i];
          }
        }
      }
      // the loss of the batch the update is computed on, as training loops log it
      if ((recorder.wants(step) && recorder.record(step, loss)) || step == schedule.steps()) {
        break;
      }
      optimizer.step(trained, grads);
    }
    int runSteps = schedule.steps();
    double t0 = EARLY_FRACTION * runSteps;
    String why;
    if (Double.isNaN(r.startOffset())) {
      t0 = Math.min(0.2 * runSteps, Math.max(t0, 3.0 / r.lr()));
      why = "linear regression trained online from W = 0 (a convex quadratic: the expected loss"
          + " is a sum of geometric decays at rates lr*lambda_i, lambda from 1 to "
          + r.lambdaMin() + ", lr = " + r.lr() + "); after t0 = max(2% of the run, 3/(lr "
          + "lambda_max)) nothing sudden happens";
    } else {
      why = "linear regression started at its optimum + N(0, " + r.startOffset() + "^2) with "
          + "label noise sigma = " + r.labelNoise() + " (loss level about "
          + 0.5 * o * r.labelNoise() * r.labelNoise() + "); after t0 = 2% of the run nothing "
          + "sudden happens";
    }
    List<TruthEvent> truth = new ArrayList<>();
    truth.add(none(runId, family, Math.round(t0), why));
    truth.addAll(recorder.divergenceTruth(runId, family));
    Map<String, Object> p = RunParams.common(family, opt, o, 1, Double.isNaN(r.startOffset())
        ? "zeros" : "near-optimum", "linear", runSteps, seed);
    p.put("input_dim", d);
    p.put("output_dim", o);
    p.put("lambda_min", r.lambdaMin());
    p.put("label_noise", r.labelNoise());
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("architectures", List.of("LinearRegression"));
    c.put("model_type", "linear");
    c.put("input_size", d);
    c.put("output_size", o);
    c.put("bias", false);
    return new TrainedRun(runId, family, p, c, recorder.metrics(), recorder.checkpoints(), truth,
        recorder.divergenceStep(), schedule, 1);
  }

  /** Runs a random-walk control. */
  static TrainedRun randomWalk(String runId, Walk walk, Schedule schedule, long seed,
                               DType dtype) {
    int d = WALK_INPUTS;
    int m = walk.width();
    int n = WALK_SAMPLES;
    Random dataRng = SeedStreams.of(seed, "control/walk-data");
    double[] xs = SeedStreams.gaussian(dataRng, n * d, 1.0);
    double[] a = SeedStreams.gaussian(dataRng, 4 * d, 1 / Math.sqrt(d));
    double[] out = SeedStreams.gaussian(dataRng, 4, 0.5);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 4; j++) {
        double h = 0;
        for (int c = 0; c < d; c++) {
          h += a[j * d + c] * xs[i * d + c];
        }
        y[i] += out[j] * Math.max(h, 0);
      }
    }
    Random init = SeedStreams.of(seed, "control/walk-init");
    double[] w1 = SeedStreams.gaussian(init, m * d, 1 / Math.sqrt(d));
    double[] b1 = new double[m];
    double[] w2 = SeedStreams.gaussian(init, m, 1 / Math.sqrt(m));
    ParameterSet params = new ParameterSet()
        .trained("fc1.weight", new int[] {m, d}, w1)
        .trained("fc1.bias", new int[] {m}, b1)
        .trained("fc2.weight", new int[] {1, m}, w2);
    double[][] arrays = params.trained();
    RunRecorder recorder = new RunRecorder(schedule, params, dtype);
    Random noise = SeedStreams.of(seed, "control/walk-steps");
    for (int step = 0; step <= schedule.steps(); step++) {
      if (recorder.wants(step)) {
        double loss = 0;
        for (int i = 0; i < n; i++) {
          double f = 0;
          for (int j = 0; j < m; j++) {
            double h = b1[j];
            for (int c = 0; c < d; c++) {
              h += w1[j * d + c] * xs[i * d + c];
            }
            f += w2[j] * Math.max(h, 0);
          }
          loss += (f - y[i]) * (f - y[i]);
        }
        if (recorder.record(step, loss / (2 * n))) {
          break;
        }
      }
      if (step == schedule.steps()) {
        break;
      }
      for (double[] p : arrays) {
        for (int i = 0; i < p.length; i++) {
          p[i] += walk.stepStd() * noise.nextGaussian();
        }
      }
    }
    List<TruthEvent> truth = new ArrayList<>();
    truth.add(none(runId, Family.CONTROL_RANDOM_WALK, 0, "parameters random-walk with "
        + "independent N(0, " + walk.stepStd() + "^2) steps, no training: nothing sudden at any"
        + " step"));
    truth.addAll(recorder.divergenceTruth(runId, Family.CONTROL_RANDOM_WALK));
    OptimizerSettings opt = OptimizerSettings.plain(OptimizerKind.SGD, walk.stepStd(), 0, 1, 0,
        0);
    Map<String, Object> p = RunParams.common(Family.CONTROL_RANDOM_WALK, opt, m, 2,
        "lecun-normal", "relu", schedule.steps(), seed);
    p.put("optimizer", "random-walk");
    p.put("step_std", walk.stepStd());
    p.put("input_dim", d);
    p.put("samples", n);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("architectures", List.of("TwoLayerMLP"));
    c.put("model_type", "mlp");
    c.put("input_size", d);
    c.put("hidden_size", m);
    c.put("output_size", 1);
    c.put("num_hidden_layers", 1);
    c.put("activation", "relu");
    c.put("hidden_act", "relu");
    c.put("bias", true);
    return new TrainedRun(runId, Family.CONTROL_RANDOM_WALK, p, c, recorder.metrics(),
        recorder.checkpoints(), truth, recorder.divergenceStep(), schedule, 1);
  }

  /** The truth row "nothing sudden after step {@code t0}". */
  static TruthEvent none(String runId, Family family, long t0, String why) {
    return new TruthEvent(runId, family, TruthEvent.NONE, "", t0, TruthEvent.CONSTRUCTION,
        Double.NaN, why);
  }
}
