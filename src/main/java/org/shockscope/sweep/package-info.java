/**
 * Sweep discovery (SPEC §3): finds the runs of a sweep in any of its three layouts (native,
 * Hugging Face Trainer output, MLflow file store), with their hyperparameters, metric series
 * (also from TensorBoard event files) and checkpoint files, on the Spark driver through
 * Hadoop's {@code FileSystem} API and without Spark types. Entry point:
 * {@link org.shockscope.sweep.SweepDiscovery#discover}. {@link org.shockscope.sweep.MlflowTagWriter}
 * writes results back into an MLflow file store as run tags.
 */
package org.shockscope.sweep;
