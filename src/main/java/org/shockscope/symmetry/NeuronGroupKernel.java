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
 * point, with both sides zero, is used. The sweeps never touch the tensors: one pass reduces
 * each tensor to its per-neuron square sums (a vector, or for a weight between two hidden
 * layers the matrix W∘W), the sweeps update cumulative factors from those by matrix-vector
 * products, and one pass writes the balanced tensors.
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
 * diagonal for one hidden layer and couples neighbouring layers through their shared weights;
 * when the coupling graph is bipartite (any chain) the system is reduced to the Schur
 * complement of one class and solved by a (native) Cholesky factorisation.
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
  /** Cumulative balancing factors per neuron: in slices ×inScale, out slices ×outScale. */
  private final double[] inScale;
  private final double[] outScale;
  /** Per tensor, its slice squares ({@link #squares}) for the balancing. */
  private final double[][] squares;
  /** Per tensor shared by two layers, the couplings of their neurons in the drift's Gram. */
  private final double[][] coupling;
  /** Per layer, its rescaled axes as {tensor, member index}. */
  private final int[][][] layerMembers;
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
  private final double[] rowResidual;
  /** Whether some tensor is shared by two layers (the tangent Gram matrix is not diagonal). */
  private final boolean coupled;
  /**
   * When the layers' coupling graph is bipartite, the neurons of the smaller class (kept in the
   * Schur complement; null otherwise): position of each neuron in the kept / eliminated class,
   * −1 when in the other.
   */
  private final int[] keptLayers;
  private final int keptCount;
  private final int[] keptIndex;
  private final int[] elimIndex;
  private final int[] keptNeuron;
  private final double[] elimScale;
  private final double[] elimRhs;
  private final double[] schurRhs;
  private final double[] schurSolution;
  private final DMatrixRMaj schurB = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj schur = new DMatrixRMaj(1, 1);
  private final double[] fullSolution;
  private DMatrixRMaj gram;
  /** Per tensor: the rescaling directions its elements belong to (≤ 2: in of one layer, out of
   * the previous), their layer offsets in the neuron numbering and signs (+1 in, −1 out). */
  private final NeuronAxis[][] memberAxes;
  private final int[][] memberOffsets;
  private final double[][] memberCoefs;
  private final int[][] memberLayers;
  /**
   * Per tensor: whether it is a plain matrix whose rows are one layer's neurons and columns
   * another's (element (i, k) at i·n₁ + k), where the loops need no index bookkeeping.
   */
  private final boolean[] matrixPair;
  private double[] weights = new double[0];
  /** The chain's product, built up layer by layer ({@link NeuronGroup#endToEnd}). */
  private final DMatrixRMaj product = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj productNext = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj layer = new DMatrixRMaj(1, 1);

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
    inScale = new double[neuronCount];
    outScale = new double[neuronCount];
    assignment = new int[maxWidth];
    flip = new double[maxWidth];
    residual = new double[neuronCount];
    diagonal = new double[neuronCount];
    memberAxes = new NeuronAxis[tensorCount][];
    memberOffsets = new int[tensorCount][];
    memberCoefs = new double[tensorCount][];
    memberLayers = new int[tensorCount][];
    for (int t = 0; t < tensorCount; t++) {
      List<NeuronAxis> axes = new ArrayList<>();
      List<Integer> offsets = new ArrayList<>();
      List<Integer> layersOf = new ArrayList<>();
      List<Double> coefs = new ArrayList<>();
      for (int l = 0; l < layerCount; l++) {
        HiddenLayer layer = group.layers().get(l);
        for (NeuronAxis a : layer.in()) {
          if (a.tensor() == t) {
            axes.add(a);
            offsets.add(layerOffset[l]);
            layersOf.add(l);
            coefs.add(1.0);
          }
        }
        for (NeuronAxis a : layer.out()) {
          if (a.tensor() == t) {
            axes.add(a);
            offsets.add(layerOffset[l]);
            layersOf.add(l);
            coefs.add(-1.0);
          }
        }
      }
      if (axes.size() > 2) {
        throw new IllegalArgumentException("group '" + group.name() + "': tensor '"
            + tensors.get(t).name() + "' is rescaled by " + axes.size() + " hidden layers, at most 2");
      }
      if (axes.size() == 2 && axes.get(1).inner() > axes.get(0).inner()) {
        // the axis whose index changes slower along the array first: the per-tensor square
        // and coupling matrices are then filled in memory order
        java.util.Collections.swap(axes, 0, 1);
        java.util.Collections.swap(offsets, 0, 1);
        java.util.Collections.swap(layersOf, 0, 1);
        java.util.Collections.swap(coefs, 0, 1);
      }
      memberAxes[t] = axes.toArray(new NeuronAxis[0]);
      memberOffsets[t] = offsets.stream().mapToInt(Integer::intValue).toArray();
      memberCoefs[t] = coefs.stream().mapToDouble(Double::doubleValue).toArray();
      memberLayers[t] = layersOf.stream().mapToInt(Integer::intValue).toArray();
    }
    matrixPair = new boolean[tensorCount];
    for (int t = 0; t < tensorCount; t++) {
      NeuronAxis[] axes = memberAxes[t];
      matrixPair[t] = axes.length == 2 && axes[0].outer() == 1 && axes[1].inner() == 1
          && axes[0].inner() == axes[1].n() && axes[1].outer() == axes[0].n();
    }
    squares = new double[tensorCount][];
    coupling = new double[tensorCount][];
    List<List<int[]>> members = new ArrayList<>();
    for (int l = 0; l < layerCount; l++) {
      members.add(new ArrayList<>());
    }
    boolean shared = false;
    int maxRows = 0;
    for (int t = 0; t < tensorCount; t++) {
      NeuronAxis[] axes = memberAxes[t];
      for (int m = 0; m < axes.length; m++) {
        members.get(memberLayers[t][m]).add(new int[] {t, m});
      }
      if (axes.length == 1) {
        squares[t] = new double[axes[0].n()];
      } else if (axes.length == 2) {
        squares[t] = new double[axes[0].n() * axes[1].n()];
        coupling[t] = new double[axes[0].n() * axes[1].n()];
        maxRows = Math.max(maxRows, axes[0].n());
        shared = true;
      }
    }
    layerMembers = new int[layerCount][][];
    for (int l = 0; l < layerCount; l++) {
      layerMembers[l] = members.get(l).toArray(new int[0][]);
    }
    coupled = shared;
    rowResidual = new double[maxRows];
    fullSolution = new double[neuronCount];
    keptLayers = shared ? smallerColourClass() : null;
    keptIndex = new int[neuronCount];
    elimIndex = new int[neuronCount];
    java.util.Arrays.fill(keptIndex, -1);
    java.util.Arrays.fill(elimIndex, -1);
    int kept = 0;
    int elim = 0;
    if (keptLayers != null) {
      for (int l = 0; l < layerCount; l++) {
        boolean k = keptLayers[l] == 1;
        for (int j = layerOffset[l]; j < layerOffset[l + 1]; j++) {
          if (k) {
            keptIndex[j] = kept++;
          } else {
            elimIndex[j] = elim++;
          }
        }
      }
    }
    keptCount = kept;
    keptNeuron = new int[kept];
    for (int j = 0; j < neuronCount; j++) {
      if (keptIndex[j] >= 0) {
        keptNeuron[keptIndex[j]] = j;
      }
    }
    elimScale = new double[elim];
    elimRhs = new double[elim];
    schurRhs = new double[kept];
    schurSolution = new double[kept];
  }

  /**
   * Two-colours the layers' coupling graph (an edge per tensor shared by two layers): per layer
   * 1 for the class of fewer neurons, 0 for the other; null when the graph is not bipartite
   * (or a tensor couples a layer with itself), where the drift takes the whole Gram matrix.
   */
  private int[] smallerColourClass() {
    int[] colour = new int[layerCount];
    java.util.Arrays.fill(colour, -1);
    for (int start = 0; start < layerCount; start++) {
      if (colour[start] >= 0) {
        continue;
      }
      colour[start] = 0;
      java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>();
      queue.add(start);
      while (!queue.isEmpty()) {
        int l = queue.poll();
        for (int t = 0; t < tensorCount; t++) {
          int[] ls = memberLayers[t];
          if (ls.length != 2 || (ls[0] != l && ls[1] != l)) {
            continue;
          }
          if (ls[0] == ls[1]) {
            return null;
          }
          int other = ls[0] == l ? ls[1] : ls[0];
          if (colour[other] < 0) {
            colour[other] = 1 - colour[l];
            queue.add(other);
          } else if (colour[other] == colour[l]) {
            return null;
          }
        }
      }
    }
    long[] size = new long[2];
    for (int l = 0; l < layerCount; l++) {
      size[colour[l]] += layerOffset[l + 1] - layerOffset[l];
    }
    int keep = size[1] < size[0] ? 1 : 0;
    int[] kept = new int[layerCount];
    for (int l = 0; l < layerCount; l++) {
      kept[l] = colour[l] == keep ? 1 : 0;
    }
    return kept;
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
    if (!scales) {
      double n2 = 0;
      for (int t = 0; t < tensorCount; t++) {
        rep.data[t] = raw[t];
        n2 += sumOfSquares(raw[t], sizes[t]);
      }
      rep.norm2 = n2;
      return;
    }
    squares(raw, squares);
    java.util.Arrays.fill(inScale, 1.0);
    java.util.Arrays.fill(outScale, 1.0);
    for (int sweep = 0; sweep < MAX_BALANCE_SWEEPS; sweep++) {
      double deviation = 0;
      for (int l = 0; l < layerCount; l++) {
        deviation = Math.max(deviation, balanceLayer(l));
      }
      if (deviation <= BALANCE_TOLERANCE || layerCount == 1) {
        break;
      }
    }
    double n2 = 0;
    for (int t = 0; t < tensorCount; t++) {
      if (rep.owned[t] == null) {
        rep.owned[t] = new double[sizes[t]];
      }
      rep.data[t] = rep.owned[t];
      n2 += rescale(t, raw[t], rep.owned[t]);
    }
    rep.norm2 = n2;
  }

  /**
   * Per tensor, the squared norms of the neuron slices it holds, summed over everything but
   * the neuron indices: for a tensor of one rescaled axis the vector s_j = Σ x² over slice j;
   * for a tensor shared by two axes (a weight between two hidden layers) the matrix
   * q[i·n₁ + k] = Σ x² over the elements in slice i of the first axis and slice k of the
   * second. Any rescaling's slice norms follow from these and the factors without touching
   * the tensor again. One pass over each tensor.
   */
  private void squares(double[][] data, double[][] out) {
    for (int t = 0; t < tensorCount; t++) {
      NeuronAxis[] axes = memberAxes[t];
      if (axes.length == 0) {
        continue;
      }
      double[] q = out[t];
      java.util.Arrays.fill(q, 0.0);
      double[] x = data[t];
      if (axes.length == 1) {
        accumulateSquares(x, axes[0], q);
        continue;
      }
      if (matrixPair[t]) {
        for (int e = 0; e < sizes[t]; e++) {
          double v = x[e];
          q[e] = v * v;
        }
        continue;
      }
      int n1 = axes[1].n();
      int inner0 = axes[0].inner();
      int inner1 = axes[1].inner();
      int p0 = 0;
      int j0 = 0;
      int p1 = 0;
      int j1 = 0;
      int n0 = axes[0].n();
      for (int e = 0; e < sizes[t]; e++) {
        double v = x[e];
        q[j0 * n1 + j1] += v * v;
        if (++p0 == inner0) {
          p0 = 0;
          if (++j0 == n0) {
            j0 = 0;
          }
        }
        if (++p1 == inner1) {
          p1 = 0;
          if (++j1 == n1) {
            j1 = 0;
          }
        }
      }
    }
  }

  /**
   * One exact block minimisation: rescales every neuron of layer l to equal in/out norms,
   * computing the norms from {@link #squares} and the cumulative factors; returns max |c − 1|.
   */
  private double balanceLayer(int l) {
    int n = layerOffset[l + 1] - layerOffset[l];
    int off = layerOffset[l];
    java.util.Arrays.fill(inNorm, 0, n, 0.0);
    java.util.Arrays.fill(outNorm, 0, n, 0.0);
    for (int[] member : layerMembers[l]) {
      int t = member[0];
      int m = member[1];
      double[] acc = memberCoefs[t][m] > 0 ? inNorm : outNorm;
      double[] q = squares[t];
      if (memberAxes[t].length == 1) {
        for (int j = 0; j < n; j++) {
          acc[j] += q[j];
        }
        continue;
      }
      // the other axis's neurons weigh each element by their factor squared
      int o = 1 - m;
      int otherOff = memberOffsets[t][o];
      double[] otherScale = memberCoefs[t][o] > 0 ? inScale : outScale;
      int n0 = memberAxes[t][0].n();
      int n1 = memberAxes[t][1].n();
      int no = memberAxes[t][o].n();
      if (weights.length < no) {
        weights = new double[no];
      }
      double[] w = weights;
      for (int k = 0; k < no; k++) {
        double f = otherScale[otherOff + k];
        w[k] = f * f;
      }
      if (m == 0) {
        for (int i = 0; i < n0; i++) {
          double s = 0;
          int row = i * n1;
          for (int k = 0; k < n1; k++) {
            s += q[row + k] * w[k];
          }
          acc[i] += s;
        }
      } else {
        for (int i = 0; i < n0; i++) {
          double wi = w[i];
          int row = i * n1;
          for (int k = 0; k < n1; k++) {
            acc[k] += wi * q[row + k];
          }
        }
      }
    }
    double deviation = 0;
    for (int j = 0; j < n; j++) {
      double gi = inScale[off + j];
      double go = outScale[off + j];
      double ratio = (go * go * outNorm[j]) / (gi * gi * inNorm[j]);
      if (ratio > 0 && Double.isFinite(ratio)) {
        double c = Math.sqrt(Math.sqrt(ratio));
        inScale[off + j] = gi * c;
        outScale[off + j] = go / c;
        deviation = Math.max(deviation, Math.abs(c - 1));
      } else {
        // Degenerate neuron: the orbit's infimum is its limit with both sides zero.
        inScale[off + j] = 0;
        outScale[off + j] = 0;
        if (gi * gi * inNorm[j] + go * go * outNorm[j] > 0) {
          deviation = Double.POSITIVE_INFINITY;
        }
      }
    }
    return deviation;
  }

  /**
   * dst = src with every element multiplied by the cumulative factor of each rescaled axis it
   * lies on (in side c, out side 1/c); returns ‖dst‖². One pass.
   */
  private double rescale(int t, double[] src, double[] dst) {
    NeuronAxis[] axes = memberAxes[t];
    int size = sizes[t];
    double n2 = 0;
    if (axes.length == 0) {
      System.arraycopy(src, 0, dst, 0, size);
      return sumOfSquares(dst, size);
    }
    double[] f0 = memberCoefs[t][0] > 0 ? inScale : outScale;
    int off0 = memberOffsets[t][0];
    int inner0 = axes[0].inner();
    int n0 = axes[0].n();
    if (axes.length == 1) {
      int e = 0;
      for (int o = 0; o < axes[0].outer(); o++) {
        for (int j = 0; j < n0; j++) {
          double f = f0[off0 + j];
          for (int b = 0; b < inner0; b++, e++) {
            double v = src[e] * f;
            dst[e] = v;
            n2 += v * v;
          }
        }
      }
      return n2;
    }
    double[] f1 = memberCoefs[t][1] > 0 ? inScale : outScale;
    int off1 = memberOffsets[t][1];
    int inner1 = axes[1].inner();
    int n1 = axes[1].n();
    if (matrixPair[t]) {
      for (int i = 0; i < n0; i++) {
        double fi = f0[off0 + i];
        int row = i * n1;
        for (int k = 0; k < n1; k++) {
          double v = src[row + k] * fi * f1[off1 + k];
          dst[row + k] = v;
          n2 += v * v;
        }
      }
      return n2;
    }
    int p0 = 0;
    int j0 = 0;
    int p1 = 0;
    int j1 = 0;
    for (int e = 0; e < size; e++) {
      double v = src[e] * f0[off0 + j0] * f1[off1 + j1];
      dst[e] = v;
      n2 += v * v;
      if (++p0 == inner0) {
        p0 = 0;
        if (++j0 == n0) {
          j0 = 0;
        }
      }
      if (++p1 == inner1) {
        p1 = 0;
        if (++j1 == n1) {
          j1 = 0;
        }
      }
    }
    return n2;
  }

  /** The tensors of a balanced representative (for tests; not to be modified). */
  double[][] balancedTensors(Representative r) {
    return ((Rep) r).data;
  }

  @Override
  public void observe(Representative r, List<Observable> observables, List<Spectrum> spectra) {
    Rep rep = (Rep) r;
    List<TensorInfo> tensors = group.tensors();
    for (int t = 0; t < tensorCount; t++) {
      if (matrixShape[t] != null) {
        recorder.matrix(group.name(), tensors.get(t).name(), wrap(rep.view, rep.data[t], t),
            observables, spectra);
      }
    }
    if (group.endToEnd()) {
      // permutations (and positive rescalings) cancel in the product, so the representative's
      // weights give the same product as the checkpoint's
      DMatrixRMaj acc = wrap(rep.view, rep.data[0], 0);
      for (int t = 1; t < tensorCount; t++) {
        DMatrixRMaj next = acc == product ? productNext : product;
        la.mult(wrap(layer, rep.data[t], t), false, acc, false, next);
        acc = next;
      }
      recorder.matrix(group.name(), LinearChainGroup.END_TO_END, acc, observables, spectra);
    }
  }

  /** {@code m} as a view of tensor t's values, {@code data}, in its matrix shape. */
  private DMatrixRMaj wrap(DMatrixRMaj m, double[] data, int t) {
    m.data = data;
    m.numRows = matrixShape[t][0];
    m.numCols = matrixShape[t][1];
    return m;
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
    java.util.Arrays.fill(residual, 0.0);
    java.util.Arrays.fill(diagonal, 0.0);
    for (int t = 0; t < tensorCount; t++) {
      delta2 += tangentPass(t, prev[t], cur[t]);
    }
    if (!scales || delta2 == 0) {
      return 0;
    }
    for (int j = 0; j < neuronCount; j++) {
      if (!(diagonal[j] > 0)) {
        // A zero neuron spans no direction: an identity row keeps the system regular.
        diagonal[j] = 1.0;
        residual[j] = 0.0;
      }
    }
    double projected;
    if (!coupled) {
      projected = 0;
      for (int j = 0; j < neuronCount; j++) {
        projected += residual[j] * residual[j] / diagonal[j];
      }
    } else {
      projected = keptLayers != null ? schurProjection() : Double.NaN;
      if (Double.isNaN(projected)) {
        projected = fullProjection();
      }
    }
    return Math.min(1.0, Math.max(0.0, projected / delta2));
  }

  /**
   * One pass over tensor t: adds its share of the normal equations of the tangent projection
   * (residual r_a = ⟨t_a, Δθ⟩, diagonal G_aa = ‖t_a‖², and for a tensor shared by two layers
   * the couplings ⟨t_i, t_k⟩ = ± Σ θ² over the elements of slices i and k into
   * {@link #coupling}) and returns its ‖Δθ‖².
   */
  private double tangentPass(int t, double[] p, double[] c) {
    NeuronAxis[] axes = memberAxes[t];
    int size = sizes[t];
    double d2 = 0;
    if (axes.length == 0 || !scales) {
      for (int e = 0; e < size; e++) {
        double d = c[e] - p[e];
        d2 += d * d;
      }
      return d2;
    }
    int off0 = memberOffsets[t][0];
    double coef0 = memberCoefs[t][0];
    int inner0 = axes[0].inner();
    int n0 = axes[0].n();
    if (axes.length == 1) {
      int e = 0;
      for (int o = 0; o < axes[0].outer(); o++) {
        for (int j = 0; j < n0; j++) {
          double td = 0;
          double t2 = 0;
          for (int b = 0; b < inner0; b++, e++) {
            double theta = p[e];
            double d = c[e] - theta;
            d2 += d * d;
            td += theta * d;
            t2 += theta * theta;
          }
          residual[off0 + j] += coef0 * td;
          diagonal[off0 + j] += t2;
        }
      }
      return d2;
    }
    int off1 = memberOffsets[t][1];
    double coef1 = memberCoefs[t][1];
    int n1 = axes[1].n();
    double[] q = coupling[t];
    java.util.Arrays.fill(q, 0.0);
    double[] r0 = rowResidual;
    java.util.Arrays.fill(r0, 0, n0, 0.0);
    if (matrixPair[t]) {
      for (int i = 0; i < n0; i++) {
        int row = i * n1;
        double ri = 0;
        for (int k = 0; k < n1; k++) {
          double theta = p[row + k];
          double d = c[row + k] - theta;
          d2 += d * d;
          double td = theta * d;
          ri += td;
          residual[off1 + k] += coef1 * td;
          q[row + k] = theta * theta;
        }
        r0[i] = ri;
      }
    } else {
      d2 += tangentPairs(t, p, c, r0, q);
    }
    // diagonals are the couplings' row and column sums
    for (int i = 0; i < n0; i++) {
      residual[off0 + i] += coef0 * r0[i];
      double s = 0;
      int row = i * n1;
      for (int k = 0; k < n1; k++) {
        double v = q[row + k];
        s += v;
        diagonal[off1 + k] += v;
      }
      diagonal[off0 + i] += s;
    }
    return d2;
  }

  /** {@link #tangentPass} of a shared tensor in any layout; returns its ‖Δθ‖². */
  private double tangentPairs(int t, double[] p, double[] c, double[] r0, double[] q) {
    NeuronAxis[] axes = memberAxes[t];
    int size = sizes[t];
    double d2 = 0;
    int off1 = memberOffsets[t][1];
    double coef1 = memberCoefs[t][1];
    int inner0 = axes[0].inner();
    int n0 = axes[0].n();
    int inner1 = axes[1].inner();
    int n1 = axes[1].n();
    int p0 = 0;
    int j0 = 0;
    int p1 = 0;
    int j1 = 0;
    for (int e = 0; e < size; e++) {
      double theta = p[e];
      double d = c[e] - theta;
      d2 += d * d;
      double td = theta * d;
      r0[j0] += td;
      residual[off1 + j1] += coef1 * td;
      q[j0 * n1 + j1] += theta * theta;
      if (++p0 == inner0) {
        p0 = 0;
        if (++j0 == n0) {
          j0 = 0;
        }
      }
      if (++p1 == inner1) {
        p1 = 0;
        if (++j1 == n1) {
          j1 = 0;
        }
      }
    }
    return d2;
  }

  /**
   * rᵀG⁻¹r by block elimination when the layers split into two classes that couple only
   * across (a chain of hidden layers: alternate layers): G = [[D_K, B], [Bᵀ, D_E]] with D_K,
   * D_E diagonal, so rᵀG⁻¹r = r_Eᵀ D_E⁻¹ r_E + sᵀ S⁻¹ s with S = D_K − B D_E⁻¹ Bᵀ (the Schur
   * complement, of the smaller class's size) and s = r_K − B D_E⁻¹ r_E (Golub &amp; Van Loan,
   * Matrix Computations, 4th ed., §3.2.10 / §4.2). NaN when the Cholesky factorisation of S
   * fails (dependent directions).
   */
  private double schurProjection() {
    int nk = keptCount;
    int ne = neuronCount - nk;
    schurB.reshape(nk, ne, false);
    java.util.Arrays.fill(schurB.data, 0, nk * ne, 0.0);
    double[] b = schurB.data;
    for (int t = 0; t < tensorCount; t++) {
      if (memberAxes[t].length != 2) {
        continue;
      }
      int n0 = memberAxes[t][0].n();
      int n1 = memberAxes[t][1].n();
      int off0 = memberOffsets[t][0];
      int off1 = memberOffsets[t][1];
      double sign = memberCoefs[t][0] * memberCoefs[t][1];
      double[] q = coupling[t];
      boolean keptFirst = keptIndex[off0] >= 0;
      for (int i = 0; i < n0; i++) {
        int row = i * n1;
        for (int k = 0; k < n1; k++) {
          int a = off0 + i;
          int c = off1 + k;
          if (keptFirst) {
            b[keptIndex[a] * ne + elimIndex[c]] += sign * q[row + k];
          } else {
            b[keptIndex[c] * ne + elimIndex[a]] += sign * q[row + k];
          }
        }
      }
    }
    double projected = 0;
    for (int j = 0; j < neuronCount; j++) {
      int e = elimIndex[j];
      if (e >= 0) {
        double d = diagonal[j];
        projected += residual[j] * residual[j] / d;
        elimScale[e] = 1 / Math.sqrt(d);
        elimRhs[e] = residual[j] / d;
      }
    }
    for (int k = 0; k < nk; k++) {
      double s = residual[keptNeuron[k]];
      int row = k * ne;
      for (int e = 0; e < ne; e++) {
        s -= b[row + e] * elimRhs[e];
        b[row + e] *= elimScale[e];
      }
      schurRhs[k] = s;
    }
    la.mult(schurB, false, schurB, true, schur);
    double[] sd = schur.data;
    for (int i = 0; i < nk * nk; i++) {
      sd[i] = -sd[i];
    }
    for (int k = 0; k < nk; k++) {
      sd[k * nk + k] += diagonal[keptNeuron[k]];
    }
    System.arraycopy(schurRhs, 0, schurSolution, 0, nk);
    if (!la.choleskySolve(schur, schurSolution)) {
      return Double.NaN;
    }
    for (int k = 0; k < nk; k++) {
      projected += schurRhs[k] * schurSolution[k];
    }
    return projected;
  }

  /** rᵀG⁻¹r on the whole tangent Gram matrix: Cholesky, the pseudo-inverse when singular. */
  private double fullProjection() {
    if (gram == null) {
      gram = new DMatrixRMaj(neuronCount, neuronCount);
    }
    gram.reshape(neuronCount, neuronCount, false);
    double[] g = gram.data;
    java.util.Arrays.fill(g, 0.0);
    for (int t = 0; t < tensorCount; t++) {
      if (memberAxes[t].length != 2) {
        continue;
      }
      int n0 = memberAxes[t][0].n();
      int n1 = memberAxes[t][1].n();
      int off0 = memberOffsets[t][0];
      int off1 = memberOffsets[t][1];
      double sign = memberCoefs[t][0] * memberCoefs[t][1];
      double[] q = coupling[t];
      for (int i = 0; i < n0; i++) {
        for (int k = 0; k < n1; k++) {
          double v = sign * q[i * n1 + k];
          g[(off0 + i) * neuronCount + off1 + k] += v;
          g[(off1 + k) * neuronCount + off0 + i] += v;
        }
      }
    }
    for (int j = 0; j < neuronCount; j++) {
      g[j * neuronCount + j] = diagonal[j];
    }
    double[] x = fullSolution;
    System.arraycopy(residual, 0, x, 0, neuronCount);
    DMatrixRMaj copy = gram.copy();
    if (!la.choleskySolve(gram, x)) {
      // Dependent rescaling directions: the pseudo-inverse gives the same projection.
      LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.pseudoInverse(true);
      solver.setA(copy);
      DMatrixRMaj rhs = new DMatrixRMaj(neuronCount, 1, true, residual);
      DMatrixRMaj solution = new DMatrixRMaj(neuronCount, 1);
      solver.solve(rhs, solution);
      System.arraycopy(solution.data, 0, x, 0, neuronCount);
    }
    double projected = 0;
    for (int j = 0; j < neuronCount; j++) {
      projected += residual[j] * x[j];
    }
    return projected;
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

  static double sumOfSquares(double[] data, int size) {
    double s = 0;
    for (int i = 0; i < size; i++) {
      s += data[i] * data[i];
    }
    return s;
  }
}
