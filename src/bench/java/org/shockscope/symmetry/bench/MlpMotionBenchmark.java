package org.shockscope.symmetry.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
import org.shockscope.symmetry.ModelDescription;
import org.shockscope.symmetry.Observable;
import org.shockscope.symmetry.QuotientKernel;
import org.shockscope.symmetry.StructureInference;

/**
 * One ReLU MLP hidden layer of width h (fc1 [h, h], fc1.bias, fc2 [h, h]): observe (balancing,
 * spectra of both balanced weights) and motion between two checkpoints (balancing both,
 * neuron matching by linear assignment, orbit-tangent projection). New map objects on every
 * call defeat the kernel's per-checkpoint cache.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class MlpMotionBenchmark {

  @Param({"128", "512"})
  public int width;

  private QuotientKernel kernel;
  private Map<String, Tensor> previous;
  private Map<String, Tensor> current;

  private static Map<String, Tensor> checkpoint(Random r, int h, double[][] base, double noise) {
    String[] names = {"fc1.weight", "fc1.bias", "fc2.weight"};
    int[][] shapes = {{h, h}, {h}, {h, h}};
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int t = 0; t < names.length; t++) {
      double[] x = base[t].clone();
      for (int i = 0; i < x.length; i++) {
        x[i] += noise * r.nextGaussian();
      }
      m.put(names[t], new Tensor(names[t], DType.F32, shapes[t], x));
    }
    return m;
  }

  @Setup(Level.Trial)
  public void setUp() {
    Random r = new Random(width);
    double[][] base = {new double[width * width], new double[width], new double[width * width]};
    previous = checkpoint(r, width, base, 1.0);
    double[][] prev = {previous.get("fc1.weight").data(), previous.get("fc1.bias").data(),
        previous.get("fc2.weight").data()};
    current = checkpoint(r, width, prev, 0.01);
    List<TensorInfo> infos = new ArrayList<>();
    for (Tensor t : previous.values()) {
      infos.add(TensorInfo.of(t));
    }
    kernel = new QuotientKernel(StructureInference.infer(infos,
        ModelDescription.none().withActivationHint("relu")));
  }

  @Benchmark
  public CheckpointObservables observe() {
    return kernel.observe(new LinkedHashMap<>(current));
  }

  @Benchmark
  public List<Observable> motion() {
    return kernel.motion(new LinkedHashMap<>(previous), new LinkedHashMap<>(current));
  }
}
