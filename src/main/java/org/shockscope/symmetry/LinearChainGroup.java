package org.shockscope.symmetry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.shockscope.io.TensorInfo;

/**
 * A deep linear chain y = W_L ⋯ W_1 x of PyTorch weights W_l [h_l, h_(l−1)] without hidden
 * biases. GL(h_l) acts on every hidden space: W_l → A·W_l, W_(l+1) → W_(l+1)·A⁻¹. Its
 * invariant is the end-to-end map W_L ⋯ W_1 (matrix name {@code end_to_end}).
 *
 * @param name    readable name ({@code layers} for {@code layers.0.weight}, {@code layers.1.weight})
 * @param weights the weights, input side first (at least two)
 */
public record LinearChainGroup(String name, List<TensorInfo> weights) implements SymmetryGroup {
  /** Matrix name of the end-to-end product. */
  public static final String END_TO_END = "end_to_end";

  public LinearChainGroup {
    Objects.requireNonNull(name, "name");
    weights = List.copyOf(weights);
    if (weights.size() < 2) {
      throw new IllegalArgumentException("linear chain '" + name + "' needs at least 2 weights, got "
          + weights.size());
    }
    for (int l = 0; l < weights.size(); l++) {
      int[] s = weights.get(l).shape();
      if (s.length != 2 || s[0] < 1 || s[1] < 1) {
        throw new IllegalArgumentException("linear chain '" + name + "': weight '"
            + weights.get(l).name() + "' has shape " + Arrays.toString(s) + ", expected [out, in]");
      }
      if (l > 0 && s[1] != weights.get(l - 1).shape()[0]) {
        throw new IllegalArgumentException("linear chain '" + name + "': '" + weights.get(l).name()
            + "' " + Arrays.toString(s) + " does not take the output of '"
            + weights.get(l - 1).name() + "' " + Arrays.toString(weights.get(l - 1).shape()));
      }
    }
  }

  @Override
  public List<TensorInfo> tensors() {
    return weights;
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("kind", "linear_chain");
    List<String> names = new ArrayList<>();
    for (TensorInfo w : weights) {
      names.add(w.name());
    }
    m.put("weights", names);
    m.put("activation", Activation.LINEAR.label());
    m.put("symmetry", "GL(h) on each hidden space");
    return m;
  }
}
