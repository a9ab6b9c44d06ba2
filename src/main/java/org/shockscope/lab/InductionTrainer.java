package org.shockscope.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.shockscope.io.DType;

/**
 * Trains one two-layer attention-only transformer of {@link InductionSpec} on fresh batches of
 * repeated random spans ({@link #repeatedSpan}), minimising the mean next-token cross-entropy over all 2n − 1
 * predicted positions, and logs that batch loss.
 *
 * <p>Truth, measured at every logging step on the held-out sequences: the repeated-half loss
 * (mean cross-entropy of the m − 1 positions whose targets are copies) falls from its
 * plateau (its value at initialisation, about ln V) to its final value (median of the last
 * {@link #FINAL_FRACTION}); when it falls by at least {@link #MIN_DROP} of the plateau, the
 * halfway crossing is a {@code jump} of {@code loss} with the tanh width from the 1/4 and 3/4
 * crossings ({@link PhaseChange}) — Olsson et al. (2022)'s phase change. Its detail gives the steps where the attention patterns formed: the
 * previous-token score (the largest, over layer-0 heads, mean attention from position t to
 * t − 1) and the induction score (the largest, over layer-1 heads, mean attention from a
 * repeated position t to t − m + 1, the token after the earlier occurrence of the current one),
 * each at its halfway crossing from its first to its final value; and the same attention
 * from t to t − m + 1 in layer 0 (positional copy score): without span jitter every repeat
 * sits at the same offset, and a single layer can copy by position alone; this score says
 * when a run took that shortcut. A diverged
 * run has a {@code divergence} row ({@link RunRecorder}).
 */
final class InductionTrainer {
  /** Share of the evaluations, at the end, whose median is the final value. */
  static final double FINAL_FRACTION = 0.05;
  /** Smallest fall of the repeated-half loss, as a fraction of its plateau, that counts as
   * induction heads having formed (ln V ≈ 3.2 nats falls to well under 1 when they do). */
  static final double MIN_DROP = 0.5;
  static final String INIT = "normal";

  private final InductionSpec spec;
  private final OptimizerSettings opt;
  private final int dModel;
  private final int heads;
  private final int span;
  private final long seed;
  private final DType dtype;

  InductionTrainer(InductionSpec spec, OptimizerSettings opt, int dModel, int heads, int span,
                   long seed, DType dtype) {
    this.spec = spec;
    this.opt = opt;
    this.dModel = dModel;
    this.heads = heads;
    this.span = span;
    this.seed = seed;
    this.dtype = dtype;
  }

  /**
   * Fills {@code seq} (length 2n) with random tokens ending in a span of m tokens and its
   * repeat, m = n − j with j uniform in [0, jitter] (no draw when jitter is 0): 2n − 2m filler
   * tokens, the span, the span again. A jitter moves the repeat's offset from sequence to
   * sequence, so that copying needs the two-layer induction circuit rather than attention to
   * a fixed relative position.
   *
   * @return m
   */
  static int repeatedSpan(Random rng, int vocab, int jitter, int[] seq) {
    int n = seq.length / 2;
    int m = jitter == 0 ? n : n - rng.nextInt(jitter + 1);
    int start = seq.length - 2 * m;
    for (int t = 0; t < start + m; t++) {
      seq[t] = rng.nextInt(vocab);
    }
    for (int t = start + m; t < seq.length; t++) {
      seq[t] = seq[t - m];
    }
    return m;
  }

  TrainedRun train(String runId) {
    int len = 2 * span - 1;
    int batch = opt.batchSize();
    AttentionOnlyTransformer model = new AttentionOnlyTransformer(
        SeedStreams.of(seed, "induction/init"), spec.vocab(), 2 * span, dModel, heads, 2,
        spec.initStd());
    Random data = SeedStreams.of(seed, "induction/batches");
    Random heldRng = SeedStreams.of(spec.dataSeed(), "induction/held-out/" + spec.vocab() + "/"
        + span);
    int[][] held = new int[spec.heldOut()][2 * span];
    int[] heldSpans = new int[held.length];
    for (int i = 0; i < held.length; i++) {
      heldSpans[i] = repeatedSpan(heldRng, spec.vocab(), spec.spanJitter(), held[i]);
    }
    int[][] seqs = new int[batch][2 * span];
    double[] ce = new double[len];
    Schedule schedule = spec.axes().schedule();
    double[][] trained = model.params.trained();
    double[][] grads = model.params.gradientBuffers();
    Optimizer optimizer = new Optimizer(opt, trained);
    RunRecorder recorder = new RunRecorder(schedule, model.params, dtype);
    Evaluations evals = new Evaluations(schedule.steps() / schedule.logEvery() + 2);
    double weight = 1.0 / ((double) batch * len);
    for (int step = 0; step <= schedule.steps(); step++) {
      for (double[] g : grads) {
        java.util.Arrays.fill(g, 0);
      }
      double loss = 0;
      for (int[] s : seqs) {
        repeatedSpan(data, spec.vocab(), spec.spanJitter(), s);
        model.forward(s, len, ce);
        for (int t = 0; t < len; t++) {
          loss += ce[t];
        }
        model.backward(s, len, weight, grads);
      }
      loss *= weight;
      boolean stop = recorder.record(step, loss) || step == schedule.steps();
      if (schedule.isLog(step) || stop) {
        evals.add(step, model, held, heldSpans, ce);
      }
      if (stop) {
        break;
      }
      optimizer.step(trained, grads);
    }
    List<TruthEvent> truth = new ArrayList<>(truth(runId, evals));
    truth.addAll(recorder.divergenceTruth(runId, Family.INDUCTION));
    return new TrainedRun(runId, Family.INDUCTION, params(), modelConfig(), recorder.metrics(),
        recorder.checkpoints(), truth, recorder.divergenceStep(), schedule, 1);
  }

  private List<TruthEvent> truth(String runId, Evaluations e) {
    int[] steps = e.steps();
    double[] loss = e.repeatLoss();
    // the level at initialisation, ln V for near-uniform outputs: a maximum over the first
    // evaluations would take an early loss spike (large learning rates) for the plateau
    double plateau = loss[0];
    double last = PhaseChange.tailMedian(loss, FINAL_FRACTION);
    if (!(plateau - last >= MIN_DROP * plateau)) {
      return List.of();
    }
    PhaseChange drop = PhaseChange.measure(steps, loss, plateau, last);
    if (drop == null) {
      return List.of();
    }
    PhaseChange prev = pattern(steps, e.previousToken());
    PhaseChange induction = pattern(steps, e.induction());
    PhaseChange positional = pattern(steps, e.copyLayer0());
    String detail = String.format(Locale.ROOT, "repeated-half loss on %d held-out sequences "
        + "%.4f -> %.4f, halfway crossing (1/4 at %.1f, 3/4 at %.1f); previous-token score "
        + "(layer 0) %s; induction score (layer 1) %s; positional copy score (layer 0) %s",
        spec.heldOut(), plateau, last, drop.quarter(), drop.threeQuarter(), describe(prev),
        describe(induction), describe(positional));
    return List.of(new TruthEvent(runId, Family.INDUCTION, TruthEvent.JUMP, "loss", drop.step(),
        TruthEvent.MEASURED, drop.width(), detail));
  }

  private static PhaseChange pattern(int[] steps, double[] score) {
    return PhaseChange.measure(steps, score, score[0],
        PhaseChange.tailMedian(score, FINAL_FRACTION));
  }

  private static String describe(PhaseChange p) {
    return p == null ? "did not move" : String.format(Locale.ROOT,
        "%.3f -> %.3f, %s halfway at step %.1f (width %.1f)", p.from(), p.to(),
        p.to() > p.from() ? "formed" : "fell", p.step(), p.width());
  }

  private Map<String, Object> params() {
    Map<String, Object> p = RunParams.common(Family.INDUCTION, opt, dModel, 2, INIT, "none",
        spec.axes().schedule().steps(), seed);
    p.put("n_head", heads);
    p.put("span", span);
    p.put("span_jitter", spec.spanJitter());
    p.put("seq_len", 2 * span);
    p.put("vocab", spec.vocab());
    p.put("init_std", spec.initStd());
    return p;
  }

  private Map<String, Object> modelConfig() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("architectures", List.of("GPT2LMHeadModel"));
    c.put("model_type", "gpt2");
    c.put("vocab_size", spec.vocab());
    c.put("n_positions", 2 * span);
    c.put("n_ctx", 2 * span);
    c.put("n_embd", dModel);
    c.put("n_layer", 2);
    c.put("n_head", heads);
    c.put("attention_only", true);
    c.put("tie_word_embeddings", false);
    return c;
  }

  /** The held-out measurements at each logging step. */
  private static final class Evaluations {
    private final int[] steps;
    private final double[] repeatLoss;
    private final double[] previousToken;
    private final double[] induction;
    private final double[] copyLayer0;
    private int size;

    Evaluations(int capacity) {
      steps = new int[capacity];
      repeatLoss = new double[capacity];
      previousToken = new double[capacity];
      induction = new double[capacity];
      copyLayer0 = new double[capacity];
    }

    void add(int step, AttentionOnlyTransformer m, int[][] held, int[] spans, double[] ce) {
      int len = held[0].length - 1;
      int h = m.heads();
      double[] prev = new double[h];
      double[] ind = new double[h];
      double[] copy0 = new double[h];
      double loss = 0;
      long repeated = 0;
      for (int i = 0; i < held.length; i++) {
        int[] s = held[i];
        int n = spans[i];
        // positions whose next token is a copy: t + 1 in the repeat, after its first token
        int first = len + 1 - n;
        m.forward(s, len, ce);
        for (int t = first; t < len; t++) {
          loss += ce[t];
        }
        repeated += len - first;
        for (int k = 0; k < h; k++) {
          for (int t = 1; t < len; t++) {
            prev[k] += m.attention(0, k, t, t - 1);
          }
          for (int t = first; t < len; t++) {
            ind[k] += m.attention(1, k, t, t - n + 1);
            copy0[k] += m.attention(0, k, t, t - n + 1);
          }
        }
      }
      double bestPrev = 0;
      double bestInd = 0;
      double bestCopy0 = 0;
      for (int k = 0; k < h; k++) {
        bestCopy0 = Math.max(bestCopy0, copy0[k] / repeated);
        bestPrev = Math.max(bestPrev, prev[k] / ((double) held.length * (len - 1)));
        bestInd = Math.max(bestInd, ind[k] / repeated);
      }
      steps[size] = step;
      repeatLoss[size] = loss / repeated;
      previousToken[size] = bestPrev;
      induction[size] = bestInd;
      copyLayer0[size] = bestCopy0;
      size++;
    }

    int[] steps() {
      return java.util.Arrays.copyOf(steps, size);
    }

    double[] repeatLoss() {
      return java.util.Arrays.copyOf(repeatLoss, size);
    }

    double[] previousToken() {
      return java.util.Arrays.copyOf(previousToken, size);
    }

    double[] induction() {
      return java.util.Arrays.copyOf(induction, size);
    }

    double[] copyLayer0() {
      return java.util.Arrays.copyOf(copyLayer0, size);
    }
  }
}
