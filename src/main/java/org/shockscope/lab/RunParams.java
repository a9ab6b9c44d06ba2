package org.shockscope.lab;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a run's id and hyperparameter map in a fixed key order. Every run records at least
 * {@code model} (the family), {@code preset}, {@code optimizer}, {@code lr}, {@code momentum},
 * {@code batch_size} (the full data set size for full-batch rules, 1 for online SGD),
 * {@code weight_decay}, {@code width}, {@code depth}, {@code init}, {@code activation},
 * {@code steps}, {@code seed} and {@code warmup_steps}; Adam runs also {@code beta1},
 * {@code beta2}, {@code eps}. Families append their own keys.
 */
final class RunParams {
  private RunParams() {}

  /** The id {@code <family>_<optimizer>[μ]_<lrLabel>_b<batch>_wd<λ>_w<width>_L<depth>_<init>_<activation>_s<seed>}. */
  static String runId(Family family, OptimizerSettings o, String lrLabel, int width, int depth,
                      String init, String activation, long seed) {
    String opt = o.kind().label()
        + (o.kind() == OptimizerKind.MOMENTUM ? LogNumberFormat.label(o.momentum()) : "");
    return family.label() + "_" + opt + "_" + lrLabel + "_b" + o.batchSize() + "_wd"
        + LogNumberFormat.label(o.weightDecay()) + "_w" + width + "_L" + depth + "_" + init + "_"
        + activation + "_s" + seed;
  }

  /** The shared keys, in order. */
  static Map<String, Object> common(Family family, OptimizerSettings o, int width, int depth,
                                    String init, String activation, int steps, long seed) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("model", family.label());
    p.put("preset", family.preset());
    p.put("optimizer", o.kind().label());
    p.put("lr", o.lr());
    p.put("momentum", o.recordedMomentum());
    p.put("batch_size", o.batchSize());
    p.put("weight_decay", o.weightDecay());
    p.put("width", width);
    p.put("depth", depth);
    p.put("init", init);
    p.put("activation", activation);
    p.put("steps", steps);
    p.put("seed", seed);
    p.put("warmup_steps", o.warmupSteps());
    if (o.kind().adaptive()) {
      p.put("beta1", o.beta1());
      p.put("beta2", o.beta2());
      p.put("eps", o.eps());
    }
    return p;
  }
}
