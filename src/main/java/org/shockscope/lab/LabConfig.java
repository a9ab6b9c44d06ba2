package org.shockscope.lab;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.shockscope.io.DType;

/**
 * What the training lab generates: the families and their grids, the seeds, and how the sweep
 * is written. Precedence when built by the {@code lab} command: command-line option &gt;
 * configuration file ({@code conf/lab-*.json}, see {@link LabConfigJson}) &gt;
 * {@link #defaults()}.
 *
 * @param name         sweep name (sweep.json, MLflow experiment)
 * @param seeds        seeds of every family that names none of its own
 * @param dtype        element type of written checkpoints (F32 as PyTorch saves by default)
 * @param layouts      layouts to write
 * @param nativeFormat checkpoint format of the native layout
 * @param hfShards     safetensors shards per Hugging Face checkpoint (1 = one model.safetensors;
 *                     capped at the tensor count)
 * @param families     family specifications, at most one per family, in generation order
 */
public record LabConfig(String name, List<Long> seeds, DType dtype, List<Layout> layouts,
                        NativeFormat nativeFormat, int hfShards, List<FamilySpec> families) {
  public LabConfig {
    seeds = List.copyOf(seeds);
    layouts = List.copyOf(new java.util.LinkedHashSet<>(layouts));
    families = List.copyOf(families);
    if (name == null || name.isBlank()) {
      throw new LabException("lab configuration: name must not be empty");
    }
    if (seeds.isEmpty() || layouts.isEmpty() || families.isEmpty()) {
      throw new LabException("lab configuration '" + name
          + "': seeds, layouts and families need at least one value");
    }
    if (hfShards < 1) {
      throw new LabException("lab configuration '" + name + "': hf_shards must be >= 1, got "
          + hfShards);
    }
    if (nativeFormat != NativeFormat.SAFETENSORS && dtype != DType.F32 && dtype != DType.F64) {
      throw new LabException("lab configuration '" + name + "': npz checkpoints hold F32 or F64,"
          + " not " + dtype);
    }
    Set<Family> seen = new HashSet<>();
    for (FamilySpec f : families) {
      if (!seen.add(f.family())) {
        throw new LabException("lab configuration '" + name + "': family " + f.family().label()
            + " given twice");
      }
    }
  }

  /**
   * The full default sweep (mirrored by {@code conf/lab-default.json}): deep linear networks
   * under GD, SGD and momentum; teacher–student networks at three learning rates and two
   * widths; catapult grids for linear and ReLU networks; three to five seeds.
   */
  public static LabConfig defaults() {
    GridAxes dl = new GridAxes(
        List.of(OptimizerKind.GD, OptimizerKind.SGD, OptimizerKind.MOMENTUM),
        List.of(0.005, 0.01, 0.02), List.of(0.5), List.of(8), List.of(0.0), List.of(8),
        List.of(0L, 1L, 2L), new Schedule(1200, 20, 2), 0);
    GridAxes ts = new GridAxes(List.of(OptimizerKind.SGD), List.of(0.0025, 0.005, 0.01),
        List.of(), List.of(1), List.of(0.0), List.of(2, 3), List.of(), new Schedule(16000, 250,
        40), 0);
    GridAxes cat = new GridAxes(List.of(OptimizerKind.GD),
        List.of(0.5, 1.0, 1.5, 2.5, 3.0, 4.0, 8.0, 24.0), List.of(), List.of(), List.of(0.0),
        List.of(64), List.of(), new Schedule(100, 2, 1), 10);
    return new LabConfig("shockscope-lab", List.of(0L, 1L, 2L, 3L, 4L), DType.F32,
        List.of(Layout.NATIVE, Layout.HF, Layout.MLFLOW), NativeFormat.SAFETENSORS, 1, List.of(
            new DeepLinearSpec(dl, List.of(2, 3), List.of(DeepLinearSpec.ALIGNED,
                DeepLinearSpec.RANDOM), 10, 8, 40, List.of(5.0, 4.0, 3.0, 2.0, 1.0), 1e-3, 1),
            new TeacherStudentSpec(ts, 100, 1e-3, 1.0, 1000, 2),
            new CatapultSpec(cat, List.of(CatapultSpec.LINEAR, CatapultSpec.RELU), 8, 16, 4, 3)));
  }

  /**
   * A small sweep that trains in seconds on one core (mirrored by {@code conf/lab-demo.json}):
   * every family, two seeds, every phenomenon (analytic deep-linear jumps, a teacher–student
   * plateau and drop, catapult spikes and divergences).
   */
  public static LabConfig demo() {
    LabConfig d = defaults();
    DeepLinearSpec dl = (DeepLinearSpec) d.families().get(0);
    TeacherStudentSpec ts = (TeacherStudentSpec) d.families().get(1);
    CatapultSpec cat = (CatapultSpec) d.families().get(2);
    GridAxes dla = dl.axes();
    GridAxes tsa = ts.axes();
    GridAxes ca = cat.axes();
    return new LabConfig("shockscope-lab-demo", List.of(0L, 1L), DType.F32, d.layouts(),
        NativeFormat.SAFETENSORS, 1, List.of(
            dl.withAxes(new GridAxes(List.of(OptimizerKind.GD), List.of(0.01, 0.02),
                dla.momenta(), dla.batchSizes(), dla.weightDecays(), dla.widths(), List.of(),
                new Schedule(1000, 20, 2), 0)),
            ts.withAxes(new GridAxes(tsa.optimizers(), List.of(0.005), tsa.momenta(),
                tsa.batchSizes(), tsa.weightDecays(), List.of(2), List.of(0L, 1L, 2L),
                new Schedule(12000, 200, 40), 0)),
            cat.withAxes(new GridAxes(ca.optimizers(), List.of(0.5, 1.5, 2.5, 3.0, 8.0, 24.0),
                ca.momenta(), ca.batchSizes(), ca.weightDecays(), ca.widths(), List.of(),
                ca.schedule(), ca.warmupSteps()))));
  }

  /** The specification of {@code f}: this configuration's, else the default one. */
  public FamilySpec family(Family f) {
    for (FamilySpec s : families) {
      if (s.family() == f) {
        return s;
      }
    }
    return defaultSpec(f);
  }

  /**
   * The default specification of {@code f}: that of {@link #defaults()}, or for the
   * transformer families, which the default sweep leaves out (they train for seconds to
   * minutes per run; {@code conf/lab-induction.json} and {@code conf/lab-grokking.json} grid them), the settings of their
   * reference runs.
   */
  static FamilySpec defaultSpec(Family f) {
    for (FamilySpec s : defaults().families()) {
      if (s.family() == f) {
        return s;
      }
    }
    if (f == Family.INDUCTION) {
      // src/bench/torch_induction.py's settings: Adam at 1e-3, 32 sequences of 2 x 12 tokens
      // over 24 tokens, d_model 32, two heads
      return new InductionSpec(new GridAxes(List.of(OptimizerKind.ADAM), List.of(1e-3),
          List.of(), List.of(32), List.of(0.0), List.of(32), List.of(),
          new Schedule(1500, 25, 10), 0), List.of(2), List.of(12), 0, 24, 64, 0.02, 5);
    }
    if (f == Family.GROKKING) {
      // p = 31 from 60% of its unordered pairs, full-batch AdamW at 3e-3 with weight decay 1:
      // fits the training set by step ~110 and generalises around step 1400-1700
      return new GrokkingSpec(new GridAxes(List.of(OptimizerKind.ADAMW), List.of(3e-3),
          List.of(), List.of(0), List.of(1.0), List.of(64), List.of(),
          new Schedule(2500, 50, 10), 0), 31, List.of(0.6), 32, 1.0, true);
    }
    throw new IllegalStateException("no default for family " + f);
  }

  public LabConfig withName(String v) {
    return new LabConfig(v, seeds, dtype, layouts, nativeFormat, hfShards, families);
  }

  /** Other seeds for every family (family-level seeds are dropped). */
  public LabConfig withSeeds(List<Long> v) {
    return new LabConfig(name, v, dtype, layouts, nativeFormat, hfShards,
        mapAxes(families, a -> a.withSeeds(List.of()), Set.of(Family.values())));
  }

  public LabConfig withDtype(DType v) {
    return new LabConfig(name, seeds, v, layouts, nativeFormat, hfShards, families);
  }

  public LabConfig withLayouts(List<Layout> v) {
    return new LabConfig(name, seeds, dtype, v, nativeFormat, hfShards, families);
  }

  public LabConfig withNativeFormat(NativeFormat v) {
    return new LabConfig(name, seeds, dtype, layouts, v, hfShards, families);
  }

  public LabConfig withHfShards(int v) {
    return new LabConfig(name, seeds, dtype, layouts, nativeFormat, v, families);
  }

  /** Only these families: this configuration's specification of each, else the default. */
  public LabConfig withFamilies(List<Family> v) {
    Map<Family, FamilySpec> chosen = new EnumMap<>(Family.class);
    for (Family f : v) {
      chosen.put(f, family(f));
    }
    return new LabConfig(name, seeds, dtype, layouts, nativeFormat, hfShards,
        new ArrayList<>(chosen.values()));
  }

  /** Other learning rates for every family but catapult (whose rates are multiples). */
  public LabConfig withLrs(List<Double> v) {
    return new LabConfig(name, seeds, dtype, layouts, nativeFormat, hfShards,
        mapAxes(families, a -> a.withLrs(v), Set.of(Family.DEEP_LINEAR, Family.TEACHER_STUDENT,
            Family.INDUCTION, Family.GROKKING)));
  }

  /**
   * The grokking family (when present) keeps its held-out metrics out of the written sweep,
   * so that its transition has to be found in the weights; truth is unchanged.
   */
  public LabConfig withoutHeldOutMetrics() {
    List<FamilySpec> out = new ArrayList<>();
    for (FamilySpec s : families) {
      out.add(s instanceof GrokkingSpec g ? g.withHeldOutMetrics(false) : s);
    }
    return new LabConfig(name, seeds, dtype, layouts, nativeFormat, hfShards, out);
  }

  /** Other learning-rate multiples of 1/λ₀ for the catapult family. */
  public LabConfig withLrScales(List<Double> v) {
    return new LabConfig(name, seeds, dtype, layouts, nativeFormat, hfShards,
        mapAxes(families, a -> a.withLrs(v), Set.of(Family.CATAPULT)));
  }

  /** Other optimizers for every family. */
  public LabConfig withOptimizers(List<OptimizerKind> v) {
    return new LabConfig(name, seeds, dtype, layouts, nativeFormat, hfShards,
        mapAxes(families, a -> a.withOptimizers(v), Set.of(Family.values())));
  }

  private static List<FamilySpec> mapAxes(List<FamilySpec> specs,
                                          java.util.function.UnaryOperator<GridAxes> change,
                                          Set<Family> which) {
    List<FamilySpec> out = new ArrayList<>();
    for (FamilySpec s : specs) {
      out.add(which.contains(s.family()) ? s.withAxes(change.apply(s.axes())) : s);
    }
    return out;
  }

  /**
   * Every run of the sweep, family by family in grid order.
   *
   * @throws LabException when two grid points would share a run id
   */
  public List<PlannedRun> plan() {
    List<PlannedRun> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (FamilySpec f : families) {
      for (PlannedRun r : f.plan(seeds, dtype)) {
        if (!ids.add(r.runId())) {
          throw new LabException("lab configuration '" + name + "': run id " + r.runId()
              + " occurs twice (a grid axis repeats a value)");
        }
        out.add(r);
      }
    }
    return out;
  }
}
