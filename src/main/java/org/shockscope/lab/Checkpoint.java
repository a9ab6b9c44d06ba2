package org.shockscope.lab;

import java.util.List;
import org.shockscope.io.Tensor;

/**
 * The weight tensors of a run at one step, named and shaped as PyTorch's {@code state_dict}
 * would hold them.
 *
 * @param step    completed updates
 * @param tensors tensors in state-dict order
 */
public record Checkpoint(int step, List<Tensor> tensors) {
  public Checkpoint {
    tensors = List.copyOf(tensors);
  }
}
