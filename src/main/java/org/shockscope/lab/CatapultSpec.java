package org.shockscope.lab;

import java.util.ArrayList;
import java.util.List;
import org.shockscope.io.DType;

/**
 * Learning-rate grids across the stability edge of a wide two-layer network
 * f(x) = W₂·φ(W₁x + b₁) on a small regression task (Lewkowycz et al., "The large learning rate
 * phase of deep learning: the catapult mechanism", 2020). Learning rates are given as multiples
 * c of 1/λ₀, λ₀ being the top eigenvalue of the neural tangent kernel Θ = JJᵀ/n at a reference
 * initialisation of the architecture (for the mean squared loss it is also the top Hessian
 * eigenvalue of the linearised model): c &lt; 2 converges smoothly, 2 &lt; c &lt; ~4 (linear φ;
 * larger for ReLU) spikes and recovers as the curvature drops (catapult), larger c diverges.
 * One reference λ₀ per (width, activation) makes every seed of a grid cell share its learning
 * rate, as in a real sweep; each run's own λ₀ is reported in its truth details.
 *
 * @param axes         shared axes; {@code lrs} are the multiples c of 1/λ₀,
 *                     {@code widths} the hidden width
 * @param activations  {@code linear} and/or {@code relu}
 * @param inputDim     input dimension d
 * @param samples      training examples n (the full batch)
 * @param teacherWidth hidden units of the ReLU teacher that labels the data
 * @param teacherSeed  seed of data, teacher and reference initialisation
 */
public record CatapultSpec(GridAxes axes, List<String> activations, int inputDim, int samples,
                           int teacherWidth, long teacherSeed) implements FamilySpec {
  public static final String LINEAR = "linear";
  public static final String RELU = "relu";

  public CatapultSpec {
    activations = List.copyOf(activations);
    if (activations.isEmpty()) {
      throw new LabException("catapult: activations need at least one value");
    }
    for (String a : activations) {
      if (!LINEAR.equals(a) && !RELU.equals(a)) {
        throw new LabException("catapult: activation must be linear or relu, got '" + a + "'");
      }
    }
    if (inputDim < 1 || samples < 1 || teacherWidth < 1) {
      throw new LabException("catapult: input_dim, samples and teacher_width must be >= 1, got "
          + inputDim + ", " + samples + ", " + teacherWidth);
    }
  }

  @Override
  public Family family() {
    return Family.CATAPULT;
  }

  @Override
  public CatapultSpec withAxes(GridAxes a) {
    return new CatapultSpec(a, activations, inputDim, samples, teacherWidth, teacherSeed);
  }

  @Override
  public List<PlannedRun> plan(List<Long> defaultSeeds, DType dtype) {
    List<PlannedRun> out = new ArrayList<>();
    for (OptimizerSettings o : axes.optimizerSettings(family(), samples)) {
      for (int width : axes.widths()) {
        for (String act : activations) {
          for (long seed : axes.seedsOr(defaultSeeds)) {
            String id = RunParams.runId(family(), o, "x" + LogNumberFormat.label(o.lr()), width, 2,
                CatapultTrainer.INIT, act, seed);
            CatapultTrainer t = new CatapultTrainer(this, o, width, act, seed, dtype);
            out.add(new PlannedRun(id, family(), () -> t.train(id)));
          }
        }
      }
    }
    return out;
  }
}
