package org.shockscope.lab;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.shockscope.io.DType;

/**
 * Deep linear networks y = W_L…W_1 x (Saxe, McClelland &amp; Ganguli 2014) learning a teacher
 * map M = U·diag(s)·Vᵀ with distinct singular values s_k from exactly whitened inputs
 * (XXᵀ/n = I), so that the full-batch loss is the population loss ½‖W_L…W_1 − M‖_F².
 *
 * @param axes                  shared axes ({@code widths} = hidden width h)
 * @param depths                numbers of layers L ≥ 2
 * @param inits                 {@code aligned} (layers share the teacher's singular vectors,
 *                              balanced, every mode of the end-to-end map starting at u₀) and/or
 *                              {@code random} (i.i.d. Gaussian entries of standard deviation
 *                              u₀^{1/L}/√fan_in)
 * @param inputDim              input dimension
 * @param outputDim             output dimension
 * @param samples               training examples n ≥ inputDim (the full batch)
 * @param teacherSingularValues distinct positive s_k, at most min(inputDim, outputDim)
 * @param initScale             u₀: the initial end-to-end strength of each mode
 *                              (each layer u₀^{1/L})
 * @param teacherSeed           seed of the teacher and of the data set (shared by all runs)
 * @param lrMode                {@link #STEP_LR} (the default): {@code lrs} are the learning
 *                              rates η; {@link #EFFECTIVE_LR}: they are effective steps
 *                              η/(1 − β), and a heavy-ball run with momentum β trains with
 *                              η = value × (1 − β), so that a momentum grid runs at a fixed
 *                              effective step (issue 18); other optimisers are unaffected
 */
public record DeepLinearSpec(GridAxes axes, List<Integer> depths, List<String> inits,
                             int inputDim, int outputDim, int samples,
                             List<Double> teacherSingularValues, double initScale,
                             long teacherSeed, String lrMode) implements FamilySpec {
  public static final String ALIGNED = "aligned";
  public static final String RANDOM = "random";
  /** {@code lr_mode} value: the grid's learning rates are the optimiser's η. */
  public static final String STEP_LR = "step";
  /** {@code lr_mode} value: the grid's learning rates are effective steps η/(1 − β). */
  public static final String EFFECTIVE_LR = "effective";

  /** A spec whose learning rates are the optimiser's η ({@link #STEP_LR}). */
  public DeepLinearSpec(GridAxes axes, List<Integer> depths, List<String> inits, int inputDim,
                        int outputDim, int samples, List<Double> teacherSingularValues,
                        double initScale, long teacherSeed) {
    this(axes, depths, inits, inputDim, outputDim, samples, teacherSingularValues, initScale,
        teacherSeed, STEP_LR);
  }

  public DeepLinearSpec {
    if (!STEP_LR.equals(lrMode) && !EFFECTIVE_LR.equals(lrMode)) {
      throw new LabException("deep-linear: lr_mode must be " + STEP_LR + " or " + EFFECTIVE_LR
          + ", got '" + lrMode + "'");
    }
    depths = List.copyOf(depths);
    inits = List.copyOf(inits);
    teacherSingularValues = List.copyOf(teacherSingularValues);
    String where = "deep-linear: ";
    if (depths.isEmpty() || inits.isEmpty()) {
      throw new LabException(where + "depths and inits need at least one value");
    }
    for (int d : depths) {
      if (d < 2) {
        throw new LabException(where + "depth must be >= 2, got " + d);
      }
    }
    for (String i : inits) {
      if (!ALIGNED.equals(i) && !RANDOM.equals(i)) {
        throw new LabException(where + "init must be aligned or random, got '" + i + "'");
      }
    }
    if (inputDim < 1 || outputDim < 1) {
      throw new LabException(where + "input_dim and output_dim must be >= 1, got " + inputDim
          + " and " + outputDim);
    }
    if (samples < inputDim) {
      throw new LabException(where + "samples must be >= input_dim " + inputDim
          + " for exactly whitened inputs, got " + samples);
    }
    int k = teacherSingularValues.size();
    if (k < 1 || k > Math.min(inputDim, outputDim)) {
      throw new LabException(where + "need 1 to min(input_dim, output_dim) = "
          + Math.min(inputDim, outputDim) + " teacher singular values, got " + k);
    }
    Set<Double> seen = new HashSet<>();
    for (double s : teacherSingularValues) {
      if (!(s > 0) || !Double.isFinite(s) || !seen.add(s)) {
        throw new LabException(where + "teacher singular values must be distinct, finite and "
            + "> 0, got " + teacherSingularValues);
      }
    }
    double smallest = teacherSingularValues.stream().mapToDouble(Double::doubleValue).min()
        .orElseThrow();
    if (!(initScale > 0) || initScale >= smallest / 2) {
      throw new LabException(where + "init_scale u0 must be in (0, min s_k / 2 = "
          + smallest / 2 + "), got " + initScale);
    }
  }

  @Override
  public Family family() {
    return Family.DEEP_LINEAR;
  }

  @Override
  public DeepLinearSpec withAxes(GridAxes a) {
    return new DeepLinearSpec(a, depths, inits, inputDim, outputDim, samples,
        teacherSingularValues, initScale, teacherSeed, lrMode);
  }

  /** The teacher's singular values, in decreasing order. */
  double[] sortedSingularValues() {
    return teacherSingularValues.stream().mapToDouble(Double::doubleValue)
        .map(v -> -v).sorted().map(v -> -v).toArray();
  }

  /**
   * η = effective × (1 − β) in decimal arithmetic, so that 0.01 at β = 0.8 is 0.002 (not
   * 0.0019999999999999996) in the run's parameters and id.
   */
  static double stepOf(double effective, double beta) {
    return java.math.BigDecimal.valueOf(effective).multiply(java.math.BigDecimal.ONE
        .subtract(java.math.BigDecimal.valueOf(beta))).doubleValue();
  }

  @Override
  public List<PlannedRun> plan(List<Long> defaultSeeds, DType dtype) {
    List<PlannedRun> out = new ArrayList<>();
    for (OptimizerSettings grid : axes.optimizerSettings(family(), samples)) {
      OptimizerSettings o = EFFECTIVE_LR.equals(lrMode)
          && grid.kind() == OptimizerKind.MOMENTUM ? grid.withLr(stepOf(grid.lr(), grid.momentum()))
          : grid;
      for (int width : axes.widths()) {
        for (int depth : depths) {
          for (String init : inits) {
            if (ALIGNED.equals(init) && width < teacherSingularValues.size()) {
              throw new LabException("deep-linear: aligned init needs width >= "
                  + teacherSingularValues.size() + " teacher modes, got width " + width);
            }
            for (long seed : axes.seedsOr(defaultSeeds)) {
              String id = RunParams.runId(family(), o, "lr" + LogNumberFormat.label(o.lr()), width,
                  depth, init, "linear", seed);
              DeepLinearTrainer t = new DeepLinearTrainer(this, o, width, depth, init, seed,
                  dtype);
              out.add(new PlannedRun(id, family(), () -> t.train(id)));
            }
          }
        }
      }
    }
    return out;
  }
}
