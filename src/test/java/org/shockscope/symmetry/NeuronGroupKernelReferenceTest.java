package org.shockscope.symmetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.junit.jupiter.api.Test;
import org.shockscope.io.Tensor;

/**
 * The neuron kernel's balancing (per-unit norm vectors and cumulative factors) and drift
 * projection (block elimination on the layers' bipartite coupling, native Cholesky) agree with
 * direct reference computations: balancing that rescales the tensors in place sweep after
 * sweep, and the projection on explicitly built tangent vectors by least squares (EJML
 * pseudo-inverse). Structures: one hidden layer, two and four hidden layers of an MLP, a conv
 * chain (neuron slices that are not matrix rows or columns), and a dead neuron; both backends.
 */
class NeuronGroupKernelReferenceTest {
  static final double TOLERANCE = 1e-10;

  private static Map<String, Tensor> mlp(Random r, int... dims) {
    List<Tensor> ts = new ArrayList<>();
    for (int l = 0; l + 1 < dims.length; l++) {
      ts.add(TestModels.random(r, "fc" + (l + 1) + ".weight", dims[l + 1], dims[l]));
      ts.add(TestModels.random(r, "fc" + (l + 1) + ".bias", dims[l + 1]));
    }
    return TestModels.of(ts.toArray(new Tensor[0]));
  }

  /** A two-hidden-layer MLP whose neuron 2 of the first hidden layer is dead (all zero). */
  private static Map<String, Tensor> deadNeuron(Random r) {
    Map<String, Tensor> m = TestModels.deepMlp(r, 5, 6, 4, 3);
    double[] w1 = m.get("fc1.weight").data();
    for (int k = 0; k < 5; k++) {
      w1[2 * 5 + k] = 0;
    }
    m.get("fc1.bias").data()[2] = 0;
    double[] w2 = m.get("fc2.weight").data();
    for (int i = 0; i < 4; i++) {
      w2[i * 6 + 2] = 0;
    }
    return m;
  }

  private static List<Map<String, Tensor>> models() {
    Random r = new Random(21);
    return List.of(TestModels.mlp(r, 5, 7, 3), mlp(r, 6, 9, 7, 3), mlp(r, 4, 6, 5, 7, 8, 3),
        TestModels.conv(r), deadNeuron(r));
  }

  private static NeuronGroup group(Map<String, Tensor> m) {
    SymmetryStructure s = StructureInference.infer(TestModels.infos(m),
        ModelDescription.none().withActivationHint("relu"));
    for (SymmetryGroup g : s.groups()) {
      if (g instanceof NeuronGroup n) {
        return n;
      }
    }
    throw new AssertionError("no neuron group in " + s.describe());
  }

  private static double[][] raw(NeuronGroup g, Map<String, Tensor> m) {
    double[][] out = new double[g.tensors().size()][];
    for (int t = 0; t < out.length; t++) {
      out[t] = m.get(g.tensors().get(t).name()).data().clone();
    }
    return out;
  }

  private static NeuronGroupKernel kernel(NeuronGroup g, DenseLinearAlgebra la) {
    return new NeuronGroupKernel(g, la, new LinearAssignment(), new SpectrumRecorder(la, 8));
  }

  /** Index of element e's neuron on axis a. */
  private static int neuron(NeuronAxis a, int e) {
    return (e / a.inner()) % a.n();
  }

  /** Balancing by rescaling the tensors in place, one exact layer minimisation at a time. */
  private static double[][] referenceBalance(NeuronGroup g, double[][] raw) {
    double[][] d = new double[raw.length][];
    for (int t = 0; t < raw.length; t++) {
      d[t] = raw[t].clone();
    }
    for (int sweep = 0; sweep < 10_000; sweep++) {
      double deviation = 0;
      for (HiddenLayer h : g.layers()) {
        double[] in = new double[h.width()];
        double[] out = new double[h.width()];
        for (NeuronAxis a : h.in()) {
          for (int e = 0; e < d[a.tensor()].length; e++) {
            in[neuron(a, e)] += d[a.tensor()][e] * d[a.tensor()][e];
          }
        }
        for (NeuronAxis a : h.out()) {
          for (int e = 0; e < d[a.tensor()].length; e++) {
            out[neuron(a, e)] += d[a.tensor()][e] * d[a.tensor()][e];
          }
        }
        double[] c = new double[h.width()];
        for (int j = 0; j < c.length; j++) {
          double ratio = out[j] / in[j];
          c[j] = ratio > 0 && Double.isFinite(ratio) ? Math.pow(ratio, 0.25) : 0;
          deviation = Math.max(deviation, c[j] == 0 ? 0 : Math.abs(c[j] - 1));
        }
        for (NeuronAxis a : h.in()) {
          for (int e = 0; e < d[a.tensor()].length; e++) {
            d[a.tensor()][e] *= c[neuron(a, e)];
          }
        }
        for (NeuronAxis a : h.out()) {
          for (int e = 0; e < d[a.tensor()].length; e++) {
            double cj = c[neuron(a, e)];
            d[a.tensor()][e] *= cj == 0 ? 0 : 1 / cj;
          }
        }
      }
      if (deviation <= 1e-14) {
        break;
      }
    }
    return d;
  }

  /** ‖P_T Δθ‖² / ‖Δθ‖² with the tangent vectors written out and solved by least squares. */
  private static double referenceDrift(NeuronGroup g, double[][] prev, double[][] cur) {
    int params = 0;
    int[] start = new int[prev.length];
    for (int t = 0; t < prev.length; t++) {
      start[t] = params;
      params += prev[t].length;
    }
    int neurons = 0;
    for (HiddenLayer h : g.layers()) {
      neurons += h.width();
    }
    DMatrixRMaj tangent = new DMatrixRMaj(params, neurons);
    DMatrixRMaj delta = new DMatrixRMaj(params, 1);
    double delta2 = 0;
    for (int t = 0; t < prev.length; t++) {
      for (int e = 0; e < prev[t].length; e++) {
        double d = cur[t][e] - prev[t][e];
        delta.set(start[t] + e, 0, d);
        delta2 += d * d;
      }
    }
    int offset = 0;
    for (HiddenLayer h : g.layers()) {
      for (int side = 0; side < 2; side++) {
        for (NeuronAxis a : side == 0 ? h.in() : h.out()) {
          for (int e = 0; e < prev[a.tensor()].length; e++) {
            int row = start[a.tensor()] + e;
            int col = offset + neuron(a, e);
            tangent.set(row, col, tangent.get(row, col)
                + (side == 0 ? 1 : -1) * prev[a.tensor()][e]);
          }
        }
      }
      offset += h.width();
    }
    LinearSolverDense<DMatrixRMaj> ls = LinearSolverFactory_DDRM.pseudoInverse(true);
    assertTrue(ls.setA(tangent.copy()));
    DMatrixRMaj coef = new DMatrixRMaj(neurons, 1);
    ls.solve(delta, coef);
    DMatrixRMaj projected = new DMatrixRMaj(params, 1);
    CommonOps_DDRM.mult(tangent, coef, projected);
    return CommonOps_DDRM.dot(projected, projected) / delta2;
  }

  @Test
  void balancedTensorsEqualInPlaceSweeps() {
    for (DenseLinearAlgebra la : List.of(DenseLinearAlgebra.create(), DenseLinearAlgebra.ejml())) {
      for (Map<String, Tensor> m : models()) {
        NeuronGroup g = group(m);
        double[][] raw = raw(g, m);
        NeuronGroupKernel k = kernel(g, la);
        GroupKernel.Representative rep = k.newRepresentative();
        k.balance(raw, rep);
        double[][] expected = referenceBalance(g, raw);
        double scale = 0;
        double worst = 0;
        double n2 = 0;
        double[][] got = k.balancedTensors(rep);
        for (int t = 0; t < raw.length; t++) {
          for (int e = 0; e < raw[t].length; e++) {
            scale = Math.max(scale, Math.abs(expected[t][e]));
            worst = Math.max(worst, Math.abs(got[t][e] - expected[t][e]));
            n2 += expected[t][e] * expected[t][e];
          }
        }
        assertTrue(worst <= TOLERANCE * scale, g.describe() + ": balanced tensors differ by "
            + worst + " (largest element " + scale + ")");
        assertEquals(n2, rep.normSquared(), TOLERANCE * n2, g.describe() + " balanced norm");
      }
    }
  }

  @Test
  void driftEqualsLeastSquaresOnExplicitTangents() {
    Random r = new Random(22);
    for (DenseLinearAlgebra la : List.of(DenseLinearAlgebra.create(), DenseLinearAlgebra.ejml())) {
      for (Map<String, Tensor> m : models()) {
        NeuronGroup g = group(m);
        double[][] prev = raw(g, m);
        NeuronGroupKernel k = kernel(g, la);
        for (double eps : new double[] {1e-3, 0.3}) {
          double[][] cur = new double[prev.length][];
          for (int t = 0; t < prev.length; t++) {
            cur[t] = prev[t].clone();
            for (int e = 0; e < cur[t].length; e++) {
              // a step partly along the orbit (θ-proportional) and partly random
              cur[t][e] += eps * (r.nextGaussian() + 3 * prev[t][e] * (t % 2 == 0 ? 1 : -1));
            }
          }
          double expected = referenceDrift(g, prev, cur);
          double got = k.driftFraction(prev, cur);
          assertEquals(expected, got, TOLERANCE, g.describe() + " eps " + eps + " on "
              + la.name());
        }
      }
    }
  }
}
