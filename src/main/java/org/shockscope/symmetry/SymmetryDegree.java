package org.shockscope.symmetry;

/**
 * How much parameter symmetry a network has (SPEC §7 {@code symmetry_law}): the dimension of
 * its continuous symmetry group and the natural log of the order of the discrete part. For a
 * group G acting on the parameters, the continuous part is the identity component G₀ (a Lie
 * group of dimension dim G) and the discrete part is the component group G/G₀, whose order
 * |G/G₀| counts the parametrisations that no continuous path connects (neuron and head
 * permutations, sign flips, the two signs of a determinant). Groups of a structure act on
 * disjoint tensors, so dimensions add and log-orders add over its groups.
 *
 * <p>Per group (h a hidden width, ln h! = Σ_{k ≤ h} ln k):
 * <ul>
 *   <li>{@link NeuronGroup}, per hidden layer of width h: permutations S_h always,
 *       ln |G/G₀| += ln h!; with positive rescalings (ReLU) or non-zero rescalings of a gated
 *       unit's linear branch, dim += h; with sign flips (odd activations, and the sign of a
 *       non-zero rescaling), ln |G/G₀| += h·ln 2. A ReLU MLP with hidden widths h_l has
 *       dim = Σ h_l and ln |G/G₀| = Σ ln h_l!.</li>
 *   <li>{@link LinearChainGroup} W_L ⋯ W_1, GL(h_l) on each hidden space (h_l the rows of
 *       W_l, l &lt; L): dim += Σ h_l²; GL(h, ℝ) has two components (det &gt; 0, det &lt; 0),
 *       ln |G/G₀| += (L − 1)·ln 2. Permutations lie inside GL(h) and add nothing.</li>
 *   <li>{@link AttentionGroup} with H query heads, G key/value heads of dimension d: GL(d) on
 *       the query–key pair and GL(d) on the value–output pair of every key/value head,
 *       dim += 2·G·d²; permutations of the key/value heads and of the H/G query heads sharing
 *       each, and the two components of each GL(d): ln |G/G₀| += ln G! + G·ln (H/G)! +
 *       2G·ln 2. Multi-head attention (G = H): dim = 2·H·d², ln |G/G₀| = ln H! + 2H·ln 2.</li>
 *   <li>{@link PlainGroup}: no symmetry, 0 and 0.</li>
 * </ul>
 *
 * @param dimension dim G, the number of continuous parameters of the symmetry group
 * @param logOrder  ln |G/G₀| (nats), 0 for a connected group
 */
public record SymmetryDegree(long dimension, double logOrder) {
  /** No symmetry: the trivial group. */
  public static final SymmetryDegree NONE = new SymmetryDegree(0, 0);
  /** Key of the dimension in a structure's description ({@link SymmetryStructure#toMap()}). */
  public static final String DIMENSION_KEY = "symmetry_dim";
  /** Key of the log-order in a structure's description. */
  public static final String LOG_ORDER_KEY = "symmetry_log_order";
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  public SymmetryDegree {
    if (dimension < 0 || !(logOrder >= 0) || Double.isInfinite(logOrder)) {
      throw new IllegalArgumentException("symmetry degree needs dimension >= 0 and a finite "
          + "log-order >= 0, got " + dimension + " and " + logOrder);
    }
  }

  /** The degree of a whole structure: the sum over its groups. */
  public static SymmetryDegree of(SymmetryStructure structure) {
    SymmetryDegree d = NONE;
    for (SymmetryGroup g : structure.groups()) {
      d = d.plus(of(g));
    }
    return d;
  }

  /** The degree of one group (see the class comment for the formulas). */
  public static SymmetryDegree of(SymmetryGroup group) {
    if (group instanceof NeuronGroup g) {
      long dim = 0;
      double log = 0;
      for (HiddenLayer l : g.layers()) {
        int h = l.width();
        dim += g.symmetry().scales() ? h : 0;
        log += logFactorial(h) + (g.symmetry().signs() ? h * Math.log(2) : 0);
      }
      return new SymmetryDegree(dim, log);
    }
    if (group instanceof LinearChainGroup g) {
      long dim = 0;
      for (int l = 0; l + 1 < g.weights().size(); l++) {
        long h = g.weights().get(l).shape()[0];
        dim += h * h;
      }
      return new SymmetryDegree(dim, (g.weights().size() - 1) * Math.log(2));
    }
    if (group instanceof AttentionGroup g) {
      long d = g.headDim();
      int kv = g.kvHeads();
      return new SymmetryDegree(2L * kv * d * d, logFactorial(kv)
          + kv * logFactorial(g.groupSize()) + 2 * kv * Math.log(2));
    }
    return NONE;
  }

  /**
   * The degree recorded in a structure's JSON description ({@link SymmetryStructure#describe()}),
   * or null when there is none (no description, or one written before degrees were recorded)
   * or it is not readable.
   */
  public static SymmetryDegree fromDescription(String json) {
    if (json == null) {
      return null;
    }
    try {
      com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(json);
      com.fasterxml.jackson.databind.JsonNode dim = n == null ? null : n.get(DIMENSION_KEY);
      com.fasterxml.jackson.databind.JsonNode log = n == null ? null : n.get(LOG_ORDER_KEY);
      if (dim == null || log == null || !dim.canConvertToLong() || !log.isNumber()) {
        return null;
      }
      return new SymmetryDegree(dim.asLong(), log.asDouble());
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      return null;
    }
  }

  /** The degree of two structures acting on disjoint parameters. */
  public SymmetryDegree plus(SymmetryDegree other) {
    return new SymmetryDegree(Math.addExact(dimension, other.dimension),
        logOrder + other.logOrder);
  }

  /** ln n! as Σ_{k=2}^{n} ln k (exact to rounding; widths are at most a few hundred thousand). */
  static double logFactorial(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("factorial of negative " + n);
    }
    double s = 0;
    for (int k = 2; k <= n; k++) {
      s += Math.log(k);
    }
    return s;
  }
}
