package org.shockscope.symmetry;

/**
 * Where the neurons of a hidden layer sit inside one tensor: the tensor, read in row-major order,
 * is viewed as a 3-D array [outer, n, inner] and neuron j owns the slice [:, j, :]. This covers
 * every layout shockscope meets: rows of a PyTorch {@code nn.Linear} weight [out, in] are
 * [1, out, in] and its columns [out, in, 1]; a conv kernel [c_out, c_in, kh, kw] is
 * [1, c_out, c_in·kh·kw] on its output channels and [c_out, c_in, kh·kw] on its input channels;
 * a GPT-2 {@code Conv1D} weight [in, out] is [in, out, 1] on its outputs; a linear layer after
 * a channel-major flatten of c channels of size s is [out, c, s]; a bias is [1, n, 1].
 *
 * @param tensor index of the tensor in its group's tensor list
 * @param outer  size of the leading dimensions
 * @param n      number of neurons
 * @param inner  size of the trailing dimensions
 */
public record NeuronAxis(int tensor, int outer, int n, int inner) {
  public NeuronAxis {
    if (tensor < 0 || outer < 1 || n < 1 || inner < 1) {
      throw new IllegalArgumentException("invalid neuron axis: tensor " + tensor + ", view ["
          + outer + ", " + n + ", " + inner + "]");
    }
  }

  /** Elements of one neuron's slice. */
  public int sliceLength() {
    return outer * inner;
  }
}
