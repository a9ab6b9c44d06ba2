package org.shockscope.symmetry;

import java.util.List;
import java.util.Objects;

/**
 * One hidden layer of a {@link NeuronGroup}: its neurons and where their parameters sit.
 * A rescaling by c multiplies the {@code in} slices of a neuron by c and its {@code out} slices
 * by 1/c; a permutation or sign flip acts on all three lists ({@code gate} slices are only
 * permuted: the gate branch of a gated unit is not homogeneous).
 *
 * @param name  readable name (the module that produces the layer, e.g. {@code fc1})
 * @param width number of neurons
 * @param in    incoming weights and bias of each neuron
 * @param gate  permuted-only parameters of each neuron (empty unless gated)
 * @param out   outgoing weights of each neuron
 */
public record HiddenLayer(String name, int width, List<NeuronAxis> in, List<NeuronAxis> gate,
                          List<NeuronAxis> out) {
  public HiddenLayer {
    Objects.requireNonNull(name, "name");
    in = List.copyOf(in);
    gate = List.copyOf(gate);
    out = List.copyOf(out);
    for (List<NeuronAxis> axes : List.of(in, gate, out)) {
      for (NeuronAxis a : axes) {
        if (a.n() != width) {
          throw new IllegalArgumentException("hidden layer '" + name + "' has width " + width
              + " but an axis of tensor #" + a.tensor() + " has " + a.n() + " neurons");
        }
      }
    }
    if (in.isEmpty() || out.isEmpty()) {
      throw new IllegalArgumentException("hidden layer '" + name
          + "' needs incoming and outgoing weights");
    }
  }
}
