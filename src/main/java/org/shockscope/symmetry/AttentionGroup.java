package org.shockscope.symmetry;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.shockscope.io.TensorInfo;

/**
 * One multi-head attention layer. Symmetries (SPEC §3/§4): permutations of the key/value heads
 * (moving their query heads along) and of the query heads sharing a key/value head; per
 * key/value head g, GL(d) on the query–key pair (W_Q,h → A·W_Q,h for every query head h of g,
 * W_K,g → A⁻ᵀ·W_K,g) and GL(d) on the value–output pair (W_V,g → B·W_V,g,
 * W_O,h → W_O,h·B⁻¹); biases of q/k/v move with their weights. The invariant maps are the
 * circuits W_Q,hᵀ W_K,g (scores) and W_O,h W_V,g (values written to the residual stream), with
 * matrix names {@code head<c>.qk} and {@code head<c>.ov}, where c numbers the heads by
 * decreasing circuit norm ‖QK‖² + ‖OV‖² (key/value heads first by their total), not by storage
 * index: a head permutation then leaves every name in place. Along a run two heads whose norms
 * cross swap names, which the per-head series show as a jump.
 *
 * <p>Grouped-query attention (Llama, {@code num_key_value_heads} &lt; heads): query head h uses
 * key/value head h / (heads / kvHeads), as Hugging Face's {@code repeat_kv} does. With rotary
 * position embeddings only the A that commute with the rotations are exact symmetries; the
 * GL(d) quotient is then coarser than the true one (it may identify functions that differ).
 *
 * @param name     readable name (the attention module, e.g. {@code transformer.h.0.attn})
 * @param layout   {@code separate} (q/k/v/o projections), {@code fused_conv1d} (GPT-2
 *                 {@code c_attn} [D, (H+2G)·d]) or {@code fused_linear} ({@code [(H+2G)·d, D]})
 * @param tensors  the tensors, indexed by the projections
 * @param heads    number of query heads H
 * @param kvHeads  number of key/value heads G (divides H)
 * @param headDim  d
 * @param modelDim D
 * @param q        query blocks
 * @param k        key blocks
 * @param v        value blocks
 * @param o        output blocks (read as d × D, i.e. W_O,hᵀ)
 */
public record AttentionGroup(String name, String layout, List<TensorInfo> tensors, int heads,
                             int kvHeads, int headDim, int modelDim, HeadProjection q,
                             HeadProjection k, HeadProjection v, HeadProjection o)
    implements SymmetryGroup {
  public AttentionGroup {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(layout, "layout");
    tensors = List.copyOf(tensors);
    if (heads < 1 || kvHeads < 1 || heads % kvHeads != 0) {
      throw new IllegalArgumentException("attention '" + name + "': " + heads + " heads cannot share "
          + kvHeads + " key/value heads");
    }
    if (headDim < 1 || headDim > modelDim) {
      throw new IllegalArgumentException("attention '" + name + "': head dimension " + headDim
          + " must be in [1, model dimension " + modelDim + "]");
    }
    checkBlocks(name, tensors, q, heads, headDim, modelDim);
    checkBlocks(name, tensors, k, kvHeads, headDim, modelDim);
    checkBlocks(name, tensors, v, kvHeads, headDim, modelDim);
    checkBlocks(name, tensors, o, heads, headDim, modelDim);
    if (o.hasBias()) {
      throw new IllegalArgumentException("attention '" + name
          + "': the output bias is not acted on; leave it out of the group");
    }
  }

  private static void checkBlocks(String name, List<TensorInfo> tensors, HeadProjection p,
                                  int count, int d, int dModel) {
    int[] s = tensors.get(p.tensor()).shape();
    if (s.length != 2) {
      throw new IllegalArgumentException("attention '" + name + "': '" + tensors.get(p.tensor()).name()
          + "' has shape " + Arrays.toString(s) + ", expected a matrix");
    }
    int stacked = p.rowBlocks() ? s[0] : s[1];
    int other = p.rowBlocks() ? s[1] : s[0];
    if (other != dModel || p.offset() + count * d > stacked) {
      throw new IllegalArgumentException("attention '" + name + "': '" + tensors.get(p.tensor()).name()
          + "' " + Arrays.toString(s) + " cannot hold " + count + " heads of " + d
          + " from offset " + p.offset() + " over model dimension " + dModel);
    }
    if (p.hasBias()) {
      int[] b = tensors.get(p.bias()).shape();
      if (b.length != 1 || p.biasOffset() + count * d > b[0]) {
        throw new IllegalArgumentException("attention '" + name + "': bias '"
            + tensors.get(p.bias()).name() + "' " + Arrays.toString(b) + " cannot hold " + count
            + " heads of " + d + " from offset " + p.biasOffset());
      }
    }
  }

  /** Query heads per key/value head. */
  public int groupSize() {
    return heads / kvHeads;
  }

  /** Names of the stored weight matrices of the group (each analysed after balancing). */
  public List<String> weightMatrices() {
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
    for (HeadProjection p : List.of(q, k, v, o)) {
      names.add(tensors.get(p.tensor()).name());
    }
    return List.copyOf(names);
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("kind", "attention");
    m.put("layout", layout);
    if (layout.equals("separate")) {
      m.put("q", tensors.get(q.tensor()).name());
      m.put("k", tensors.get(k.tensor()).name());
      m.put("v", tensors.get(v.tensor()).name());
      putBias(m, "q_bias", q);
      putBias(m, "k_bias", k);
      putBias(m, "v_bias", v);
    } else {
      m.put("qkv", tensors.get(q.tensor()).name());
      putBias(m, "qkv_bias", q);
    }
    m.put("o", tensors.get(o.tensor()).name());
    m.put("heads", heads);
    m.put("kv_heads", kvHeads);
    m.put("head_dim", headDim);
    m.put("symmetry", "head permutations x GL(d_head) on (Q,K) and on (V,O) per key/value head");
    return m;
  }

  private void putBias(Map<String, Object> m, String key, HeadProjection p) {
    if (p.hasBias()) {
      m.put(key, tensors.get(p.bias()).name());
    }
  }
}
