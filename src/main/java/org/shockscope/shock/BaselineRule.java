package org.shockscope.shock;

import java.util.ArrayList;
import java.util.List;

/**
 * The spike rules practitioners run inside training loops, replayed offline on a logged series
 * as reference detectors for {@link DetectorEvaluation}. Each is a faithful port of the cited
 * code with its defaults; a run of consecutive flagged samples counts as one event, at its first
 * flagged step, of kind {@link ShockEvent#SPIKE}.
 */
public enum BaselineRule {
  /**
   * OLMo-core's stability monitor: allenai/OLMo-core,
   * {@code src/olmo_core/train/callbacks/stability_monitor.py},
   * {@code StabilityMonitorCallback._is_spike} (read at commit 138b1fca). A value is a spike when
   * it exceeds mean + 6·std of the previous 128 values (population standard deviation); nothing
   * is flagged before 128 values have been seen, nor when std &lt; 1e-10. Every value, spikes
   * included, then enters the history. As in the Python, NaN never compares true and poisons
   * the mean while it is in the window, and +∞ is flagged.
   */
  OLMO_CORE_STABILITY {
    @Override
    public boolean[] flags(double[] values) {
      return olmoStability(values, OLMO_WINDOW, OLMO_THRESHOLD_STD);
    }
  },
  /**
   * Megatron-LM's spiky-loss check: NVIDIA/Megatron-LM,
   * {@code megatron/core/rerun_state_machine.py}, {@code RerunStateMachine.is_unexpectedly_large}
   * (read at commit 00caa53a), called from {@code pretrain_gpt.py} with
   * {@code threshold=SPIKY_LOSS_FACTOR} = 10 and the default {@code num_samples=100}. On |value|:
   * non-finite values are ignored (never flagged, never counted); the first 100 finite values
   * only set the reference maximum and are never flagged; after that a value is flagged when
   * |value| ≥ 10 × that maximum. Note that the maximum is that of the first 100 values and is
   * not updated later (the code comments say "10x the max loss observed", but the maximum stops
   * being updated once the sample count is reached).
   */
  MEGATRON_SPIKY_LOSS {
    @Override
    public boolean[] flags(double[] values) {
      return megatronSpikyLoss(values, MEGATRON_FACTOR, MEGATRON_SAMPLES);
    }
  };

  /** OLMo-core's {@code window_size}. */
  public static final int OLMO_WINDOW = 128;
  /** OLMo-core's {@code threshold_std}. */
  public static final double OLMO_THRESHOLD_STD = 6.0;
  /** OLMo-core's minimum standard deviation below which nothing is flagged. */
  private static final double OLMO_MIN_STD = 1e-10;
  /** Megatron's {@code SPIKY_LOSS_FACTOR}. */
  public static final double MEGATRON_FACTOR = 10.0;
  /** Megatron's default {@code num_samples}. */
  public static final int MEGATRON_SAMPLES = 100;

  /** Which samples of a series (in step order) the rule flags. */
  public abstract boolean[] flags(double[] values);

  /**
   * The rule's events on one series: one detection per run of consecutive flagged samples, at
   * its first flagged step.
   *
   * @throws ShockDetectionException when steps and values differ in length
   */
  public List<Detection> detections(String runId, String series, long[] steps,
                                    double[] values) {
    if (steps.length != values.length) {
      throw new ShockDetectionException("Series '" + series + "' of run '" + runId + "': "
          + steps.length + " steps but " + values.length + " values");
    }
    boolean[] f = flags(values);
    List<Detection> out = new ArrayList<>();
    for (int i = 0; i < f.length; i++) {
      if (f[i] && (i == 0 || !f[i - 1])) {
        out.add(new Detection(runId, ShockEvent.SPIKE, List.of(series), steps[i], 1.0));
      }
    }
    return out;
  }

  /** OLMo-core's rule with explicit window and threshold (see {@link #OLMO_CORE_STABILITY}). */
  static boolean[] olmoStability(double[] values, int window, double thresholdStd) {
    boolean[] out = new boolean[values.length];
    for (int i = window; i < values.length; i++) {
      // Summed in the order Python's sum() does, so that results agree to the last bit.
      double sum = 0.0;
      for (int k = i - window; k < i; k++) {
        sum += values[k];
      }
      double mean = sum / window;
      double var = 0.0;
      for (int k = i - window; k < i; k++) {
        double d = values[k] - mean;
        var += d * d;
      }
      double std = Math.sqrt(var / window);
      if (std < OLMO_MIN_STD) {
        continue;
      }
      out[i] = values[i] > mean + thresholdStd * std;
    }
    return out;
  }

  /** Megatron's rule with explicit factor and sample count (see {@link #MEGATRON_SPIKY_LOSS}). */
  static boolean[] megatronSpikyLoss(double[] values, double factor, int numSamples) {
    boolean[] out = new boolean[values.length];
    int count = 0;
    double max = 0.0;
    for (int i = 0; i < values.length; i++) {
      double v = Math.abs(values[i]);
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        continue;
      }
      if (count < numSamples) {
        count++;
        max = Math.max(max, v);
        continue;
      }
      out[i] = v >= max * factor;
    }
    return out;
  }
}
