package org.shockscope.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transformer families really go through their transitions, and their truth rows say
 * when: a small attention-only transformer learns to copy the repeat (the held-out
 * repeated-half loss falls from ln V to near zero in a front much shorter than the run, a
 * head's attention to the token after the earlier occurrence rises close to 1), and a grokking run fits its training set long before its held-out
 * accuracy jumps. Held-out metrics are written unless the configuration keeps them out.
 */
class TransformerFamiliesTest {
  private static final Pattern FITTED = Pattern.compile("training accuracy first >= 0.99 at step "
      + "(\\d+)");
  private static final Pattern LOSS = Pattern.compile("sequences ([0-9.]+) -> ([0-9.]+)");
  /** The induction (layer 1) and positional copy (layer 0) scores: final value, formed at. */
  private static final Pattern COPY = Pattern.compile(
      "(?:induction|positional copy) score \\(layer [01]\\) [0-9.]+ -> ([0-9.]+), "
      + "formed halfway at step ([0-9.]+)");

  @TempDir
  Path dir;

  private static TrainedRun only(String json) {
    List<PlannedRun> plan = LabConfigJson.parse(json, "TransformerFamiliesTest").plan();
    assertEquals(1, plan.size());
    return plan.get(0).train();
  }

  private static Matcher find(Pattern p, String text) {
    Matcher m = p.matcher(text);
    assertTrue(m.find(), text);
    return m;
  }

  @Test
  void copyingHeadsFormInASharpFrontAndTheTruthSaysWhen() {
    TrainedRun run = only("""
        {"seeds": [0], "dtype": "F64", "families": {"induction": {"lrs": [0.01],
         "batch_sizes": [16], "widths": [16], "heads": [2], "spans": [6], "vocab": 8,
         "held_out": 16, "steps": 500, "checkpoint_every": 100, "log_every": 10}}}
        """);
    assertEquals(1, run.truth().size());
    TruthEvent t = run.truth().get(0);
    assertEquals(TruthEvent.JUMP, t.kind());
    assertEquals("loss", t.series());
    assertTrue(t.step() > 100 && t.step() < 400, t.toString());
    assertTrue(t.width() > 0 && t.width() < 0.2 * 500, t.toString());
    Matcher loss = find(LOSS, t.detail());
    assertTrue(Double.parseDouble(loss.group(1)) > 0.9 * Math.log(8), t.detail());
    assertTrue(Double.parseDouble(loss.group(2)) < 0.2, t.detail());
    // without span jitter the copy may sit in layer 1 (induction) or in layer 0 (by position);
    // either way some head attends to the token after the earlier occurrence, formed with
    // the loss's fall
    Matcher copy = COPY.matcher(t.detail());
    boolean formed = false;
    while (copy.find()) {
      formed |= Double.parseDouble(copy.group(1)) > 0.8
          && Math.abs(Double.parseDouble(copy.group(2)) - t.step()) < 100;
    }
    assertTrue(formed, t.detail());
    // the logged training loss falls with it: early plateau well above the end
    StepSeries m = run.metrics();
    assertTrue(m.values()[5] > 1.5 * m.last(), m.values()[5] + " vs " + m.last());
    assertEquals(6, run.checkpoints().size());
    assertEquals("gpt2", run.modelConfig().get("model_type"));
  }

  @Test
  void grokkingGeneralisesLongAfterFittingTheTrainingSet() {
    TrainedRun run = only("""
        {"seeds": [1], "dtype": "F64", "families": {"grokking": {"weight_decays": [2.0],
         "train_fractions": [0.7], "steps": 800, "checkpoint_every": 100}}}
        """);
    assertEquals(1, run.truth().size());
    TruthEvent t = run.truth().get(0);
    assertEquals(TruthEvent.JUMP, t.kind());
    assertEquals("val_accuracy", t.series());
    int fitted = Integer.parseInt(find(FITTED, t.detail()).group(1));
    assertTrue(t.step() > 2 * fitted, "generalised at " + t.step() + ", fitted at " + fitted);
    StepSeries acc = run.extraMetrics().get("val_accuracy");
    assertTrue(acc.last() > 0.9, "final held-out accuracy " + acc.last());
    assertArrayEquals(run.metrics().steps(), acc.steps());
    assertTrue(run.metrics().last() < 0.05, "final training loss " + run.metrics().last());
  }

  @Test
  void heldOutMetricsAreWrittenByDefaultAndOnlyThen() throws Exception {
    String json = """
        {"seeds": [0], "dtype": "F64", "layouts": ["native", "hf", "mlflow"],
         "families": {"grokking": {"modulus": 7, "embed_dim": 4, "widths": [8], "steps": 20,
         "checkpoint_every": 10, "log_every": 5 HIDE}}}
        """;
    LabConfig shown = LabConfigJson.parse(json.replace(" HIDE", ""), "shown");
    LabConfig hidden = LabConfigJson.parse(json.replace(" HIDE",
        ", \"held_out_metrics\": false"), "hidden");
    TrainedRun a = shown.plan().get(0).train();
    TrainedRun b = hidden.plan().get(0).train();
    assertEquals(List.of("val_loss", "val_accuracy"), List.copyOf(a.extraMetrics().keySet()));
    assertTrue(b.extraMetrics().isEmpty());
    assertArrayEquals(a.metrics().values(), b.metrics().values());
    assertEquals(a.truth(), b.truth());

    Lab.generate(shown, dir.resolve("shown"));
    Lab.generate(hidden, dir.resolve("hidden"));
    String id = a.runId();
    assertEquals("step,loss,val_loss,val_accuracy", Files.readAllLines(
        dir.resolve("shown/native").resolve(id).resolve("metrics.csv")).get(0));
    assertEquals("step,loss", Files.readAllLines(
        dir.resolve("hidden/native").resolve(id).resolve("metrics.csv")).get(0));
    assertTrue(Files.readString(dir.resolve("shown/hf").resolve(id)
        .resolve("trainer_state.json")).contains("\"val_accuracy\""));
    assertTrue(!Files.readString(dir.resolve("hidden/hf").resolve(id)
        .resolve("trainer_state.json")).contains("\"val_"));
  }
}
