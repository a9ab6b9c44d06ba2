package org.shockscope.lab;

import java.util.List;
import java.util.Map;

/**
 * Everything one trained run produced, which every layout writes identically.
 *
 * @param runId          the run id
 * @param family         its family
 * @param params         hyperparameters in key order (values are String, Integer, Long or
 *                       Double)
 * @param modelConfig    the architecture, written as Hugging Face's {@code config.json}
 * @param metrics        the logged loss, one row per logging step (and the divergence step)
 * @param checkpoints    weights on the checkpoint schedule (and at divergence, when finite)
 * @param truth          transitions the lab knows this run went through
 * @param divergenceStep the step training stopped at on divergence, or -1
 * @param schedule       the run's schedule
 * @param stepsPerEpoch  updates per pass over the data (1 for online training)
 * @param extraMetrics   further logged metrics by name (held-out {@code val_loss},
 *                       {@code val_accuracy}, ...), each at exactly the steps of
 *                       {@code metrics}; empty for families that log only the loss
 */
public record TrainedRun(String runId, Family family, Map<String, Object> params,
                         Map<String, Object> modelConfig, StepSeries metrics,
                         List<Checkpoint> checkpoints, List<TruthEvent> truth,
                         int divergenceStep, Schedule schedule, int stepsPerEpoch,
                         Map<String, StepSeries> extraMetrics) {
  public TrainedRun {
    params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    modelConfig = java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(modelConfig));
    checkpoints = List.copyOf(checkpoints);
    truth = List.copyOf(truth);
    extraMetrics = java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(extraMetrics));
    for (Map.Entry<String, StepSeries> e : extraMetrics.entrySet()) {
      if (e.getKey().equals("loss") || e.getKey().equals("step")
          || !java.util.Arrays.equals(e.getValue().steps(), metrics.steps())) {
        throw new IllegalArgumentException("run " + runId + ": extra metric '" + e.getKey()
            + "' must not be named loss or step and must be logged at the loss's "
            + metrics.size() + " steps, got " + e.getValue().size());
      }
    }
  }

  /** A run that logs only its loss. */
  public TrainedRun(String runId, Family family, Map<String, Object> params,
                    Map<String, Object> modelConfig, StepSeries metrics,
                    List<Checkpoint> checkpoints, List<TruthEvent> truth, int divergenceStep,
                    Schedule schedule, int stepsPerEpoch) {
    this(runId, family, params, modelConfig, metrics, checkpoints, truth, divergenceStep,
        schedule, stepsPerEpoch, Map.of());
  }

  /** The last step training reached. */
  public int lastStep() {
    return metrics.size() == 0 ? 0 : metrics.steps()[metrics.size() - 1];
  }

  /** The value of hyperparameter {@code key} as text, as runs.csv and MLflow write it. */
  public String param(String key) {
    Object v = params.get(key);
    return v == null ? null : LogNumberFormat.param(v);
  }
}
