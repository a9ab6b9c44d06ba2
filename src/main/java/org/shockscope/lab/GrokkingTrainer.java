package org.shockscope.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.shockscope.io.DType;

/**
 * Trains one {@link ModularAdditionMlp} of {@link GrokkingSpec} on a random fraction of the
 * (a + b) mod p table's unordered pairs a ≤ b (the split drawn from the run's seed; the model
 * is symmetric in a and b, so a held-out pair's mirror is never in the training set) and logs the training loss (the
 * mean cross-entropy of the update's batch), and by default the held-out {@code val_loss} and
 * {@code val_accuracy} at every logging step.
 *
 * <p>Truth, measured on the held-out pairs at every logging step: when the held-out accuracy
 * ends (median of the last {@link #FINAL_FRACTION} of the evaluations) at or above
 * {@link #GROKKED_ACCURACY}, the step where it first crosses halfway from chance (1/p) to that
 * final value is a {@code jump} of {@code val_accuracy}, with the tanh width from its 1/4 and
 * 3/4 crossings ({@link PhaseChange}); its detail gives the step where the training accuracy
 * first reached {@link #FITTED_ACCURACY}, so the delay between fitting and generalising is on
 * record. A diverged run has a {@code divergence} row ({@link RunRecorder}).
 */
final class GrokkingTrainer {
  static final double FINAL_FRACTION = 0.05;
  /** Final held-out accuracy that counts as having generalised. */
  static final double GROKKED_ACCURACY = 0.9;
  /** Training accuracy that counts as having fitted the training set. */
  static final double FITTED_ACCURACY = 0.99;
  static final String VAL_LOSS = "val_loss";
  static final String VAL_ACCURACY = "val_accuracy";

  private final GrokkingSpec spec;
  private final OptimizerSettings opt;
  private final int hidden;
  private final double fraction;
  private final long seed;
  private final DType dtype;

  GrokkingTrainer(GrokkingSpec spec, OptimizerSettings opt, int hidden, double fraction,
                  long seed, DType dtype) {
    this.spec = spec;
    this.opt = opt;
    this.hidden = hidden;
    this.fraction = fraction;
    this.seed = seed;
    this.dtype = dtype;
  }

  TrainedRun train(String runId) {
    int p = spec.modulus();
    int[] pairs = GrokkingSpec.unorderedPairs(p);
    Random split = SeedStreams.of(seed, "grokking/split");
    for (int i = pairs.length - 1; i > 0; i--) {
      int j = split.nextInt(i + 1);
      int t = pairs[i];
      pairs[i] = pairs[j];
      pairs[j] = t;
    }
    int n = GrokkingSpec.trainPairs(p, fraction);
    int[] train = Arrays.copyOf(pairs, n);
    int[] held = Arrays.copyOfRange(pairs, n, pairs.length);
    ModularAdditionMlp model = new ModularAdditionMlp(SeedStreams.of(seed, "grokking/init"), p,
        spec.embedDim(), hidden, spec.initScale());
    MiniBatches batches = new MiniBatches(SeedStreams.of(seed, "grokking/batches"), n,
        opt.batchSize());
    boolean fullBatch = opt.batchSize() == n;
    int[] batch = new int[opt.batchSize()];
    Arrays.setAll(batch, i -> i);
    Schedule schedule = spec.axes().schedule();
    double[][] trained = model.params.trained();
    double[][] grads = model.params.gradientBuffers();
    Optimizer optimizer = new Optimizer(opt, trained);
    RunRecorder recorder = new RunRecorder(schedule, model.params, dtype);
    int capacity = schedule.steps() / schedule.logEvery() + 2;
    int[] evalSteps = new int[capacity];
    double[] valLoss = new double[capacity];
    double[] valAcc = new double[capacity];
    double[] trainAcc = new double[capacity];
    int evals = 0;
    double weight = 1.0 / batch.length;
    for (int step = 0; step <= schedule.steps(); step++) {
      if (!fullBatch) {
        batches.next(batch);
      }
      for (double[] g : grads) {
        Arrays.fill(g, 0);
      }
      double loss = 0;
      int right = 0;
      for (int k : batch) {
        int a = train[k] / p;
        int b = train[k] % p;
        loss += model.forward(a, b);
        right += model.correct(a, b) ? 1 : 0;
        model.backward(a, b, weight, grads);
      }
      loss *= weight;
      boolean stop = recorder.record(step, loss) || step == schedule.steps();
      if (schedule.isLog(step) || stop) {
        double hl = 0;
        int hr = 0;
        for (int pair : held) {
          hl += model.forward(pair / p, pair % p);
          hr += model.correct(pair / p, pair % p) ? 1 : 0;
        }
        evalSteps[evals] = step;
        valLoss[evals] = hl / held.length;
        valAcc[evals] = (double) hr / held.length;
        trainAcc[evals] = (double) right / batch.length;
        evals++;
      }
      if (stop) {
        break;
      }
      optimizer.step(trained, grads);
    }
    int[] steps = Arrays.copyOf(evalSteps, evals);
    StepSeries vl = new StepSeries(steps, Arrays.copyOf(valLoss, evals));
    StepSeries va = new StepSeries(steps, Arrays.copyOf(valAcc, evals));
    List<TruthEvent> truth = new ArrayList<>(truth(runId, va, Arrays.copyOf(trainAcc, evals),
        held.length));
    truth.addAll(recorder.divergenceTruth(runId, Family.GROKKING));
    Map<String, StepSeries> extra = new LinkedHashMap<>();
    if (spec.heldOutMetrics()) {
      extra.put(VAL_LOSS, vl);
      extra.put(VAL_ACCURACY, va);
    }
    return new TrainedRun(runId, Family.GROKKING, params(n), modelConfig(), recorder.metrics(),
        recorder.checkpoints(), truth, recorder.divergenceStep(), schedule,
        batches.stepsPerEpoch(), extra);
  }

  private List<TruthEvent> truth(String runId, StepSeries valAcc, double[] trainAcc,
                                 int heldPairs) {
    double chance = 1.0 / spec.modulus();
    double last = PhaseChange.tailMedian(valAcc.values(), FINAL_FRACTION);
    if (!(last >= GROKKED_ACCURACY)) {
      return List.of();
    }
    PhaseChange rise = PhaseChange.measure(valAcc.steps(), valAcc.values(), chance, last);
    if (rise == null) {
      return List.of();
    }
    int fitted = Crossings.firstAtOrAbove(trainAcc, 0, FITTED_ACCURACY);
    String detail = String.format(Locale.ROOT, "held-out accuracy on %d pairs %.4f (chance) -> "
        + "%.4f, halfway crossing (1/4 at %.1f, 3/4 at %.1f); training accuracy first >= %.2f "
        + "at step %s", heldPairs, chance, last, rise.quarter(), rise.threeQuarter(),
        FITTED_ACCURACY, fitted < 0 ? "never" : Integer.toString(valAcc.steps()[fitted]));
    return List.of(new TruthEvent(runId, Family.GROKKING, TruthEvent.JUMP, VAL_ACCURACY,
        rise.step(), TruthEvent.MEASURED, rise.width(), detail));
  }

  private Map<String, Object> params(int trainPairs) {
    Map<String, Object> p = RunParams.common(Family.GROKKING, opt, hidden, 2, "normal", "relu",
        spec.axes().schedule().steps(), seed);
    p.put("modulus", spec.modulus());
    p.put("train_fraction", fraction);
    p.put("train_pairs", trainPairs);
    p.put("embed_dim", spec.embedDim());
    p.put("init_scale", spec.initScale());
    p.put("held_out_metrics", spec.heldOutMetrics() ? "true" : "false");
    return p;
  }

  private Map<String, Object> modelConfig() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("architectures", List.of("GPT2LMHeadModel"));
    c.put("model_type", "gpt2");
    c.put("vocab_size", spec.modulus());
    c.put("n_positions", 2);
    c.put("n_embd", spec.embedDim());
    c.put("n_inner", hidden);
    c.put("n_layer", 1);
    c.put("n_head", 1);
    c.put("activation_function", "relu");
    c.put("mlp_only", true);
    c.put("tie_word_embeddings", false);
    return c;
  }
}
