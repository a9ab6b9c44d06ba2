package org.shockscope.symmetry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.shockscope.io.TensorInfo;

/**
 * A tensor with no known symmetry, analysed as it is: a matrix (rank ≥ 2, flattened to
 * [shape[0], rest]) gets the spectral observables, every tensor its norm and steps.
 *
 * @param tensor the tensor; the group is named after it
 */
public record PlainGroup(TensorInfo tensor) implements SymmetryGroup {
  public PlainGroup {
    Objects.requireNonNull(tensor, "tensor");
  }

  @Override
  public String name() {
    return tensor.name();
  }

  @Override
  public List<TensorInfo> tensors() {
    return List.of(tensor);
  }

  @Override
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name());
    m.put("kind", "plain");
    m.put("tensor", tensor.name());
    m.put("symmetry", "none");
    return m;
  }
}
