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
 * <p>Truth (measured): one row per stage of specialisation — the first logged step from which
 * the units of the stage stay specialised to their own teacher unit (see
 * {@link #specialisationTruth}); the loss drops from a plateau there. Its width comes from the
 * 1/4 and 3/4 crossings of the stage's margin. The detail also gives the loss level before the
 * stage (median over the logged steps in [t/2, t)) and the final loss.
 */
final class TeacherStudentTrainer {
  static final String INIT = "small-gaussian";
  static final String ACTIVATION = "relu";
  /** The specialisation index level that marks the event (halfway from 0 to 1). */
  static final double SPECIALISED = 0.5;
  /** Units specialising within this fraction of the run of each other form one stage. */
  static final double STAGE_FRACTION = 0.03;

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
    double[][] overlapsAt = new double[schedule.steps() + 1][];
    int wanted = 0;
    for (int step = 0; step <= schedule.steps(); step++) {
      if (recorder.wants(step)) {
        overlaps.update();
        wantedSteps[wanted] = step;
        overlapsAt[wanted] = overlaps.normalised();
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
        overlapsAt[wanted] = overlaps.normalised();
        specialisation[wanted++] = overlaps.specialisation();
        recorder.record(step + 1, heldOut.loss());
        break;
      }
    }
    List<TruthEvent> truth = new ArrayList<>(specialisationTruth(runId, recorder.observed(),
        Arrays.copyOf(wantedSteps, wanted), Arrays.copyOf(overlapsAt, wanted)));
    truth.addAll(recorder.divergenceTruth(runId, Family.TEACHER_STUDENT));
    return new TrainedRun(runId, Family.TEACHER_STUDENT, params(), modelConfig(),
        recorder.metrics(), recorder.checkpoints(), truth, recorder.divergenceStep(), schedule, 1);
  }

  /**
   * One row per stage of specialisation. Each student unit i is followed by its margin for the
   * teacher unit it ends up with (the final best assignment π): m_i = r_{i,π(i)} − max_{n≠π(i)}
   * r_{i,n}; it has specialised from the first logged step after which m_i stays ≥ 1/2. Units
   * that specialise within {@link #STAGE_FRACTION} of the run of each other form one stage (with
   * K = 2 both units always break away together; with K = 3 one unit often breaks away long
   * before the other two split). A stage's step is where the mean margin of its units settles
   * at or above 1/2, its width from that mean's 1/4 and 3/4 crossings.
   */
  private List<TruthEvent> specialisationTruth(String runId, StepSeries loss, int[] steps,
                                               double[][] r) {
    int m = steps.length;
    if (m < 2 || loss.size() != m || r[m - 1] == null) {
      return List.of();
    }
    int[] pi = Specialisation.bestAssignment(r[m - 1], k);
    double[][] margins = new double[k][m];
    int[] settled = new int[k];
    Integer[] order = new Integer[k];
    for (int u = 0; u < k; u++) {
      for (int j = 0; j < m; j++) {
        margins[u][j] = Specialisation.margin(r[j], k, u, pi[u]);
      }
      settled[u] = Crossings.settledAtOrAbove(margins[u], SPECIALISED);
      order[u] = u;
    }
    Arrays.sort(order, (x, y) -> Integer.compare(settled[x], settled[y]));
    double window = STAGE_FRACTION * spec.axes().schedule().steps();
    List<TruthEvent> out = new ArrayList<>();
    int from = 0;
    while (from < k) {
      if (settled[order[from]] <= 0) {
        from++;
        continue;
      }
      int to = from + 1;
      while (to < k && steps[settled[order[to]]] - steps[settled[order[from]]] <= window) {
        to++;
      }
      double[] mean = new double[m];
      for (int g = from; g < to; g++) {
        for (int j = 0; j < m; j++) {
          mean[j] += margins[order[g]][j] / (to - from);
        }
      }
      TruthEvent e = stage(runId, loss, steps, mean, to - from);
      if (e != null) {
        out.add(e);
      }
      from = to;
    }
    return out;
  }

  /** The truth row of one stage from its units' mean margin, or null when it never settles. */
  private TruthEvent stage(String runId, StepSeries loss, int[] steps, double[] s, int units) {
    int i = Crossings.settledAtOrAbove(s, SPECIALISED);
    if (i <= 0) {
      return null;
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
    return new TruthEvent(runId, Family.TEACHER_STUDENT, TruthEvent.JUMP, "loss", steps[i],
        TruthEvent.MEASURED, width, "specialisation of " + units + " of " + k + " student units:"
        + " from this step their mean margin (normalised overlap with their own teacher unit"
        + " minus the largest other) stays >= " + SPECIALISED + " (" + s[i] + ", was " + s[i - 1]
        + " at step " + steps[i - 1] + "); loss before " + plateau + " (median over steps "
        + steps[from] + ".." + steps[i - 1] + "), final loss " + loss.last()
        + "; width from the margin's 1/4 and 3/4 crossings");
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

    /** A copy of the K×K normalised overlaps r_in = w_i·B_n / (|w_i||B_n|). */
    double[] normalised() {
      specialisation();
      return normalised.clone();
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
