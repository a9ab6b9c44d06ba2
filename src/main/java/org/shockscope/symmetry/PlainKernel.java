package org.shockscope.symmetry;

import java.util.List;
import org.ejml.data.DMatrixRMaj;

/**
 * Kernel of a {@link PlainGroup}: no symmetry, so the representative is the tensor itself, the
 * quotient step is the raw step and nothing drifts along an orbit.
 */
final class PlainKernel implements GroupKernel {
  private final PlainGroup group;
  private final SpectrumRecorder recorder;
  private final int size;
  private final int rows;
  private final int cols;

  PlainKernel(PlainGroup group, SpectrumRecorder recorder) {
    this.group = group;
    this.recorder = recorder;
    int[] shape = group.tensor().shape();
    size = (int) org.shockscope.io.Tensor.numel(shape);
    rows = shape.length >= 2 ? shape[0] : 0;
    cols = shape.length >= 2 && rows > 0 ? size / rows : 0;
  }

  private static final class Rep implements Representative {
    double[] data;
    double norm2;
    final DMatrixRMaj view = new DMatrixRMaj(1, 1);

    @Override
    public double normSquared() {
      return norm2;
    }
  }

  @Override
  public Representative newRepresentative() {
    return new Rep();
  }

  @Override
  public void balance(double[][] raw, Representative r) {
    Rep rep = (Rep) r;
    rep.data = raw[0];
    rep.norm2 = NeuronGroupKernel.sumOfSquares(raw[0], size);
  }

  @Override
  public void observe(Representative r, List<Observable> observables, List<Spectrum> spectra) {
    Rep rep = (Rep) r;
    if (rows > 0 && cols > 0) {
      rep.view.data = rep.data;
      rep.view.numRows = rows;
      rep.view.numCols = cols;
      recorder.matrix(group.name(), group.name(), rep.view, observables, spectra);
    } else {
      observables.add(new Observable(group.name(), group.name() + "/fro_norm",
          Math.sqrt(rep.norm2)));
    }
  }

  @Override
  public double quotientDistance(Representative a, Representative b) {
    double[] x = ((Rep) a).data;
    double[] y = ((Rep) b).data;
    double d2 = 0;
    for (int i = 0; i < size; i++) {
      double d = x[i] - y[i];
      d2 += d * d;
    }
    return Math.sqrt(d2);
  }

  @Override
  public double driftFraction(double[][] prev, double[][] cur) {
    return 0;
  }
}
