package org.shockscope.symmetry.bench;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.shockscope.io.DType;
import org.shockscope.io.Tensor;
import org.shockscope.io.TensorInfo;
import org.shockscope.symmetry.CheckpointObservables;
import org.shockscope.symmetry.DenseLinearAlgebra;
import org.shockscope.symmetry.ModelDescription;
import org.shockscope.symmetry.QuotientKernel;
import org.shockscope.symmetry.StructureInference;

/**
 * Spectral observables of one random Gaussian matrix (square and 4:1 shapes): the whole kernel
 * ({@code observe}: singular values, spectral set, power-law and Marchenko–Pastur fits), the
 * singular values alone on the backend the kernel uses (what {@code numpy_svd.py} compares
 * against {@code np.linalg.svd(W, compute_uv=False)}), and EJML as the pure-Java baseline.
 * Sample-time mode so that the JSON result holds medians.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class SpectralKernelBenchmark {

  /** rows x cols. */
  @Param({"64x64", "128x128", "256x256", "512x512", "1024x1024",
      "64x16", "128x32", "256x64", "512x128", "1024x256"})
  public String shape;

  private QuotientKernel kernel;
  private Map<String, Tensor> checkpoint;
  private DMatrixRMaj matrix;
  private DenseLinearAlgebra backend;
  private DenseLinearAlgebra ejml;
  private double[] sv;

  @Setup(Level.Trial)
  public void setUp() {
    String[] p = shape.split("x");
    int rows = Integer.parseInt(p[0]);
    int cols = Integer.parseInt(p[1]);
    Random r = new Random(rows * 31L + cols);
    double[] data = new double[rows * cols];
    for (int i = 0; i < data.length; i++) {
      data[i] = r.nextGaussian();
    }
    Tensor w = new Tensor("w", DType.F32, new int[] {rows, cols}, data);
    checkpoint = Map.of("w", w);
    kernel = new QuotientKernel(StructureInference.infer(List.of(TensorInfo.of(w)),
        ModelDescription.none()));
    matrix = DMatrixRMaj.wrap(rows, cols, data);
    backend = DenseLinearAlgebra.create();
    ejml = DenseLinearAlgebra.ejml();
    sv = new double[Math.min(rows, cols)];
  }

  /** The full per-checkpoint kernel on a one-matrix checkpoint (a new map: no cache hit). */
  @Benchmark
  public CheckpointObservables observe() {
    return kernel.observe(Map.copyOf(checkpoint));
  }

  /** Singular values on the backend the kernel runs ({@link QuotientKernel#backend()}). */
  @Benchmark
  public double[] singularValues() {
    backend.singularValues(matrix, sv);
    return sv;
  }

  /** Baseline: EJML's implicit-QR singular values. */
  @Benchmark
  public double[] singularValuesEjml() {
    ejml.singularValues(matrix, sv);
    return sv;
  }
}
