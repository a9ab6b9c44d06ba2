package org.shockscope.symmetry;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.shockscope.io.TensorInfo;

/**
 * Kernel of a {@link LinearChainGroup} y = W_L ⋯ W_1 x under GL(h_l) on every hidden space.
 *
 * <p><b>Balanced representative.</b> Over the orbit (and its closure) Σ‖W_l‖_F² ≥
 * L·Σᵢ σᵢ^(2/L), σ the singular values of the end-to-end map M = W_L ⋯ W_1, with equality for
 * the balanced factorisation W_1 = S·Vᵀ, W_l = S, W_L = U·S, S = diag(σ^(1/L)), M = U·Σ·Vᵀ
 * (Arora, Cohen &amp; Hazan, "On the optimization of deep networks", ICML 2018, §3). It lives in
 * r = min(in, out, h_1, …) dimensions of every hidden space (zero elsewhere) and is unique up to
 * O(r) per hidden space, so each balanced W_l has the singular values σ^(1/L) and the
 * representative depends on M alone.
 *
 * <p><b>Quotient distance.</b> min over Q_l ∈ O(r) of Σ‖Q_l X_l Q_(l−1)ᵀ − X'_l‖²
 * (Q_0, Q_L identities). For L = 2 it is exact: ‖X‖² + ‖X'‖² − 2‖C‖_* with
 * C = X'_1 X_1ᵀ + X'_2ᵀ X_2 (orthogonal Procrustes, Schönemann, Psychometrika 31, 1966). For
 * L ≥ 3 each Q_l is updated by Procrustes in turn (block coordinate ascent of
 * Σ tr(X'_lᵀ Q_l X_l Q_(l−1)ᵀ)), started from the Procrustes alignment of the partial
 * products X_l ⋯ X_1, which makes the result independent of the representatives' frames; the
 * ascent is run within each pattern of determinants det Q_l = ±1 and the best kept.
 *
 * <p><b>Drift.</b> Tangent directions T(A)_l = A_l W_l − W_l A_(l−1) (A_0 = A_L = 0); P_T Δθ is
 * T(A*) for A* solving the normal equations T*T(A) = T*(Δθ), by conjugate gradients
 * preconditioned with the per-space Sylvester blocks A_l G_l + H_(l+1) A_l
 * (G_l = W_l W_lᵀ, H_(l+1) = W_(l+1)ᵀ W_(l+1)), which are exact for L = 2.
 */
final class LinearChainKernel implements GroupKernel {
  /**
   * Resolution of the end-to-end map's singular values for the balanced factors, as a fraction
   * of the largest: √ε of double precision (float32 checkpoints resolve the map only to ~1e-7).
   */
  static final double RESOLVED_SINGULAR_VALUE = 1.5e-8;

  static final int MAX_ALIGN_SWEEPS = 200;
  /** Up to this many hidden spaces every determinant pattern of the rotations is tried. */
  static final int MAX_COMPONENT_SPACES = 8;
  static final double ALIGN_TOLERANCE = 1e-15;
  static final int MAX_CG_ITERATIONS = 1000;
  static final double CG_TOLERANCE = 1e-12;
  /** |T*Δθ| below this × Σ‖W_l‖ × ‖Δθ‖ is rounding noise: no drift. */
  static final double NOISE_LEVEL = 1e-13;

  private final LinearChainGroup group;
  private final DenseLinearAlgebra la;
  private final SpectrumRecorder recorder;
  private final int depth;
  private final int[] dims;
  private final int rank;
  private final DMatrixRMaj product = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj product2 = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj u = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj vt = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj wrapA = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj wrapB = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj first = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj last = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj coupling = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj polarU = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj polarVt = new DMatrixRMaj(1, 1);
  private final DMatrixRMaj[] rotations;
  private final DMatrixRMaj[] best;
  private final int[] determinant;
  private double[] sv;
  // Drift workspaces: per weight (L) and per hidden space (L − 1).
  private final DMatrixRMaj[] weights;
  private final DMatrixRMaj[] deltas;
  private final DMatrixRMaj[] residualE;
  private final DMatrixRMaj[] x;
  private final DMatrixRMaj[] r;
  private final DMatrixRMaj[] z;
  private final DMatrixRMaj[] p;
  private final DMatrixRMaj[] q;
  private final DMatrixRMaj[] gram;
  private final DMatrixRMaj[] cogram;
  private final SylvesterSolver[] preconditioner;
  private final DMatrixRMaj tmp = new DMatrixRMaj(1, 1);

  LinearChainKernel(LinearChainGroup group, DenseLinearAlgebra la, SpectrumRecorder recorder) {
    this.group = group;
    this.la = la;
    this.recorder = recorder;
    List<TensorInfo> w = group.weights();
    depth = w.size();
    dims = new int[depth + 1];
    dims[0] = w.get(0).shape()[1];
    int r0 = dims[0];
    for (int l = 0; l < depth; l++) {
      dims[l + 1] = w.get(l).shape()[0];
      r0 = Math.min(r0, dims[l + 1]);
    }
    rank = r0;
    sv = new double[Math.min(dims[0], dims[depth])];
    rotations = new DMatrixRMaj[depth + 1];
    best = new DMatrixRMaj[depth + 1];
    for (int l = 0; l <= depth; l++) {
      rotations[l] = new DMatrixRMaj(rank, rank);
      best[l] = new DMatrixRMaj(rank, rank);
    }
    determinant = new int[depth + 1];
    weights = new DMatrixRMaj[depth];
    deltas = new DMatrixRMaj[depth];
    residualE = new DMatrixRMaj[depth];
    for (int l = 0; l < depth; l++) {
      weights[l] = new DMatrixRMaj(1, 1);
      deltas[l] = new DMatrixRMaj(dims[l + 1], dims[l]);
      residualE[l] = new DMatrixRMaj(dims[l + 1], dims[l]);
    }
    int spaces = depth - 1;
    x = matrices(spaces);
    r = matrices(spaces);
    z = matrices(spaces);
    p = matrices(spaces);
    q = matrices(spaces);
    gram = matrices(spaces);
    cogram = matrices(spaces);
    preconditioner = new SylvesterSolver[spaces];
    for (int l = 0; l < spaces; l++) {
      preconditioner[l] = new SylvesterSolver(la);
    }
  }

  private DMatrixRMaj[] matrices(int spaces) {
    DMatrixRMaj[] m = new DMatrixRMaj[spaces];
    for (int l = 0; l < spaces; l++) {
      m[l] = new DMatrixRMaj(dims[l + 1], dims[l + 1]);
    }
    return m;
  }

  /** σ of the end-to-end map and the balanced first and last factors S·Vᵀ and U·S. */
  private static final class Rep implements Representative {
    double[] sigma = new double[0];
    double[] root = new double[0];
    final DMatrixRMaj first = new DMatrixRMaj(1, 1);
    final DMatrixRMaj last = new DMatrixRMaj(1, 1);
    double norm2;

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
    wrap(wrapB, raw[0], 0);
    DMatrixRMaj acc = wrapB;
    for (int l = 1; l < depth; l++) {
      wrap(wrapA, raw[l], l);
      DMatrixRMaj next = acc == product ? product2 : product;
      la.mult(wrapA, false, acc, false, next);
      acc = next;
    }
    if (!la.svd(acc, u, sv, vt)) {
      throw new QuotientComputationException("SVD of the end-to-end map of chain '" + group.name()
          + "' (" + acc.numRows + "x" + acc.numCols + ") did not converge");
    }
    int k = Math.min(dims[0], dims[depth]);
    if (rep.sigma.length < k) {
      rep.sigma = new double[k];
      rep.root = new double[k];
    }
    double n2 = 0;
    double resolved = RESOLVED_SINGULAR_VALUE * (k > 0 ? sv[0] : 0.0);
    for (int i = 0; i < k; i++) {
      // Beyond the rank of the chain the end-to-end map is exactly singular.
      rep.sigma[i] = i < rank ? sv[i] : 0.0;
      // The balanced factors take the L-th root, which would lift rounding error of the product
      // (about ε·Π‖W_l‖, so it depends on the factorisation, not on M) far above rounding
      // level. Singular values up to τ = √ε·σ₁ count as zero, those from 2τ as they are, and
      // those between are mapped linearly onto [0, 2τ] so that the root stays continuous in M.
      double s = rep.sigma[i];
      double r = s >= 2.0 * resolved ? s : Math.max(2.0 * (s - resolved), 0.0);
      rep.root[i] = Math.pow(r, 1.0 / depth);
      n2 += depth * rep.root[i] * rep.root[i];
    }
    rep.norm2 = n2;
    rep.first.reshape(rank, dims[0], false);
    rep.last.reshape(dims[depth], rank, false);
    for (int i = 0; i < rank; i++) {
      double s = rep.root[i];
      for (int c = 0; c < dims[0]; c++) {
        rep.first.data[i * dims[0] + c] = s * vt.data[i * dims[0] + c];
      }
    }
    for (int row = 0; row < dims[depth]; row++) {
      for (int i = 0; i < rank; i++) {
        rep.last.data[row * rank + i] = u.data[row * k + i] * rep.root[i];
      }
    }
  }

  private void wrap(DMatrixRMaj m, double[] data, int l) {
    m.data = data;
    m.numRows = dims[l + 1];
    m.numCols = dims[l];
  }

  @Override
  public void observe(Representative rr, List<Observable> observables, List<Spectrum> spectra) {
    Rep rep = (Rep) rr;
    int k = Math.min(dims[0], dims[depth]);
    for (int l = 0; l < depth; l++) {
      recorder.spectrum(group.name(), group.weights().get(l).name(), rep.root, rank, dims[l + 1],
          dims[l], observables, spectra);
    }
    recorder.spectrum(group.name(), LinearChainGroup.END_TO_END, rep.sigma, k, dims[depth],
        dims[0], observables, spectra);
  }

  @Override
  public double quotientDistance(Representative ra, Representative rb) {
    Rep a = (Rep) ra;
    Rep b = (Rep) rb;
    if (rank == 0) {
      return Math.sqrt(a.norm2 + b.norm2);
    }
    la.mult(b.first, false, a.first, true, first);
    la.mult(b.last, true, a.last, false, last);
    if (depth == 2) {
      coupling.setTo(first);
      addInto(coupling, last);
      polar(coupling, best[1], 0);
    } else {
      alignChain(a, b);
    }
    return Math.sqrt(distanceSquared(a, b, best));
  }

  /**
   * Block coordinate ascent over Q_1..Q_(L−1), once per choice of det(Q_l) = ±1 (O(r) has two
   * components and a polar factor only changes component through a singular coupling matrix,
   * where the ascent can stall at a saddle); the best result is left in {@code best}.
   */
  private void alignChain(Rep a, Rep b) {
    int spaces = depth - 1;
    int components = spaces <= MAX_COMPONENT_SPACES ? 1 << spaces : 1;
    double bestF = Double.NEGATIVE_INFINITY;
    for (int combo = 0; combo < components; combo++) {
      for (int l = 1; l < depth; l++) {
        determinant[l] = components == 1 ? 0 : ((combo >> (l - 1)) & 1) == 0 ? 1 : -1;
      }
      // Start: Q_l = polar(S'^l (V'ᵀ V) S^l), the Procrustes alignment of the partial products
      // (first = S' V'ᵀ V S, so S'^l V'ᵀ V S^l = S'^(l−1) · first · S^(l−1)).
      for (int l = 1; l < depth; l++) {
        coupling.reshape(rank, rank, false);
        for (int i = 0; i < rank; i++) {
          for (int j = 0; j < rank; j++) {
            coupling.data[i * rank + j] = first.data[i * rank + j]
                * Math.pow(b.root[i], l - 1) * Math.pow(a.root[j], l - 1);
          }
        }
        polar(coupling, rotations[l], determinant[l]);
      }
      double f = objective(a, b);
      for (int sweep = 0; sweep < MAX_ALIGN_SWEEPS; sweep++) {
        for (int l = 1; l < depth; l++) {
          coupling.reshape(rank, rank, false);
          if (l == 1) {
            coupling.setTo(first);
          } else {
            scaledInto(coupling, rotations[l - 1], b.root, a.root, false);
          }
          if (l == depth - 1) {
            addInto(coupling, last);
          } else {
            scaledInto(coupling, rotations[l + 1], b.root, a.root, true);
          }
          polar(coupling, rotations[l], determinant[l]);
        }
        double g = objective(a, b);
        boolean done = g - f <= ALIGN_TOLERANCE * Math.abs(g);
        f = Math.max(f, g);
        if (done) {
          break;
        }
      }
      if (f > bestF) {
        bestF = f;
        for (int l = 1; l < depth; l++) {
          best[l].setTo(rotations[l]);
        }
      }
    }
  }

  /**
   * Σ_l ‖Q_l X_l Q_(l−1)ᵀ − X'_l‖², computed term by term (not as ‖X‖² + ‖X'‖² − 2f, which
   * loses half the digits when the distance is small).
   */
  private double distanceSquared(Rep a, Rep b, DMatrixRMaj[] q) {
    la.mult(q[1], false, a.first, false, tmp);
    double d2 = squaredDifference(tmp, b.first);
    for (int l = 2; l < depth; l++) {
      coupling.setTo(q[l]);
      for (int i = 0; i < rank; i++) {
        for (int j = 0; j < rank; j++) {
          coupling.data[i * rank + j] *= a.root[j];
        }
      }
      la.mult(coupling, false, q[l - 1], true, tmp);
      for (int i = 0; i < rank; i++) {
        tmp.data[i * rank + i] -= b.root[i];
      }
      d2 += squaredNorm(tmp);
    }
    la.mult(a.last, false, q[depth - 1], true, tmp);
    return d2 + squaredDifference(tmp, b.last);
  }

  private static double squaredDifference(DMatrixRMaj x, DMatrixRMaj y) {
    double s = 0;
    int n = x.numRows * x.numCols;
    for (int i = 0; i < n; i++) {
      double d = x.data[i] - y.data[i];
      s += d * d;
    }
    return s;
  }

  /** out (+)= diag(left)·m·diag(right). */
  private void scaledInto(DMatrixRMaj out, DMatrixRMaj m, double[] left, double[] right,
                          boolean add) {
    for (int i = 0; i < rank; i++) {
      for (int j = 0; j < rank; j++) {
        double v = left[i] * m.data[i * rank + j] * right[j];
        out.data[i * rank + j] = add ? out.data[i * rank + j] + v : v;
      }
    }
  }

  private double objective(Rep a, Rep b) {
    double f = dot(rotations[1], first) + dot(rotations[depth - 1], last);
    for (int l = 2; l < depth; l++) {
      double[] ql = rotations[l].data;
      double[] qp = rotations[l - 1].data;
      for (int i = 0; i < rank; i++) {
        for (int j = 0; j < rank; j++) {
          f += b.root[i] * ql[i * rank + j] * a.root[j] * qp[i * rank + j];
        }
      }
    }
    return f;
  }

  private static double dot(DMatrixRMaj x, DMatrixRMaj y) {
    double s = 0;
    int n = x.numRows * x.numCols;
    for (int i = 0; i < n; i++) {
      s += x.data[i] * y.data[i];
    }
    return s;
  }

  private static void addInto(DMatrixRMaj out, DMatrixRMaj m) {
    int n = out.numRows * out.numCols;
    for (int i = 0; i < n; i++) {
      out.data[i] += m.data[i];
    }
  }

  /**
   * out = the orthogonal matrix closest to c (Procrustes: U·Vᵀ for c = U·Σ·Vᵀ); with
   * {@code det} = ±1 the closest one of that determinant (Kabsch: the pair of the smallest
   * singular value is reflected when needed). c may alias out.
   */
  private void polar(DMatrixRMaj c, DMatrixRMaj out, int det) {
    if (!la.svd(c, polarU, sv(c.numRows), polarVt)) {
      throw new QuotientComputationException("Procrustes SVD in chain '" + group.name()
          + "' did not converge");
    }
    la.mult(polarU, false, polarVt, false, tmp);
    if (det != 0 && Math.signum(CommonOps_DDRM.det(tmp)) != det) {
      int n = polarU.numCols;
      for (int i = 0; i < polarU.numRows; i++) {
        polarU.data[i * n + n - 1] = -polarU.data[i * n + n - 1];
      }
      la.mult(polarU, false, polarVt, false, tmp);
    }
    out.setTo(tmp);
  }

  private double[] sv(int n) {
    if (sv.length < n) {
      sv = new double[n];
    }
    return sv;
  }

  @Override
  public double driftFraction(double[][] prev, double[][] cur) {
    double delta2 = 0;
    for (int l = 0; l < depth; l++) {
      wrap(weights[l], prev[l], l);
      double[] d = deltas[l].data;
      for (int i = 0; i < d.length; i++) {
        d[i] = cur[l][i] - prev[l][i];
        delta2 += d[i] * d[i];
      }
    }
    if (delta2 == 0) {
      return 0;
    }
    int spaces = depth - 1;
    for (int l = 0; l < spaces; l++) {
      la.mult(weights[l], false, weights[l], true, gram[l]);
      la.mult(weights[l + 1], true, weights[l + 1], false, cogram[l]);
      if (!preconditioner[l].prepare(gram[l], cogram[l])) {
        throw new QuotientComputationException("eigendecomposition of the Gram matrices of chain '"
            + group.name() + "' did not converge");
      }
    }
    adjoint(deltas, r);
    double bNorm = Math.sqrt(squaredNorm(r));
    double weightNorm = 0;
    for (int l = 0; l < depth; l++) {
      weightNorm += Math.sqrt(squaredNorm(weights[l]));
    }
    // T*Δθ at rounding level means Δθ is orthogonal to the orbit (e.g. a gradient step); solving
    // would only amplify the rounding noise through the small eigenvalues of T*T.
    if (bNorm <= NOISE_LEVEL * weightNorm * Math.sqrt(delta2)) {
      return 0;
    }
    for (int l = 0; l < spaces; l++) {
      x[l].zero();
      preconditioner[l].solve(r[l], z[l]);
      p[l].setTo(z[l]);
    }
    // <b, x_k> = ‖T x_k‖² grows monotonically to ‖P_T Δθ‖² in exact arithmetic; its largest
    // value is kept, so that a loss of conjugacy in floating point cannot inflate the result.
    double projected = 0;
    double rz = inner(r, z);
    for (int it = 0; it < MAX_CG_ITERATIONS && rz > 0; it++) {
      tangent(p, residualE);
      adjoint(residualE, q);
      double pq = inner(p, q);
      if (!(pq > 0)) {
        break;
      }
      double alpha = rz / pq;
      for (int l = 0; l < spaces; l++) {
        axpy(alpha, p[l], x[l]);
        axpy(-alpha, q[l], r[l]);
      }
      double estimate = projectedEstimate();
      if (estimate < projected) {
        break;
      }
      projected = estimate;
      if (Math.sqrt(squaredNorm(r)) <= CG_TOLERANCE * bNorm) {
        break;
      }
      for (int l = 0; l < spaces; l++) {
        preconditioner[l].solve(r[l], z[l]);
      }
      double rzNext = inner(r, z);
      double beta = rzNext / rz;
      rz = rzNext;
      for (int l = 0; l < spaces; l++) {
        double[] pd = p[l].data;
        double[] zd = z[l].data;
        int n = p[l].numRows * p[l].numCols;
        for (int i = 0; i < n; i++) {
          pd[i] = zd[i] + beta * pd[i];
        }
      }
    }
    return Math.min(1.0, Math.max(0.0, projected / delta2));
  }

  /** ‖T x‖² for the current iterate (into the residual workspace). */
  private double projectedEstimate() {
    tangent(x, residualE);
    double s = 0;
    for (int l = 0; l < depth; l++) {
      s += squaredNorm(residualE[l]);
    }
    return s;
  }

  /** e_l = A_l W_l − W_l A_(l−1) for l = 1..L (A_0 = A_L = 0). */
  private void tangent(DMatrixRMaj[] a, DMatrixRMaj[] e) {
    for (int l = 0; l < depth; l++) {
      e[l].reshape(dims[l + 1], dims[l], false);
      e[l].zero();
      if (l < depth - 1) {
        la.mult(a[l], false, weights[l], false, tmp);
        addInto(e[l], tmp);
      }
      if (l > 0) {
        la.mult(weights[l], false, a[l - 1], false, tmp);
        axpy(-1, tmp, e[l]);
      }
    }
  }

  /** out_l = E_l W_lᵀ − W_(l+1)ᵀ E_(l+1) for every hidden space l. */
  private void adjoint(DMatrixRMaj[] e, DMatrixRMaj[] out) {
    for (int l = 0; l < depth - 1; l++) {
      la.mult(e[l], false, weights[l], true, out[l]);
      la.mult(weights[l + 1], true, e[l + 1], false, tmp);
      axpy(-1, tmp, out[l]);
    }
  }

  private static void axpy(double alpha, DMatrixRMaj xm, DMatrixRMaj y) {
    int n = y.numRows * y.numCols;
    for (int i = 0; i < n; i++) {
      y.data[i] += alpha * xm.data[i];
    }
  }

  private static double inner(DMatrixRMaj[] a, DMatrixRMaj[] b) {
    double s = 0;
    for (int l = 0; l < a.length; l++) {
      s += dot(a[l], b[l]);
    }
    return s;
  }

  private static double squaredNorm(DMatrixRMaj[] a) {
    return inner(a, a);
  }

  private static double squaredNorm(DMatrixRMaj a) {
    return dot(a, a);
  }
}
