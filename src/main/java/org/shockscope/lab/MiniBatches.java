package org.shockscope.lab;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;

/**
 * Draws mini-batches from a finite data set as PyTorch's shuffled {@code DataLoader} with
 * {@code drop_last=True} does: a fresh random permutation each epoch, cut into consecutive
 * batches of b examples, the incomplete tail dropped.
 */
final class MiniBatches {
  private final Random rng;
  private final int[] order;
  private final int batch;
  private int next;

  MiniBatches(Random rng, int samples, int batch) {
    this.rng = rng;
    this.batch = batch;
    this.order = new int[samples];
    for (int i = 0; i < samples; i++) {
      order[i] = i;
    }
    this.next = samples;
  }

  /** Updates per epoch: ⌊n / b⌋. */
  int stepsPerEpoch() {
    return order.length / batch;
  }

  /** The indices of the next batch, written into {@code out} (length b). */
  void next(int[] out) {
    if (next + batch > order.length) {
      for (int i = order.length - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      next = 0;
    }
    System.arraycopy(order, next, out, 0, batch);
    next += batch;
  }

  /**
   * The next batch's second-moment matrix Σ_b = (1/b)·Σ x xᵀ into {@code out} (d×d), with
   * examples as the rows of the row-major n×d array {@code xs}.
   */
  void covariance(double[] xs, int d, DMatrixRMaj out) {
    int[] idx = new int[batch];
    next(idx);
    out.reshape(d, d);
    out.zero();
    double[] o = out.data;
    for (int i : idx) {
      int base = i * d;
      for (int r = 0; r < d; r++) {
        double xr = xs[base + r] / batch;
        for (int c = 0; c < d; c++) {
          o[r * d + c] += xr * xs[base + c];
        }
      }
    }
  }
}
