package org.shockscope.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.shockscope.io.DType;

/**
 * Trains one deep linear network y = W_L…W_1 x on the whitened data set of a
 * {@link DeepLinearSpec}, recording the full-batch loss ½‖P − M‖_F² (P = W_L…W_1) and the
 * singular values of P at every step.
 *
 * <p>Gradient of the batch loss (1/2b)·Σ‖(P − M)x‖² with batch covariance Σ_b = (1/b)Σ x xᵀ:
 * ∂/∂W_l = (W_L…W_{l+1})ᵀ·(P − M)Σ_b·(W_{l−1}…W_1)ᵀ; for the full batch Σ_b = I.
 *
 * <p>Truth. Measured, for every run: for each mode k the first step at which the k-th largest
 * singular value σ_k of P reaches s_k/2, with the tanh width from its s_k/4 and 3s_k/4
 * crossings. Analytic, for depth-2 aligned runs under full-batch GD without warm-up: each layer
 * carries mode k with strength a (a² = u, u₀ = product of the two layer strengths at init), and
 * GD with L2 decay λ gives a ← a(1 + η(s' − a²)), s' = s − λ, so u grows by (1 + ηs')² per step
 * while small. The discrete logistic u_t = s'/(1 + (s'/u₀ − 1)(1 + ηs')^{−2t}) that follows
 * crosses s/2 at t_k = ln((s'/u₀ − 1)/(2s'/s − 1)) / (2 ln(1 + ηs')) with tanh width
 * 1/ln(1 + ηs'). For λ = 0 and small ηs this is SPEC §8's gradient-flow
 * t_k = ln(s/u₀ − 1)/(2sη) with width 1/(sη), which runs behind GD by a relative ≈ ηs/2
 * (5.6% at ηs = 0.1); the discrete form agrees with the measured step to about 1%.
 *
 * <p>Heavy-ball momentum β (PyTorch's rule, full batch, same conditions otherwise). While the
 * mode is small each layer's strength grows as a_{t+1} = a_t + ηs'·a_t + β(a_t − a_{t−1}), by
 * the larger root r of r² − (1 + β + ηs')r + β = 0 per step, so the half crossing is at
 * t_k = ln((s'/u₀ − 1)/(2s'/s − 1)) / (2 ln r) (r = 1 + ηs' at β = 0, the GD form above). The
 * row's width is the slow-mode expectation of issue 18, (1 − β)/(s'η): the effective step of
 * heavy-ball momentum is η/(1 − β), so SPEC §8's width 1/(sη) becomes (1 − β)/(sη). The two
 * describe different phases: ln r approaches ηs'/(1 − β) only for ηs' ≪ (1 − β)² (at β = 0.9 and
 * ηs'/(1 − β) = 0.1 it is 37% slower), and that early exponential phase sets the crossing
 * time, whereas the tanh width from the s/4 and 3s/4 crossings lies in the nonlinear phase,
 * where the trained chain follows (1 − β)/(s'η) to within 7% for every β ≤ 0.9 at
 * ηs'/(1 − β) ≤ 0.1 (the measured rows of {@code conf/lab-momentum.json} show it).
 */
final class DeepLinearTrainer {
  /** Largest ηs' for the analytic prediction: below it the map approaches s' monotonically. */
  private static final double MAX_ANALYTIC_RATE = 0.5;

  private final DeepLinearSpec spec;
  private final OptimizerSettings opt;
  private final int width;
  private final int depth;
  private final String init;
  private final long seed;
  private final DType dtype;

  DeepLinearTrainer(DeepLinearSpec spec, OptimizerSettings opt, int width, int depth,
                    String init, long seed, DType dtype) {
    this.spec = spec;
    this.opt = opt;
    this.width = width;
    this.depth = depth;
    this.init = init;
    this.seed = seed;
    this.dtype = dtype;
  }

  TrainedRun train(String runId) {
    int dIn = spec.inputDim();
    int dOut = spec.outputDim();
    int n = spec.samples();
    double[] s = spec.sortedSingularValues();
    int k = s.length;
    int[] dims = new int[depth + 1];
    Arrays.fill(dims, width);
    dims[0] = dIn;
    dims[depth] = dOut;

    Random teacherRng = SeedStreams.of(spec.teacherSeed(), "deep-linear/teacher");
    double[] u = RandomOrthonormal.columns(teacherRng, dOut, k);
    double[] v = RandomOrthonormal.columns(teacherRng, dIn, k);
    DMatrixRMaj m = new DMatrixRMaj(dOut, dIn);
    for (int r = 0; r < dOut; r++) {
      for (int c = 0; c < dIn; c++) {
        double x = 0;
        for (int j = 0; j < k; j++) {
          x += u[r * k + j] * s[j] * v[c * k + j];
        }
        m.set(r, c, x);
      }
    }
    // x_i = sqrt(n)·(row i of Q), Q n×dIn with orthonormal columns, so XXᵀ/n = I exactly.
    double[] xs = RandomOrthonormal.columns(SeedStreams.of(spec.teacherSeed(),
        "deep-linear/data"), n, dIn);
    for (int i = 0; i < xs.length; i++) {
      xs[i] *= Math.sqrt(n);
    }

    ParameterSet params = initialParams(dims, u, v, k);
    double[][] w = params.trained();
    DMatrixRMaj[] layer = new DMatrixRMaj[depth + 1];
    double[][] g = params.gradientBuffers();
    DMatrixRMaj[] grad = new DMatrixRMaj[depth + 1];
    DMatrixRMaj[] prefix = new DMatrixRMaj[depth + 1];
    DMatrixRMaj[] suffix = new DMatrixRMaj[depth + 1];
    for (int l = 1; l <= depth; l++) {
      layer[l] = DMatrixRMaj.wrap(dims[l], dims[l - 1], w[l - 1]);
      grad[l] = DMatrixRMaj.wrap(dims[l], dims[l - 1], g[l - 1]);
      prefix[l] = new DMatrixRMaj(dims[l], dIn);
      suffix[l - 1] = new DMatrixRMaj(dOut, dims[l - 1]);
    }
    DMatrixRMaj diff = new DMatrixRMaj(dOut, dIn);
    DMatrixRMaj err = new DMatrixRMaj(dOut, dIn);
    DMatrixRMaj sigma = new DMatrixRMaj(dIn, dIn);
    DMatrixRMaj tmp = new DMatrixRMaj(width, dIn);
    DMatrixRMaj svdInput = new DMatrixRMaj(dOut, dIn);
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(dOut, dIn, false, false, true);
    double[] svBuf = new double[Math.min(dIn, dOut)];

    boolean fullBatch = opt.batchSize() == n;
    MiniBatches batches = new MiniBatches(SeedStreams.of(seed, "deep-linear/batches"), n,
        opt.batchSize());
    Schedule schedule = spec.axes().schedule();
    Optimizer optimizer = new Optimizer(opt, w);
    RunRecorder recorder = new RunRecorder(schedule, params, dtype);
    double[][] svHistory = new double[k][schedule.steps() + 1];
    int last = 0;
    for (int step = 0; step <= schedule.steps(); step++) {
      prefix[1].setTo(layer[1]);
      for (int l = 2; l <= depth; l++) {
        CommonOps_DDRM.mult(layer[l], prefix[l - 1], prefix[l]);
      }
      CommonOps_DDRM.subtract(prefix[depth], m, diff);
      double loss = 0.5 * CommonOps_DDRM.elementSum(elementSquare(diff, err));
      svdInput.setTo(prefix[depth]);
      if (svd.decompose(svdInput)) {
        double[] sv = svd.getSingularValues();
        int count = svd.numberOfSingularValues();
        System.arraycopy(sv, 0, svBuf, 0, count);
        Arrays.sort(svBuf, 0, count);
        for (int j = 0; j < k; j++) {
          svHistory[j][step] = svBuf[count - 1 - j];
        }
      } else {
        for (int j = 0; j < k; j++) {
          svHistory[j][step] = Double.NaN;
        }
      }
      last = step;
      if (recorder.record(step, loss) || step == schedule.steps()) {
        break;
      }
      if (fullBatch) {
        err.setTo(diff);
      } else {
        batches.covariance(xs, dIn, sigma);
        CommonOps_DDRM.mult(diff, sigma, err);
      }
      suffix[depth - 1].setTo(layer[depth]);
      for (int l = depth - 2; l >= 1; l--) {
        CommonOps_DDRM.mult(suffix[l + 1], layer[l + 1], suffix[l]);
      }
      CommonOps_DDRM.multTransB(err, prefix[depth - 1], grad[depth]);
      CommonOps_DDRM.multTransA(suffix[1], err, grad[1]);
      for (int l = 2; l < depth; l++) {
        tmp.reshape(dims[l], dIn);
        CommonOps_DDRM.multTransA(suffix[l], err, tmp);
        CommonOps_DDRM.multTransB(tmp, prefix[l - 1], grad[l]);
      }
      optimizer.step(w, g);
    }

    List<TruthEvent> truth = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      truth.addAll(measuredCrossing(runId, j, s[j], Arrays.copyOf(svHistory[j], last + 1)));
    }
    truth.addAll(analyticCrossings(runId, s, fullBatch));
    truth.addAll(SpikeScan.truth(runId, Family.DEEP_LINEAR, recorder.observed(), fullBatch));
    truth.addAll(recorder.divergenceTruth(runId, Family.DEEP_LINEAR));
    return new TrainedRun(runId, Family.DEEP_LINEAR, params(), modelConfig(), recorder.metrics(),
        recorder.checkpoints(), truth, recorder.divergenceStep(), schedule,
        batches.stepsPerEpoch());
  }

  private static DMatrixRMaj elementSquare(DMatrixRMaj a, DMatrixRMaj out) {
    CommonOps_DDRM.elementMult(a, a, out);
    return out;
  }

  private ParameterSet initialParams(int[] dims, double[] u, double[] v, int k) {
    ParameterSet p = new ParameterSet();
    Random rng = SeedStreams.of(seed, "deep-linear/init");
    double a = Math.pow(spec.initScale(), 1.0 / depth);
    if (DeepLinearSpec.RANDOM.equals(init)) {
      for (int l = 1; l <= depth; l++) {
        p.trained("layers." + (l - 1) + ".weight", new int[] {dims[l], dims[l - 1]},
            SeedStreams.gaussian(rng, dims[l] * dims[l - 1], a / Math.sqrt(dims[l - 1])));
      }
      return p;
    }
    // Aligned and balanced: W_1 = R_1 a Vᵀ, W_l = R_l a R_{l-1}ᵀ, W_L = U a R_{L-1}ᵀ, with
    // random orthonormal R_l (h×k), so W_L…W_1 = a^L U Vᵀ = u₀ U Vᵀ and W_{l+1}ᵀW_{l+1} = W_l W_lᵀ.
    double[] left = v;
    int leftRows = dims[0];
    for (int l = 1; l <= depth; l++) {
      double[] right = l == depth ? u : RandomOrthonormal.columns(rng, dims[l], k);
      double[] wl = new double[dims[l] * dims[l - 1]];
      for (int r = 0; r < dims[l]; r++) {
        for (int c = 0; c < leftRows; c++) {
          double x = 0;
          for (int j = 0; j < k; j++) {
            x += right[r * k + j] * left[c * k + j];
          }
          wl[r * leftRows + c] = a * x;
        }
      }
      p.trained("layers." + (l - 1) + ".weight", new int[] {dims[l], dims[l - 1]}, wl);
      left = right;
      leftRows = dims[l];
    }
    return p;
  }

  private List<TruthEvent> measuredCrossing(String runId, int j, double s, double[] sv) {
    int[] steps = new int[sv.length];
    Arrays.setAll(steps, i -> i);
    if (sv.length == 0 || sv[0] >= s / 2) {
      return List.of();
    }
    int half = Crossings.firstAtOrAbove(sv, 0, s / 2);
    if (half < 0) {
      return List.of();
    }
    int q1 = Crossings.firstAtOrAbove(sv, 0, s / 4);
    int q3 = Crossings.firstAtOrAbove(sv, half, 3 * s / 4);
    double width = q1 < 0 || q3 < 0 ? Double.NaN : Crossings.tanhWidth(
        Crossings.interpolatedStep(steps, sv, q1, s / 4),
        Crossings.interpolatedStep(steps, sv, q3, 3 * s / 4));
    return List.of(new TruthEvent(runId, Family.DEEP_LINEAR, TruthEvent.JUMP, series(j), half,
        TruthEvent.MEASURED, width, "first step with sigma_" + (j + 1)
        + " of the end-to-end map W_L...W_1 >= s_" + (j + 1) + "/2 = " + s / 2 + " (s = " + s
        + ", sigma = " + sv[half] + "); width from its s/4 and 3s/4 crossings"));
  }

  private List<TruthEvent> analyticCrossings(String runId, double[] s, boolean fullBatch) {
    if (depth != 2 || !DeepLinearSpec.ALIGNED.equals(init) || opt.warmupSteps() != 0) {
      return List.of();
    }
    if (opt.kind() == OptimizerKind.MOMENTUM && fullBatch) {
      return momentumCrossings(runId, s);
    }
    if (opt.kind() != OptimizerKind.GD) {
      return List.of();
    }
    double eta = opt.lr();
    double u0 = spec.initScale();
    List<TruthEvent> out = new ArrayList<>();
    for (int j = 0; j < s.length; j++) {
      double sp = s[j] - opt.weightDecay();
      if (sp <= s[j] / 2 || eta * sp > MAX_ANALYTIC_RATE) {
        continue;
      }
      double rate = Math.log1p(eta * sp);
      double t = Math.log((sp / u0 - 1) / (2 * sp / s[j] - 1)) / (2 * rate);
      double flow = Math.log(s[j] / u0 - 1) / (2 * s[j] * eta);
      out.add(new TruthEvent(runId, Family.DEEP_LINEAR, TruthEvent.JUMP, series(j), t,
          TruthEvent.ANALYTIC, 1 / rate, "discrete-time GD logistic t_k = ln((s'/u0 - 1)/(2s'/s"
          + " - 1)) / (2 ln(1 + lr s')) with s = " + s[j] + ", s' = s - weight_decay = " + sp
          + ", u0 = " + u0 + " (end-to-end mode strength at init; each layer sqrt(u0)), lr = "
          + eta + "; SPEC 8 gradient-flow form ln(s/u0 - 1)/(2 s lr) = " + flow));
    }
    return out;
  }

  /**
   * Heavy-ball rows (class comment): the step from the linear-growth root r, the width the
   * slow-mode expectation (1 − β)/(s'η); modes with ηs'/(1 − β) above
   * {@link #MAX_ANALYTIC_RATE} are left out.
   */
  private List<TruthEvent> momentumCrossings(String runId, double[] s) {
    double eta = opt.lr();
    double beta = opt.momentum();
    double u0 = spec.initScale();
    List<TruthEvent> out = new ArrayList<>();
    for (int j = 0; j < s.length; j++) {
      double sp = s[j] - opt.weightDecay();
      double effective = eta * sp / (1 - beta);
      if (sp <= s[j] / 2 || effective > MAX_ANALYTIC_RATE) {
        continue;
      }
      double root = heavyBallRoot(eta * sp, beta);
      double t = Math.log((sp / u0 - 1) / (2 * sp / s[j] - 1)) / (2 * Math.log(root));
      double width = (1 - beta) / (eta * sp);
      out.add(new TruthEvent(runId, Family.DEEP_LINEAR, TruthEvent.JUMP, series(j), t,
          TruthEvent.ANALYTIC, width, "heavy-ball momentum: width (1 - momentum)/(lr s') = "
          + width + " (slow-mode expectation, effective step lr/(1 - momentum); lr s'/(1 - "
          + "momentum) = " + effective + "), t_k = ln((s'/u0 - 1)/(2s'/s - 1)) / (2 ln r) with r"
          + " = " + root + " the growth factor per step of a small mode (larger root of r^2 - (1"
          + " + momentum + lr s') r + momentum = 0), s = " + s[j] + ", s' = s - weight_decay = "
          + sp + ", u0 = " + u0 + ", lr = " + eta + ", momentum = " + beta));
    }
    return out;
  }

  /**
   * The growth factor per step of a small mode under heavy-ball momentum: the larger root of
   * r² − (1 + β + x)r + β = 0 with x = ηs' (1 + x at β = 0).
   */
  static double heavyBallRoot(double x, double beta) {
    double b = 1 + beta + x;
    return 0.5 * (b + Math.sqrt(b * b - 4 * beta));
  }

  private static String series(int j) {
    return "end_to_end.sv" + (j + 1);
  }

  private Map<String, Object> params() {
    Map<String, Object> p = RunParams.common(Family.DEEP_LINEAR, opt, width, depth, init,
        "linear", spec.axes().schedule().steps(), seed);
    p.put("input_dim", spec.inputDim());
    p.put("output_dim", spec.outputDim());
    p.put("samples", spec.samples());
    p.put("init_scale", spec.initScale());
    p.put("teacher_singular_values", Arrays.toString(spec.sortedSingularValues()));
    p.put("teacher_seed", spec.teacherSeed());
    return p;
  }

  private Map<String, Object> modelConfig() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("architectures", List.of("DeepLinearNetwork"));
    c.put("model_type", "deep-linear");
    c.put("input_size", spec.inputDim());
    c.put("hidden_size", width);
    c.put("output_size", spec.outputDim());
    c.put("num_layers", depth);
    c.put("num_hidden_layers", depth - 1);
    c.put("activation", "linear");
    c.put("hidden_act", "linear");
    c.put("bias", false);
    return c;
  }
}
