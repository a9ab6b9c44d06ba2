package org.shockscope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.shockscope.sweep.SweepFolder.text;
import static org.shockscope.sweep.SweepFolder.uri;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.ErrorRecord;

/** The search for checkpoints under an MLflow run's artifacts/ is bounded. */
class MlflowArtifactsTest {
  private static final String UUID = "abcdefabcdefabcdefabcdefabcdef00";

  @TempDir
  Path dir;

  private Path run() {
    Path r = dir.resolve("mlruns/7").resolve(UUID);
    text(r.resolve("params/lr"), "0.1");
    text(r.resolve("metrics/loss"), "1 0.5 0\n");
    return r;
  }

  @Test
  void symbolicLinkLoopIsWalkedOnce() throws IOException {
    Path art = run().resolve("artifacts");
    long size = SweepFolder.npy(art.resolve("a/step_5.npy"), 1);
    Files.createSymbolicLink(art.resolve("a/loop"), art);
    Sweep s = SweepDiscovery.discover(dir.toString(), SweepFolder.conf(1));
    assertEquals(List.of(), s.errors());
    assertEquals(List.of(new CheckpointRef(5, List.of(uri(art.resolve("a/step_5.npy"))), size,
        "npy")), s.runs().get(0).checkpoints());
  }

  @Test
  void checkpointsDeeperThanTheLimitAreReportedNotSearched() {
    Path art = run().resolve("artifacts");
    Path level5 = art.resolve("l1/l2/l3/l4/l5");
    SweepFolder.npy(level5.resolve("step_6.npy"), 1);
    SweepFolder.npy(level5.resolve("l6/step_7.npy"), 2);
    SweepFolder.npy(level5.resolve("l6b/l7/step_8.npy"), 3);
    Sweep s = SweepDiscovery.discover(dir.toString(), SweepFolder.conf(1));
    assertEquals(List.of(6L), s.runs().get(0).checkpoints().stream().map(CheckpointRef::step)
        .toList());
    assertEquals(1, s.errors().size(), s.errors().toString());
    ErrorRecord e = s.errors().get(0);
    assertEquals("depth_limit", e.error());
    assertEquals(uri(level5.resolve("l6")), e.source());
    assertEquals(UUID, e.runId());
    assertTrue(e.message().contains("6 levels below " + uri(art)), e.message());
  }

  @Test
  void pickleNamedAsACheckpointIsRefusedOtherArtifactsIgnored() {
    Path art = run().resolve("artifacts");
    text(art.resolve("ckpt/step_3.pt"), "pickle");
    text(art.resolve("ckpt/step_3.png"), "plot");
    text(art.resolve("model/data/model.pth"), "mlflow model");
    SweepFolder.safetensors(art.resolve("ckpt/step_4.safetensors"), 1);
    Sweep s = SweepDiscovery.discover(dir.resolve("mlruns").toString(), SweepFolder.conf(1));
    assertEquals(1, s.errors().size(), s.errors().toString());
    assertEquals("pickle_refused", s.errors().get(0).error());
    assertEquals(uri(art.resolve("ckpt/step_3.pt")), s.errors().get(0).source());
    assertEquals(List.of(4L), s.runs().get(0).checkpoints().stream().map(CheckpointRef::step)
        .toList());
  }
}
