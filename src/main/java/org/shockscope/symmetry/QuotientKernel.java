package org.shockscope.symmetry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.shockscope.io.Tensor;
import org.shockscope.io.TensorInfo;

/**
 * Reduces checkpoints to the symmetry-corrected observables of SPEC §4, group by group, for one
 * {@link SymmetryStructure}: {@link #observe} gives the spectral and redundancy observables of
 * one checkpoint, {@link #motion} the step observables between two consecutive ones. All
 * arithmetic is float64 whatever the stored dtype.
 *
 * <p>Group-level observables: {@code raw_norm} = ‖θ‖ over the group's stored tensors,
 * {@code balanced_norm} = the norm of the minimum-norm point of θ's orbit,
 * {@code redundancy} = raw_norm / balanced_norm (1 for a zero group); {@code raw_step} =
 * ‖θ_t − θ_(t−1)‖, {@code quotient_step} = the distance between the balanced representatives
 * minimised over the group's isometric remainder, {@code drift_fraction} = ‖P_T Δθ‖² / ‖Δθ‖²
 * (0 when Δθ = 0). See {@link NeuronGroupKernel}, {@link LinearChainKernel},
 * {@link AttentionKernel} for the per-group algorithms.
 *
 * <p>Stateful: it owns every workspace (grown only when too small) and remembers the balanced
 * representatives of the last two checkpoint maps it saw, by identity, so that the usual
 * sequence observe(θ_t), motion(θ_(t−1), θ_t) balances each checkpoint once. Maps and their
 * tensors are treated as immutable values. Not thread-safe: use one kernel per task.
 */
public final class QuotientKernel {
  /** Singular values kept per matrix in {@link Spectrum} by default. */
  public static final int DEFAULT_TOP_K = 32;

  private final SymmetryStructure structure;
  private final SymmetryGroup[] groups;
  private final GroupKernel[] kernels;
  private final Slot[] slots = new Slot[2];
  private long clock;

  /** A kernel with the best available linear algebra backend and the default top-k. */
  public QuotientKernel(SymmetryStructure structure) {
    this(structure, DEFAULT_TOP_K, DenseLinearAlgebra.create());
  }

  /**
   * A kernel.
   *
   * @param structure the groups to analyse
   * @param topK      singular values kept per matrix in the spectra (≥ 1)
   * @param la        the linear algebra backend (owned by this kernel from now on)
   */
  public QuotientKernel(SymmetryStructure structure, int topK, DenseLinearAlgebra la) {
    if (topK < 1) {
      throw new IllegalArgumentException("topK must be >= 1, got " + topK);
    }
    this.structure = structure;
    LinearAssignment lap = new LinearAssignment();
    SpectrumRecorder recorder = new SpectrumRecorder(la, topK);
    groups = structure.groups().toArray(new SymmetryGroup[0]);
    kernels = new GroupKernel[groups.length];
    for (int i = 0; i < groups.length; i++) {
      SymmetryGroup g = groups[i];
      if (g instanceof NeuronGroup n) {
        kernels[i] = new NeuronGroupKernel(n, la, lap, recorder);
      } else if (g instanceof LinearChainGroup c) {
        kernels[i] = new LinearChainKernel(c, la, recorder);
      } else if (g instanceof AttentionGroup a) {
        kernels[i] = new AttentionKernel(a, la, lap, recorder);
      } else {
        kernels[i] = new PlainKernel((PlainGroup) g, recorder);
      }
    }
    for (int s = 0; s < slots.length; s++) {
      slots[s] = new Slot();
    }
  }

  /** Which linear algebra backend {@link #QuotientKernel(SymmetryStructure)} uses, for logs. */
  public static String backend() {
    return DenseLinearAlgebra.backendName();
  }

  /** The structure this kernel analyses. */
  public SymmetryStructure structure() {
    return structure;
  }

  /**
   * The per-checkpoint observables of every group: raw_norm, balanced_norm, redundancy and the
   * spectral set of every matrix of the balanced representative and of the invariant maps.
   *
   * @throws StructureMismatchException a group tensor is missing or has another shape
   * @throws NonFiniteWeightsException  a group tensor holds NaN or ±∞
   * @throws QuotientComputationException a decomposition did not converge
   */
  public CheckpointObservables observe(Map<String, Tensor> checkpoint) {
    Slot slot = representatives(checkpoint, null);
    List<Observable> observables = new ArrayList<>();
    List<Spectrum> spectra = new ArrayList<>();
    for (int i = 0; i < groups.length; i++) {
      String name = groups[i].name();
      double raw = Math.sqrt(slot.rawNorm2[i]);
      double balanced = Math.sqrt(slot.reps[i].normSquared());
      observables.add(new Observable(name, "raw_norm", raw));
      observables.add(new Observable(name, "balanced_norm", balanced));
      observables.add(new Observable(name, "redundancy", balanced > 0 ? raw / balanced : 1.0));
      kernels[i].observe(slot.reps[i], observables, spectra);
    }
    return new CheckpointObservables(observables, spectra);
  }

  /**
   * The step observables of every group between two checkpoints of a run: raw_step,
   * quotient_step and drift_fraction.
   *
   * @throws StructureMismatchException a group tensor is missing or has another shape
   * @throws NonFiniteWeightsException  a group tensor holds NaN or ±∞
   * @throws QuotientComputationException a decomposition did not converge
   */
  public List<Observable> motion(Map<String, Tensor> previous, Map<String, Tensor> current) {
    Slot a = representatives(previous, null);
    Slot b = representatives(current, a);
    List<Observable> observables = new ArrayList<>();
    for (int i = 0; i < groups.length; i++) {
      String name = groups[i].name();
      double step2 = 0;
      for (int t = 0; t < a.raw[i].length; t++) {
        double[] x = a.raw[i][t];
        double[] y = b.raw[i][t];
        for (int e = 0; e < x.length; e++) {
          double d = y[e] - x[e];
          step2 += d * d;
        }
      }
      observables.add(new Observable(name, "raw_step", Math.sqrt(step2)));
      observables.add(new Observable(name, "quotient_step",
          kernels[i].quotientDistance(a.reps[i], b.reps[i])));
      observables.add(new Observable(name, "drift_fraction",
          kernels[i].driftFraction(a.raw[i], b.raw[i])));
    }
    return observables;
  }

  /** The slot holding the checkpoint's representatives, computing them if needed. */
  private Slot representatives(Map<String, Tensor> checkpoint, Slot keep) {
    clock++;
    for (Slot s : slots) {
      if (s.source == checkpoint) {
        s.used = clock;
        return s;
      }
    }
    Slot target = null;
    for (Slot s : slots) {
      if (s != keep && (target == null || s.used < target.used)) {
        target = s;
      }
    }
    target.source = null;
    target.fill(checkpoint);
    for (int i = 0; i < groups.length; i++) {
      kernels[i].balance(target.raw[i], target.reps[i]);
    }
    target.source = checkpoint;
    target.used = clock;
    return target;
  }

  /** One remembered checkpoint: its raw group tensors and balanced representatives. */
  private final class Slot {
    Map<String, Tensor> source;
    long used;
    final double[][][] raw = new double[groups.length][][];
    final double[] rawNorm2 = new double[groups.length];
    final GroupKernel.Representative[] reps = new GroupKernel.Representative[groups.length];

    Slot() {
      for (int i = 0; i < groups.length; i++) {
        raw[i] = new double[groups[i].tensors().size()][];
        reps[i] = kernels[i].newRepresentative();
      }
    }

    void fill(Map<String, Tensor> checkpoint) {
      for (int i = 0; i < groups.length; i++) {
        List<TensorInfo> infos = groups[i].tensors();
        double n2 = 0;
        for (int t = 0; t < infos.size(); t++) {
          TensorInfo info = infos.get(t);
          Tensor tensor = checkpoint.get(info.name());
          if (tensor == null) {
            throw new StructureMismatchException("checkpoint has no tensor '" + info.name()
                + "' required by group '" + groups[i].name() + "'");
          }
          if (!Arrays.equals(tensor.shape(), info.shape())) {
            throw new StructureMismatchException("tensor '" + info.name() + "' has shape "
                + Arrays.toString(tensor.shape()) + " but group '" + groups[i].name()
                + "' expects " + Arrays.toString(info.shape()));
          }
          double[] data = tensor.data();
          for (int e = 0; e < data.length; e++) {
            double v = data[e];
            if (!Double.isFinite(v)) {
              throw new NonFiniteWeightsException(info.name(), e, v);
            }
            n2 += v * v;
          }
          raw[i][t] = data;
        }
        rawNorm2[i] = n2;
      }
    }
  }
}
