package org.shockscope.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.shockscope.io.DType;

/**
 * Trains one two-layer network f(x) = W₂·φ(W₁x + b₁) (PyTorch {@code fc1}, {@code fc2} without
 * output bias) on the mean squared loss L = (1/2n)·Σ(f(x_i) − y_i)² of a fixed data set:
 * x ~ N(0, I_d), y from a random ReLU teacher. Initialisation: W₁ ~ N(0, 1/d), b₁ = 0,
 * W₂ ~ N(0, 1/m). The peak learning rate is c/λ₀ (see {@link CatapultSpec}), reached by linear
 * warm-up so that the loss first settles before the top mode turns unstable, which puts the
 * catapult spike well inside the run rather than at its first steps.
 *
 * <p>Truth (measured on the loss at every step): each recovered spike ({@link SpikeScan}) at
 * its peak step, a catapult out of the basin that never recovers as a jump at its rise
 * ({@link SpikeScan.Rise}), and the divergence step ({@link RunRecorder}).
 */
final class CatapultTrainer {
  static final String INIT = "lecun-normal";

  private final CatapultSpec spec;
  private final OptimizerSettings scaled;
  private final int m;
  private final String activation;
  private final long seed;
  private final DType dtype;

  /** {@code scaled} carries the multiple c of 1/λ₀ as its learning rate. */
  CatapultTrainer(CatapultSpec spec, OptimizerSettings scaled, int m, String activation,
                  long seed, DType dtype) {
    this.spec = spec;
    this.scaled = scaled;
    this.m = m;
    this.activation = activation;
    this.seed = seed;
    this.dtype = dtype;
  }

  TrainedRun train(String runId) {
    int d = spec.inputDim();
    int n = spec.samples();
    Random dataRng = SeedStreams.of(spec.teacherSeed(), "catapult/data");
    double[] xs = SeedStreams.gaussian(dataRng, n * d, 1.0);
    double[] y = teacherLabels(dataRng, xs);
    Network reference = new Network(SeedStreams.of(spec.teacherSeed(),
        "catapult/reference-init/" + m + "/" + activation), xs, y);
    double lambdaRef = reference.ntkTopEigenvalue();
    Network net = new Network(SeedStreams.of(seed, "catapult/init"), xs, y);
    double lambdaRun = net.ntkTopEigenvalue();
    double scale = scaled.lr();
    OptimizerSettings opt = scaled.withLr(scale / lambdaRef);

    boolean fullBatch = opt.batchSize() == n;
    MiniBatches batches = new MiniBatches(SeedStreams.of(seed, "catapult/batches"), n,
        opt.batchSize());
    int[] batch = new int[opt.batchSize()];
    Arrays.setAll(batch, i -> i);
    Schedule schedule = spec.axes().schedule();
    double[][] trained = net.params.trained();
    double[][] grads = net.params.gradientBuffers();
    Optimizer optimizer = new Optimizer(opt, trained);
    RunRecorder recorder = new RunRecorder(schedule, net.params, dtype);
    for (int step = 0; step <= schedule.steps(); step++) {
      double loss = net.forward();
      if (recorder.record(step, loss) || step == schedule.steps()) {
        break;
      }
      if (!fullBatch) {
        batches.next(batch);
      }
      net.gradient(batch, grads);
      optimizer.step(trained, grads);
    }
    String note = "; lr = " + scale + "/lambda0 with reference lambda0 = " + lambdaRef
        + "; this run's own lambda0 = " + lambdaRun + " (lr*lambda0 = " + opt.lr() * lambdaRun
        + ")";
    List<TruthEvent> truth = new ArrayList<>();
    truth.addAll(annotate(SpikeScan.truth(runId, Family.CATAPULT, recorder.observed(),
        fullBatch), note));
    truth.addAll(annotate(recorder.divergenceTruth(runId, Family.CATAPULT), note));
    return new TrainedRun(runId, Family.CATAPULT, params(opt, scale, lambdaRef), modelConfig(),
        recorder.metrics(), recorder.checkpoints(), truth, recorder.divergenceStep(), schedule,
        batches.stepsPerEpoch());
  }

  private static List<TruthEvent> annotate(List<TruthEvent> events, String note) {
    List<TruthEvent> out = new ArrayList<>(events.size());
    for (TruthEvent e : events) {
      out.add(new TruthEvent(e.runId(), e.family(), e.kind(), e.series(), e.step(), e.source(),
          e.width(), e.detail() + note));
    }
    return out;
  }

  /** y = Σ_j a_j relu(A_j·x) with A_j ~ N(0, I/d), a_j ~ N(0, 1/4). */
  private double[] teacherLabels(Random rng, double[] xs) {
    int d = spec.inputDim();
    int n = spec.samples();
    int t = spec.teacherWidth();
    double[] a = SeedStreams.gaussian(rng, t * d, 1 / Math.sqrt(d));
    double[] out = SeedStreams.gaussian(rng, t, 0.5);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < t; j++) {
        double h = 0;
        for (int c = 0; c < d; c++) {
          h += a[j * d + c] * xs[i * d + c];
        }
        y[i] += out[j] * Math.max(h, 0);
      }
    }
    return y;
  }

  private Map<String, Object> params(OptimizerSettings opt, double scale, double lambdaRef) {
    Map<String, Object> p = RunParams.common(Family.CATAPULT, opt, m, 2, INIT, activation,
        spec.axes().schedule().steps(), seed);
    p.put("lr_scale", scale);
    p.put("lambda0", lambdaRef);
    p.put("input_dim", spec.inputDim());
    p.put("samples", spec.samples());
    p.put("teacher_width", spec.teacherWidth());
    p.put("teacher_seed", spec.teacherSeed());
    return p;
  }

  private Map<String, Object> modelConfig() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("architectures", List.of("TwoLayerMLP"));
    c.put("model_type", "mlp");
    c.put("input_size", spec.inputDim());
    c.put("hidden_size", m);
    c.put("output_size", 1);
    c.put("num_hidden_layers", 1);
    c.put("activation", activation);
    c.put("hidden_act", activation);
    c.put("bias", true);
    return c;
  }

  /** The network's live parameters, its data, and forward/gradient kernels with workspaces. */
  private final class Network {
    final ParameterSet params;
    private final double[] w1;
    private final double[] b1;
    private final double[] w2;
    private final double[] xs;
    private final double[] y;
    private final boolean relu = CatapultSpec.RELU.equals(activation);
    /** Pre-activations (n×m) and residuals f − y of the last forward pass. */
    private final double[] pre;
    private final double[] residual;

    Network(Random rng, double[] xs, double[] y) {
      int d = spec.inputDim();
      this.w1 = SeedStreams.gaussian(rng, m * d, 1 / Math.sqrt(d));
      this.b1 = new double[m];
      this.w2 = SeedStreams.gaussian(rng, m, 1 / Math.sqrt(m));
      this.params = new ParameterSet()
          .trained("fc1.weight", new int[] {m, d}, w1)
          .trained("fc1.bias", new int[] {m}, b1)
          .trained("fc2.weight", new int[] {1, m}, w2);
      this.xs = xs;
      this.y = y;
      this.pre = new double[y.length * m];
      this.residual = new double[y.length];
    }

    private double act(double h) {
      return relu ? Math.max(h, 0) : h;
    }

    private double slope(double h) {
      return relu ? (h > 0 ? 1 : 0) : 1;
    }

    /** The full-batch loss (1/2n)Σ(f − y)², leaving pre-activations and residuals. */
    double forward() {
      int d = spec.inputDim();
      int n = y.length;
      double loss = 0;
      for (int i = 0; i < n; i++) {
        double f = 0;
        for (int j = 0; j < m; j++) {
          double h = b1[j];
          for (int c = 0; c < d; c++) {
            h += w1[j * d + c] * xs[i * d + c];
          }
          pre[i * m + j] = h;
          f += w2[j] * act(h);
        }
        residual[i] = f - y[i];
        loss += residual[i] * residual[i];
      }
      return loss / (2 * n);
    }

    /** The gradient of the loss on examples {@code batch} (after {@link #forward}). */
    void gradient(int[] batch, double[][] grads) {
      int d = spec.inputDim();
      double[] gw1 = grads[0];
      double[] gb1 = grads[1];
      double[] gw2 = grads[2];
      Arrays.fill(gw1, 0);
      Arrays.fill(gb1, 0);
      Arrays.fill(gw2, 0);
      double inv = 1.0 / batch.length;
      for (int i : batch) {
        double r = residual[i] * inv;
        for (int j = 0; j < m; j++) {
          double h = pre[i * m + j];
          gw2[j] += r * act(h);
          double delta = r * w2[j] * slope(h);
          if (delta != 0) {
            gb1[j] += delta;
            for (int c = 0; c < d; c++) {
              gw1[j * d + c] += delta * xs[i * d + c];
            }
          }
        }
      }
    }

    /**
     * λ_max of Θ = JJᵀ/n, Θ_ik = (1/n)·Σ_j [w₂ⱼ² φ'(h_ij) φ'(h_kj)(x_i·x_k + 1)
     * + φ(h_ij) φ(h_kj)], the Jacobian J of the outputs in all parameters.
     */
    double ntkTopEigenvalue() {
      forward();
      int d = spec.inputDim();
      int n = y.length;
      DMatrixRMaj theta = new DMatrixRMaj(n, n);
      for (int i = 0; i < n; i++) {
        for (int k = 0; k <= i; k++) {
          double dot = 1;
          for (int c = 0; c < d; c++) {
            dot += xs[i * d + c] * xs[k * d + c];
          }
          double s = 0;
          for (int j = 0; j < m; j++) {
            double hi = pre[i * m + j];
            double hk = pre[k * m + j];
            s += w2[j] * w2[j] * slope(hi) * slope(hk) * dot + act(hi) * act(hk);
          }
          theta.set(i, k, s / n);
          theta.set(k, i, s / n);
        }
      }
      EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false, true);
      if (!eig.decompose(theta)) {
        throw new LabException("catapult: NTK eigen-decomposition failed for width " + m);
      }
      double top = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < eig.getNumberOfEigenvalues(); i++) {
        top = Math.max(top, eig.getEigenvalue(i).getReal());
      }
      return top;
    }
  }
}
