package org.shockscope.symmetry;

import java.util.ArrayList;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.shockscope.io.TensorInfo;

/**
 * Kernel of a {@link NeuronGroup} (MLP, gated MLP and conv hidden layers).
 *
 * <p><b>Balancing.</b> With rescalings, the minimum-norm point of the orbit rescales each
 * neuron so that its incoming and outgoing squared norms are equal: for fixed other neurons
 * the norm c²·I + O/c² is minimal at c = (O/I)^¼. Over a chain of hidden layers the problem is
 * convex in log c (a sum of exponentials), and sweeping the exact per-layer minimisations
 * (block coordinate descent) converges to its unique minimum; a single hidden layer is
 * balanced in one sweep. A neuron with I = 0 or O = 0 has an infimum but no minimum: its limit
 * point, with both sides zero, is used.
 *
 * <p><b>Quotient distance.</b> Between balanced representatives only permutations (and sign
 * flips) remain. They are matched as in Git Re-Basin weight matching (Ainsworth, Hayase &amp;
 * Srinivasa, ICLR 2023, §3.1): per hidden layer the neuron similarity Σ⟨slice_i(A), slice_j(B)⟩
 * over all slices of the neuron, an exact {@link LinearAssignment}, and coordinate descent over
 * the layers until no layer changes. The start is equivariant (a forward pass matching each
 * layer on its incoming side only, once the previous layer is matched), so the result does not
 * depend on how either checkpoint was permuted. With one hidden layer the match is exact.
 *
 * <p><b>Drift.</b> The orbit tangent is spanned by t_j = (+slice_in(j), −slice_out(j)) per
 * neuron (rescaling directions); P_T Δθ is the least-squares fit of Δθ on them, from the
 * normal equations G c = r with G_ab = ⟨t_a, t_b⟩, r_a = ⟨t_a, Δθ⟩ (‖P_T Δθ‖² = rᵀc). G is
 * diagonal for one hidden layer and couples neighbouring layers through their shared weights.
 */
final class NeuronGroupKernel implements GroupKernel {
  /** Balancing stops when no neuron's factor differs from 1 by more than this. */
  static final double BALANCE_TOLERANCE = 1e-14;
  static final int MAX_BALANCE_SWEEPS = 10_000;
  /** Coordinate-descent sweeps of the matching before giving up on further improvement. */
  static final int MAX_ALIGN_SWEEPS = 100;
  /** Relative score gain below which a new assignment is not taken (guards against ties). */
  static final double ALIGN_IMPROVEMENT = 1e-13;

  private final NeuronGroup group;
  private final DenseLinearAlgebra la;
  private final LinearAssignment lap;
  private final SpectrumRecorder recorder;
  private final int tensorCount;
  private final int[] sizes;
  private final int[][] matrixShape;
  private final boolean scales;
  private final boolean signs;
  private final int layerCount;
  private final List<List<NeuronAxis>> initSigned = new ArrayList<>();
  private final List<List<NeuronAxis>> initUnsigned = new ArrayList<>();
  private final List<List<NeuronAxis>> fullSigned = new ArrayList<>();
  private final List<List<NeuronAxis>> fullUnsigned = new ArrayList<>();
  private final int[] layerOffset;
  private final int neuronCount;

  private final double[][] aligned;
  private double[] temp;
  private final double[] inNorm;
  private final double[] outNorm;
  private final double[] inFactor;
  private final double[] outFactor;
  private final DMatrixRMaj xs = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj ys = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj xu = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj yu = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj simSigned = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj simUnsigned = new DMatrixRMaj(1, 1);
  private double[] score = new double[0];
  private final int[] assignment;
  private final double[] flip;
  private final double[] residual;
  private final double[] diagonal;
  private DMatrixRMaj gram;
  private DMatrixRMaj rhs;
  private DMatrixRMaj solution;
  private LinearSolverDense<DMatrixRMaj> cholesky;
  /** Per tensor: the rescaling directions its elements belong to (≤ 2: in of one layer, out of
   * the previous), their layer offsets in the neuron numbering and signs (+1 in, −1 out). */
  private final NeuronAxis[][] memberAxes;
  private final int[][] memberOffsets;
  private final double[][] memberCoefs;

  NeuronGroupKernel(NeuronGroup group, DenseLinearAlgebra la, LinearAssignment lap,
                    SpectrumRecorder recorder) {
    this.group = group;
    this.la = la;
    this.lap = lap;
    this.recorder = recorder;
    List<TensorInfo> tensors = group.tensors();
    tensorCount = tensors.size();
    sizes = new int[tensorCount];
    matrixShape = new int[tensorCount][];
    int maxSize = 0;
    for (int t = 0; t < tensorCount; t++) {
      int[] s = tensors.get(t).shape();
      sizes[t] = (int) org.shockscope.io.Tensor.numel(s);
      maxSize = Math.max(maxSize, sizes[t]);
      if (s.length >= 2) {
        matrixShape[t] = new int[] {s[0], s[0] == 0 ? 0 : sizes[t] / s[0]};
      }
    }
    scales = group.symmetry().scales();
    signs = group.symmetry().signs();
    layerCount = group.layers().size();
    layerOffset = new int[layerCount + 1];
    int maxWidth = 0;
    for (int l = 0; l < layerCount; l++) {
      HiddenLayer h = group.layers().get(l);
      layerOffset[l + 1] = layerOffset[l] + h.width();
      maxWidth = Math.max(maxWidth, h.width());
      List<NeuronAxis> is = new ArrayList<>();
      List<NeuronAxis> iu = new ArrayList<>(h.gate());
      List<NeuronAxis> fs = new ArrayList<>();
      List<NeuronAxis> fu = new ArrayList<>(h.gate());
      (signs ? is : iu).addAll(h.in());
      (signs ? fs : fu).addAll(h.in());
      (signs ? fs : fu).addAll(h.out());
      initSigned.add(is);
      initUnsigned.add(iu);
      fullSigned.add(fs);
      fullUnsigned.add(fu);
    }
    neuronCount = layerOffset[layerCount];
    aligned = new double[tensorCount][];
    for (int t = 0; t < tensorCount; t++) {
      aligned[t] = new double[sizes[t]];
    }
    temp = new double[maxSize];
    inNorm = new double[maxWidth];
    outNorm = new double[maxWidth];
    inFactor = new double[maxWidth];
    outFactor = new double[maxWidth];
    assignment = new int[maxWidth];
    flip = new double[maxWidth];
    residual = new double[neuronCount];
    diagonal = new double[neuronCount];
    memberAxes = new NeuronAxis[tensorCount][];
    memberOffsets = new int[tensorCount][];
    memberCoefs = new double[tensorCount][];
    for (int t = 0; t < tensorCount; t++) {
      List<NeuronAxis> axes = new ArrayList<>();
      List<Integer> offsets = new ArrayList<>();
      List<Double> coefs = new ArrayList<>();
      for (int l = 0; l < layerCount; l++) {
        HiddenLayer layer = group.layers().get(l);
        for (NeuronAxis a : layer.in()) {
          if (a.tensor() == t) {
            axes.add(a);
            offsets.add(layerOffset[l]);
            coefs.add(1.0);
          }
        }
        for (NeuronAxis a : layer.out()) {
          if (a.tensor() == t) {
            axes.add(a);
            offsets.add(layerOffset[l]);
            coefs.add(-1.0);
          }
        }
      }
      if (axes.size() > 2) {
        throw new IllegalArgumentException("group '" + group.name() + "': tensor '"
            + tensors.get(t).name() + "' is rescaled by " + axes.size() + " hidden layers, at most 2");
      }
      memberAxes[t] = axes.toArray(new NeuronAxis[0]);
      memberOffsets[t] = offsets.stream().mapToInt(Integer::intValue).toArray();
      memberCoefs[t] = coefs.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  /** Balanced (or, without rescalings, stored) tensors of one checkpoint. */
  private static final class Rep implements Representative {
    final double[][] data;
    final double[][] owned;
    final DMatrixRMaj view = new DMatrixRMaj(1, 1);
    double norm2;

    Rep(int tensors) {
      data = new double[tensors][];
      owned = new double[tensors][];
    }

    @Override
    public double normSquared() {
      return norm2;
    }
  }

  @Override
  public Representative newRepresentative() {
    return new Rep(tensorCount);
  }

  @Override
  public void balance(double[][] raw, Representative r) {
    Rep rep = (Rep) r;
    for (int t = 0; t < tensorCount; t++) {
      if (scales) {
        if (rep.owned[t] == null) {
          rep.owned[t] = new double[sizes[t]];
        }
        System.arraycopy(raw[t], 0, rep.owned[t], 0, sizes[t]);
        rep.data[t] = rep.owned[t];
      } else {
        rep.data[t] = raw[t];
      }
    }
    if (scales) {
      for (int sweep = 0; sweep < MAX_BALANCE_SWEEPS; sweep++) {
        double deviation = 0;
        for (HiddenLayer layer : group.layers()) {
          deviation = Math.max(deviation, balanceLayer(rep.data, layer));
        }
        if (deviation <= BALANCE_TOLERANCE || layerCount == 1) {
          break;
        }
      }
    }
    double n2 = 0;
    for (int t = 0; t < tensorCount; t++) {
      n2 += sumOfSquares(rep.data[t], sizes[t]);
    }
    rep.norm2 = n2;
  }

  /** Rescales every neuron of one layer to equal in/out norms; returns max |c − 1|. */
  private double balanceLayer(double[][] data, HiddenLayer layer) {
    int n = layer.width();
    java.util.Arrays.fill(inNorm, 0, n, 0.0);
    java.util.Arrays.fill(outNorm, 0, n, 0.0);
    for (NeuronAxis a : layer.in()) {
      accumulateSquares(data[a.tensor()], a, inNorm);
    }
    for (NeuronAxis a : layer.out()) {
      accumulateSquares(data[a.tensor()], a, outNorm);
    }
    double deviation = 0;
    for (int j = 0; j < n; j++) {
      double ratio = outNorm[j] / inNorm[j];
      if (ratio > 0 && Double.isFinite(ratio)) {
        double c = Math.sqrt(Math.sqrt(ratio));
        inFactor[j] = c;
        outFactor[j] = 1 / c;
        deviation = Math.max(deviation, Math.abs(c - 1));
      } else {
        // Degenerate neuron: the orbit's infimum is its limit with both sides zero.
        inFactor[j] = 0;
        outFactor[j] = 0;
        if (inNorm[j] + outNorm[j] > 0) {
          deviation = Double.POSITIVE_INFINITY;
        }
      }
    }
    for (NeuronAxis a : layer.in()) {
      scaleSlices(data[a.tensor()], a, inFactor);
    }
    for (NeuronAxis a : layer.out()) {
      scaleSlices(data[a.tensor()], a, outFactor);
    }
    return deviation;
  }

  @Override
  public void observe(Representative r, List<Observable> observables, List<Spectrum> spectra) {
    Rep rep = (Rep) r;
    List<TensorInfo> tensors = group.tensors();
    for (int t = 0; t < tensorCount; t++) {
      if (matrixShape[t] != null) {
        rep.view.data = rep.data[t];
        rep.view.numRows = matrixShape[t][0];
        rep.view.numCols = matrixShape[t][1];
        recorder.matrix(group.name(), tensors.get(t).name(), rep.view, observables, spectra);
      }
    }
  }

  @Override
  public double quotientDistance(Representative ra, Representative rb) {
    Rep a = (Rep) ra;
    Rep b = (Rep) rb;
    for (int t = 0; t < tensorCount; t++) {
      System.arraycopy(a.data[t], 0, aligned[t], 0, sizes[t]);
    }
    // Equivariant start: each layer matched on its incoming side, input side first.
    for (int l = 0; l < layerCount; l++) {
      matchLayer(b.data, l, initSigned.get(l), initUnsigned.get(l));
    }
    for (int sweep = 0; sweep < MAX_ALIGN_SWEEPS; sweep++) {
      boolean changed = false;
      for (int l = 0; l < layerCount; l++) {
        changed |= matchLayer(b.data, l, fullSigned.get(l), fullUnsigned.get(l));
      }
      if (!changed || layerCount == 1) {
        break;
      }
    }
    double d2 = 0;
    for (int t = 0; t < tensorCount; t++) {
      double[] x = aligned[t];
      double[] y = b.data[t];
      for (int i = 0; i < sizes[t]; i++) {
        double d = x[i] - y[i];
        d2 += d * d;
      }
    }
    return Math.sqrt(d2);
  }

  /**
   * Matches the neurons of layer l of {@code aligned} to those of {@code target} on the given
   * slices and applies the match when it improves on the current one.
   */
  private boolean matchLayer(double[][] target, int l, List<NeuronAxis> signed,
                             List<NeuronAxis> unsigned) {
    HiddenLayer layer = group.layers().get(l);
    int n = layer.width();
    if (score.length < n * n) {
      score = new double[n * n];
    }
    java.util.Arrays.fill(score, 0, n * n, 0.0);
    double identity = 0;
    if (!unsigned.isEmpty()) {
      gather(aligned, unsigned, n, xu);
      gather(target, unsigned, n, yu);
      la.mult(xu, false, yu, true, simUnsigned);
      double[] s = simUnsigned.data;
      for (int i = 0; i < n * n; i++) {
        score[i] += s[i];
      }
      for (int j = 0; j < n; j++) {
        identity += s[j * n + j];
      }
    }
    if (!signed.isEmpty()) {
      gather(aligned, signed, n, xs);
      gather(target, signed, n, ys);
      la.mult(xs, false, ys, true, simSigned);
      double[] s = simSigned.data;
      for (int i = 0; i < n * n; i++) {
        score[i] += Math.abs(s[i]);
      }
      for (int j = 0; j < n; j++) {
        identity += s[j * n + j];
      }
    }
    double best = lap.maximize(score, n, assignment);
    if (!(best > identity + ALIGN_IMPROVEMENT * Math.max(Math.abs(best), Double.MIN_NORMAL))) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      flip[i] = !signed.isEmpty() && simSigned.data[i * n + assignment[i]] < 0 ? -1.0 : 1.0;
    }
    for (NeuronAxis ax : layer.in()) {
      permuteSlices(aligned[ax.tensor()], ax, signs);
    }
    for (NeuronAxis ax : layer.gate()) {
      permuteSlices(aligned[ax.tensor()], ax, false);
    }
    for (NeuronAxis ax : layer.out()) {
      permuteSlices(aligned[ax.tensor()], ax, signs);
    }
    return true;
  }

  /** Moves neuron i's slice to position assignment[i], times flip[i] when signed. */
  private void permuteSlices(double[] data, NeuronAxis a, boolean signed) {
    int size = a.outer() * a.n() * a.inner();
    System.arraycopy(data, 0, temp, 0, size);
    int n = a.n();
    int inner = a.inner();
    for (int o = 0; o < a.outer(); o++) {
      int base = o * n * inner;
      for (int j = 0; j < n; j++) {
        int src = base + j * inner;
        int dst = base + assignment[j] * inner;
        double f = signed ? flip[j] : 1.0;
        for (int b = 0; b < inner; b++) {
          data[dst + b] = f * temp[src + b];
        }
      }
    }
  }

  /** Neuron-major copy: row j holds neuron j's slices of all the axes, concatenated. */
  private static void gather(double[][] data, List<NeuronAxis> axes, int n, DMatrixRMaj out) {
    int len = 0;
    for (NeuronAxis a : axes) {
      len += a.sliceLength();
    }
    out.reshape(n, len, false);
    double[] m = out.data;
    int col0 = 0;
    for (NeuronAxis a : axes) {
      double[] d = data[a.tensor()];
      int inner = a.inner();
      for (int o = 0; o < a.outer(); o++) {
        int base = o * n * inner;
        int dst0 = col0 + o * inner;
        for (int j = 0; j < n; j++) {
          System.arraycopy(d, base + j * inner, m, j * len + dst0, inner);
        }
      }
      col0 += a.sliceLength();
    }
  }

  @Override
  public double driftFraction(double[][] prev, double[][] cur) {
    double delta2 = 0;
    for (int t = 0; t < tensorCount; t++) {
      double[] p = prev[t];
      double[] c = cur[t];
      for (int i = 0; i < sizes[t]; i++) {
        double d = c[i] - p[i];
        delta2 += d * d;
      }
    }
    if (!scales || delta2 == 0) {
      return 0;
    }
    java.util.Arrays.fill(residual, 0.0);
    java.util.Arrays.fill(diagonal, 0.0);
    boolean coupled = layerCount > 1;
    if (coupled) {
      if (gram == null) {
        gram = new DMatrixRMaj(neuronCount, neuronCount);
        rhs = new DMatrixRMaj(neuronCount, 1);
        solution = new DMatrixRMaj(neuronCount, 1);
      }
      gram.zero();
    }
    for (int t = 0; t < tensorCount; t++) {
      NeuronAxis[] axes = memberAxes[t];
      int m = axes.length;
      if (m == 0) {
        continue;
      }
      double[] p = prev[t];
      double[] c = cur[t];
      int off0 = memberOffsets[t][0];
      double coef0 = memberCoefs[t][0];
      int inner0 = axes[0].inner();
      int n0 = axes[0].n();
      for (int e = 0; e < sizes[t]; e++) {
        double theta = p[e];
        double td = theta * (c[e] - theta);
        double t2 = theta * theta;
        int i0 = off0 + (e / inner0) % n0;
        residual[i0] += coef0 * td;
        diagonal[i0] += t2;
        if (m == 2) {
          int i1 = memberOffsets[t][1] + (e / axes[1].inner()) % axes[1].n();
          residual[i1] += memberCoefs[t][1] * td;
          diagonal[i1] += t2;
          double off = coef0 * memberCoefs[t][1] * t2;
          gram.data[i0 * neuronCount + i1] += off;
          gram.data[i1 * neuronCount + i0] += off;
        }
      }
    }
    double projected = 0;
    if (!coupled) {
      for (int j = 0; j < neuronCount; j++) {
        if (diagonal[j] > 0) {
          projected += residual[j] * residual[j] / diagonal[j];
        }
      }
    } else {
      for (int j = 0; j < neuronCount; j++) {
        // A zero neuron spans no direction: an identity row keeps the system regular.
        gram.data[j * neuronCount + j] = diagonal[j] > 0 ? diagonal[j] : 1.0;
        rhs.data[j] = diagonal[j] > 0 ? residual[j] : 0.0;
      }
      if (cholesky == null) {
        cholesky = LinearSolverFactory_DDRM.symmPosDef(neuronCount);
      }
      LinearSolverDense<DMatrixRMaj> solver = cholesky;
      if (!solver.setA(gram)) {
        // Dependent rescaling directions: the pseudo-inverse gives the same projection.
        solver = LinearSolverFactory_DDRM.pseudoInverse(true);
        solver.setA(gram);
      }
      solver.solve(rhs, solution);
      for (int j = 0; j < neuronCount; j++) {
        projected += rhs.data[j] * solution.data[j];
      }
    }
    return Math.min(1.0, Math.max(0.0, projected / delta2));
  }

  static void accumulateSquares(double[] data, NeuronAxis a, double[] acc) {
    int n = a.n();
    int inner = a.inner();
    for (int o = 0; o < a.outer(); o++) {
      int base = o * n * inner;
      for (int j = 0; j < n; j++) {
        int off = base + j * inner;
        double s = 0;
        for (int b = 0; b < inner; b++) {
          double v = data[off + b];
          s += v * v;
        }
        acc[j] += s;
      }
    }
  }

  static void scaleSlices(double[] data, NeuronAxis a, double[] factor) {
    int n = a.n();
    int inner = a.inner();
    for (int o = 0; o < a.outer(); o++) {
      int base = o * n * inner;
      for (int j = 0; j < n; j++) {
        int off = base + j * inner;
        double f = factor[j];
        for (int b = 0; b < inner; b++) {
          data[off + b] *= f;
        }
      }
    }
  }

  static double sumOfSquares(double[] data, int size) {
    double s = 0;
    for (int i = 0; i < size; i++) {
      s += data[i] * data[i];
    }
    return s;
  }
}
