package org.shockscope.sweep;

/**
 * The on-disk layouts of a sweep that discovery understands (SPEC §3). Discovery detects the
 * layout from the folder's contents; see {@link SweepDiscovery} for the rule.
 */
public enum SweepLayout {
  /** shockscope's own layout: {@code <run_id>/params.json, metrics.csv|jsonl, checkpoints/step_<N>.*}. */
  NATIVE,
  /** Hugging Face Trainer output folders: {@code <run>/checkpoint-<N>/, trainer_state.json}. */
  HUGGING_FACE,
  /** An MLflow file store: {@code mlruns/<experiment_id>/<run_uuid>/{params,metrics,tags,artifacts}}. */
  MLFLOW
}
