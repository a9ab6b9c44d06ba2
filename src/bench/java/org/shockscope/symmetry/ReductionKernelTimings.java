package org.shockscope.symmetry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.shockscope.io.DType;
import org.shockscope.io.Tensor;
import org.shockscope.io.TensorInfo;

/**
 * Plain main-class microbenchmark of the reduction's kernels on one ReLU MLP (fc1 .. fcL, each
 * width × width with a bias, so L − 1 hidden layers), the shape of issue 14's sweep: per
 * checkpoint the times of balancing, the spectral set of the balanced matrices (singular values
 * included), the quotient distance and the drift fraction, the whole per-checkpoint work
 * ({@link QuotientKernel#observe} + {@link QuotientKernel#motion}), and singular values alone on
 * the loaded backend and on EJML. Each figure is the median over the repeats of the mean over a
 * sequence of checkpoints (a random walk with neuron rescalings, as src/bench/gen_sweep.py
 * writes), after one untimed warm-up repeat; wall and thread CPU time (the latter barely moves
 * when other processes load the machine).
 *
 * <pre>
 *   src/bench/kernel-timings.sh [width] [matrices] [checkpoints] [repeats]   # 256 3 20 5
 * </pre>
 *
 * Lives in the kernels' package to time them one by one; it uses only what {@link GroupKernel}
 * and {@link DenseLinearAlgebra} declare. Prints one line per figure, milliseconds per call.
 */
public final class ReductionKernelTimings {
  private ReductionKernelTimings() {
  }

  public static void main(String[] args) {
    int width = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    int matrices = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int count = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    List<Map<String, Tensor>> checkpoints = sequence(width, matrices, count, new Random(7));
    List<TensorInfo> infos = new ArrayList<>();
    for (Tensor t : checkpoints.get(0).values()) {
      infos.add(TensorInfo.of(t));
    }
    SymmetryStructure structure = StructureInference.infer(infos,
        ModelDescription.none().withActivationHint("relu"));
    NeuronGroup group = (NeuronGroup) structure.groups().get(0);
    DenseLinearAlgebra la = DenseLinearAlgebra.create();
    System.out.printf("backend %s, %d matrices %dx%d, %d hidden layers, %d checkpoints, "
        + "median of %d repeats (ms per call)%n", DenseLinearAlgebra.backendName(), matrices, width, width,
        group.layers().size(), count, repeats);
    GroupKernel kernel = new NeuronGroupKernel(group, la, new LinearAssignment(),
        new SpectrumRecorder(la, QuotientKernel.DEFAULT_TOP_K));
    double[][][] raw = new double[count][][];
    for (int c = 0; c < count; c++) {
      raw[c] = new double[group.tensors().size()][];
      for (int t = 0; t < raw[c].length; t++) {
        raw[c][t] = checkpoints.get(c).get(group.tensors().get(t).name()).data();
      }
    }
    GroupKernel.Representative[] reps = new GroupKernel.Representative[count];
    for (int c = 0; c < count; c++) {
      reps[c] = kernel.newRepresentative();
    }
    double[] sink = new double[1];
    report("balance", repeats, count, c -> kernel.balance(raw[c], reps[c]));
    report("observe (spectral set of balanced)", repeats, count, c -> {
      List<Observable> o = new ArrayList<>();
      kernel.observe(reps[c], o, new ArrayList<>());
      sink[0] += o.get(0).value();
    });
    report("quotient distance", repeats, count - 1,
        c -> sink[0] += kernel.quotientDistance(reps[c], reps[c + 1]));
    report("drift fraction", repeats, count - 1,
        c -> sink[0] += kernel.driftFraction(raw[c], raw[c + 1]));
    QuotientKernel whole = new QuotientKernel(structure);
    report("per checkpoint: observe + motion", repeats, count - 1, c -> {
      // fresh maps defeat the kernel's cache of the last two checkpoints between repeats
      Map<String, Tensor> prev = new LinkedHashMap<>(checkpoints.get(c));
      Map<String, Tensor> cur = new LinkedHashMap<>(checkpoints.get(c + 1));
      whole.observe(prev);
      sink[0] += whole.motion(prev, cur).get(0).value();
    });
    DMatrixRMaj m = new DMatrixRMaj(width, width);
    double[] sv = new double[width];
    for (DenseLinearAlgebra backend : List.of(la, DenseLinearAlgebra.ejml())) {
      report("singular values, " + backend.name(), repeats, count, c -> {
        m.data = raw[c][0];
        backend.singularValues(m, sv);
        sink[0] += sv[0];
      });
    }
    System.out.println("checksum " + sink[0]);
  }

  private interface Call {
    void run(int checkpoint);
  }

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /** Median wall and thread-CPU milliseconds per call (CPU time is robust to other load). */
  private static void report(String what, int repeats, int calls, Call call) {
    double[] ms = new double[repeats];
    double[] cpu = new double[repeats];
    for (int r = -1; r < repeats; r++) {
      long c0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      for (int c = 0; c < calls; c++) {
        call.run(c);
      }
      if (r >= 0) {
        ms[r] = (System.nanoTime() - t0) / 1e6 / calls;
        cpu[r] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6 / calls;
      }
    }
    Arrays.sort(ms);
    Arrays.sort(cpu);
    System.out.printf("%-40s wall %9.3f  cpu %9.3f  [wall %s]%n", what, ms[repeats / 2],
        cpu[repeats / 2], fmt(ms));
  }

  private static String fmt(double[] ms) {
    StringBuilder b = new StringBuilder();
    for (double v : ms) {
      b.append(b.length() == 0 ? "" : " ").append(String.format("%.2f", v));
    }
    return b.toString();
  }

  /** A checkpoint sequence: Gaussian start, small steps, a growing low-rank part, rescalings. */
  static List<Map<String, Tensor>> sequence(int n, int matrices, int count, Random r) {
    double[][] w = new double[matrices][n * n];
    double[][] b = new double[matrices][n];
    for (int l = 0; l < matrices; l++) {
      for (int i = 0; i < n * n; i++) {
        w[l][i] = r.nextGaussian() / Math.sqrt(n);
      }
      for (int i = 0; i < n; i++) {
        b[l][i] = 0.1 * r.nextGaussian();
      }
    }
    List<Map<String, Tensor>> out = new ArrayList<>();
    for (int c = 0; c < count; c++) {
      if (c > 0) {
        for (int l = 0; l < matrices; l++) {
          for (int i = 0; i < n * n; i++) {
            w[l][i] += 0.01 * r.nextGaussian() / Math.sqrt(n)
                + 0.5 / count * ((i / n) % 4 == (i % n) % 4 ? 1.0 : 0.0) / n;
          }
          for (int i = 0; i < n; i++) {
            b[l][i] += 0.01 * r.nextGaussian();
          }
        }
        for (int l = 0; l + 1 < matrices; l++) {
          for (int j = 0; j < n; j++) {
            double s = Math.exp(0.05 * r.nextGaussian());
            b[l][j] *= s;
            for (int k = 0; k < n; k++) {
              w[l][j * n + k] *= s;
              w[l + 1][k * n + j] /= s;
            }
          }
        }
      }
      Map<String, Tensor> m = new LinkedHashMap<>();
      for (int l = 0; l < matrices; l++) {
        String name = "fc" + (l + 1);
        m.put(name + ".weight", new Tensor(name + ".weight", DType.F32, new int[] {n, n},
            w[l].clone()));
        m.put(name + ".bias", new Tensor(name + ".bias", DType.F32, new int[] {n}, b[l].clone()));
      }
      out.add(m);
    }
    return out;
  }
}
