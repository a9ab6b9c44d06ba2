package org.shockscope.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.shockscope.io.DType;
import org.shockscope.shock.DetectorConfig;
import org.shockscope.shock.DivergenceFinder;

/**
 * Collects what one run produces as it trains: the logged loss rows, every loss value the
 * trainer computed (for measuring events), checkpoints on the schedule, and the divergence
 * step. A run diverges at the first step whose loss is non-finite or exceeds
 * {@link #DIVERGENCE_FACTOR} times the loss at step 0; training stops there, and that step is
 * logged (with the value reached) and checkpointed when the weights are still finite.
 */
final class RunRecorder {
  /** Loss growth over the initial loss that counts as explosive (far above any recovered
   * catapult spike, which peaks around 10²–10⁴ times the pre-spike loss). */
  static final double DIVERGENCE_FACTOR = 1e6;

  private final Schedule schedule;
  private final ParameterSet params;
  private final DType dtype;
  private final Growing logged = new Growing();
  private final Growing observed = new Growing();
  private final List<Checkpoint> checkpoints = new ArrayList<>();
  private double initialLoss = Double.NaN;
  private int divergenceStep = -1;

  RunRecorder(Schedule schedule, ParameterSet params, DType dtype) {
    this.schedule = schedule;
    this.params = params;
    this.dtype = dtype;
  }

  /** Whether step {@code step} needs a loss value (it is logged or checkpointed). */
  boolean wants(int step) {
    return schedule.isLog(step) || schedule.isCheckpoint(step);
  }

  /**
   * Records the state after {@code step} updates, whose loss is {@code loss}; called in
   * increasing step order, at least at every step {@link #wants} names.
   *
   * @return true when the run diverged at this step and must stop
   */
  boolean record(int step, double loss) {
    if (observed.size == 0) {
      initialLoss = loss;
    }
    boolean diverged = !Double.isFinite(loss)
        || (initialLoss > 0 && loss > DIVERGENCE_FACTOR * initialLoss);
    observed.add(step, loss);
    if (schedule.isLog(step) || diverged) {
      logged.add(step, loss);
    }
    if ((schedule.isCheckpoint(step) || diverged) && params.finite()) {
      checkpoints.add(new Checkpoint(step, params.snapshot(dtype)));
    }
    if (diverged) {
      divergenceStep = step;
    }
    return diverged;
  }

  /** The logged loss rows. */
  StepSeries metrics() {
    return logged.series();
  }

  /** Every loss value recorded (every step for full-batch trainers). */
  StepSeries observed() {
    return observed.series();
  }

  List<Checkpoint> checkpoints() {
    return List.copyOf(checkpoints);
  }

  /** The divergence step, or -1 when the run did not diverge. */
  int divergenceStep() {
    return divergenceStep;
  }

  /**
   * The divergence as a truth row, when the run diverged. Training stops at the first step
   * whose loss is non-finite or above {@link #DIVERGENCE_FACTOR} × the initial loss (a safety
   * stop); the truth step is where the divergence started under the product's one divergence
   * rule ({@link DivergenceFinder#firstBadIndex}, growth factor of
   * {@link DetectorConfig#DEFAULTS}) applied to the logged loss, i.e. the first logged step
   * from which the loss stays above 10³ × its initial level, or the first non-finite value;
   * the stop step when that rule does not see the divergence in the logged values.
   */
  List<TruthEvent> divergenceTruth(String runId, Family family) {
    if (divergenceStep < 0) {
      return List.of();
    }
    double reached = observed.values[observed.size - 1];
    String why = Double.isFinite(reached)
        ? "loss " + reached + " > " + DIVERGENCE_FACTOR + " x initial loss " + initialLoss
        : "non-finite loss " + reached;
    long[] steps = new long[logged.size];
    for (int i = 0; i < steps.length; i++) {
      steps[i] = logged.steps[i];
    }
    double factor = DetectorConfig.DEFAULTS.growthFactor();
    int bad = DivergenceFinder.firstBadIndex(steps, Arrays.copyOf(logged.values, logged.size),
        factor);
    int step = bad >= 0 ? logged.steps[bad] : divergenceStep;
    String onset = bad >= 0
        ? "; divergence starts at this step: first logged step from which the loss stays above "
            + factor + " x its initial level (or is non-finite), the detector's rule"
        : "; the detector's rule (" + factor + " x initial level, still growing) does not see "
            + "it in the logged loss, so the stop step is given";
    return List.of(new TruthEvent(runId, family, TruthEvent.DIVERGENCE, "loss", step,
        TruthEvent.MEASURED, Double.NaN, why + " at step " + divergenceStep
        + ", where training stopped" + onset));
  }

  /** An append-only (step, value) list. */
  private static final class Growing {
    int[] steps = new int[64];
    double[] values = new double[64];
    int size;

    void add(int step, double value) {
      if (size == steps.length) {
        steps = Arrays.copyOf(steps, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      steps[size] = step;
      values[size] = value;
      size++;
    }

    StepSeries series() {
      return new StepSeries(Arrays.copyOf(steps, size), Arrays.copyOf(values, size));
    }
  }
}
