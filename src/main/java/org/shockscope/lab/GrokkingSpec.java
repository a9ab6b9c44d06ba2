package org.shockscope.lab;

import java.util.ArrayList;
import java.util.List;
import org.shockscope.io.DType;

/**
 * Modular addition (a + b) mod p learned from a fraction of its p² table by
 * {@link ModularAdditionMlp} under AdamW with weight decay, the setting in which held-out
 * accuracy jumps long after the training set is fitted: grokking (Power et al., "Grokking:
 * Generalization Beyond Overfitting on Small Algorithmic Datasets", 2022; Liu et al.,
 * "Omnigrok", 2022; Nanda et al., "Progress measures for grokking via mechanistic
 * interpretability", 2023).
 *
 * @param axes           shared axes; {@code widths} are the MLP width, {@code batch_sizes} pairs
 *                       per update (0 = the whole training set)
 * @param modulus        p ≥ 3
 * @param trainFractions shares of the table's p(p + 1)/2 unordered pairs trained on, each in
 *                       (0, 1); the rest is held out
 * @param embedDim       embedding width d
 * @param initScale      α, the scale of the initial weights ({@link ModularAdditionMlp})
 * @param heldOutMetrics whether runs log {@code val_loss} and {@code val_accuracy} (as a
 *                       Trainer's evaluation would); when false the held-out set is still
 *                       measured for the truth but left out of the written sweep, so the
 *                       transition has to be found in the weights
 */
public record GrokkingSpec(GridAxes axes, int modulus, List<Double> trainFractions,
                           int embedDim, double initScale, boolean heldOutMetrics)
    implements FamilySpec {
  public GrokkingSpec {
    trainFractions = List.copyOf(trainFractions);
    if (modulus < 3) {
      throw new LabException("grokking: modulus must be >= 3, got " + modulus);
    }
    if (trainFractions.isEmpty()) {
      throw new LabException("grokking: train_fractions need at least one value");
    }
    for (double f : trainFractions) {
      int n = trainPairs(modulus, f);
      if (!(f > 0 && f < 1) || n < 1 || n >= modulus * (modulus + 1) / 2) {
        throw new LabException("grokking: train fraction must be in (0, 1) and leave pairs on "
            + "both sides of the split, got " + f + " of " + modulus * (modulus + 1) / 2
            + " unordered pairs");
      }
    }
    if (embedDim < 1) {
      throw new LabException("grokking: embed_dim must be >= 1, got " + embedDim);
    }
    if (!(initScale > 0) || !Double.isFinite(initScale)) {
      throw new LabException("grokking: init_scale must be finite and > 0, got " + initScale);
    }
  }

  /** Pairs in the training set: round(fraction·p(p + 1)/2) of the unordered pairs. */
  static int trainPairs(int modulus, double fraction) {
    return (int) Math.round(fraction * modulus * (modulus + 1) / 2.0);
  }

  /** The unordered pairs a ≤ b of the table, each coded as a·p + b, in increasing order. */
  static int[] unorderedPairs(int modulus) {
    int[] out = new int[modulus * (modulus + 1) / 2];
    int k = 0;
    for (int a = 0; a < modulus; a++) {
      for (int b = a; b < modulus; b++) {
        out[k++] = a * modulus + b;
      }
    }
    return out;
  }

  @Override
  public Family family() {
    return Family.GROKKING;
  }

  @Override
  public GrokkingSpec withAxes(GridAxes a) {
    return new GrokkingSpec(a, modulus, trainFractions, embedDim, initScale, heldOutMetrics);
  }

  /** The same family with or without held-out metrics in the written sweep. */
  public GrokkingSpec withHeldOutMetrics(boolean v) {
    return new GrokkingSpec(axes, modulus, trainFractions, embedDim, initScale, v);
  }

  @Override
  public List<PlannedRun> plan(List<Long> defaultSeeds, DType dtype) {
    List<PlannedRun> out = new ArrayList<>();
    for (double fraction : trainFractions) {
      int n = trainPairs(modulus, fraction);
      for (OptimizerSettings o : axes.optimizerSettings(family(), n)) {
        for (int width : axes.widths()) {
          for (long seed : axes.seedsOr(defaultSeeds)) {
            String id = RunParams.runId(family(), o, "lr" + LogNumberFormat.label(o.lr()), width, 2,
                "frac" + LogNumberFormat.label(fraction), "relu", seed);
            GrokkingTrainer t = new GrokkingTrainer(this, o, width, fraction, seed, dtype);
            out.add(new PlannedRun(id, family(), () -> t.train(id)));
          }
        }
      }
    }
    return out;
  }
}
