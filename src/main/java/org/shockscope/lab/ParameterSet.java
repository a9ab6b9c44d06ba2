package org.shockscope.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.shockscope.io.DType;
import org.shockscope.io.Tensor;

/**
 * A network's tensors as live float64 arrays that trainers update in place, with their
 * PyTorch names and shapes. Trained tensors come first and are what the optimiser sees; fixed
 * ones (the soft committee's unit second layer) are only written to checkpoints.
 */
final class ParameterSet {
  private final List<String> names = new ArrayList<>();
  private final List<int[]> shapes = new ArrayList<>();
  private final List<double[]> values = new ArrayList<>();
  private int trainedCount;

  /** Adds a trained tensor (must precede every fixed one); {@code data} is kept, not copied. */
  ParameterSet trained(String name, int[] shape, double[] data) {
    if (trainedCount != values.size()) {
      throw new IllegalStateException("trained tensor '" + name + "' added after a fixed one");
    }
    add(name, shape, data);
    trainedCount++;
    return this;
  }

  /** Adds a tensor that training never changes. */
  ParameterSet fixed(String name, int[] shape, double[] data) {
    add(name, shape, data);
    return this;
  }

  private void add(String name, int[] shape, double[] data) {
    if (Tensor.numel(shape) != data.length) {
      throw new IllegalArgumentException("tensor '" + name + "' shape " + Arrays.toString(shape)
          + " does not hold " + data.length + " values");
    }
    names.add(name);
    shapes.add(shape.clone());
    values.add(data);
  }

  /** The trained arrays, in order (the live arrays, updated in place by the optimiser). */
  double[][] trained() {
    return values.subList(0, trainedCount).toArray(new double[0][]);
  }

  /** The live array of tensor {@code i}. */
  double[] values(int i) {
    return values.get(i);
  }

  /** Zero arrays shaped like the trained tensors, for gradients. */
  double[][] gradientBuffers() {
    double[][] g = new double[trainedCount][];
    for (int i = 0; i < trainedCount; i++) {
      g[i] = new double[values.get(i).length];
    }
    return g;
  }

  /** Whether every value is finite. */
  boolean finite() {
    for (double[] v : values) {
      for (double x : v) {
        if (!Double.isFinite(x)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Copies of all tensors, to be stored as {@code dtype}. */
  List<Tensor> snapshot(DType dtype) {
    List<Tensor> out = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      out.add(new Tensor(names.get(i), dtype, shapes.get(i).clone(), values.get(i).clone()));
    }
    return out;
  }
}
