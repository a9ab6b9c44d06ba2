package org.shockscope.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.shockscope.OrderStatistics;
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
 * <p>Truth (measured): one row per sudden stage of specialisation that ends a plateau (see
 * {@link #specialisationTruth}), at the logged step where the loss has made half of the stage's
 * drop; its width comes from the 1/4 and 3/4 crossings of the stage's overlap margin. Runs whose
 * units split while they grow from their small initial weights, without a plateau, have no
 * row. The detail gives the crossings, the loss levels before and after and the final loss.
 */
final class TeacherStudentTrainer {
  static final String INIT = "small-gaussian";
  static final String ACTIVATION = "relu";
  /** The specialisation index level that marks the event (halfway from 0 to 1). */
  static final double SPECIALISED = 0.5;
  /** Units specialising within this fraction of the run of each other form one stage. */
  static final double STAGE_FRACTION = 0.03;
  /**
   * Widest stage, as a fraction of the run, that counts as sudden: SPEC §5 asks of a shock that
   * its width be short relative to the run, and the detector's default bound is the same 0.1
   * (its front, about 4w, then takes at most 40% of the run).
   */
  static final double SUDDEN_WIDTH_FRACTION = 0.1;
  /**
   * A stage's loss drop (median before minus median after) must be at least this many robust
   * standard deviations of the loss on the plateau before it: a specialisation the loss does not
   * show is no drop of the loss.
   */
  static final double VISIBLE_DROP = 3.0;

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
    double[][] cosinesAt = new double[schedule.steps() + 1][];
    double[][] overlapsAt = new double[schedule.steps() + 1][];
    int wanted = 0;
    for (int step = 0; step <= schedule.steps(); step++) {
      if (recorder.wants(step)) {
        overlaps.update();
        wantedSteps[wanted] = step;
        overlapsAt[wanted] = overlaps.normalised();
        cosinesAt[wanted++] = overlaps.studentCosines();
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
        cosinesAt[wanted++] = overlaps.studentCosines();
        recorder.record(step + 1, heldOut.loss());
        break;
      }
    }
    int[] logged = Arrays.copyOf(wantedSteps, wanted);
    List<TruthEvent> truth = new ArrayList<>(merged(
        specialisationTruth(runId, recorder.observed(), logged, Arrays.copyOf(overlapsAt, wanted)),
        splitTruth(runId, logged, Arrays.copyOf(cosinesAt, wanted))));
    truth.addAll(recorder.divergenceTruth(runId, Family.TEACHER_STUDENT));
    return new TrainedRun(runId, Family.TEACHER_STUDENT, params(), modelConfig(),
        recorder.metrics(), recorder.checkpoints(), truth, recorder.divergenceStep(), schedule, 1);
  }

  /**
   * One row per sudden stage of specialisation after a plateau. Each student unit i is followed
   * by its margin for the teacher unit it ends up with (the final best assignment π): m_i =
   * r_{i,π(i)} − max_{n≠π(i)} r_{i,n}; it has specialised from the first logged step after which
   * m_i stays ≥ 1/2. Units that specialise within {@link #STAGE_FRACTION} of the run of each
   * other form one stage (with K = 2 both units break away together; with K = 3 one unit often
   * breaks away long before the other two split). A stage's width w comes from its units' mean
   * margin's 1/4 and 3/4 crossings, and it is a transition in the SPEC's sense (§1: "a long
   * plateau that ends abruptly") only when
   * <ul>
   *   <li>it is sudden: w ≤ {@link #SUDDEN_WIDTH_FRACTION} of the run (a slow drift of the
   *       overlaps through 1/2 on a plateau is no transition),</li>
   *   <li>a plateau precedes it: the mean margin's 1/4 crossing comes at least 2w (the front's
   *       own duration, t_s ± w) after the previous transition or, for the first one, after
   *       initialisation (students whose units split while they grow from their small initial
   *       weights never sit on a plateau), and</li>
   *   <li>the loss shows it: its drop stands {@link #VISIBLE_DROP} robust standard deviations
   *       out of its fluctuations on the plateau.</li>
   * </ul>
   * The row's step is where the loss has made half of the stage's drop (see {@link #lossStep}),
   * since the loss is the series the transition is recorded in; stages whose loss steps fall
   * within {@link #STAGE_FRACTION} of the run of each other are one drop of the loss and give
   * one row.
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
    for (int u = 0; u < k; u++) {
      for (int j = 0; j < m; j++) {
        margins[u][j] = Specialisation.margin(r[j], k, u, pi[u]);
      }
      settled[u] = Crossings.settledAtOrAbove(margins[u], SPECIALISED);
    }
    int runSteps = spec.axes().schedule().steps();
    double window = STAGE_FRACTION * runSteps;
    List<TruthEvent> out = new ArrayList<>();
    double previous = steps[0];
    for (int[] group : together(settled, steps, window)) {
      TruthEvent e = stage(runId, loss, steps, mean(margins, group), group.length, previous,
          runSteps);
      if (e != null && (out.isEmpty() || e.step() - out.get(out.size() - 1).step() > window)) {
        out.add(e);
        previous = e.step();
      }
    }
    return out;
  }

  /**
   * The items (units or pairs) with a settling index {@code at[i]} &gt; 0, in order of it, in
   * groups whose settling steps lie within {@code window} of the group's first.
   */
  private static List<int[]> together(int[] at, int[] steps, double window) {
    Integer[] order = new Integer[at.length];
    for (int i = 0; i < at.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> Integer.compare(at[x], at[y]));
    List<int[]> groups = new ArrayList<>();
    int from = 0;
    while (from < at.length) {
      if (at[order[from]] <= 0) {
        from++;
        continue;
      }
      int to = from + 1;
      while (to < at.length && steps[at[order[to]]] - steps[at[order[from]]] <= window) {
        to++;
      }
      int[] group = new int[to - from];
      for (int g = from; g < to; g++) {
        group[g - from] = order[g];
      }
      groups.add(group);
      from = to;
    }
    return groups;
  }

  /** The mean over the items of {@code group} of series[item][j], for every j. */
  private static double[] mean(double[][] series, int[] group) {
    double[] out = new double[series[group[0]].length];
    for (int item : group) {
      for (int j = 0; j < out.length; j++) {
        out[j] += series[item][j] / group.length;
      }
    }
    return out;
  }

  /**
   * A rise of a series s through 1/2 measured at the logged steps: {@code settled} is the first
   * index from which s stays ≥ 1/2, t25 and t75 its interpolated 1/4 and 3/4 crossings around it
   * (steps), {@code width} the tanh width between them.
   */
  private record Front(int settled, double t25, double t75, double width) {}

  /**
   * The rise of {@code s} (about 0 before, about 1 after) as a {@link Front}, or null when it
   * never settles ≥ 1/2, lacks a crossing, is not sudden (w &gt; {@link #SUDDEN_WIDTH_FRACTION}
   * of the run) or starts less than 2w after {@code previous} (a step).
   */
  private static Front front(int[] steps, double[] s, double previous, int runSteps) {
    int i = Crossings.settledAtOrAbove(s, SPECIALISED);
    if (i <= 0) {
      return null;
    }
    int q1 = i;
    while (q1 > 0 && s[q1 - 1] >= 0.25) {
      q1--;
    }
    int q3 = Crossings.firstAtOrAbove(s, i, 0.75);
    if (q1 == 0 || q3 < 0) {
      return null;
    }
    double t25 = Crossings.interpolatedStep(steps, s, q1, 0.25);
    double t75 = Crossings.interpolatedStep(steps, s, q3, 0.75);
    double width = Crossings.tanhWidth(t25, t75);
    if (!(width <= SUDDEN_WIDTH_FRACTION * runSteps) || t25 - previous < 2 * width) {
      return null;
    }
    return new Front(i, t25, t75, width);
  }

  /**
   * The truth row of one stage from its units' mean margin {@code s}, or null when it never
   * settles, is not sudden, has no plateau since {@code previous} (a step) or no visible drop.
   */
  private TruthEvent stage(String runId, StepSeries loss, int[] steps, double[] s, int units,
                           double previous, int runSteps) {
    Front f = front(steps, s, previous, runSteps);
    if (f == null) {
      return null;
    }
    int i = f.settled();
    double t25 = f.t25();
    double t75 = f.t75();
    double width = f.width();
    double[] v = loss.values();
    double plateauFrom = 0.5 * (previous + t25);
    double before = median(v, steps, plateauFrom, t25);
    double after = median(v, steps, t75, t75 + 2 * width);
    if (!(before - after >= VISIBLE_DROP * plateauSpread(v, steps, plateauFrom, t25, before))) {
      return null;
    }
    int at = lossStep(v, steps, t25 - 2 * width, t75, 0.5 * (before + after));
    return new TruthEvent(runId, Family.TEACHER_STUDENT, TruthEvent.JUMP, "loss", steps[at],
        TruthEvent.MEASURED, width, "specialisation of " + units + " of " + k + " student units:"
        + " their mean margin (normalised overlap with their own teacher unit minus the largest"
        + " other) settles >= " + SPECIALISED + " at step " + steps[i] + " (1/4 and 3/4 crossings"
        + " at " + Math.round(t25) + " and " + Math.round(t75) + ", plateau since "
        + Math.round(previous) + "); loss " + before + " before, " + after + " after; step: the"
        + " loss stays below their midpoint from here; final loss " + loss.last());
  }

  /**
   * One row per sudden split of student units after a plateau on which they were
   * interchangeable: the breaking of the permutation symmetry in the student's own weights,
   * seen without the teacher. Pair (i, j) of units has cosine c_ij = w_i·w_j / (|w_i||w_j|),
   * about 1 while they move together (a nearly symmetric start, the unspecialised plateau) and
   * about 0 once they serve orthogonal teacher units; it splits from the first logged step after
   * which c_ij stays ≤ 1/2. Pairs splitting within {@link #STAGE_FRACTION} of the run of each
   * other form one split (with K = 3 one unit leaving the other two splits two pairs at once).
   * Its width comes from the mean cosine's 3/4 and 1/4 crossings, and it is kept under the rules
   * of {@link #specialisationTruth} (sudden, after a plateau of at least 2w).
   */
  private List<TruthEvent> splitTruth(String runId, int[] steps, double[][] cos) {
    int m = steps.length;
    int pairs = k * (k - 1) / 2;
    if (m < 2 || cos[m - 1] == null) {
      return List.of();
    }
    // the pairs' separation 1 − c_ij rises from about 0 to about 1 as they split
    double[][] separation = new double[pairs][m];
    int[] split = new int[pairs];
    for (int p = 0; p < pairs; p++) {
      for (int j = 0; j < m; j++) {
        separation[p][j] = 1.0 - cos[j][p];
      }
      split[p] = Crossings.settledAtOrAbove(separation[p], SPECIALISED);
    }
    int runSteps = spec.axes().schedule().steps();
    List<TruthEvent> out = new ArrayList<>();
    double previous = steps[0];
    for (int[] group : together(split, steps, STAGE_FRACTION * runSteps)) {
      TruthEvent e = split(runId, steps, mean(separation, group), group.length, previous,
          runSteps);
      if (e != null) {
        out.add(e);
        previous = e.step();
      }
    }
    return out;
  }

  /**
   * The truth row of one split from its pairs' mean separation {@code s} = 1 − cosine, or null
   * when it is not sudden or has no plateau since {@code previous} (see {@link #front}).
   */
  private TruthEvent split(String runId, int[] steps, double[] s, int pairs, double previous,
                           int runSteps) {
    Front f = front(steps, s, previous, runSteps);
    if (f == null) {
      return null;
    }
    // the separation's 1/4 and 3/4 crossings are the cosine's 3/4 and 1/4 ones
    return new TruthEvent(runId, Family.TEACHER_STUDENT, TruthEvent.JUMP, "fc1.weight",
        steps[f.settled()], TruthEvent.MEASURED, f.width(), "split of " + pairs + " pair(s) of"
        + " the " + k + " student units: their mean cosine w_i.w_j/(|w_i||w_j|) stays <= 1/2"
        + " from this step (3/4 and 1/4 crossings at " + Math.round(f.t25()) + " and "
        + Math.round(f.t75()) + ", together since " + Math.round(previous) + ")");
  }

  /**
   * Specialisation stages and unit splits as one list by step: a split and a stage within
   * {@link #STAGE_FRACTION} of the run of each other are one transition, given by the stage's
   * row (the loss drop the split comes with).
   */
  private List<TruthEvent> merged(List<TruthEvent> stages, List<TruthEvent> splits) {
    double window = STAGE_FRACTION * spec.axes().schedule().steps();
    List<TruthEvent> all = new ArrayList<>(stages);
    all.addAll(splits);
    all.sort((a, c) -> Double.compare(a.step(), c.step()));
    List<TruthEvent> out = new ArrayList<>();
    for (TruthEvent e : all) {
      TruthEvent last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last == null || e.step() - last.step() > window) {
        out.add(e);
      } else if (stages.contains(e) && !stages.contains(last)) {
        out.set(out.size() - 1, e);
      }
    }
    return out;
  }

  /**
   * The logged index from which the loss stays at or below {@code level} until step {@code to},
   * searched from step {@code from}: where the loss has made half of a drop.
   */
  private static int lossStep(double[] v, int[] steps, double from, double to, double level) {
    int first = 0;
    while (first < steps.length - 1 && steps[first] < from) {
      first++;
    }
    int at = first;
    for (int j = first; j < steps.length && steps[j] <= to; j++) {
      if (v[j] > level) {
        at = Math.min(j + 1, steps.length - 1);
      }
    }
    return at;
  }

  /**
   * Robust standard deviation of the logged values at steps in [from, to] around {@code level}:
   * 1.4826 × the median absolute deviation (0 with fewer than two values).
   */
  private static double plateauSpread(double[] v, int[] steps, double from, double to,
                                      double level) {
    double[] d = window(v, steps, from, to);
    if (d.length < 2) {
      return 0.0;
    }
    for (int j = 0; j < d.length; j++) {
      d[j] = Math.abs(d[j] - level);
    }
    return 1.4826 * OrderStatistics.median(d);
  }

  /** Median of the logged values at steps in [from, to] (the nearest one when none is). */
  private static double median(double[] v, int[] steps, double from, double to) {
    double[] w = window(v, steps, from, to);
    if (w.length == 0) {
      int nearest = 0;
      for (int j = 0; j < v.length; j++) {
        if (Math.abs(steps[j] - from) < Math.abs(steps[nearest] - from)) {
          nearest = j;
        }
      }
      return v[nearest];
    }
    return OrderStatistics.median(w);
  }

  /** The logged values at steps in [from, to], in step order. */
  private static double[] window(double[] v, int[] steps, double from, double to) {
    double[] w = new double[v.length];
    int c = 0;
    for (int j = 0; j < v.length; j++) {
      if (steps[j] >= from && steps[j] <= to) {
        w[c++] = v[j];
      }
    }
    return Arrays.copyOf(w, c);
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

    Overlaps(double[] w, double[] b, int k, int n) {
      this.w = w;
      this.b = b;
      this.k = k;
      this.n = n;
      this.q = new double[k * k];
      this.r = new double[k * k];
      this.t = new double[k * k];
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

    /** The K×K normalised overlaps r_in = w_i·B_n / (|w_i||B_n|), row-major. */
    double[] normalised() {
      double[] out = new double[k * k];
      for (int i = 0; i < k; i++) {
        for (int m = 0; m < k; m++) {
          out[i * k + m] = r[i * k + m] / Math.sqrt(q[i * k + i] * t[m * k + m]);
        }
      }
      return out;
    }

    /** The pairwise cosines w_i·w_j / (|w_i||w_j|) of the student's units, i &lt; j. */
    double[] studentCosines() {
      double[] c = new double[k * (k - 1) / 2];
      int p = 0;
      for (int i = 0; i < k; i++) {
        for (int j = i + 1; j < k; j++) {
          c[p++] = q[i * k + j] / Math.sqrt(q[i * k + i] * q[j * k + j]);
        }
      }
      return c;
    }
  }
}
