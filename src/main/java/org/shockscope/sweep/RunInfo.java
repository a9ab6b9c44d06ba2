package org.shockscope.sweep;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One training run of a sweep as discovered: its hyperparameters, metric series and checkpoint
 * locations. Maps are sorted by key and unmodifiable; checkpoints are sorted by step.
 *
 * @param runId         the run's identifier, unique within the sweep
 * @param location      fully qualified URI of the run's folder
 * @param params        every hyperparameter as text, as written ({@code "1e-3"}, {@code "true"})
 * @param numericParams the hyperparameters whose text is a finite decimal number, parsed
 * @param metrics       metric series by name
 * @param checkpoints   checkpoints sorted by step, one per step
 * @param configJson    the text of the Hugging Face {@code config.json} of the run, or null
 */
public record RunInfo(String runId, String location, Map<String, String> params,
                      Map<String, Double> numericParams, Map<String, MetricSeries> metrics,
                      List<CheckpointRef> checkpoints, String configJson) {
  public RunInfo {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(location, "location");
    params = Collections.unmodifiableMap(new TreeMap<>(params));
    numericParams = Collections.unmodifiableMap(new TreeMap<>(numericParams));
    metrics = Collections.unmodifiableMap(new TreeMap<>(metrics));
    checkpoints = List.copyOf(checkpoints);
    for (int i = 1; i < checkpoints.size(); i++) {
      if (checkpoints.get(i).step() <= checkpoints.get(i - 1).step()) {
        throw new IllegalArgumentException("Run '" + runId + "': checkpoints not sorted by distinct"
            + " step at index " + i);
      }
    }
  }

  /** The same run under another identifier. */
  public RunInfo withRunId(String newId) {
    return new RunInfo(newId, location, params, numericParams, metrics, checkpoints, configJson);
  }
}
