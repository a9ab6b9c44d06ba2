package org.shockscope.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * The hyperparameter axes every family shares. The optimiser axes expand as follows: {@code gd}
 * uses the full batch; {@code sgd} one run per batch size below the full batch (any size for
 * online training); {@code momentum}, {@code adam} and {@code adamw} one run per batch size
 * (0 = full batch), momentum runs also one per μ. Each is crossed with every learning rate and
 * weight decay, and the family's own axes, and every seed.
 *
 * @param optimizers   update rules
 * @param lrs          learning rates (for the catapult family: multiples of 1/λ₀)
 * @param momenta      heavy-ball μ values for {@code momentum}
 * @param batchSizes   batch sizes; 0 means the full data set
 * @param weightDecays weight decays λ
 * @param widths       hidden widths (teacher–student: hidden units K of student and teacher)
 * @param seeds        seeds of this family; empty to use the configuration's seeds
 * @param schedule     steps, checkpoint and logging intervals
 * @param warmupSteps  linear learning-rate warm-up length (0 for none)
 */
public record GridAxes(List<OptimizerKind> optimizers, List<Double> lrs, List<Double> momenta,
                       List<Integer> batchSizes, List<Double> weightDecays, List<Integer> widths,
                       List<Long> seeds, Schedule schedule, int warmupSteps) {
  public GridAxes {
    optimizers = List.copyOf(optimizers);
    lrs = List.copyOf(lrs);
    momenta = List.copyOf(momenta);
    batchSizes = List.copyOf(batchSizes);
    weightDecays = List.copyOf(weightDecays);
    widths = List.copyOf(widths);
    seeds = List.copyOf(seeds);
    if (optimizers.isEmpty() || lrs.isEmpty() || weightDecays.isEmpty() || widths.isEmpty()) {
      throw new LabException("optimizers, lrs, weight_decays and widths need at least one value");
    }
    for (int w : widths) {
      if (w < 1) {
        throw new LabException("widths must be >= 1, got " + w);
      }
    }
  }

  GridAxes withOptimizers(List<OptimizerKind> v) {
    return new GridAxes(v, lrs, momenta, batchSizes, weightDecays, widths, seeds, schedule,
        warmupSteps);
  }

  GridAxes withLrs(List<Double> v) {
    return new GridAxes(optimizers, v, momenta, batchSizes, weightDecays, widths, seeds,
        schedule, warmupSteps);
  }

  GridAxes withSeeds(List<Long> v) {
    return new GridAxes(optimizers, lrs, momenta, batchSizes, weightDecays, widths, v, schedule,
        warmupSteps);
  }

  /** This family's seeds, or {@code defaults} when it names none. */
  List<Long> seedsOr(List<Long> defaults) {
    return seeds.isEmpty() ? defaults : seeds;
  }

  /**
   * The optimiser settings of the grid, with learning rates as given.
   *
   * @param family    for messages
   * @param fullBatch size of the finite data set, or 0 for online training on fresh samples
   */
  List<OptimizerSettings> optimizerSettings(Family family, int fullBatch) {
    List<OptimizerSettings> out = new ArrayList<>();
    for (OptimizerKind kind : optimizers) {
      for (int batch : batchesOf(kind, family, fullBatch)) {
        List<Double> mus = kind == OptimizerKind.MOMENTUM ? momenta : List.of(0.0);
        if (mus.isEmpty()) {
          throw new LabException(family.label() + ": optimizer momentum needs momenta values");
        }
        for (double mu : mus) {
          for (double lr : lrs) {
            for (double wd : weightDecays) {
              out.add(OptimizerSettings.plain(kind, lr, mu, batch, wd, warmupSteps));
            }
          }
        }
      }
    }
    return out;
  }

  private List<Integer> batchesOf(OptimizerKind kind, Family family, int fullBatch) {
    if (kind == OptimizerKind.GD) {
      if (fullBatch == 0) {
        throw new LabException(family.label() + " trains online on fresh samples and has no "
            + "full batch: optimizer gd is not available; use sgd with batch_sizes");
      }
      return List.of(fullBatch);
    }
    List<Integer> out = new ArrayList<>();
    for (int b : batchSizes) {
      if (b < 0 || (fullBatch > 0 && b > fullBatch)) {
        throw new LabException(family.label() + ": batch size " + b + " outside [0, "
            + (fullBatch > 0 ? fullBatch : "inf") + "] (0 = full batch)");
      }
      if (b == 0 && fullBatch == 0) {
        throw new LabException(family.label() + " trains online: batch size 0 (full batch) "
            + "is not available");
      }
      int size = b == 0 ? fullBatch : b;
      if (kind == OptimizerKind.SGD && size == fullBatch) {
        continue;
      }
      if (!out.contains(size)) {
        out.add(size);
      }
    }
    if (out.isEmpty()) {
      throw new LabException(family.label() + ": optimizer " + kind.label()
          + " needs batch_sizes" + (kind == OptimizerKind.SGD ? " below the full batch "
          + fullBatch : "") + ", got " + batchSizes);
    }
    return out;
  }
}
