package org.shockscope.lab;

import java.util.ArrayList;
import java.util.List;
import org.shockscope.io.DType;

/**
 * Two-layer attention-only causal transformers ({@link AttentionOnlyTransformer}) trained
 * online on sequences made of a random token span followed by its repeat, where the repeat
 * is predictable only by copying: the setting in which induction heads form in a sudden
 * phase change (Olsson et al., "In-context Learning and Induction Heads", 2022). Each update
 * draws a fresh batch; held-out sequences (shared by every run with the same span and
 * vocabulary) measure the truth.
 *
 * @param axes       shared axes; {@code widths} are d_model, {@code batch_sizes} sequences per
 *                   update (online: {@code gd} and batch size 0 are refused)
 * @param heads      attention heads per layer (each must divide every d_model)
 * @param spans      longest span n: a sequence has 2n tokens (the model reads 2n − 1 and
 *                   predicts 2n − 1), ending in a span of m random tokens and its repeat
 *                   after 2n − 2m random filler tokens
 * @param spanJitter j: m is drawn uniformly from [n − j, n] for every sequence; 0 (the
 *                   reference setting of {@code src/bench/torch_induction.py}) repeats at the
 *                   fixed offset n, which a single layer can exploit by position
 * @param vocab      vocabulary size (tokens drawn uniformly)
 * @param heldOut    held-out sequences the truth is measured on, at every logging step
 * @param initStd    standard deviation of the weights at initialisation (GPT-2: 0.02)
 * @param dataSeed   seed of the held-out sequences
 */
public record InductionSpec(GridAxes axes, List<Integer> heads, List<Integer> spans,
                            int spanJitter, int vocab, int heldOut, double initStd,
                            long dataSeed) implements FamilySpec {
  public InductionSpec {
    heads = List.copyOf(heads);
    spans = List.copyOf(spans);
    if (heads.isEmpty() || spans.isEmpty()) {
      throw new LabException("induction: heads and spans need at least one value");
    }
    for (int h : heads) {
      for (int d : axes.widths()) {
        if (h < 1 || d % h != 0) {
          throw new LabException("induction: heads " + h + " must be >= 1 and divide d_model "
              + "(widths) " + d);
        }
      }
    }
    for (int n : spans) {
      if (n < 2 || spanJitter < 0 || n - spanJitter < 2) {
        throw new LabException("induction: spans must be >= 2 and span_jitter in [0, span - 2],"
            + " got span " + n + " and span_jitter " + spanJitter);
      }
    }
    if (vocab < 2 || heldOut < 1) {
      throw new LabException("induction: vocab must be >= 2 and held_out >= 1, got " + vocab
          + " and " + heldOut);
    }
    if (!(initStd > 0) || !Double.isFinite(initStd)) {
      throw new LabException("induction: init_std must be finite and > 0, got " + initStd);
    }
  }

  @Override
  public Family family() {
    return Family.INDUCTION;
  }

  @Override
  public InductionSpec withAxes(GridAxes a) {
    return new InductionSpec(a, heads, spans, spanJitter, vocab, heldOut, initStd, dataSeed);
  }

  @Override
  public List<PlannedRun> plan(List<Long> defaultSeeds, DType dtype) {
    List<PlannedRun> out = new ArrayList<>();
    for (OptimizerSettings o : axes.optimizerSettings(family(), 0)) {
      for (int width : axes.widths()) {
        for (int h : heads) {
          for (int n : spans) {
            for (long seed : axes.seedsOr(defaultSeeds)) {
              String id = RunParams.runId(family(), o, "lr" + LogNumberFormat.label(o.lr()), width,
                  2, "h" + h, "span" + n, seed);
              InductionTrainer t = new InductionTrainer(this, o, width, h, n, seed, dtype);
              out.add(new PlannedRun(id, family(), () -> t.train(id)));
            }
          }
        }
      }
    }
    return out;
  }
}
