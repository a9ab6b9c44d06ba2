package org.shockscope.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.shockscope.io.DType;

/**
 * Trains one soft-committee student online: each update draws b fresh inputs x ~ N(0, I_N),
 * labels them with the teacher y = Σ_n relu(B_n·x), and takes an optimiser step on the batch
 * loss (1/2b)·Σ(f(x) − y)², whose gradient for unit i is (1/b)·Σ(f − y)·1[w_i·x > 0]·x.
 *
 * <p>The logged {@code loss} is the generalisation error ε_g = ½·E_x[(f(x) − y(x))²] estimated
 * on a fixed held-out set of {@link TeacherStudentSpec#testSamples()} Gaussian inputs shared by
 * all runs: a deterministic function of the weights, so the curve carries no sampling noise of
 * its own (only the trajectory is stochastic), and it stays ≥ 0 down to the last digits where
 * the exact overlap formula would cancel to rounding noise.
 *
 * <p>Truth (measured): the specialisation step is the first logged step from which the
 * {@link Specialisation} index stays ≥ 1/2 to the end of the run; the drop of the loss from its
 * plateau happens there. Its width comes from the index's 1/4 and 3/4 crossings. The detail
 * also gives the plateau level (median loss over the logged steps in [t/2, t)), the final
 * loss, and the first step the loss fell below the midpoint of the two.
 */
final class TeacherStudentTrainer {
  static final String INIT = "small-gaussian";
  static final String ACTIVATION = "relu";
  /** The specialisation index level that marks the event (halfway from 0 to 1). */
  static final double SPECIALISED = 0.5;

  private final TeacherStudentSpec spec;
  private final OptimizerSettings opt;
  private final int k;
  private final long seed;
  private final DType dtype;

  TeacherStudentTrainer(TeacherStudentSpec spec, OptimizerSettings opt, int k, long seed,
                        DType dtype) {
    this.spec = spec;
    this.opt = opt;
    this.k = k;
    this.seed = seed;
    this.dtype = dtype;
  }

  TrainedRun train(String runId) {
    int n = spec.inputs();
    double[] bT = RandomOrthonormal.columns(SeedStreams.of(spec.teacherSeed(),
        "teacher-student/teacher"), n, k);
    double[] b = new double[k * n];
    for (int i = 0; i < n; i++) {
      for (int u = 0; u < k; u++) {
        b[u * n + i] = bT[i * k + u];
      }
    }
    double[] w = SeedStreams.gaussian(SeedStreams.of(seed, "teacher-student/init"), k * n,
        spec.initScale() / Math.sqrt(n));
    double a = spec.initAsymmetry();
    if (a < 1.0) {
      double[] shared = SeedStreams.gaussian(SeedStreams.of(seed, "teacher-student/init-shared"),
          n, spec.initScale() / Math.sqrt(n));
      double c = Math.sqrt(1.0 - a * a);
      for (int u = 0; u < k; u++) {
        for (int i = 0; i < n; i++) {
          w[u * n + i] = c * shared[i] + a * w[u * n + i];
        }
      }
    }
    double[] ones = new double[k];
    Arrays.fill(ones, 1.0);
    ParameterSet params = new ParameterSet()
        .trained("fc1.weight", new int[] {k, n}, w)
        .fixed("fc2.weight", new int[] {1, k}, ones);
    double[][] trained = params.trained();
    double[][] grads = params.gradientBuffers();
    double[] g = grads[0];
    Random samples = SeedStreams.of(seed, "teacher-student/samples");
    Schedule schedule = spec.axes().schedule();
    Optimizer optimizer = new Optimizer(opt, trained);
    RunRecorder recorder = new RunRecorder(schedule, params, dtype);
    Overlaps overlaps = new Overlaps(w, b, k, n);
    HeldOut heldOut = new HeldOut(SeedStreams.of(spec.teacherSeed(), "teacher-student/test"),
        spec.testSamples(), w, b, k, n);
    double[] x = new double[n];
    double[] h = new double[k];
    int batch = opt.batchSize();
    int[] wantedSteps = new int[schedule.steps() + 1];
    double[] specialisation = new double[schedule.steps() + 1];
    int wanted = 0;
    for (int step = 0; step <= schedule.steps(); step++) {
      if (recorder.wants(step)) {
        overlaps.update();
        wantedSteps[wanted] = step;
        specialisation[wanted++] = overlaps.specialisation();
        if (recorder.record(step, heldOut.loss())) {
          break;
        }
      }
      if (step == schedule.steps()) {
        break;
      }
      Arrays.fill(g, 0);
      boolean finite = true;
      for (int e = 0; e < batch; e++) {
        for (int i = 0; i < n; i++) {
          x[i] = samples.nextGaussian();
        }
        double y = 0;
        double f = 0;
        for (int u = 0; u < k; u++) {
          double t = 0;
          double s = 0;
          for (int i = 0; i < n; i++) {
            t += b[u * n + i] * x[i];
            s += w[u * n + i] * x[i];
          }
          y += Math.max(t, 0);
          h[u] = s;
          f += Math.max(s, 0);
        }
        double err = (f - y) / batch;
        finite &= Double.isFinite(err);
        for (int u = 0; u < k; u++) {
          if (h[u] > 0) {
            for (int i = 0; i < n; i++) {
              g[u * n + i] += err * x[i];
            }
          }
        }
      }
      optimizer.step(trained, grads);
      if (!finite && !recorder.wants(step + 1)) {
        // Record the blow-up at the step it happened rather than at the next logged one.
        overlaps.update();
        wantedSteps[wanted] = step + 1;
        specialisation[wanted++] = overlaps.specialisation();
        recorder.record(step + 1, heldOut.loss());
        break;
      }
    }
    List<TruthEvent> truth = new ArrayList<>(specialisationTruth(runId, recorder.observed(),
        Arrays.copyOf(wantedSteps, wanted), Arrays.copyOf(specialisation, wanted)));
    truth.addAll(recorder.divergenceTruth(runId, Family.TEACHER_STUDENT));
    return new TrainedRun(runId, Family.TEACHER_STUDENT, params(), modelConfig(),
        recorder.metrics(), recorder.checkpoints(), truth, recorder.divergenceStep(), schedule, 1);
  }

  private List<TruthEvent> specialisationTruth(String runId, StepSeries loss, int[] steps,
                                               double[] s) {
    int i = Crossings.settledAtOrAbove(s, SPECIALISED);
    if (i <= 0 || loss.size() != steps.length) {
      return List.of();
    }
    int q1 = i;
    while (q1 > 0 && s[q1 - 1] >= 0.25) {
      q1--;
    }
    int q3 = Crossings.firstAtOrAbove(s, i, 0.75);
    double width = q1 == 0 || q3 < 0 ? Double.NaN : Crossings.tanhWidth(
        Crossings.interpolatedStep(steps, s, q1, 0.25),
        Crossings.interpolatedStep(steps, s, q3, 0.75));
    double[] v = loss.values();
    int from = 0;
    while (from < i && steps[from] < steps[i] / 2) {
      from++;
    }
    from = Math.min(from, i - 1);
    double[] window = Arrays.copyOfRange(v, from, i);
    Arrays.sort(window);
    double plateau = window[window.length / 2];
    double fin = loss.last();
    double mid = (plateau + fin) / 2;
    int midStep = -1;
    for (int j = from; j < v.length; j++) {
      if (v[j] <= mid) {
        midStep = steps[j];
        break;
      }
    }
    return List.of(new TruthEvent(runId, Family.TEACHER_STUDENT, TruthEvent.JUMP, "loss",
        steps[i], TruthEvent.MEASURED, width, "specialisation: from this step the student-teacher"
        + " overlap index S (best-permutation mean of own minus largest other normalised overlap)"
        + " stays >= " + SPECIALISED + " (S = " + s[i] + ", was " + s[i - 1] + " at step "
        + steps[i - 1] + "); plateau loss " + plateau + " (median over steps " + steps[from]
        + ".." + steps[i - 1] + "), final loss " + fin + ", loss first below their midpoint at"
        + " step " + midStep + "; width from the S = 1/4 and 3/4 crossings"));
  }

  private Map<String, Object> params() {
    Map<String, Object> p = RunParams.common(Family.TEACHER_STUDENT, opt, k, 2, INIT, ACTIVATION,
        spec.axes().schedule().steps(), seed);
    p.put("input_dim", spec.inputs());
    p.put("teacher_width", k);
    p.put("init_scale", spec.initScale());
    p.put("init_asymmetry", spec.initAsymmetry());
    p.put("test_samples", spec.testSamples());
    p.put("second_layer", "fixed-ones");
    p.put("teacher_seed", spec.teacherSeed());
    return p;
  }

  private Map<String, Object> modelConfig() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("architectures", List.of("SoftCommitteeMachine"));
    c.put("model_type", "mlp");
    c.put("input_size", spec.inputs());
    c.put("hidden_size", k);
    c.put("output_size", 1);
    c.put("num_hidden_layers", 1);
    c.put("activation", ACTIVATION);
    c.put("hidden_act", ACTIVATION);
    c.put("bias", false);
    c.put("second_layer_trainable", false);
    return c;
  }

  /** ½·mean (f − y)² over a fixed set of inputs whose teacher labels are computed once. */
  private static final class HeldOut {
    private final double[] xs;
    private final double[] y;
    private final double[] w;
    private final int k;
    private final int n;

    HeldOut(Random rng, int samples, double[] w, double[] b, int k, int n) {
      this.xs = SeedStreams.gaussian(rng, samples * n, 1.0);
      this.y = committee(xs, b, k, n, new double[samples]);
      this.w = w;
      this.k = k;
      this.n = n;
    }

    double loss() {
      double sum = 0;
      for (int e = 0; e < y.length; e++) {
        double f = 0;
        for (int u = 0; u < k; u++) {
          double h = 0;
          for (int i = 0; i < n; i++) {
            h += w[u * n + i] * xs[e * n + i];
          }
          f += Math.max(h, 0);
        }
        sum += (f - y[e]) * (f - y[e]);
      }
      return sum / (2 * y.length);
    }

    private static double[] committee(double[] xs, double[] v, int k, int n, double[] out) {
      for (int e = 0; e < out.length; e++) {
        double f = 0;
        for (int u = 0; u < k; u++) {
          double h = 0;
          for (int i = 0; i < n; i++) {
            h += v[u * n + i] * xs[e * n + i];
          }
          f += Math.max(h, 0);
        }
        out[e] = f;
      }
      return out;
    }
  }

  /** The order parameters Q, R, T of student W and teacher B, refreshed on demand. */
  private static final class Overlaps {
    private final double[] w;
    private final double[] b;
    private final int k;
    private final int n;
    private final double[] q;
    private final double[] r;
    private final double[] t;
    private final double[] normalised;

    Overlaps(double[] w, double[] b, int k, int n) {
      this.w = w;
      this.b = b;
      this.k = k;
      this.n = n;
      this.q = new double[k * k];
      this.r = new double[k * k];
      this.t = new double[k * k];
      this.normalised = new double[k * k];
      gram(b, b, t);
    }

    void update() {
      gram(w, w, q);
      gram(w, b, r);
    }

    private void gram(double[] a, double[] c, double[] out) {
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          double s = 0;
          for (int x = 0; x < n; x++) {
            s += a[i * n + x] * c[j * n + x];
          }
          out[i * k + j] = s;
        }
      }
    }

    double specialisation() {
      for (int i = 0; i < k; i++) {
        for (int m = 0; m < k; m++) {
          normalised[i * k + m] = r[i * k + m] / Math.sqrt(q[i * k + i] * t[m * k + m]);
        }
      }
      return Specialisation.index(normalised, k);
    }
  }
}
