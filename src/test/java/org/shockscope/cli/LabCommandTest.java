package org.shockscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LabCommandTest {
  @TempDir
  Path dir;

  private int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = ShockscopeCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void generatesWhatTheOptionsAskAndRefusesToOverwrite() throws Exception {
    Path conf = dir.resolve("tiny.json");
    Files.writeString(conf, "{\"families\": {\"catapult\": {\"widths\": [8], \"steps\": 20,"
        + " \"activations\": [\"linear\"],"
        + " \"checkpoint_every\": 10}}}");
    Path out = dir.resolve("sweep");
    String[] args = {"lab", "--out", out.toString(), "--config", conf.toString(),
        "--seeds", "0", "--lr-scales", "0.5,24", "--layouts", "native,mlflow",
        "--name", "cli-test"};
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    assertEquals(0, run(o, e, args), e.toString());
    assertTrue(o.toString().contains("lab 'cli-test': 2 runs (1 diverged)"), o.toString());
    assertTrue(o.toString().contains("catapult         2 runs"), o.toString());
    assertTrue(Files.exists(out.resolve("native").resolve("runs.csv")));
    assertTrue(Files.exists(out.resolve("truth.csv")));
    assertTrue(Files.notExists(out.resolve("hf")));

    StringWriter e2 = new StringWriter();
    assertEquals(1, run(new StringWriter(), e2, args));
    assertTrue(e2.toString().contains("already exists"), e2.toString());
    String[] again = java.util.Arrays.copyOf(args, args.length + 1);
    again[args.length] = "--overwrite";
    assertEquals(0, run(new StringWriter(), new StringWriter(), again));
  }

  @Test
  void transformerFamiliesTrainFromTheCommandLineAndCanWithholdHeldOutMetrics() throws Exception {
    Path conf = dir.resolve("grok.json");
    Files.writeString(conf, "{\"families\": {\"grokking\": {\"steps\": 100,"
        + " \"checkpoint_every\": 50}, \"induction\": {}}}");
    Path out = dir.resolve("grok");
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    assertEquals(0, run(o, e, "lab", "--out", out.toString(), "--config", conf.toString(),
        "--families", "grokking", "--seeds", "3", "--lrs", "0.01", "--layouts", "native",
        "--dtype", "F64", "--without-held-out-metrics"), e.toString());
    assertTrue(o.toString().contains("grokking         1 runs"), o.toString());
    Path run = out.resolve("native")
        .resolve("grokking_adamw_lr0.01_b298_wd1_w64_L2_frac0.6_relu_s3");
    assertEquals("step,loss", Files.readAllLines(run.resolve("metrics.csv")).get(0));
    assertTrue(Files.readString(run.resolve("params.json")).contains("\"held_out_metrics\""));
  }

  @Test
  void badOptionValuesAreUsageErrorsNamingTheValue() {
    StringWriter e = new StringWriter();
    assertEquals(2, run(new StringWriter(), e, "lab", "--out", dir.toString(),
        "--optimizers", "rmsprop"));
    assertTrue(e.toString().contains("Unknown optimizer 'rmsprop'"), e.toString());
    e = new StringWriter();
    assertEquals(2, run(new StringWriter(), e, "lab", "--out", dir.toString(),
        "--max-steps", "1000"));
    assertTrue(e.toString().contains("--max-steps applies to --randomize only"), e.toString());
    e = new StringWriter();
    assertEquals(2, run(new StringWriter(), e, "lab", "--out", dir.toString(),
        "--randomize", "2", "--max-steps", "150"));
    assertTrue(e.toString().contains("--max-steps must be in [200, 100000], got 150"),
        e.toString());
  }

  @Test
  void randomizeTrainsNRunsFromTheSeedInTheNativeLayout() throws Exception {
    Path out = dir.resolve("random");
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    assertEquals(0, run(o, e, "lab", "--randomize", "3", "--seed", "1003", "--out",
        out.toString()), e.toString());
    assertTrue(o.toString().contains(": 3 runs"), o.toString());
    String runs = Files.readString(out.resolve("native").resolve("runs.csv"));
    assertTrue(runs.startsWith("run_id,model,"), runs);
    assertTrue(runs.contains("\nr01003-") && runs.contains("\nr01005-"), runs);
    assertTrue(runs.lines().findFirst().orElseThrow().contains("lab_seed"), runs);
    assertTrue(Files.notExists(out.resolve("hf")));
    assertTrue(Files.readString(out.resolve("native").resolve("sweep.json"))
        .contains("\"randomize\" : 3") || Files.readString(out.resolve("native")
        .resolve("sweep.json")).contains("\"randomize\": 3"));
    StringWriter e2 = new StringWriter();
    assertEquals(2, run(new StringWriter(), e2, "lab", "--randomize", "3", "--out",
        dir.resolve("x").toString(), "--lrs", "0.1"));
    assertTrue(e2.toString().contains("--randomize draws learning rates"), e2.toString());
  }
}
