package org.shockscope.symmetry;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.shockscope.io.TensorInfo;

/**
 * Kernel of an {@link AttentionGroup}. Per-head blocks are read as d × p matrices (see
 * {@link HeadProjection}; a bias is an extra last column), stacked head after head.
 *
 * <p><b>Balanced representative.</b> Each GL(d) acts on a factor pair (X, Y) as
 * X → A·X, Y → A⁻ᵀ·Y with invariant Z = Xᵀ·Y: for queries/keys of key/value head g,
 * X = [W_Q,h …] over its query heads and Y = W_K,g; for values/outputs X = W_V,g and
 * Y = [W_O,hᵀ …]. The minimum of ‖A·X‖² + ‖A⁻ᵀ·Y‖² is 2‖Z‖_*, reached at X_b = Σ^½·Uᵀ,
 * Y_b = Σ^½·Vᵀ for Z = U·Σ·Vᵀ ("the two factors share the singular values of their product"),
 * unique up to O(d). Z is never formed: with the thin QR factorisations Xᵀ = Q₁R₁ and
 * Yᵀ = Q₂R₂, Z = Q₁(R₁R₂ᵀ)Q₂ᵀ and only the d × d core R₁R₂ᵀ is decomposed.
 *
 * <p><b>Quotient distance.</b> Heads are matched on their circuits, which are invariant:
 * the cost of pairing head h with h' is ‖C_h − C'_h'‖² summed over the QK and OV circuits
 * (computed from d × d cross-Gram blocks, never from the D × D circuits); query heads are
 * matched within each pair of key/value heads and key/value heads across, both by exact
 * {@link LinearAssignment}. Given the match, the remaining O(d) of each pair is solved by
 * orthogonal Procrustes: distance² = ‖X‖² + ‖Y‖² + ‖X'‖² + ‖Y'‖² − 2‖X'Xᵀ + Y'Yᵀ‖_*.
 *
 * <p><b>Drift.</b> Tangent directions of a pair: (A·X, −Aᵀ·Y); the least-squares A solves
 * A·XXᵀ + YYᵀ·A = ΔX·Xᵀ − Y·ΔYᵀ ({@link SylvesterSolver}), and ‖P_T Δθ‖² sums
 * ‖A·X‖² + ‖Aᵀ·Y‖² over pairs (pairs act on disjoint parameters).
 */
final class AttentionKernel implements GroupKernel {
  private final AttentionGroup group;
  private final DenseLinearAlgebra la;
  private final LinearAssignment lap;
  private final SpectrumRecorder recorder;
  private final int heads;
  private final int kv;
  private final int m;
  private final int d;
  private final int dModel;
  private final int pq;
  private final int pk;
  private final int pv;
  private final int tensorCount;
  private final int[] sizes;
  private final String[] qkNames;
  private final String[] ovNames;
  private final int[] weightTensors;

  private final DMatrixRMaj rawQ = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj rawK = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj rawV = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj rawO = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj deltaQ = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj deltaK = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj deltaV = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj deltaO = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj xt = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj yt = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj q1 = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj r1 = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj q2 = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj r2 = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj core = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj cu = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj cvt = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj xb = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj yb = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj block = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj block2 = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj small = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj small2 = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj rot = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj gx = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj gy = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj rhs = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj solution = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj crossQ = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj crossK = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj crossV = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj crossO = new DMatrixRMaj(1, 1);
  private final SylvesterSolver sylvester;
  private final double[] sigma;
  private final double[] rootSigma;
  private final double[] headCost;
  private final double[] groupCost;
  private final double[] innerCost;
  private final int[] innerMatch;
  private final int[] groupMatch;
  private final int[] scratchMatch;

  AttentionKernel(AttentionGroup group, DenseLinearAlgebra la, LinearAssignment lap,
                  SpectrumRecorder recorder) {
    this.group = group;
    this.la = la;
    this.lap = lap;
    this.recorder = recorder;
    heads = group.heads();
    kv = group.kvHeads();
    m = group.groupSize();
    d = group.headDim();
    dModel = group.modelDim();
    pq = dModel + (group.q().hasBias() ? 1 : 0);
    pk = dModel + (group.k().hasBias() ? 1 : 0);
    pv = dModel + (group.v().hasBias() ? 1 : 0);
    List<TensorInfo> tensors = group.tensors();
    tensorCount = tensors.size();
    sizes = new int[tensorCount];
    for (int t = 0; t < tensorCount; t++) {
      sizes[t] = (int) org.shockscope.io.Tensor.numel(tensors.get(t).shape());
    }
    qkNames = new String[heads];
    ovNames = new String[heads];
    for (int h = 0; h < heads; h++) {
      qkNames[h] = "head" + h + ".qk";
      ovNames[h] = "head" + h + ".ov";
    }
    java.util.LinkedHashSet<Integer> w = new java.util.LinkedHashSet<>();
    for (HeadProjection p : List.of(group.q(), group.k(), group.v(), group.o())) {
      w.add(p.tensor());
    }
    weightTensors = w.stream().mapToInt(Integer::intValue).toArray();
    sylvester = new SylvesterSolver(la);
    sigma = new double[d];
    rootSigma = new double[d];
    headCost = new double[heads * heads];
    groupCost = new double[kv * kv];
    innerCost = new double[m * m];
    innerMatch = new int[kv * kv * m];
    groupMatch = new int[kv];
    scratchMatch = new int[Math.max(m, kv)];
  }

  /** Balanced stacks, balanced tensors, circuit spectra and pair nuclear norms. */
  private final class Rep implements Representative {
    final DMatrixRMaj q = new DMatrixRMaj(1, 1);
    final DMatrixRMaj k = new DMatrixRMaj(1, 1);
    final DMatrixRMaj v = new DMatrixRMaj(1, 1);
    final DMatrixRMaj o = new DMatrixRMaj(1, 1);
    final double[][] tensors = new double[tensorCount][];
    final double[][] qkSv = new double[heads][d];
    final double[][] ovSv = new double[heads][d];
    final double[] qkNuclear = new double[kv];
    final double[] ovNuclear = new double[kv];
    /** order[c] = the stored head shown as head c (canonical order, see observe). */
    final int[] order = new int[heads];
    final double[] weight = new double[heads];
    final DMatrixRMaj view = new DMatrixRMaj(1, 1);
    double norm2;

    Rep() {
      for (int t = 0; t < tensorCount; t++) {
        tensors[t] = new double[sizes[t]];
      }
    }

    @Override
    public double normSquared() {
      return norm2;
    }
  }

  @Override
  public Representative newRepresentative() {
    return new Rep();
  }

  @Override
  public void balance(double[][] raw, Representative rr) {
    Rep rep = (Rep) rr;
    gather(raw, group.q(), heads, pq, rawQ);
    gather(raw, group.k(), kv, pk, rawK);
    gather(raw, group.v(), kv, pv, rawV);
    gather(raw, group.o(), heads, dModel, rawO);
    rep.q.reshape(heads * d, pq, false);
    rep.k.reshape(kv * d, pk, false);
    rep.v.reshape(kv * d, pv, false);
    rep.o.reshape(heads * d, dModel, false);
    double n2 = 0;
    for (int g = 0; g < kv; g++) {
      // Queries/keys: Xᵀ stacks W_Q,hᵀ of the m query heads, Yᵀ = W_K,gᵀ.
      transposeHeads(rawQ, g * m, m, pq, xt);
      transposeHeads(rawK, g, 1, pk, yt);
      rep.qkNuclear[g] = balancePair("queries/keys of head group " + g);
      untransposeHeads(xb, rep.q, g * m, m, pq);
      untransposeHeads(yb, rep.k, g, 1, pk);
      if (m == 1) {
        System.arraycopy(sigma, 0, rep.qkSv[g], 0, d);
      } else {
        // Circuit of head h with the balanced key: Q_h,bᵀ K_g,b = Q_h R_h (√Σ V_cᵀ) Q₂ᵀ.
        scaleRows(cvt, rootSigma, small2);
        for (int j = 0; j < m; j++) {
          circuitValues(rep.q, g * m + j, pq, small2, rep.qkSv[g * m + j]);
        }
      }
      // Values/outputs: X = W_V,g (Xᵀ its transpose), Yᵀ stacks the m output blocks.
      transposeHeads(rawV, g, 1, pv, xt);
      transposeHeads(rawO, g * m, m, dModel, yt);
      rep.ovNuclear[g] = balancePair("values/outputs of head group " + g);
      untransposeHeads(xb, rep.v, g, 1, pv);
      untransposeHeads(yb, rep.o, g * m, m, dModel);
      if (m == 1) {
        System.arraycopy(sigma, 0, rep.ovSv[g], 0, d);
      } else {
        // Circuit of head h: W_V,bᵀ W_O,h,b = Q₁ (U_c √Σ) R_hᵀ Q_hᵀ; values of (R_h √Σ U_cᵀ)ᵀ.
        scaledTranspose(cu, rootSigma, small2);
        for (int j = 0; j < m; j++) {
          circuitValues(rep.o, g * m + j, dModel, small2, rep.ovSv[g * m + j]);
        }
      }
      n2 += 2 * rep.qkNuclear[g] + 2 * rep.ovNuclear[g];
    }
    rep.norm2 = n2;
    canonicalOrder(rep);
    for (int t = 0; t < tensorCount; t++) {
      java.util.Arrays.fill(rep.tensors[t], 0.0);
    }
    scatter(rep.q, group.q(), heads, pq, rep.tensors);
    scatter(rep.k, group.k(), kv, pk, rep.tensors);
    scatter(rep.v, group.v(), kv, pv, rep.tensors);
    scatter(rep.o, group.o(), heads, dModel, rep.tensors);
  }

  /**
   * Balances the pair given by xt (a × d) and yt (b × d) into xb (d × a) and yb (d × b); sets
   * sigma, rootSigma, cu, cvt; returns the nuclear norm of Xᵀ·Y.
   */
  private double balancePair(String what) {
    if (!la.thinQr(xt, q1, r1) || !la.thinQr(yt, q2, r2)) {
      throw new QuotientComputationException("QR of the " + what + " in attention '"
          + group.name() + "' failed");
    }
    la.mult(r1, false, r2, true, core);
    if (!la.svd(core, cu, sigma, cvt)) {
      throw new QuotientComputationException("SVD of the " + what + " circuit core in attention '"
          + group.name() + "' did not converge");
    }
    double nuclear = 0;
    for (int i = 0; i < d; i++) {
      nuclear += sigma[i];
      rootSigma[i] = Math.sqrt(sigma[i]);
    }
    la.mult(cu, true, q1, true, xb);
    la.mult(cvt, false, q2, true, yb);
    scaleRowsInPlace(xb, rootSigma);
    scaleRowsInPlace(yb, rootSigma);
    return nuclear;
  }

  /**
   * Singular values of the circuit of one head with a balanced partner: QR of the head's block
   * transposed (p × d) gives R_h, and the values are those of R_h · partner (d × d).
   */
  private void circuitValues(DMatrixRMaj stack, int head, int width, DMatrixRMaj partner,
                             double[] out) {
    headBlock(stack, head, width, block);
    transpose(block, block2);
    if (!la.thinQr(block2, q1, r1)) {
      throw new QuotientComputationException("QR of head " + head + " in attention '"
          + group.name() + "' failed");
    }
    la.mult(r1, false, partner, false, core);
    if (!la.singularValues(core, out)) {
      throw new QuotientComputationException("circuit singular values of head " + head
          + " in attention '" + group.name() + "' did not converge");
    }
  }

  /**
   * Heads in decreasing order of their circuit norms ‖QK‖² + ‖OV‖² (key/value heads by the
   * total over their query heads, query heads within them): an invariant numbering, since a
   * head permutation only changes storage order.
   */
  private void canonicalOrder(Rep rep) {
    for (int h = 0; h < heads; h++) {
      rep.weight[h] = squares(rep.qkSv[h]) + squares(rep.ovSv[h]);
    }
    Integer[] groupsByWeight = new Integer[kv];
    for (int g = 0; g < kv; g++) {
      groupsByWeight[g] = g;
    }
    java.util.Arrays.sort(groupsByWeight, (x, y) -> Double.compare(groupWeight(rep, y),
        groupWeight(rep, x)));
    Integer[] inGroup = new Integer[m];
    for (int c = 0; c < kv; c++) {
      int g = groupsByWeight[c];
      for (int j = 0; j < m; j++) {
        inGroup[j] = g * m + j;
      }
      java.util.Arrays.sort(inGroup, (x, y) -> Double.compare(rep.weight[y], rep.weight[x]));
      for (int j = 0; j < m; j++) {
        rep.order[c * m + j] = inGroup[j];
      }
    }
  }

  private double groupWeight(Rep rep, int g) {
    double s = 0;
    for (int j = 0; j < m; j++) {
      s += rep.weight[g * m + j];
    }
    return s;
  }

  @Override
  public void observe(Representative rr, List<Observable> observables, List<Spectrum> spectra) {
    Rep rep = (Rep) rr;
    for (int t : weightTensors) {
      int[] s = group.tensors().get(t).shape();
      rep.view.data = rep.tensors[t];
      rep.view.numRows = s[0];
      rep.view.numCols = s[1];
      recorder.matrix(group.name(), group.tensors().get(t).name(), rep.view, observables, spectra);
    }
    for (int c = 0; c < heads; c++) {
      int h = rep.order[c];
      recorder.spectrum(group.name(), qkNames[c], rep.qkSv[h], d, pq, pk, observables, spectra);
      recorder.spectrum(group.name(), ovNames[c], rep.ovSv[h], d, pv, dModel, observables,
          spectra);
    }
  }

  @Override
  public double quotientDistance(Representative ra, Representative rb) {
    Rep a = (Rep) ra;
    Rep b = (Rep) rb;
    la.mult(a.q, false, b.q, true, crossQ);
    la.mult(b.k, false, a.k, true, crossK);
    la.mult(b.v, false, a.v, true, crossV);
    la.mult(a.o, false, b.o, true, crossO);
    int hd = heads * d;
    int gd = kv * d;
    for (int h = 0; h < heads; h++) {
      int g = h / m;
      double na = squares(a.qkSv[h]) + squares(a.ovSv[h]);
      for (int h2 = 0; h2 < heads; h2++) {
        int g2 = h2 / m;
        double nb = squares(b.qkSv[h2]) + squares(b.ovSv[h2]);
        double qk = 0;
        double ov = 0;
        for (int i = 0; i < d; i++) {
          for (int j = 0; j < d; j++) {
            // ⟨C_h, C'_h'⟩ = tr((Q_h Q'_h'ᵀ)(K'_g' K_gᵀ)); OV likewise with the transposes.
            qk += crossQ.data[(h * d + i) * hd + h2 * d + j] * crossK.data[(g2 * d + j) * gd + g * d + i];
            ov += crossO.data[(h * d + j) * hd + h2 * d + i] * crossV.data[(g2 * d + i) * gd + g * d + j];
          }
        }
        headCost[h * heads + h2] = na + nb - 2 * qk - 2 * ov;
      }
    }
    for (int g = 0; g < kv; g++) {
      for (int g2 = 0; g2 < kv; g2++) {
        for (int j = 0; j < m; j++) {
          for (int k = 0; k < m; k++) {
            innerCost[j * m + k] = headCost[(g * m + j) * heads + g2 * m + k];
          }
        }
        groupCost[g * kv + g2] = m == 1 ? innerCost[0] : lap.minimize(innerCost, m, scratchMatch);
        for (int j = 0; j < m; j++) {
          innerMatch[(g * kv + g2) * m + j] = m == 1 ? 0 : scratchMatch[j];
        }
      }
    }
    if (kv == 1) {
      groupMatch[0] = 0;
    } else {
      lap.minimize(groupCost, kv, groupMatch);
    }
    double d2 = 0;
    for (int g = 0; g < kv; g++) {
      int g2 = groupMatch[g];
      int base = (g * kv + g2) * m;
      // Queries/keys: rotation = polar(Σ_j Q'_σ(j) Q_jᵀ + K'_g' K_gᵀ).
      small.reshape(d, d, false);
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          double s = crossK.data[(g2 * d + i) * gd + g * d + j];
          for (int t = 0; t < m; t++) {
            int h = g * m + t;
            int h2 = g2 * m + innerMatch[base + t];
            s += crossQ.data[(h * d + j) * hd + h2 * d + i];
          }
          small.data[i * d + j] = s;
        }
      }
      rotation(small);
      d2 += residual(a.k, g, b.k, g2, pk);
      for (int t = 0; t < m; t++) {
        d2 += residual(a.q, g * m + t, b.q, g2 * m + innerMatch[base + t], pq);
      }
      // Values/outputs: rotation = polar(V'_g' V_gᵀ + Σ_j O'_σ(j) O_jᵀ).
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          double s = crossV.data[(g2 * d + i) * gd + g * d + j];
          for (int t = 0; t < m; t++) {
            int h = g * m + t;
            int h2 = g2 * m + innerMatch[base + t];
            s += crossO.data[(h * d + j) * hd + h2 * d + i];
          }
          small.data[i * d + j] = s;
        }
      }
      rotation(small);
      d2 += residual(a.v, g, b.v, g2, pv);
      for (int t = 0; t < m; t++) {
        d2 += residual(a.o, g * m + t, b.o, g2 * m + innerMatch[base + t], dModel);
      }
    }
    return Math.sqrt(d2);
  }

  /** rot = the orthogonal polar factor of c (Procrustes). */
  private void rotation(DMatrixRMaj c) {
    if (!la.svd(c, cu, sigma, cvt)) {
      throw new QuotientComputationException("Procrustes SVD in attention '" + group.name()
          + "' did not converge");
    }
    la.mult(cu, false, cvt, false, rot);
  }

  /** ‖rot · block_h(A) − block_h2(B)‖², computed term by term. */
  private double residual(DMatrixRMaj stackA, int h, DMatrixRMaj stackB, int h2, int width) {
    headBlock(stackA, h, width, block);
    la.mult(rot, false, block, false, block2);
    double s = 0;
    int off = h2 * d * width;
    for (int i = 0; i < d * width; i++) {
      double x = block2.data[i] - stackB.data[off + i];
      s += x * x;
    }
    return s;
  }

  @Override
  public double driftFraction(double[][] prev, double[][] cur) {
    double delta2 = 0;
    for (int t = 0; t < tensorCount; t++) {
      for (int i = 0; i < sizes[t]; i++) {
        double x = cur[t][i] - prev[t][i];
        delta2 += x * x;
      }
    }
    if (delta2 == 0) {
      return 0;
    }
    gather(prev, group.q(), heads, pq, rawQ);
    gather(prev, group.k(), kv, pk, rawK);
    gather(prev, group.v(), kv, pv, rawV);
    gather(prev, group.o(), heads, dModel, rawO);
    gather(cur, group.q(), heads, pq, deltaQ);
    gather(cur, group.k(), kv, pk, deltaK);
    gather(cur, group.v(), kv, pv, deltaV);
    gather(cur, group.o(), heads, dModel, deltaO);
    subtract(deltaQ, rawQ);
    subtract(deltaK, rawK);
    subtract(deltaV, rawV);
    subtract(deltaO, rawO);
    double projected = 0;
    for (int g = 0; g < kv; g++) {
      projected += pairProjection(rawQ, deltaQ, g * m, m, pq, rawK, deltaK, g, 1, pk);
      projected += pairProjection(rawV, deltaV, g, 1, pv, rawO, deltaO, g * m, m, dModel);
    }
    return Math.min(1.0, Math.max(0.0, projected / delta2));
  }

  /**
   * ‖P_T Δ‖² for one pair: X = heads [x0, x0+xn) of stack xs (width xw), Y likewise.
   */
  private double pairProjection(DMatrixRMaj xs, DMatrixRMaj dxs, int x0, int xn, int xw,
                                DMatrixRMaj ys, DMatrixRMaj dys, int y0, int yn, int yw) {
    gx.reshape(d, d, false);
    gy.reshape(d, d, false);
    rhs.reshape(d, d, false);
    gx.zero();
    gy.zero();
    rhs.zero();
    for (int j = 0; j < xn; j++) {
      headBlock(xs, x0 + j, xw, block);
      la.mult(block, false, block, true, small);
      add(gx, small, 1);
      headBlock(dxs, x0 + j, xw, block2);
      la.mult(block2, false, block, true, small);
      add(rhs, small, 1);
    }
    for (int j = 0; j < yn; j++) {
      headBlock(ys, y0 + j, yw, block);
      la.mult(block, false, block, true, small);
      add(gy, small, 1);
      headBlock(dys, y0 + j, yw, block2);
      la.mult(block, false, block2, true, small);
      add(rhs, small, -1);
    }
    if (!sylvester.prepare(gx, gy)) {
      throw new QuotientComputationException("eigendecomposition of head Gram matrices in attention '"
          + group.name() + "' did not converge");
    }
    sylvester.solve(rhs, solution);
    // ‖A·X‖² + ‖Aᵀ·Y‖² = ⟨A·Gx, A⟩ + ⟨Gy·A, A⟩.
    la.mult(solution, false, gx, false, small);
    la.mult(gy, false, solution, false, small2);
    double s = 0;
    for (int i = 0; i < d * d; i++) {
      s += (small.data[i] + small2.data[i]) * solution.data[i];
    }
    return s;
  }

  // ---- layout helpers -------------------------------------------------------------------

  /** Stack (count·d) × width of per-head blocks of a projection, bias as the last column. */
  private void gather(double[][] raw, HeadProjection p, int count, int width, DMatrixRMaj out) {
    out.reshape(count * d, width, false);
    double[] w = raw[p.tensor()];
    int[] shape = group.tensors().get(p.tensor()).shape();
    int cols = shape[1];
    double[] o = out.data;
    for (int row = 0; row < count * d; row++) {
      int src = p.offset() + row;
      if (p.rowBlocks()) {
        System.arraycopy(w, src * cols, o, row * width, dModel);
      } else {
        for (int c = 0; c < dModel; c++) {
          o[row * width + c] = w[c * cols + src];
        }
      }
      if (p.hasBias()) {
        o[row * width + dModel] = raw[p.bias()][p.biasOffset() + row];
      }
    }
  }

  /** Inverse of {@link #gather}: writes a stack into the (zeroed) tensors. */
  private void scatter(DMatrixRMaj stack, HeadProjection p, int count, int width,
                       double[][] tensors) {
    double[] w = tensors[p.tensor()];
    int cols = group.tensors().get(p.tensor()).shape()[1];
    double[] s = stack.data;
    for (int row = 0; row < count * d; row++) {
      int dst = p.offset() + row;
      if (p.rowBlocks()) {
        System.arraycopy(s, row * width, w, dst * cols, dModel);
      } else {
        for (int c = 0; c < dModel; c++) {
          w[c * cols + dst] = s[row * width + c];
        }
      }
      if (p.hasBias()) {
        tensors[p.bias()][p.biasOffset() + row] = s[row * width + dModel];
      }
    }
  }

  /** out ((n·width) × d) = the blocks of heads [h0, h0+n) transposed and stacked. */
  private void transposeHeads(DMatrixRMaj stack, int h0, int n, int width, DMatrixRMaj out) {
    out.reshape(n * width, d, false);
    for (int j = 0; j < n; j++) {
      int rowBase = (h0 + j) * d;
      for (int i = 0; i < d; i++) {
        int src = (rowBase + i) * width;
        for (int c = 0; c < width; c++) {
          out.data[(j * width + c) * d + i] = stack.data[src + c];
        }
      }
    }
  }

  /** Writes x (d × (n·width)) back as the blocks of heads [h0, h0+n) of a stack. */
  private void untransposeHeads(DMatrixRMaj x, DMatrixRMaj stack, int h0, int n, int width) {
    int cols = n * width;
    for (int j = 0; j < n; j++) {
      int rowBase = (h0 + j) * d;
      for (int i = 0; i < d; i++) {
        System.arraycopy(x.data, i * cols + j * width, stack.data, (rowBase + i) * width, width);
      }
    }
  }

  private void headBlock(DMatrixRMaj stack, int head, int width, DMatrixRMaj out) {
    out.reshape(d, width, false);
    System.arraycopy(stack.data, head * d * width, out.data, 0, d * width);
  }

  private static void transpose(DMatrixRMaj in, DMatrixRMaj out) {
    out.reshape(in.numCols, in.numRows, false);
    for (int i = 0; i < in.numRows; i++) {
      for (int j = 0; j < in.numCols; j++) {
        out.data[j * in.numRows + i] = in.data[i * in.numCols + j];
      }
    }
  }

  private static void scaleRowsInPlace(DMatrixRMaj x, double[] f) {
    for (int i = 0; i < x.numRows; i++) {
      for (int j = 0; j < x.numCols; j++) {
        x.data[i * x.numCols + j] *= f[i];
      }
    }
  }

  /** out = diag(f)·x. */
  private static void scaleRows(DMatrixRMaj x, double[] f, DMatrixRMaj out) {
    out.setTo(x);
    scaleRowsInPlace(out, f);
  }

  /** out = diag(f)·xᵀ. */
  private static void scaledTranspose(DMatrixRMaj x, double[] f, DMatrixRMaj out) {
    transpose(x, out);
    scaleRowsInPlace(out, f);
  }

  private static void subtract(DMatrixRMaj a, DMatrixRMaj b) {
    int n = a.numRows * a.numCols;
    for (int i = 0; i < n; i++) {
      a.data[i] -= b.data[i];
    }
  }

  private static void add(DMatrixRMaj a, DMatrixRMaj b, double f) {
    int n = a.numRows * a.numCols;
    for (int i = 0; i < n; i++) {
      a.data[i] += f * b.data[i];
    }
  }

  private static double squares(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return s;
  }
}
