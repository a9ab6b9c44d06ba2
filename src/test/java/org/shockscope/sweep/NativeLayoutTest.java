package org.shockscope.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shockscope.sweep.SweepFolder.text;
import static org.shockscope.sweep.SweepFolder.uri;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLayoutTest {
  private static final double NAN = Double.NaN;
  private static final double INF = Double.POSITIVE_INFINITY;

  @TempDir
  Path dir;
  private Path sweep;
  private long a0;
  private long a10;
  private long a20;
  private long c5;

  @BeforeEach
  void writeSweep() {
    sweep = dir.resolve("sweep");
    text(sweep.resolve("sweep.json"), "{\"name\": \"lr-scan\", \"model\": {\"preset\": \"mlp\","
        + " \"activation\": \"relu\"}, \"group_by\": [\"lr\", \"momentum\"]}");
    text(sweep.resolve("runs.csv"), "run_id,lr,momentum,optimizer,nesterov\n"
        + "run_a,1e-3,0.9,sgd,true\n"
        + "run_b,\"1e-2\",,adam,false\n");
    // run_a: wide metrics.csv with nan and inf kept, a blank cell not logged; all three
    // checkpoint formats.
    text(sweep.resolve("run_a/metrics.csv"), "step,loss,acc\n0,2.5,0.1\n10,nan,\n20,inf,0.75\n");
    a0 = SweepFolder.safetensors(sweep.resolve("run_a/checkpoints/step_0.safetensors"), 1);
    a10 = SweepFolder.npz(sweep.resolve("run_a/checkpoints/step_10.npz"), 2);
    a20 = SweepFolder.npy(sweep.resolve("run_a/checkpoints/step_20.npy"), 3);
    // run_b: params.json under runs.csv (csv wins for lr, fills momentum and width); long
    // metrics.csv, unsorted, step 10 logged twice (the last value wins).
    text(sweep.resolve("run_b/params.json"), "{\"lr\": 0.1, \"momentum\": 0.5, \"width\": 64}");
    text(sweep.resolve("run_b/metrics.csv"), "step,name,value\n10,loss,1.0\n0,loss,3.0\n"
        + "10,loss,0.5\n0,acc,-inf\n");
    // run_c: not in runs.csv; nested params.json; metrics.jsonl with NaN and "inf" kept, null
    // not logged.
    text(sweep.resolve("run_c/params.json"), "{\"lr\": 1e-05, \"optimizer\": {\"name\": \"adam\","
        + " \"betas\": [0.9, 0.999]}, \"seed\": 7, \"note\": null, \"tag\": \"x\"}");
    text(sweep.resolve("run_c/metrics.jsonl"), "{\"step\": 0, \"loss\": 1.5, \"phase\": \"warm\"}\n"
        + "\n{\"step\": 5, \"loss\": NaN, \"acc\": null}\n{\"step\": 7, \"loss\": \"inf\"}\n");
    c5 = SweepFolder.safetensors(sweep.resolve("run_c/checkpoints/step_5.safetensors"), 4);
  }

  @Test
  void discoversEveryRunWithParamsMetricsAndCheckpoints() {
    Sweep s = SweepDiscovery.discover(sweep.toString(), SweepFolder.conf(1));
    assertEquals(List.of(), s.errors());
    assertEquals(SweepLayout.NATIVE, s.layout());
    assertEquals(uri(sweep), s.uri());
    assertEquals("lr-scan", s.name());
    assertEquals("{\"preset\":\"mlp\",\"activation\":\"relu\"}", s.modelJson());
    assertEquals(List.of("lr", "momentum"), s.groupBy());
    assertEquals(List.of("run_a", "run_b", "run_c"), s.runs().stream().map(RunInfo::runId)
        .toList());

    RunInfo a = s.runs().get(0);
    assertEquals(uri(sweep.resolve("run_a")), a.location());
    assertEquals(Map.of("lr", "1e-3", "momentum", "0.9", "optimizer", "sgd", "nesterov", "true"),
        a.params());
    assertEquals(Map.of("lr", 1e-3, "momentum", 0.9), a.numericParams());
    assertEquals(new MetricSeries("loss", new long[] {0, 10, 20}, new double[] {2.5, NAN, INF}),
        a.metrics().get("loss"));
    assertEquals(new MetricSeries("acc", new long[] {0, 20}, new double[] {0.1, 0.75}),
        a.metrics().get("acc"));
    Path ck = sweep.resolve("run_a/checkpoints");
    assertEquals(List.of(
        new CheckpointRef(0, List.of(uri(ck.resolve("step_0.safetensors"))), a0, "safetensors"),
        new CheckpointRef(10, List.of(uri(ck.resolve("step_10.npz"))), a10, "npz"),
        new CheckpointRef(20, List.of(uri(ck.resolve("step_20.npy"))), a20, "npy")),
        a.checkpoints());
    assertNull(a.configJson());

    RunInfo b = s.runs().get(1);
    assertEquals(Map.of("lr", "1e-2", "momentum", "0.5", "optimizer", "adam", "nesterov", "false",
        "width", "64"), b.params());
    assertEquals(Map.of("lr", 1e-2, "momentum", 0.5, "width", 64.0), b.numericParams());
    assertEquals(Map.of(
        "loss", new MetricSeries("loss", new long[] {0, 10}, new double[] {3.0, 0.5}),
        "acc", new MetricSeries("acc", new long[] {0}, new double[] {Double.NEGATIVE_INFINITY})),
        b.metrics());
    assertEquals(List.of(), b.checkpoints());

    RunInfo c = s.runs().get(2);
    assertEquals(Map.of("lr", "1e-05", "optimizer.name", "adam", "optimizer.betas", "[0.9,0.999]",
        "seed", "7", "tag", "x"), c.params());
    assertEquals(Map.of("lr", 1e-5, "seed", 7.0), c.numericParams());
    assertEquals(Map.of(
        "loss", new MetricSeries("loss", new long[] {0, 5, 7}, new double[] {1.5, NAN, INF})),
        c.metrics());
    assertEquals(List.of(new CheckpointRef(5, List.of(uri(sweep.resolve(
        "run_c/checkpoints/step_5.safetensors"))), c5, "safetensors")), c.checkpoints());
  }

  @Test
  void plainPathFileUriAndThreadCountGiveTheSameSweep() {
    Sweep plain = SweepDiscovery.discover(sweep.toString(), SweepFolder.conf(1));
    assertEquals(plain, SweepDiscovery.discover(uri(sweep), SweepFolder.conf(1)));
    assertEquals(plain, SweepDiscovery.discover("file://" + sweep.toAbsolutePath() + "/",
        SweepFolder.conf(1)));
    assertEquals(plain, SweepDiscovery.discover(sweep.toString(), SweepFolder.conf(4)));
  }

  @Test
  void sweepWithoutManifestOrHeaderIsNamedAfterItsFolder() {
    Path bare = dir.resolve("bare");
    text(bare.resolve("r1/metrics.csv"), "step,loss\n1,0.5\n");
    text(bare.resolve("_logs/driver.txt"), "hidden folders are not runs");
    Sweep s = SweepDiscovery.discover(bare.toString(), SweepFolder.conf(2));
    assertEquals(List.of(), s.errors());
    assertEquals("bare", s.name());
    assertNull(s.modelJson());
    assertEquals(List.of(), s.groupBy());
    assertEquals(List.of("r1"), s.runs().stream().map(RunInfo::runId).toList());
    assertEquals(Map.of(), s.runs().get(0).params());
  }

  @Test
  void folderThatIsOneRunIsASweepOfOneRun() {
    Sweep s = SweepDiscovery.discover(sweep.resolve("run_a").toString(), SweepFolder.conf(1));
    assertEquals(List.of(), s.errors());
    assertEquals(SweepLayout.NATIVE, s.layout());
    assertEquals(1, s.runs().size());
    RunInfo a = s.runs().get(0);
    assertEquals("run_a", a.runId());
    assertEquals(Map.of(), a.params());
    assertEquals(List.of(0L, 10L, 20L), a.checkpoints().stream().map(CheckpointRef::step)
        .toList());
    assertTrue(a.metrics().containsKey("loss"));
  }

  @Test
  void metricsCsvAndJsonlOfOneRunAreMergedJsonlWinning() {
    text(sweep.resolve("run_a/metrics.jsonl"), "{\"step\": 20, \"loss\": 0.25, \"lr\": 0.1}\n"
        + "{\"step\": 30, \"loss\": 0.2}\n");
    Sweep s = SweepDiscovery.discover(sweep.toString(), SweepFolder.conf(1));
    RunInfo a = s.runs().get(0);
    assertEquals(new MetricSeries("loss", new long[] {0, 10, 20, 30},
        new double[] {2.5, NAN, 0.25, 0.2}), a.metrics().get("loss"));
    assertEquals(new MetricSeries("lr", new long[] {20}, new double[] {0.1}),
        a.metrics().get("lr"));
    assertArrayEquals(new long[] {0, 20}, a.metrics().get("acc").steps());
  }
}
