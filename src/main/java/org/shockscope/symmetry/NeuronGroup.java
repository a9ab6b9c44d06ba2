package org.shockscope.symmetry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.shockscope.io.TensorInfo;

/**
 * A chain of hidden layers whose neurons are permuted (and, by activation, rescaled or sign
 * flipped): an MLP (PyTorch {@code fc1.weight} [h, in], {@code fc1.bias}, {@code fc2.weight}
 * [out, h]), a GPT-2 or Llama MLP block, or a chain of conv layers (per output channel).
 * Consecutive hidden layers share the weight tensor between them, which is why they form one
 * group: a permutation of one layer moves the columns of the next layer's weights.
 *
 * @param name       readable name ({@code fc1} for the MLP hidden layer between fc1 and fc2)
 * @param symmetry   the group acting on every hidden layer
 * @param activation the activation it was derived from
 * @param tensors    the tensors, indexed by the layers' {@link NeuronAxis#tensor()}
 * @param layers     the hidden layers, input side first
 * @param source     how the group was specified (weights, biases, layout), for
 *                   {@link #describe()}
 * @param endToEnd   whether the chain's product W_L ⋯ W_1 (matrix {@code end_to_end}) is
 *                   observed too: for a bias-free chain of matrices whose activation nothing
 *                   declares, which may be a deep linear network whose sweep does not say so.
 *                   The product is invariant under every group that can act on such a chain
 *                   (permutations, positive rescalings, GL(h) if it is linear), so it is a
 *                   quotient observable whatever the activation; only for a linear chain is it
 *                   the network's function. {@code tensors} are then the weights, input side
 *                   first, each consuming the previous one's output ({@link #composes})
 */
public record NeuronGroup(String name, NeuronSymmetry symmetry, Activation activation,
                          List<TensorInfo> tensors, List<HiddenLayer> layers,
                          Map<String, Object> source, boolean endToEnd) implements SymmetryGroup {
  public NeuronGroup {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(symmetry, "symmetry");
    Objects.requireNonNull(activation, "activation");
    tensors = List.copyOf(tensors);
    layers = List.copyOf(layers);
    source = Map.copyOf(source);
    if (endToEnd && !composes(tensors)) {
      throw new IllegalArgumentException("group '" + name + "': an end-to-end product needs a "
          + "chain of matrices, each taking the previous one's output");
    }
    for (HiddenLayer l : layers) {
      for (List<NeuronAxis> axes : List.of(l.in(), l.gate(), l.out())) {
        for (NeuronAxis a : axes) {
          if (a.tensor() >= tensors.size()) {
            throw new IllegalArgumentException("group '" + name + "': axis refers to tensor #"
                + a.tensor() + " of " + tensors.size());
          }
          long numel = org.shockscope.io.Tensor.numel(tensors.get(a.tensor()).shape());
          if ((long) a.outer() * a.n() * a.inner() != numel) {
            throw new IllegalArgumentException("group '" + name + "': view [" + a.outer() + ", "
                + a.n() + ", " + a.inner() + "] does not cover tensor '"
                + tensors.get(a.tensor()).name() + "' of " + numel + " elements");
          }
        }
      }
    }
  }

  /**
   * Whether the weights form a chain of matrices whose product W_L ⋯ W_1 is defined: at least
   * two, each 2-D [out, in] with in equal to the previous one's out.
   */
  public static boolean composes(List<TensorInfo> weights) {
    if (weights.size() < 2) {
      return false;
    }
    for (int l = 0; l < weights.size(); l++) {
      int[] s = weights.get(l).shape();
      if (s.length != 2 || (l > 0 && s[1] != weights.get(l - 1).shape()[0])) {
        return false;
      }
    }
    return true;
  }

  /** Names of the tensors analysed as matrices (rank ≥ 2), in group order. */
  public List<String> matrices() {
    List<String> names = new ArrayList<>();
    for (TensorInfo t : tensors) {
      if (t.shape().length >= 2) {
        names.add(t.name());
      }
    }
    return names;
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.putAll(source);
    m.put("activation", activation.label());
    m.put("symmetry", symmetry.description());
    List<Object> hidden = new ArrayList<>();
    for (HiddenLayer l : layers) {
      hidden.add(Map.of("name", l.name(), "width", l.width()));
    }
    m.put("hidden", hidden);
    if (endToEnd) {
      m.put("end_to_end", "observed: no activation declared, the chain may be linear");
    }
    return m;
  }
}
