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
 */
public record TrainedRun(String runId, Family family, Map<String, Object> params,
                         Map<String, Object> modelConfig, StepSeries metrics,
                         List<Checkpoint> checkpoints, List<TruthEvent> truth,
                         int divergenceStep, Schedule schedule, int stepsPerEpoch) {
  public TrainedRun {
    params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    modelConfig = java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(modelConfig));
    checkpoints = List.copyOf(checkpoints);
    truth = List.copyOf(truth);
  }

  /** The last step training reached. */
  public int lastStep() {
    return metrics.size() == 0 ? 0 : metrics.steps()[metrics.size() - 1];
  }

  /** The value of hyperparameter {@code key} as text, as runs.csv and MLflow write it. */
  public String param(String key) {
    Object v = params.get(key);
    return v == null ? null : NumberText.param(v);
  }
}
