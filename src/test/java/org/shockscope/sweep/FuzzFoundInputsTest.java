package org.shockscope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shockscope.ErrorRecord;
import org.shockscope.io.SafetensorsWriter;
import org.shockscope.io.DType;
import org.shockscope.io.Tensor;
import org.shockscope.io.TensorFile;
import org.shockscope.io.TensorFiles;
import org.shockscope.io.TensorFormatException;

/**
 * The inputs the sweep fuzzer ({@link SweepDiscoveryFuzzTest}) found silently lost or
 * misread, each written out once by hand: every one now gives exactly one error record naming
 * it, and the rest of its run is read as before.
 */
class FuzzFoundInputsTest {
  @TempDir
  Path dir;

  @Test
  void anMlflowMetricLineCutToTwoFieldsIsSkippedNotTakenAsAStepIndex() throws IOException {
    Path run = dir.resolve("mlruns/1/abc");
    SweepFolder.text(run.resolve("params/lr"), "0.1");
    // line 2 lost its step: as an old-format line its step would be its index, 1, and it
    // would overwrite the real point of step 1
    Path loss = SweepFolder.text(run.resolve("metrics/loss"),
        "1000 0.5 0\n1001 0.9\n1002 0.25 1\n1003 0.125 2\n");
    Sweep s = SweepDiscovery.discover(dir.toString(), SweepFolder.conf(1));
    assertEquals(1, s.errors().size(), s.errors().toString());
    ErrorRecord e = s.errors().get(0);
    assertEquals(SweepFolder.uri(loss), e.source());
    assertEquals("bad_lines", e.error());
    assertTrue(e.message().contains("line 2: no step, where the file's other lines have one"),
        e.message());
    MetricSeries m = s.runs().get(0).metrics().get("loss");
    assertEquals(List.of(0L, 1L, 2L), java.util.Arrays.stream(m.steps()).boxed().toList());
    assertEquals(0.25, m.values()[1]);
  }

  @Test
  void anMlflowMetricFileWithoutAnyStepStillUsesLineIndices() throws IOException {
    Path run = dir.resolve("mlruns/1/abc");
    SweepFolder.text(run.resolve("metrics/loss"), "1000 0.5\n1001 0.25\n");
    Sweep s = SweepDiscovery.discover(dir.toString(), SweepFolder.conf(1));
    assertEquals(List.of(), s.errors());
    assertEquals(1, s.runs().get(0).metrics().get("loss").steps()[1]);
  }

  @Test
  void aFolderWhereARunFileShouldBeIsReportedOnce() throws IOException {
    Path run = dir.resolve("run1");
    SweepFolder.text(run.resolve("metrics.csv"), "step,loss\n0,1.0\n1,0.5\n");
    Files.createDirectories(run.resolve("params.json"));
    Sweep s = SweepDiscovery.discover(dir.toString(), SweepFolder.conf(1));
    assertEquals(1, s.errors().size(), s.errors().toString());
    assertEquals(SweepFolder.uri(run.resolve("params.json")), s.errors().get(0).source());
    assertEquals("unreadable", s.errors().get(0).error());
    assertEquals(2, s.runs().get(0).metrics().get("loss").steps().length);
  }

  @Test
  void anMlflowArtifactFolderNamedLikeACheckpointIsReported() throws IOException {
    Path run = dir.resolve("mlruns/1/abc");
    SweepFolder.text(run.resolve("metrics/loss"), "1000 0.5 0\n");
    SweepFolder.safetensors(run.resolve("artifacts/ck/step_10.safetensors"), 1);
    Files.createDirectories(run.resolve("artifacts/ck/step_20.safetensors"));
    Sweep s = SweepDiscovery.discover(dir.toString(), SweepFolder.conf(1));
    assertEquals(1, s.errors().size(), s.errors().toString());
    assertEquals("bad_name", s.errors().get(0).error());
    assertTrue(s.errors().get(0).source().endsWith("artifacts/ck/step_20.safetensors"));
    assertEquals(1, s.runs().get(0).checkpoints().size());
  }

  @Test
  void aShardedCheckpointIsReadThroughItsIndexSoAMisplacedTensorIsAnError()
      throws IOException {
    Path ck = dir.resolve("run1/checkpoint-10");
    Tensor a = new Tensor("a.weight", DType.F32, new int[] {2, 3}, new double[6]);
    Tensor b = new Tensor("b.weight", DType.F32, new int[] {3, 2}, new double[6]);
    Files.createDirectories(ck);
    Files.write(ck.resolve("model-00001-of-00002.safetensors"),
        SafetensorsWriter.toBytes(List.of(a), null));
    Files.write(ck.resolve("model-00002-of-00002.safetensors"),
        SafetensorsWriter.toBytes(List.of(b), null));
    // b.weight is in shard 2, but the index says shard 1
    Path index = SweepFolder.text(ck.resolve("model.safetensors.index.json"),
        "{\"weight_map\": {\"a.weight\": \"model-00001-of-00002.safetensors\","
            + " \"b.weight\": \"model-00001-of-00002.safetensors\"}}");
    Sweep s = SweepDiscovery.discover(dir.toString(), SweepFolder.conf(1));
    assertEquals(List.of(), s.errors());
    List<String> files = s.runs().get(0).checkpoints().get(0).files();
    assertEquals(List.of(SweepFolder.uri(index)), files);
    TensorFormatException e = assertThrows(TensorFormatException.class, () -> {
      try (TensorFile f = TensorFiles.open(files.get(0), new Configuration())) {
        f.readAll();
      }
    });
    assertTrue(e.getMessage().contains("model.safetensors.index.json"), e.getMessage());
  }
}
